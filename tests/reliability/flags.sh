# Scenario 4, flag writes racing events: OVS writes port flags (admin
# state with OpenFlow port-mod, promiscuous mode when a port is added)
# while the test writes flags of the same devices from outside.  Each flag
# must end as its last writer left it, and OVS must report that.

if [ "${PROFILE:-short}" = long ]; then
    : "${REL_PORTS:=16}" "${REL_ROUNDS:=100}" "${REL_WRITES:=60}"
else
    : "${REL_PORTS:=8}" "${REL_ROUNDS:=3}" "${REL_WRITES:=30}"
fi

flags_ofctl() {
    sb_ns "$SANDBOX_TREE/_build/utilities/ovs-ofctl" "$@"
}
flags_get() {
    "$REL_ORACLE" -n "$SANDBOX_NS" "$1" | tr ' ' '\n' | sed -n "s/^$2=//p"
}
onoff() { if [ "$1" = 1 ]; then echo on; else echo off; fi; }
updown() { if [ "$1" = 1 ]; then echo up; else echo down; fi; }

# Both sides write at once: batches of random flag changes from outside,
# port-mods and port re-adds from OVS.
flags_race() {
    local k i
    for k in $(seq "$REL_WRITES"); do
        awk -v n="$REL_PORTS" -v seed="$RANDOM" 'BEGIN {
            srand(seed)
            for (j = 0; j < 10; j++) {
                p = "p" (1 + int(rand() * n))
                if (rand() < 0.5) print "link set " p " promisc " \
                    (rand() < 0.5 ? "on" : "off")
                else print "link set " p (rand() < 0.5 ? " up" : " down")
            }
        }' | sb_ns ip -batch -
        sleep 0.01
    done &
    for k in $(seq "$REL_WRITES"); do
        i=$((1 + RANDOM % REL_PORTS))
        if [ $((k % 10)) = 0 ]; then
            sb_vsctl del-port br0 "p$i"
            sb_vsctl add-port br0 "p$i"
        else
            flags_ofctl mod-port br0 "p$i" "$(updown $((RANDOM % 2)))"
        fi
    done
    wait $!
    REL_EVENTS=$((REL_EVENTS + 20 * REL_WRITES))
}

scenario_run() {
    local round i mode p promisc up pid expect=$workdir/expect
    rel_add_ports "$REL_PORTS"
    rel_selftest
    for round in $(seq "$REL_ROUNDS"); do
        REL_EXPECT=
        flags_race
        rel_converge "$(rel_now_ms)"
        rel_round

        # Last writers, one per flag, known: in turn OVS last for the
        # admin state (promisc changed outside just before), outside last
        # for both, OVS last for promisc (a port re-added while the admin
        # state changes outside).
        : > "$expect"
        for i in $(seq "$REL_PORTS"); do
            p=p$i mode=$(((i + round) % 3))
            promisc=$((RANDOM % 2))
            up=$((1 - $(flags_get "$p" up)))
            case $mode in
                0)
                    # Frozen, the daemon gets the event and its own write
                    # at once; a write from a stale cache of the flags
                    # would undo the promisc change.
                    pid=$(sandbox_vswitchd_pid)
                    sb_ns "$here/port-mod.py" --after "kill -CONT $pid" \
                        --before "kill -STOP $pid &&
                                  ip link set $p promisc $(onoff $promisc)" \
                        "$OVS_RUNDIR/br0.mgmt" \
                        "$(sb_vsctl get Interface "$p" ofport)" \
                        "$(flags_get "$p" mac)" "$(updown $up)" \
                        || { kill -CONT "$pid"; rel_fail "port-mod failed"; }
                    ;;
                1)
                    flags_ofctl mod-port br0 "$p" "$(updown $up)"
                    up=$((RANDOM % 2))
                    sb_ns ip link set "$p" promisc "$(onoff $promisc)" \
                        "$(updown $up)" ;;
                2)
                    promisc=1
                    sb_vsctl del-port br0 "$p"
                    sb_ns ip link set "$p" "$(updown $up)" &
                    sb_vsctl add-port br0 "$p" & ;;
            esac
            printf '%s up %s\n%s promisc %s\n' "$p" "$up" "$p" "$promisc" \
                >> "$expect"
            REL_EVENTS=$((REL_EVENTS + 2)) REL_FAULTS=$((REL_FAULTS + 1))
        done
        wait
        REL_EXPECT=$expect
        rel_converge "$(rel_now_ms)"
        rel_round
    done
    rel_result flags "$build" ports="$REL_PORTS"
}
