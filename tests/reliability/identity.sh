# Scenario 3, identity churn: a port's device deleted and created again
# under the same name (a new ifindex, MAC and MTU), renamed away and back,
# two ports' devices swapping names, and two swapping ifindexes.  OVS must
# report the device that has the name now, never the one that had it.

if [ "${PROFILE:-short}" = long ]; then
    : "${REL_PORTS:=16}" "${REL_ROUNDS:=100}"
else
    : "${REL_PORTS:=8}" "${REL_ROUNDS:=2}"
fi

identity_field() {
    "$REL_ORACLE" -n "$SANDBOX_NS" "$1" | tr ' ' '\n' | sed -n "s/^$2=//p"
}

# A MAC and an MTU that differ from round to round and port to port.
identity_mac() { printf '02:00:00:%02x:%02x:%02x' "$1" "$2" "$3"; }

# Creates pI again (its peer qI too), up, with the given ifindex or any.
identity_create() {
    local i=$1 index=${2:-} mtu=$((1300 + RANDOM % 200))
    sb_ns ip link add "p$i" ${index:+index "$index"} \
        address "$(identity_mac "$round" "$i" $((RANDOM % 256)))" \
        mtu "$mtu" type veth peer name "q$i"
    sb_ns ip link set "q$i" up
    sb_ns ip link set "p$i" up
    REL_EVENTS=$((REL_EVENTS + 4))
}

identity_check() {
    rel_converge "$(rel_now_ms)"
    rel_round
}

scenario_run() {
    local round i j old new a b
    rel_add_ports "$REL_PORTS"
    rel_selftest
    for round in $(seq "$REL_ROUNDS"); do
        # Deleted and created again: a new ifindex.
        for i in $(seq "$REL_PORTS" | awk -v r="$round" '(NR + r) % 2');
        do
            old=$(identity_field "p$i" ifindex)
            sb_ns ip link del "p$i"
            identity_create "$i"
            new=$(identity_field "p$i" ifindex)
            [ "$new" != "$old" ] || rel_fail "p$i kept ifindex $old"
            REL_FAULTS=$((REL_FAULTS + 1))
        done
        echo "  round $round: re-created, e.g. p$i ifindex $old -> $new"
        identity_check

        # Renamed away (the port's device is gone), then back.
        i=$((1 + round % REL_PORTS))
        sb_ns ip link set "p$i" down
        sb_ns ip link set "p$i" name "r$i"
        "$REL_ORACLE" -n "$SANDBOX_NS" "p$i" | grep -q absent \
            || rel_fail "p$i still there after its rename"
        identity_check
        sb_ns ip link set "r$i" name "p$i"
        sb_ns ip link set "p$i" up
        identity_check
        echo "  round $round: p$i renamed r$i and back"

        # Two ports' devices swap names.
        j=$((1 + (round + 1) % REL_PORTS))
        a=$(identity_field "p$i" ifindex) b=$(identity_field "p$j" ifindex)
        sb_ns ip link set "p$i" mtu 1280
        sb_ns ip link set "p$i" down
        sb_ns ip link set "p$j" down
        sb_ns ip link set "p$i" name tmp
        sb_ns ip link set "p$j" name "p$i"
        sb_ns ip link set tmp name "p$j"
        sb_ns ip link set "p$i" up
        sb_ns ip link set "p$j" up
        [ "$(identity_field "p$i" ifindex)" = "$b" ] \
            || rel_fail "p$i did not take the ifindex of p$j"
        echo "  round $round: p$i ($a) and p$j ($b) swapped names"
        REL_EVENTS=$((REL_EVENTS + 8)) REL_FAULTS=$((REL_FAULTS + 2))
        identity_check

        # Two ports' devices swap ifindexes: each old index is reused.
        a=$(identity_field "p$i" ifindex) b=$(identity_field "p$j" ifindex)
        sb_ns ip link del "p$i"
        sb_ns ip link del "p$j"
        identity_create "$i" "$b"
        identity_create "$j" "$a"
        [ "$(identity_field "p$i" ifindex)" = "$b" ] \
            || rel_fail "p$i did not get ifindex $b"
        echo "  round $round: p$i ($a) and p$j ($b) swapped ifindexes"
        REL_FAULTS=$((REL_FAULTS + 2))
        identity_check
    done
    rel_result identity "$build" ports="$REL_PORTS"
}
