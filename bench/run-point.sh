#!/bin/bash
# One run of the benchmark: one build, N ports, one RTNL contention.
#
# usage: bench/run-point.sh [OPTION]... OVS_TREE N
#
#   --build NAME      name recorded for the build (default: the tree's name)
#   --delay-us D      rtnl-probe spins D us (0..1000) after every RTNL
#                     acquisition on the machine while armed (default 0)
#   --hook H          the probe's hook: watchpoint (default) counts and
#                     delays RTNL acquisitions; netdev-event delays each
#                     device change instead and counts no acquisitions
#   --pressure R      rtnl-pressure at R operations/s in a namespace of its
#                     own during the churn (default 0: none)
#   --probe yes|no    arm rtnl-probe around the churn (default yes); "no"
#                     records no acquisitions and injects no delay
#   --settle-max S    wait at most S seconds after the setup for the daemon
#                     to go quiet (default 12 + N / 20)
#   --tail S          seconds after the churn round, counted too (default 3)
#   --dir DIR         work directory (default: a new one in /tmp); removed
#                     at the end unless --keep
#   --keep            keep the work directory (logs of the daemons)
#
# Starts ovsdb-server and ovs-vswitchd of OVS_TREE (built in _build/, or a
# copy of its programs with that layout, as utilities/bench.sh makes) in a
# network namespace of their own with a userspace-datapath bridge br0 and
# N veth ports (churn-driver --setup), waits until the daemon has finished
# the work of the setup, then churns every port once with churn-driver
# (timed by it), with rtnl-probe armed from just before the round to the
# end of the tail: the probe counts RTNL acquisitions per process and, with
# --delay-us, injects the contention.  ovs-vswitchd's coverage counters
# and CPU time are read before the round and after the tail, and with
# perf(1) its ioctl system calls are counted over the same window.
#
# Prints one JSON object (one line) with the raw values; bench/report.py
# computes the per-port figures.  The daemon's RTNL acquisitions are those
# of its pid ("vswitchd_pid") in the probe's "by_pid": its "by_comm" adds
# up every process named ovs-vswitchd on the machine, tests running
# beside included.  A counter the build lacks is null.  When
# the probe cannot work here (exit 77: not root, no BPF, no hardware
# watchpoints) the round is run without it, "probe" is null and
# "probe_status" says why: nothing is silently zero.
#
# Exit status: 0 on success, 1 on failure, 2 on bad usage.

set -eu

BENCH=$(cd "$(dirname "$0")" && pwd)
DRIVER=$BENCH/churn/churn-driver
PRESSURE_TOOL=$BENCH/churn/rtnl-pressure
PROBE=$BENCH/rtnl/rtnl-probe
COUNTERS='netlink_sent netdev_linux_getlink netdev_linux_siocgifflags
          route_table_dump bridge_reconfigure'

usage() { sed -n '3,22p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
err() { echo "run-point: $*" >&2; }

build= delay=0 hook=watchpoint pressure=0 use_probe=yes settle_max= tail_s=3 dir= keep=
args=()
while [ $# -gt 0 ]; do
    case $1 in
        --build) build=$2; shift 2 ;;
        --delay-us) delay=$2; shift 2 ;;
        --hook) hook=$2; shift 2 ;;
        --pressure) pressure=$2; shift 2 ;;
        --probe) use_probe=$2; shift 2 ;;
        --settle-max) settle_max=$2; shift 2 ;;
        --tail) tail_s=$2; shift 2 ;;
        --dir) dir=$2; shift 2 ;;
        --keep) keep=1; shift ;;
        --) shift; args+=("$@"); break ;;
        -*) usage ;;
        *) args+=("$1"); shift ;;
    esac
