# Scenario 5, restart: ovs-vswitchd killed with SIGKILL in the middle of
# link churn (flaps, MTU changes, devices re-created) and started again
# while the churn goes on.  The database still holds what the dead daemon
# last wrote; the new one must replace all of it with the kernel's truth.
#
# With REL_RESTART=ovsdb-server (scenario 6, dbrestart.sh) the database
# server is the one killed and started again instead.

: "${REL_RESTART:=ovs-vswitchd}"
# Ports besides the REL_PORTS churned ones that nothing touches: with no
# event of their own, only the restart itself can make OVS write them.
: "${REL_QUIET_PORTS:=2}"

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

# Adds the quiet ports after the churned ones, without IPv6 addresses:
# their duplicate address detection would change the ports' netdevs a
# second or two later.
restart_add_quiet_ports() {
    local i args=()
    for i in $(seq $((REL_PORTS + 1)) $((REL_PORTS + REL_QUIET_PORTS))); do
        sb_ns ip link add "p$i" type veth peer name "q$i"
        sb_ns ip link set "p$i" addrgenmode none
        sb_ns ip link set "q$i" addrgenmode none
        sb_ns ip link set "q$i" up
        sb_ns ip link set "p$i" up
        args+=(-- add-port br0 "p$i")
    done
    [ ${#args[@]} = 0 ] || sb_vsctl "${args[@]}"
}

# Kills ovsdb-server with SIGKILL and starts it again on the same
# database file, which keeps no Interface status: those columns are
# ephemeral, and ovs-vswitchd, reconnecting, must write them all again.
# Returns once ovs-vswitchd has connected to the new server: the time it
# takes is its reconnection backoff (up to 8 s), not event handling, so the
# churn goes on until then and convergence is timed from a connected daemon.
restart_ovsdb_server() {
    local pid=$1 new connects log=$SANDBOX_DIR/ovs-vswitchd.log
    connects=$(grep -c 'db.sock: connected' "$log")
    kill -KILL "$pid"
    while kill -0 "$pid" 2>/dev/null; do
        sleep 0.01
    done
    sandbox_restart_ovsdb_server >> "$workdir/restart.log" 2>&1
    new=$(cat "$SANDBOX_DIR/ovsdb-server.pid")
    [ "$new" != "$pid" ] || rel_fail "ovsdb-server did not come back"
    for _ in $(seq 1500); do
        if [ "$(grep -c 'db.sock: connected' "$log")" -gt "$connects" ]; then
            echo "$new"
            return 0
        fi
        sleep 0.02
    done
    rel_fail "ovs-vswitchd did not connect to the new ovsdb-server"
}

# Kills the daemon the scenario restarts and starts it again; prints
# "OLD_PID NEW_PID".
restart_daemon() {
    local pid new
    case $REL_RESTART in
        ovs-vswitchd)
            pid=$(sandbox_vswitchd_pid)
            new=$(restart_vswitchd "$pid") || exit 1 ;;
        ovsdb-server)
            pid=$(cat "$SANDBOX_DIR/ovsdb-server.pid")
            new=$(restart_ovsdb_server "$pid") || exit 1 ;;
        *) rel_fail "REL_RESTART=$REL_RESTART is no daemon of OVS" ;;
    esac
    kill -0 "$pid" 2>/dev/null && rel_fail "$REL_RESTART $pid survived"
    echo "$pid $new"
}

# Waits (at most 10 s) until ovs-vswitchd has written no netdev status for
# 1 s (a build without the counter reads 0: no wait).  A status write that
# a restart interrupts makes ovs-vswitchd rewrite every status; the quiet
# restart must not get that help.
restart_wait_idle() {
    local last now same=0
    last=$(rel_counter bridge_iface_netdev_status)
    for _ in $(seq 100); do
        sleep 0.1
        now=$(rel_counter bridge_iface_netdev_status)
        if [ "$now" = "$last" ]; then
            same=$((same + 1))
            [ $same -lt 10 ] || return 0
        else
            same=0 last=$now
        fi
    done
}

scenario_run() {
    local round pids stop churn
    rel_add_ports "$REL_PORTS"
    restart_add_quiet_ports
    rel_selftest
    for round in $(seq "$REL_ROUNDS"); do
        stop=$workdir/stop-$round
        restart_churn "$stop" &
        churn=$!
        sleep "$(awk -v ms="$REL_CHURN_MS" 'BEGIN { print ms / 3000 }')"
        pids=$(restart_daemon) || exit 1
        sleep "$(awk -v ms="$REL_CHURN_MS" 'BEGIN { print ms / 3000 }')"
        touch "$stop"
        wait "$churn"
        REL_EVENTS=$((REL_EVENTS + $(cat "$stop.count")))
        REL_FAULTS=$((REL_FAULTS + 1))
        echo "  round $round: $REL_RESTART ${pids% *} killed, ${pids#* }" \
             "started, $(cat "$stop.count") link changes around it"
        rel_converge "$(rel_now_ms)"
        rel_round

        # Once more with nothing happening: no event, no status write that
        # the restart interrupts, tells the daemon to write anything.
        restart_wait_idle
        pids=$(restart_daemon) || exit 1
        REL_FAULTS=$((REL_FAULTS + 1))
        echo "  round $round: $REL_RESTART ${pids% *} killed, ${pids#* }" \
             "started, idle"
        rel_converge "$(rel_now_ms)"
        rel_round
    done
    rel_result "$scenario" "$build" ports="$REL_PORTS" \
        quiet_ports="$REL_QUIET_PORTS"
}
