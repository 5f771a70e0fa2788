#!/bin/bash
# Smoke test of 'make bench': two tiny points (N = 3 ports, no injected
# delay, without and with background RTNL pressure, one run of each build)
# through bench/run-point.sh, bench/report.py and bench/plot.sh; the
# pressure tool must have run through the churn and the pressure plot be
# drawn.  Where the probe's watchpoint does not fire but its netdev-event
# hook works, a third point, with pressure and 100 us at every netdev
# event, must have delayed the pressure tool's device changes.  Counts
# only, no timed assertion: the series must need fewer RTNL acquisitions
# by ovs-vswitchd per churned port than stock (rtnl-probe); without the
# probe, fewer netlink requests (netlink_sent), with the series'
# single-device RTM_GETLINK (netdev_linux_getlink) counted at all and
# fewer than stock's netlink requests.  Then bench/agent-floor.sh, with
# N = 2: one round runs, bad input is refused, nothing is left behind.
#
# Exit status: 0 pass, 1 fail, 77 skip (the reason on stderr).

set -eu
TOP=${TOP:-$(cd "$(dirname "$0")/.." && pwd)}
SERIES_TREE=${SERIES_TREE:-$TOP/build/ovs}
STOCK_TREE=${STOCK_TREE:-$TOP/build/ovs-stock}
n=3

skip() { echo "skip: $*" >&2; exit 77; }
fail() { echo "FAIL: $*" >&2; exit 1; }

[ "$(id -u)" = 0 ] || skip "needs root (namespaces, veth, rtnl-probe)"
for tree in "$SERIES_TREE" "$STOCK_TREE"; do
    [ -x "$tree/_build/vswitchd/ovs-vswitchd" ] \
        || skip "$tree is not built (make build build-stock)"
done
[ -x "$TOP/bench/churn/churn-driver" ] \
    && [ -x "$TOP/bench/churn/rtnl-pressure" ] \
    || skip "the churn tools are not built (make tools)"
command -v python3 > /dev/null || skip "no python3"
if [ "$(git -C "$SERIES_TREE" rev-list --count base..HEAD)" = 0 ]; then
    skip "the series is empty"
fi

probe=yes
if [ ! -x "$TOP/bench/rtnl/rtnl-probe" ]; then
    probe=no why="rtnl-probe is not built"
else
    # A busy rtnl_mutex can fail the check too (77): try a few times.
    for _ in 1 2 3 4 5; do
        why=$("$TOP/bench/rtnl/rtnl-probe" --check 2>&1) && status=0 \
            || status=$?
        [ $status = 77 ] || break
        sleep 0.5
    done
    if [ $status = 77 ]; then
        probe=no why=${why##*$'\n'}
    elif [ $status != 0 ]; then
        fail "rtnl-probe --check: exit status $status: $why"
    fi
fi
[ $probe = yes ] || echo "no RTNL counts ($why): comparing netlink" \
                        "requests instead" >&2
delay_hook=none
if [ $probe = no ] && [ -x "$TOP/bench/rtnl/rtnl-probe" ] \
   && "$TOP/bench/rtnl/rtnl-probe" --hook netdev-event --check \
          > /dev/null 2>&1; then
    delay_hook=netdev-event
    echo "a third point: pressure and 100 us at every netdev event" >&2
fi

out=$(mktemp -d /tmp/bench-smoke.XXXXXX)
trap 'rm -rf "$out"' EXIT
pressure_rate=500
points="1 2"
[ $delay_hook = none ] || points="1 2 3"
for point in $points; do
    pressure=$pressure_rate
    delay=(--probe $probe)
    case $point in
        1) pressure=0 ;;
        3) delay=(--probe yes --hook $delay_hook --delay-us 100) ;;
    esac
    for build in stock series; do
        tree=$SERIES_TREE
        [ $build = series ] || tree=$STOCK_TREE
        line=$("$TOP/bench/run-point.sh" --build $build "${delay[@]}" \
                   --pressure $pressure --settle-max 8 --tail 2 "$tree" $n) \
            || fail "bench/run-point.sh failed for $build," \
                    "pressure $pressure/s"
        echo "{\"point\":$point,\"round\":1,${line#\{}" \
            >> "$out/runs.jsonl"
    done
done

python3 "$TOP/bench/report.py" "$out/runs.jsonl" "$out" \
    || fail "bench/report.py failed"
for f in results.json results.csv plot.dat; do
    [ -s "$out/$f" ] || fail "bench/report.py wrote no $f"
done
runs=$((2 * $(echo $points | wc -w)))
[ "$(wc -l < "$out/results.csv")" = $((runs + 1)) ] \
    || fail "results.csv should have a header and $runs runs"
# The pressure tool ran beside the churns of points 2 and 3, and only
# there.
python3 - "$out/results.json" "$pressure_rate" "$delay_hook" <<'PY' \
    || fail "pressure: see above"