done
[ ${#args[@]} = 2 ] || usage
tree=$(cd "${args[0]}" && pwd)
n=${args[1]}
number() {
    case $2 in
        ''|*[!0-9]*) err "$1 wants a whole number, not '$2'"; exit 2 ;;
    esac
}
number N "$n"
number --delay-us "$delay"
number --pressure "$pressure"
[ -n "$settle_max" ] || settle_max=$((12 + n / 20))
number --settle-max "$settle_max"
number --tail "$tail_s"
[ "$n" -gt 0 ] || { err "N must be positive"; exit 2; }
[ "$delay" -le 1000 ] || { err "--delay-us is at most 1000"; exit 2; }
case $use_probe in yes|no) ;; *) usage ;; esac
case $hook in watchpoint|netdev-event) ;; *) usage ;; esac
[ -n "$build" ] || build=${tree##*/}
[ -x "$tree/_build/vswitchd/ovs-vswitchd" ] \
    || { err "$tree is not built (make build / make build-stock)"; exit 1; }
for tool in "$DRIVER" "$PRESSURE_TOOL"; do
    [ -x "$tool" ] || { err "$tool is missing (make tools)"; exit 1; }
done
[ "$(id -u)" = 0 ] || { err "needs root (namespaces, veth)"; exit 1; }
if [ "$delay" -gt 0 ] && [ $use_probe = no ]; then
    err "--delay-us needs the probe"; exit 2
fi

# shellcheck source=lib/sandbox.sh
. "$BENCH/lib/sandbox.sh"

if [ -z "$dir" ]; then
    dir=$(mktemp -d /tmp/ovs-bench.XXXXXX)
else
    mkdir -p "$dir"
fi
name=bench-$$
prs_ns=ovs-$name-prs
prs_pid=
cleanup() {
    local status=$?
    if [ -n "$prs_pid" ]; then
        kill -TERM "$prs_pid" 2>/dev/null || true
        wait "$prs_pid" 2>/dev/null || true
    fi
    ip netns del "$prs_ns" 2>/dev/null || true
    stop_perf
    sandbox_stop
    case $status in
        0|130) [ -n "$keep" ] || rm -rf "$dir"
               [ $status = 0 ] || err "interrupted" ;;
        *) err "failed; logs in $dir" ;;
    esac
}
trap cleanup EXIT
trap 'exit 130' INT TERM
# The daemons' start-up messages go to a file, shown if the start fails.
exec 3>&2
set -E
trap 'cat "$dir/start.err" >&3; err "cannot start the sandbox; files in $dir" 2>&3' ERR
sandbox_start "$tree" "$dir" "$name" > /dev/null 2> "$dir/start.err"
trap - ERR
set +E
exec 3>&-
trap cleanup EXIT

vsctl="$tree/_build/utilities/ovs-vsctl --db=unix:$dir/db.sock --timeout=120"
# Adding all N ports in one transaction takes stock longer than 120 s from
# some hundreds of ports on (about N = 1000 here), so the setup, which is
# not timed, may wait longer.
setup_vsctl="${vsctl% --timeout=120} --timeout=$((120 + n))"
counter() {
    sb_appctl coverage/read-counter "$1" 2>/dev/null || echo n/a
}
counters_json() {
    local c v sep=
    printf '{'
    for c in $COUNTERS; do
        v=$(counter "$c")
        case $v in ''|*[!0-9]*) v=null ;; esac
        printf '%s"%s":%s' "$sep" "$c" "$v"
        sep=,
    done
    printf '}'
}
cpu_ticks() {
    awk '{ print $14 + $15 }' "/proc/$(sandbox_vswitchd_pid)/stat"
}
# The daemon's ioctls (a kernel request each, as a netlink message is),
# which no coverage counter counts in all: perf(1) counts them, from
# start_counting to stop_perf.
perf_pid=
stop_perf() {
    if [ -n "$perf_pid" ]; then
        kill -INT "$perf_pid" 2>/dev/null || true
        wait "$perf_pid" 2>/dev/null || true
        perf_pid=
    fi
}
start_counting() {
    stop_perf
    rm -f "$dir/perf"
    if command -v perf > /dev/null; then
        perf stat -x, -o "$dir/perf" -p "$(sandbox_vswitchd_pid)" \
            -e syscalls:sys_enter_ioctl > /dev/null 2>&1 &
        perf_pid=$!
    fi
    before=$(counters_json)
    cpu_before=$(cpu_ticks)
}
now() { date +%s.%N; }
elapsed() { echo "$(now) - $1" | bc -l | xargs printf '%.2f'; }

started=$(date -u +%Y-%m-%dT%H:%M:%SZ)

# The ports.
sb_ns "$DRIVER" --ports "$n" --setup --vsctl "$setup_vsctl" > "$dir/setup.out"

# Let the daemon finish the work of the setup (link-local addresses, IPv6
# DAD, route changes): wait until its event-driven counters have not moved
# for 3 s in a row, at least 3 s and at most --settle-max.  (netlink_sent
# never stops: the daemon reads statistics every few seconds.)
settle_start=$(now)
quiet=0 last= waited=0
while [ $waited -lt "$settle_max" ]; do
    sleep 1
    waited=$((waited + 1))
    cur="$(counter route_table_dump) $(counter bridge_reconfigure)"
    cur="$cur $(counter netdev_linux_getlink)"
    if [ "$cur" = "$last" ]; then
        quiet=$((quiet + 1))
    else
        quiet=0
    fi
    last=$cur
    [ $quiet -lt 3 ] || [ $waited -lt 3 ] || break
done
settle_s=$(elapsed "$settle_start")

# Background RTNL pressure, from a namespace of its own.
pressure_out=
if [ "$pressure" -gt 0 ]; then
    ip netns add "$prs_ns"
    ip netns exec "$prs_ns" "$PRESSURE_TOOL" --rate "$pressure" \
        --duration 3600 > "$dir/pressure.out" 2> "$dir/pressure.err" &
    prs_pid=$!
    sleep 1     # its devices exist and its schedule has started
fi

# The churn round, with the tail, under the probe.
cat > "$dir/round.sh" <<EOF
#!/bin/bash
set -e
ip netns exec "$SANDBOX_NS" "$DRIVER" --ports "$n" --rounds 1 --json \\
    --vsctl "$vsctl" > "$dir/churn.json" 2> "$dir/churn.err"
