#!/bin/bash
# The churn tools of the benchmark (bench/churn/) do what they say, in
# network namespaces of their own and with a fake ovs-vsctl that only logs
# its arguments:
#
#   churn-driver --setup creates the veth pairs, sets them up and adds every
#   port with one vsctl call; a round removes, re-creates (new ifindex) and
#   re-adds each port in order; --teardown removes them all;
#   rtnl-pressure makes dumps and changes, times each, and deletes its
#   devices at exit.
#
# Never touches the host's own interfaces: every device command names a
# namespace of this test.

set -u
TOP=${TOP:-$(cd "$(dirname "$0")/.." && pwd)}
CHURN=$TOP/bench/churn
N=5

skip() { echo "skip: $*" >&2; exit 77; }
fail() { echo "FAIL: $*" >&2; exit 1; }

[ "$(id -u)" = 0 ] || skip "needs root for network namespaces"
command -v pkg-config >/dev/null \
    && pkg-config --exists libnl-3.0 libnl-route-3.0 \
    || skip "libnl-3 / libnl-route-3 development files missing" \
            "(apt-get install libnl-3-dev libnl-route-3-dev)"

make -s -C "$CHURN" || fail "building bench/churn"

ns=churn-test-$$
ns2=churn-prs-$$
dir=$(mktemp -d /tmp/churn-test.XXXXXX)
# shellcheck disable=SC2317  # called by the EXIT trap
cleanup() {
    ip netns del "$ns" 2>/dev/null
    ip netns del "$ns2" 2>/dev/null
    rm -rf "$dir"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# The fake ovs-vsctl: one line per call, its arguments.
log=$dir/vsctl.log
cat > "$dir/vsctl" <<EOF
#!/bin/sh
echo "\$*" >> "$log"
EOF
chmod +x "$dir/vsctl"
: > "$log"
# Extra words in --vsctl stand for the options a real call carries.
VSCTL="$dir/vsctl --db=unix:$dir/db.sock --timeout=120"

ip netns add "$ns" || fail "cannot create namespace $ns"
ip netns add "$ns2" || fail "cannot create namespace $ns2"

driver() { ip netns exec "$ns" "$CHURN/churn-driver" "$@"; }
# Prints the ifindex of device $2 in namespace $1, nothing if it is absent.
ifindex() {
    ip -n "$1" -o link show dev "$2" 2>/dev/null | sed -n 's/^\([0-9]*\):.*/\1/p'
}
expect_ports() {   # STAGE present|absent
    local i dev line
    for i in $(seq $N); do
        for dev in "p$i" "q$i"; do
            line=$(ip -n "$ns" -o link show dev "$dev" 2>/dev/null)
            if [ "$2" = present ]; then
                [ -n "$line" ] || fail "$1: $dev missing"
                echo "$line" | grep -Eq '<([^>]*,)?UP[,>]' \
                    || fail "$1: $dev is not up: $line"
            else
                [ -z "$line" ] || fail "$1: $dev still there: $line"
            fi
        done
    done
}
expect_log() {     # STAGE EXPECTED-FILE
    if ! diff -u "$2" "$log" >&2; then
        fail "$1: ovs-vsctl was not called as expected (diff above)"
    fi
    : > "$log"
}
opts="--db=unix:$dir/db.sock --timeout=120"

# Setup.
expect_ports "before setup" absent
driver --ports $N --setup --bridge br7 --vsctl "$VSCTL" > "$dir/out" \
    || fail "setup: churn-driver failed"
expect_ports "after setup" present
{
    printf '%s' "$opts"
    for i in $(seq $N); do printf ' -- add-port br7 p%d' "$i"; done
    echo
} > "$dir/expected"
expect_log "setup" "$dir/expected"
[ ! -s "$dir/out" ] || fail "setup printed results: $(cat "$dir/out")"

# Two rounds.
before=$(ifindex "$ns" p1)
driver --ports $N --rounds 2 --bridge br7 --vsctl "$VSCTL" > "$dir/out" \
    || fail "rounds: churn-driver failed"
cat "$dir/out"
expect_ports "after 2 rounds" present
after=$(ifindex "$ns" p1)
[ -n "$before" ] && [ -n "$after" ] && [ "$before" != "$after" ] \
    || fail "p1 was not re-created: ifindex $before before, $after after"
for r in 1 2; do
    grep -Eq "^round=$r ports=$N seconds=[0-9]+\.[0-9]+$" "$dir/out" \
        || fail "no line for round $r"
done
grep -Eq '^rounds=2 mean_s=[0-9.]+ std_s=[0-9.]+$' "$dir/out" \
    || fail "no summary line"
[ "$(wc -l < "$dir/out")" = 3 ] || fail "unexpected output"
for r in 1 2; do
    for i in $(seq $N); do
        echo "$opts del-port br7 p$i"
        echo "$opts add-port br7 p$i"
    done
done > "$dir/expected"
expect_log "rounds" "$dir/expected"

# --json: one object on standard output, with every round.
driver --ports $N --rounds 1 --json --bridge br7 --vsctl "$VSCTL" \
    > "$dir/out" 2>/dev/null || fail "json: churn-driver failed"
if command -v python3 >/dev/null; then
    python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert d["ports"] == int(sys.argv[2]) and d["rounds"] == 1, d
assert len(d["seconds"]) == 1 and d["seconds"][0] > 0, d
' "$dir/out" $N || fail "bad JSON: $(cat "$dir/out")"
else
    grep -Eq '^\{"ports": '$N', "rounds": 1, "seconds": \[[0-9.]+\]' \
        "$dir/out" || fail "bad JSON: $(cat "$dir/out")"
fi
: > "$log"

# A failing ovs-vsctl stops the churn with an error.
if driver --ports $N --vsctl false > /dev/null 2>&1; then
    fail "churn-driver succeeded although ovs-vsctl failed"
fi

# Teardown.
driver --ports $N --teardown --bridge br7 --vsctl "$VSCTL" > "$dir/out" \
    || fail "teardown: churn-driver failed"
expect_ports "after teardown" absent
{
    printf '%s' "$opts"
    for i in $(seq $N); do
        printf ' -- --if-exists del-port br7 p%d' "$i"
    done
    echo
} > "$dir/expected"
expect_log "teardown" "$dir/expected"
echo "ok: churn-driver setup, 2 rounds, json, teardown"

# rtnl-pressure, 2 s at 200 operations per second.
ip netns exec "$ns2" "$CHURN/rtnl-pressure" --rate 200 --duration 2 \
    --devices 4 > "$dir/prs.out" &
pid=$!
sleep 1
[ -n "$(ifindex "$ns2" prs1)" ] || { wait $pid; fail "prs1 not created"; }
wait $pid || fail "rtnl-pressure failed: $(cat "$dir/prs.out")"
cat "$dir/prs.out"
read -r ops dumps changes < <(sed -n \
    's/^ops=\([0-9]*\) dumps=\([0-9]*\) changes=\([0-9]*\) seconds=.*/\1 \2 \3/p' \
    "$dir/prs.out")
[ -n "${ops:-}" ] || fail "rtnl-pressure printed no summary"
[ "$ops" -gt 0 ] && [ "$dumps" -gt 0 ] && [ "$changes" -gt 0 ] \
    || fail "rtnl-pressure did nothing: $(cat "$dir/prs.out")"
# Its requests were timed: a latency for each, in order p50 <= p99 <= max.
latency() { sed -n "s/.* op_us_$1=\\([0-9]*\\).*/\\1/p" "$dir/prs.out"; }
p50=$(latency p50) p99=$(latency p99) max=$(latency max)
[ -n "${max:-}" ] || fail "rtnl-pressure printed no latencies"
# The quantiles are rounded up to the microsecond, the maximum to nearest.
[ "$p50" -gt 0 ] && [ "$p50" -le "$p99" ] && [ "$p99" -le $((max + 1)) ] \
    || fail "rtnl-pressure's latencies are out of order: $(cat "$dir/prs.out")"
left=$(ip -n "$ns2" -o link show | grep -c ': prs' || true)
[ "$left" = 0 ] || fail "rtnl-pressure left $left devices behind"

# ... and it cleans up when stopped by a signal too.
ip netns exec "$ns2" "$CHURN/rtnl-pressure" --rate 200 --devices 4 \
    > "$dir/prs.out" 2>/dev/null &
pid=$!
for _ in $(seq 50); do
    [ -n "$(ifindex "$ns2" prs4)" ] && break
    sleep 0.1
done
kill -TERM $pid
wait $pid || fail "rtnl-pressure failed on SIGTERM: $(cat "$dir/prs.out")"
left=$(ip -n "$ns2" -o link show | grep -c ': prs' || true)
[ "$left" = 0 ] || fail "rtnl-pressure left $left devices behind on SIGTERM"
echo "ok: rtnl-pressure: $ops ops ($dumps dumps, $changes changes)," \
     "latency p50/p99/max $p50/$p99/$max us"
exit 0
