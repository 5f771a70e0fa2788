#!/bin/bash
# rtnl-probe --hook netdev-event, the delay of the benchmark on machines
# whose hardware watchpoints do not fire: it counts and delays the events
# of the netdev notifier chain, with RTNL held.  Check, in a network
# namespace of our own, that it counts device changes and not reads, that
# the delay is spent with RTNL held (another process's request waits for
# it), that --delay-comm limits it and that a killed probe leaves no
# program attached.
#
# Exit status: 0 pass, 1 fail, 77 skip (not root, no BPF or no
# notifier_run tracepoint, build tools missing).

set -u
TOP=${TOP:-$(cd "$(dirname "$0")/.." && pwd)}
N=20
DELAY_US=1000
GETLINK=$TOP/tests/lib/getlink.py

. "$TOP/tests/lib/rtnl-probe.sh"

check_hook netdev-event

"$PROBE" --hook bogus --duration 1 >/dev/null 2>&1
rc=$?
[ $rc = 2 ] || fail "--hook bogus: exit status $rc, not 2"

make_namespace nev
mtu_loop="for i in \$(seq $N); do
              '$tmp/$ipn' -n '$ns' link set va mtu \$((1400 + i)) || exit 1
          done"

# 1. Device changes are counted (an MTU change is at least one event),
# reads are not.
probe "$tmp/count.json" --hook netdev-event --duration 30 -- sh -c \
    "$mtu_loop; ip netns exec '$ns' python3 '$GETLINK' '$nl' $N >/dev/null"
changes=$(jget "$tmp/count.json" "j['by_comm'].get('$ipn', 0)")
reads=$(jget "$tmp/count.json" "j['by_comm'].get('$nl', 0)")
echo "$N MTU changes: $changes netdev events; $N RTM_GETLINK: $reads"
[ "$(jget "$tmp/count.json" "j['hook']")" = netdev-event ] ||
    fail "the result does not name the hook"
[ "$(jget "$tmp/count.json" "j['rtnl_mutex']")" = None ] ||
    fail "rtnl_mutex reported without the watchpoint"
[ "$changes" -ge $N ] && [ "$changes" -le $((4 * N)) ] ||
    fail "$N MTU changes counted as $changes netdev events"
[ "$reads" = 0 ] || fail "$N RTM_GETLINK counted as $reads netdev events"

# 2. With a delay for our ip only: each of its events is delayed, by at
# least the delay, with RTNL held: a reader looping on RTM_GETLINK meanwhile
# waits about as long at least once (three tries, for a loaded machine).
for try in 1 2 3; do
    rm -f "$tmp/stop" "$tmp/stop.ready"
    ip netns exec "$ns" python3 "$GETLINK" "$nl" 0 "$tmp/stop" \
        >"$tmp/reader" &
    bg=$!
    probe "$tmp/delay.json" --hook netdev-event --delay-us $DELAY_US \
        --delay-comm "$ipn" --duration 30 -- sh -c \
        "for i in \$(seq 200); do [ -e '$tmp/stop.ready' ] && break
         sleep 0.05; done; $mtu_loop"
    touch "$tmp/stop"
    wait $bg || fail "the RTM_GETLINK reader failed"
    bg=
    got=$(jget "$tmp/delay.json" "j['by_comm'].get('$ipn', 0)")
    delayed=$(jget "$tmp/delay.json" "j['delayed']")
    spun=$(jget "$tmp/delay.json" "j['delay_ns_total'] // 1000")
    read -r sent longest < "$tmp/reader"
    echo "try $try: $delayed of $got events delayed, $spun us spun;" \
         "reader: $sent requests, the longest $longest us"
    [ "$got" -ge $N ] && [ "$delayed" = "$got" ] ||
        fail "$delayed of $got netdev events of $ipn delayed"
    [ "$spun" -ge $((got * DELAY_US * 99 / 100)) ] ||
        fail "$got delays of $DELAY_US us spun only $spun us"
    [ "$longest" -lt $((DELAY_US * 9 / 10)) ] || break
done
[ "$longest" -ge $((DELAY_US * 9 / 10)) ] ||
    fail "no RTM_GETLINK waited for a delayed change: RTNL not held?"

# 3. --delay-comm of another name: counted, not delayed.
probe "$tmp/other.json" --hook netdev-event --delay-us $DELAY_US \
    --delay-comm nosuchcomm --duration 30 -- sh -c "$mtu_loop"
[ "$(jget "$tmp/other.json" "j['by_comm'].get('$ipn', 0)")" -ge $N ] &&
    [ "$(jget "$tmp/other.json" "j['delayed']")" = 0 ] ||
    fail "--delay-comm nosuchcomm delayed our changes"

# 4. kill -9 leaves no program attached: the link goes with the process.
if command -v bpftool >/dev/null; then
    attached() {
        bpftool prog show 2>/dev/null | grep -c 'name rp_on_notifier'
    }
    "$PROBE" --hook netdev-event --verbose --duration 30 \
        --delay-us $DELAY_US --delay-comm "$ipn" >/dev/null 2>"$tmp/bg.err" &
    bg=$!
    for _ in $(seq 50); do
        grep -q "armed" "$tmp/bg.err" && break
        sleep 0.1
    done
    grep -q "armed" "$tmp/bg.err" || fail "background probe did not arm"
    before=$(attached)
    kill -KILL $bg
    wait $bg 2>/dev/null
    bg=
    for _ in $(seq 50); do
        [ "$(attached)" = 0 ] && break
        sleep 0.1
    done
    after=$(attached)
    echo "programs on the tracepoint: $before armed, $after after kill -9"
    [ "$before" -ge 1 ] && [ "$after" = 0 ] ||
        fail "after kill -9, $after programs still loaded"
fi

echo "ok: rtnl-probe --hook netdev-event counts and delays device changes"