sleep "$tail_s"
EOF
chmod +x "$dir/round.sh"

vswitchd_pid=$(sandbox_vswitchd_pid)
probe_status=off
probe_json=null
# The probe's bound: far more than any round takes, so that it is not hit.
bound=$((300 + n * (2 + 4 * delay / 100)))
[ $bound -le 3600 ] || bound=3600
if [ $use_probe = yes ]; then
    # Exit status 77 before the round started: the probe found no usable
    # rtnl_mutex.  Besides a missing capability, that happens when the
    # mutex is busy just then (owner and waiters set, on a loaded
    # machine), so try again a few times before going on without it.
    for _ in 1 2 3 4 5 6 7 8 9 10; do
        start_counting
        set +e
        "$PROBE" --json --output "$dir/probe.json" --hook "$hook" \
            --delay-us "$delay" \
            --duration "$bound" -- "$dir/round.sh" 2> "$dir/probe.err"
        status=$?
        set -e
        [ $status = 77 ] && [ ! -s "$dir/churn.json" ] || break
        sleep 0.5
    done
    if [ $status = 77 ] && [ ! -s "$dir/churn.json" ]; then
        probe_status="unavailable: $(tail -n 1 "$dir/probe.err" \
                                     | tr -d '"\\' | tr -c '[:print:]' ' ')"
        err "rtnl-probe: $probe_status (10 tries); the round runs without it"
        if [ "$delay" -gt 0 ]; then
            err "no probe, so no injected delay: $delay us not measured"
            exit 77
        fi
        start_counting
        "$dir/round.sh"
    elif [ $status != 0 ]; then
        cat "$dir/churn.err" "$dir/probe.err" >&2 || true
        err "the churn round failed (exit status $status)"
        exit 1
    else
        probe_status=ok
        probe_json=$(cat "$dir/probe.json")
        if grep -q '"timed_out":true' "$dir/probe.json"; then
            probe_status="timed out after $bound s: counts are partial"
        fi
    fi
else
    start_counting
    "$dir/round.sh"
fi
cpu_after=$(cpu_ticks)
after=$(counters_json)
stop_perf
ioctls=$(awk -F, '$3 == "syscalls:sys_enter_ioctl" { print $1 }' \
             "$dir/perf" 2>/dev/null)
case $ioctls in ''|*[!0-9]*) ioctls=null ;; esac

if [ -n "$prs_pid" ]; then
    if ! kill -TERM "$prs_pid" 2>/dev/null; then
        cat "$dir/pressure.err" >&2
        err "rtnl-pressure stopped before the end of the round"
        exit 1
    fi
    wait "$prs_pid" || { cat "$dir/pressure.err" >&2; exit 1; }
    prs_pid=
    pressure_out=$(tr -d '\n"' < "$dir/pressure.out")
    ip netns del "$prs_ns"
fi

commit=$(cat "$tree/COMMIT" 2>/dev/null \
         || git -C "$tree" rev-parse HEAD 2>/dev/null || echo unknown)
{
    printf '{"build":"%s","tree":"%s","commit":"%s","started":"%s",' \
        "$build" "$tree" "$commit" "$started"
    printf '"vswitchd_pid":%d,' "$vswitchd_pid"
    printf '"ports":%d,"delay_us":%d,"delay_hook":"%s",' "$n" "$delay" \
        "$hook"
    printf '"pressure_ops":%d,"pressure_result":"%s",' "$pressure" "$pressure_out"
    printf '"settle_s":%s,"tail_s":%d,"clk_tck":%d,"cpu_ticks":%d,' \
        "$settle_s" "$tail_s" "$(getconf CLK_TCK)" $((cpu_after - cpu_before))
    printf '"counters_before":%s,"counters_after":%s,' "$before" "$after"
    printf '"ioctls":%s,' "$ioctls"
    printf '"churn":%s,"probe_status":"%s","probe":%s}\n' \
        "$(cat "$dir/churn.json")" "$probe_status" "$probe_json"
} | tee "$dir/run.json"

# One line for the log: the round's time, the daemon's RTNL acquisitions,
# and with pressure the latency of the pressure tool's requests.
python3 -c '
import json, re, sys
r = json.load(open(sys.argv[1]))
p = r["probe"]
acq = ("%.0f" % (sum(q["count"] for q in p["by_pid"]
                     if q["pid"] == r["vswitchd_pid"]) / r["ports"])
       if p and p.get("hook", "watchpoint") == "watchpoint" else "n/a")
line = ("run-point: %s N=%d delay %d us: %.2f s, %s RTNL acquisitions per port"
        % (r["build"], r["ports"], r["delay_us"], r["churn"]["seconds"][0],
           acq))
if r["pressure_ops"]:
    ops = dict(re.findall(r"(\w+)=([0-9.]+)", r["pressure_result"]))
    line += ("; beside %d RTNL ops/s taking %s us on average"
             % (r["pressure_ops"], ops.get("op_us_mean", "n/a")))
print(line)
' "$dir/run.json" >&2
