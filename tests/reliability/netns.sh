# Scenario 2, namespace moves: ports' devices moved to another namespace
# (which has an nsid, so OVS hears its events), changed there, and moved
# back; then devices with the names of local ports created, changed and
# deleted in a third namespace, which must leave the local ports and the
# bridge as they are.

if [ "${PROFILE:-short}" = long ]; then
    : "${REL_PORTS:=16}" "${REL_ROUNDS:=100}"
else
    : "${REL_PORTS:=8}" "${REL_ROUNDS:=2}"
fi

# The ports a round works on: every other one, shifting with the round.
netns_pick() {
    seq "$REL_PORTS" | awk -v r="$1" '(NR + r) % 2 == 0 { print "p" $1 }'
}

# Interface name and ofport, to show the bridge kept its ports.
netns_ofports() {
    sb_vsctl --format=csv --data=bare --no-headings --columns=name,ofport \
        list Interface | sort
}

scenario_run() {
    local away=$SANDBOX_NS-away other=$SANDBOX_NS-other round p moved
    local ofports reconf
    rel_netns_add "$away"
    rel_netns_add "$other"
    sb_ns ip netns set "$away" 1
    sb_ns ip netns set "$other" 2
    rel_add_ports "$REL_PORTS"
    rel_selftest
    REL_AWAY_NS=$away
    for round in $(seq "$REL_ROUNDS"); do
        moved=$(netns_pick "$round")
        for p in $moved; do
            sb_ns ip link set "$p" netns "$away"
        done
        rel_converge "$(rel_now_ms)"
        rel_round
        # Show the move really happened: in $away, gone from the sandbox.
        for p in $moved; do
            "$REL_ORACLE" -n "$away" "$p" | grep -q "ns=$away " \
                || rel_fail "$p did not move to $away"
            "$REL_ORACLE" -n "$SANDBOX_NS" "$p" | grep -q absent \
                || rel_fail "$p is still in the sandbox's namespace"
            REL_FAULTS=$((REL_FAULTS + 1))
        done
        echo "  round $round: moved to $away: $(echo $moved)"

        for p in $moved; do
            ip -n "$away" link set "$p" mtu $((1400 + round % 50)) up
        done
        REL_EVENTS=$((REL_EVENTS + $(echo "$moved" | wc -w) * 2))
        rel_converge "$(rel_now_ms)"
        rel_round

        for p in $moved; do
            ip -n "$away" link set "$p" netns "$SANDBOX_NS"
            sb_ns ip link set "$p" mtu 1500 up
        done
        rel_converge "$(rel_now_ms)"
        rel_round
        REL_EVENTS=$((REL_EVENTS + $(echo "$moved" | wc -w) * 4))

        # Namesakes of local ports in $other: created, changed, deleted.
        ofports=$(netns_ofports)
        reconf=$(rel_counter bridge_reconfigure)
        for p in $(netns_pick $((round + 1))); do
            ip -n "$other" link add "$p" type veth peer name "o${p#p}"
            ip -n "$other" link set "$p" mtu 1280 up
            ip -n "$other" link set "$p" down
            "$REL_ORACLE" -n "$other" "$p" | grep -q "ns=$other " \
                || rel_fail "no namesake $p in $other"
            ip -n "$other" link del "$p"
            REL_EVENTS=$((REL_EVENTS + 4))
            REL_FAULTS=$((REL_FAULTS + 1))
        done
        rel_converge "$(rel_now_ms)"
        if [ "$(netns_ofports)" != "$ofports" ]; then
            echo "  mismatch: ports changed by namesakes in $other:"
            diff <(echo "$ofports") <(netns_ofports) | sed 's/^/    /' || :
            REL_BAD=$((REL_BAD + 1))
        fi
        rel_round
        echo "  round $round: namesakes in $other; bridge_reconfigure" \
             "$reconf -> $(rel_counter bridge_reconfigure)"
    done
    rel_result netns "$build" ports="$REL_PORTS"
}
