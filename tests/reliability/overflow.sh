# Scenario 1, overflow storm: link flag flaps over many ports, while
# ovs-vswitchd's notification sockets overflow, then convergence.
#
# Each round freezes ovs-vswitchd (SIGSTOP) for a burst of flaps, so that
# its sockets overflow whatever its speed, then lets it run through a
# second burst.  Flaps are of both veth ends: pI's admin state and, through
# its peer qI, its carrier.

if [ "${PROFILE:-short}" = long ]; then
    : "${REL_PORTS:=64}" "${REL_ROUNDS:=100}" "${REL_BURST:=3000}"
    : "${REL_RUNNING:=1000}"
else
    : "${REL_PORTS:=32}" "${REL_ROUNDS:=4}" "${REL_BURST:=3000}"
    : "${REL_RUNNING:=500}"
fi

# Prints an 'ip -batch' of COUNT flag changes, each a real change of the
# state the kernel has now (read with the oracle), seeded by SEED.
overflow_batch() {
    local count=$1 seed=$2 devs
    devs=$(seq "$REL_PORTS" | sed 's/^/p/'; seq "$REL_PORTS" | sed 's/^/q/')
    # shellcheck disable=SC2086
    "$REL_ORACLE" -n "$SANDBOX_NS" $devs | awk -v count="$count" \
        -v seed="$seed" '
        { split($1, n, "="); split($4, u, "="); dev[NR] = n[2]
          up[n[2]] = u[2] }
        END {
            srand(seed)
            for (i = 0; i < count; i++) {
                d = dev[1 + int(rand() * NR)]
                up[d] = !up[d]
                print "link set " d (up[d] ? " up" : " down")
            }
        }'
}

scenario_run() {
    local round pid before after burst running stop
    rel_add_ports "$REL_PORTS"
    rel_selftest
    burst=$workdir/burst running=$workdir/running
    for round in $(seq "$REL_ROUNDS"); do
        before=$(rel_counter netlink_overflow)
        overflow_batch "$REL_BURST" "$round" > "$burst"
        pid=$(sandbox_vswitchd_pid)
        kill -STOP "$pid"
        sb_ns ip -batch "$burst" || { kill -CONT "$pid"; exit 1; }
        kill -CONT "$pid"
        # The second burst starts from the state the first left.
        overflow_batch "$REL_RUNNING" "$((round + 100000))" > "$running"
        sb_ns ip -batch "$running"
        stop=$(rel_now_ms)
        REL_EVENTS=$((REL_EVENTS + REL_BURST + REL_RUNNING))
        rel_converge "$stop"
        rel_round
        # Coverage counters reach appctl about once a second: wait for it.
        after=$before
        for _ in $(seq 30); do
            after=$(rel_counter netlink_overflow)
            [ "$after" -le "$before" ] || break
            sleep 0.1
        done
        echo "  round $round: netlink_overflow $before -> $after"
        [ "$after" -gt "$before" ] \
            || rel_fail "round $round: no overflow (netlink_overflow $after)"
        REL_FAULTS=$((REL_FAULTS + after - before))
    done
    rel_result overflow "$build" ports="$REL_PORTS" \
        log_warnings="$(grep -c 'receive buffer overflowed' \
                        "$OVS_LOGDIR/ovs-vswitchd.log" || true)"
}