import json, re, sys
rate, delay_hook = int(sys.argv[2]), sys.argv[3]
for run in json.load(open(sys.argv[1]))["runs"]:
    ops = re.search(r"ops=(\d+)", run["pressure_result"] or "")
    if run["delay_us"]:
        probe = run["probe"] or {}
        if (run["delay_hook"] != delay_hook or not probe.get("delayed")
                or run["acq_per_port"] is not None):
            sys.exit(f"{run['build']}: {delay_hook} hook: recorded "
                     f"{run['delay_hook']}, {probe.get('delayed')} events "
                     f"delayed, acquisitions {run['acq_per_port']}")
        print(f"{run['build']}: {probe['delayed']} netdev events delayed")
    if run["pressure_ops"] == rate:
        if not ops or int(ops.group(1)) == 0:
            sys.exit(f"{run['build']}: no RTNL operations beside the churn"
                     f" at {rate}/s: {run['pressure_result']!r}")
        if run["others_op_us_p99"] is None:
            sys.exit(f"{run['build']}: the pressure tool's requests were"
                     f" not timed: {run['pressure_result']!r}")
        print(f"{run['build']}: beside the churn, {ops.group(0)}, taking"
              f" {run['others_op_us_mean']:.0f} us on average")
    elif ops:
        sys.exit(f"{run['build']}: pressure where none was asked for")
PY
grep -qx "# groups: $n:0" "$out/pressure.dat" \
    || fail "pressure.dat has no group for N=$n:" \
            "$(head -n 1 "$out/pressure.dat")"
if command -v gnuplot > /dev/null; then
    "$TOP/bench/plot.sh" "$out" > /dev/null || fail "bench/plot.sh failed"
    for png in time-vs-n time-vs-pressure; do
        [ -s "$out/$png.png" ] || fail "bench/plot.sh drew no $png.png"
    done
else
    echo "no gnuplot: plots not checked" >&2
fi

# The per-port figures of the one point, by build.
get() {
    python3 - "$out/results.json" "$1" "$2" <<'PY'
import json, sys
point = json.load(open(sys.argv[1]))["points"][0]
value = point[sys.argv[2]][sys.argv[3]]["mean"]
print("n/a" if value is None else "%.1f" % value)
PY
}
less() { python3 -c "import sys; sys.exit(not ($1 < $2))"; }

if [ $probe = yes ]; then
    stock=$(get stock acq_per_port)
    series=$(get series acq_per_port)
    echo "RTNL acquisitions by ovs-vswitchd per churned port (N=$n):" \
         "stock $stock, series $series"
    [ "$stock" != n/a ] && [ "$series" != n/a ] \
        || fail "rtnl-probe gave no counts"
    less "$series" "$stock" \
        || fail "the series needs $series RTNL acquisitions per churned" \
                "port, not fewer than stock's $stock"
else
    stock=$(get stock netlink_sent_per_port)
    series=$(get series netlink_sent_per_port)
    getlink=$(get series getlink_per_port)
    echo "netlink requests per churned port (N=$n): stock $stock," \
         "series $series (single-device RTM_GETLINK: $getlink)"
    [ "$getlink" != n/a ] || fail "the series has no netdev_linux_getlink"
    less "$series" "$stock" \
        || fail "the series sends $series netlink requests per churned" \
                "port, not fewer than stock's $stock"
    less "$getlink" "$stock" \
        || fail "the series sends $getlink RTM_GETLINK per churned port," \
                "not fewer than stock's $stock netlink requests"
fi
# The agent's floor (bench/agent-floor.sh): its rounds run, it refuses
# bad input, and it leaves no namespace behind.
floor=$("$TOP/bench/agent-floor.sh" "$STOCK_TREE" 2 1 2> "$out/floor.err") \
    || fail "bench/agent-floor.sh failed: $(tail -n 3 "$out/floor.err")"
echo "agent floor (N=2): $floor"
echo "$floor" | grep -q '^rounds=1 mean_s=[0-9.]* std_s=n/a$' \
    || fail "bench/agent-floor.sh printed no mean of its round"
echo "$floor" | grep -q '^devices: rounds=1 mean_s=[0-9.]* std_s=n/a$' \
    || fail "bench/agent-floor.sh printed no mean of the devices alone"
if "$TOP/bench/agent-floor.sh" "$STOCK_TREE" 2 x 2> "$out/floor.err"; then
    fail "bench/agent-floor.sh took 'x' rounds"
fi
grep -q "must be positive numbers, not 'x'" "$out/floor.err" \
    || fail "bench/agent-floor.sh did not say what is wrong with 'x'"
if ip netns list | grep -q '^ovs-floor-'; then
    fail "bench/agent-floor.sh left a namespace: $(ip netns list)"
fi
echo "ok"
