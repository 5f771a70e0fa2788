# Scenario 5, restart: ovs-vswitchd killed with SIGKILL in the middle of
# link churn (flaps, MTU changes, devices re-created) and started again
# while the churn goes on.  The database still holds what the dead daemon
# last wrote; the new one must replace all of it with the kernel's truth.

if [ "${PROFILE:-short}" = long ]; then
    : "${REL_PORTS:=16}" "${REL_ROUNDS:=100}" "${REL_CHURN_MS:=3000}"
else
    : "${REL_PORTS:=8}" "${REL_ROUNDS:=2}" "${REL_CHURN_MS:=2000}"
fi

# Churns the ports until the file $1 exists, and writes the number of
# link changes it made to $1.count.
restart_churn() {
    local stop=$1 count=0 batch=$workdir/churn i
    while [ ! -e "$stop" ]; do
        awk -v n="$REL_PORTS" -v seed="$RANDOM" 'BEGIN {
            srand(seed)
            for (j = 0; j < 40; j++) {
                d = (rand() < 0.5 ? "p" : "q") (1 + int(rand() * n))
                if (rand() < 0.1 && d ~ /^p/)
                    print "link set " d " mtu " (1280 + int(rand() * 220))
                else print "link set " d (rand() < 0.5 ? " up" : " down")
            }
        }' > "$batch"
        sb_ns ip -batch "$batch"
        i=$((1 + RANDOM % REL_PORTS))
        sb_ns ip link del "p$i"
        sb_ns ip link add "p$i" type veth peer name "q$i"
        sb_ns ip link set "q$i" up
        sb_ns ip link set "p$i" up
        count=$((count + 44))
        sleep 0.05
    done
    echo "$count" > "$stop.count"
}

# Kills ovs-vswitchd with SIGKILL and starts it again with the command
# line, environment and directory it had (read from /proc), unless the
# sandbox can do it itself or a --monitor parent restarts it.
restart_vswitchd() {
    local pid=$1 argv envv cwd new
    mapfile -d '' -t argv < "/proc/$pid/cmdline"
    mapfile -d '' -t envv < "/proc/$pid/environ"
    cwd=$(readlink "/proc/$pid/cwd")
    kill -KILL "$pid"
    while kill -0 "$pid" 2>/dev/null; do
        sleep 0.01
    done
    if declare -F sandbox_restart_vswitchd > /dev/null; then
        sandbox_restart_vswitchd
    elif [[ " ${argv[*]} " == *" --monitor "* ]]; then
        : # its monitor starts it again
    elif [[ " ${argv[*]} " == *" --detach "* ]]; then
        (cd "$cwd" && env -i "${envv[@]}" \
             ip netns exec "$SANDBOX_NS" "${argv[@]}") \
            >> "$workdir/restart.log" 2>&1
    else
        rel_fail "cannot restart ovs-vswitchd: not started with --detach"
    fi
    for _ in $(seq 500); do
        new=$(sandbox_vswitchd_pid 2>/dev/null || true)
        if [ -n "$new" ] && [ "$new" != "$pid" ] \
           && sb_appctl version > /dev/null 2>&1; then
            echo "$new"
            return 0
        fi
        sleep 0.02
    done
    rel_fail "ovs-vswitchd did not come back after SIGKILL"
}

scenario_run() {
    local round pid new stop churn
    rel_add_ports "$REL_PORTS"
    rel_selftest
    for round in $(seq "$REL_ROUNDS"); do
        stop=$workdir/stop-$round
        restart_churn "$stop" &
        churn=$!
        sleep "$(awk -v ms="$REL_CHURN_MS" 'BEGIN { print ms / 3000 }')"
        pid=$(sandbox_vswitchd_pid)
        new=$(restart_vswitchd "$pid") || exit 1
        kill -0 "$pid" 2>/dev/null && rel_fail "ovs-vswitchd $pid survived"
        sleep "$(awk -v ms="$REL_CHURN_MS" 'BEGIN { print ms / 3000 }')"
        touch "$stop"
        wait "$churn"
        REL_EVENTS=$((REL_EVENTS + $(cat "$stop.count")))
        REL_FAULTS=$((REL_FAULTS + 1))
        echo "  round $round: ovs-vswitchd $pid killed, $new started," \
             "$(cat "$stop.count") link changes around it"
        rel_converge "$(rel_now_ms)"
        rel_round
    done
    rel_result restart "$build" ports="$REL_PORTS"
}
