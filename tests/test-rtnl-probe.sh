#!/bin/bash
# bench/rtnl/rtnl-probe counts the kernel's RTNL mutex acquisitions per
# process and can delay each of them.  Check, in a network namespace of our
# own, that it counts what the kernel does (one acquisition per
# single-device RTM_GETLINK, at least one per "ip link" run), that a delay
# makes requests slower by about what was asked, that its limits hold and
# that a killed probe leaves nothing armed.
#
# Exit status: 0 pass, 1 fail, 77 skip (not root, no BPF or no hardware
# watchpoints, build tools missing).

set -u
TOP=${TOP:-$(cd "$(dirname "$0")/.." && pwd)}
N=20

. "$TOP/tests/lib/rtnl-probe.sh"

check_hook watchpoint
make_namespace rtnl

# 1. N single-device RTM_GETLINK: one acquisition each.
probe "$tmp/getlink.json" --duration 10 -- \
    ip netns exec "$ns" python3 "$TOP/tests/lib/getlink.py" "$nl" $N >/dev/null
got=$(jget "$tmp/getlink.json" "j['by_comm'].get('$nl', 0)")
echo "$N single-device RTM_GETLINK: $got RTNL acquisitions"
[ "$got" -ge $N ] && [ "$got" -le $((N + 2)) ] ||
    fail "$N single-device RTM_GETLINK took RTNL $got times, expected $N"

# 2. N runs of "ip link show": at least one each (2 on Linux 6.18).
probe "$tmp/show.json" --duration 10 -- \
    sh -c "for i in \$(seq $N); do '$tmp/$ipn' -n '$ns' link show >/dev/null || exit 1; done"
runs=$(jget "$tmp/show.json" "len([p for p in j['by_pid'] if p['comm'] == '$ipn'])")
least=$(jget "$tmp/show.json" "min([p['count'] for p in j['by_pid'] if p['comm'] == '$ipn'] or [0])")
got=$(jget "$tmp/show.json" "j['by_comm'].get('$ipn', 0)")
echo "$N x ip link show: $got RTNL acquisitions in $runs processes"
[ "$runs" = $N ] || fail "$runs of $N 'ip link show' processes counted"
[ "$least" -ge 1 ] && [ "$got" -le $((4 * N)) ] ||
    fail "$N 'ip link show' took RTNL $got times (least $least per run)"

# 3. A delay: N runs of "ip link set DEV mtu M" take longer with
# --delay-us 500 than with 0; the best of three of each.
best0= best500= count500=0
for round in 1 2 3; do
    for d in 0 500; do
        probe "$tmp/mtu.json" --duration 10 --delay-us $d --delay-comm "$ipn" -- \
            sh -c "s=\$(date +%s%N); for i in \$(seq $N); do '$tmp/$ipn' -n '$ns' link set va mtu \$((1400 + i)) || exit 1; done; echo \$(( (\$(date +%s%N) - s) / 1000 )) >'$tmp/us'"
        us=$(cat "$tmp/us")
        got=$(jget "$tmp/mtu.json" "j['by_comm'].get('$ipn', 0)")
        delayed=$(jget "$tmp/mtu.json" "j['delayed']")
        spun=$(jget "$tmp/mtu.json" "j['delay_ns_total'] // 1000")
        [ "$got" -ge $N ] && [ "$got" -le $((4 * N)) ] ||
            fail "$N 'ip link set mtu' took RTNL $got times"
        if [ $d = 0 ]; then
            [ "$delayed" = 0 ] || fail "$delayed acquisitions delayed with --delay-us 0"
            [ -z "$best0" ] || [ "$us" -lt "$best0" ] && best0=$us
        else
            [ "$delayed" = "$got" ] ||
                fail "$delayed of $got acquisitions of $ipn delayed"
            [ "$spun" -ge $((got * 500 * 99 / 100)) ] ||
                fail "$got delays of 500 us spun only $spun us"
            [ -z "$best500" ] || [ "$us" -lt "$best500" ] && best500=$us
            count500=$got
        fi
    done
done
want=$((count500 * 500 / 2))
echo "$N x ip link set mtu: $count500 RTNL acquisitions, best time" \
     "$best0 us without delay, $best500 us with 500 us each"
[ $((best500 - best0)) -ge $want ] ||
    fail "--delay-us 500 made $N 'ip link set mtu' only $((best500 - best0)) us slower (expected >= $want)"

# 4. The same with many requests of one process: 200 x 500 us = 100 ms more.
probe "$tmp/d0.json" --duration 10 --delay-comm "$nl" -- \
    ip netns exec "$ns" python3 "$TOP/tests/lib/getlink.py" "$nl" 200 >"$tmp/t0"
probe "$tmp/d500.json" --duration 10 --delay-us 500 --delay-comm "$nl" -- \
    ip netns exec "$ns" python3 "$TOP/tests/lib/getlink.py" "$nl" 200 >"$tmp/t500"
t0=$(cat "$tmp/t0") t500=$(cat "$tmp/t500")
echo "200 x RTM_GETLINK: $t0 s without delay, $t500 s with 500 us each"
[ "$(jget "$tmp/d500.json" "j['by_comm'].get('$nl', 0)")" = 200 ] ||
    fail "200 RTM_GETLINK not counted as 200 acquisitions under delay"
python3 -c "import sys; sys.exit(not ($t500 - $t0 >= 0.08 and $t500 < 2))" ||
    fail "--delay-us 500 made 200 RTM_GETLINK $t500 s instead of $t0 s + 0.1 s"

# 5. Limits: the delay is capped, the armed time bounded.
"$PROBE" --delay-us 1001 --duration 1 >/dev/null 2>&1
rc=$?
[ $rc = 2 ] || fail "--delay-us 1001 accepted (exit status $rc)"
probe "$tmp/bounded.json" --duration 1 -- sleep 2 2>/dev/null
armed=$(jget "$tmp/bounded.json" "j['armed_s']")
[ "$(jget "$tmp/bounded.json" "j['timed_out']")" = True ] &&
    python3 -c "import sys; sys.exit(not ($armed < 1.5))" ||
    fail "--duration 1 stayed armed $armed s"
if command -v setpriv >/dev/null; then
    setpriv --reuid=65534 --regid=65534 --clear-groups "$PROBE" --check \
        >/dev/null 2>&1
    rc=$?
    [ $rc = 77 ] || fail "not root: exit status $rc, not 77"
fi

# 6. A killed probe leaves nothing armed: with a 1000 us delay armed, 100
# requests take >= 0.1 s; after kill -9, far less.
"$PROBE" --verbose --duration 10 --delay-us 1000 --delay-comm "$nl" \
    >/dev/null 2>"$tmp/bg.err" &
bg=$!
for i in $(seq 50); do
    grep -q "armed on" "$tmp/bg.err" && break
    sleep 0.1
done
grep -q "armed on" "$tmp/bg.err" || fail "background probe did not arm"
armed_t=$(ip netns exec "$ns" python3 "$TOP/tests/lib/getlink.py" "$nl" 100)
kill -KILL $bg
wait $bg 2>/dev/null
bg=
after_t=$(ip netns exec "$ns" python3 "$TOP/tests/lib/getlink.py" "$nl" 100)
echo "100 x RTM_GETLINK: $armed_t s armed with 1000 us, $after_t s after kill -9"
python3 -c "import sys; sys.exit(not ($armed_t >= 0.09 and $after_t < 0.05))" ||
    fail "killed probe: $armed_t s armed, $after_t s after kill"

echo "ok: rtnl-probe counts and delays RTNL acquisitions"
