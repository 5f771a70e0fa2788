# Shared by the reliability scenarios: the comparison of what ovs-vswitchd
# reports with what the kernel has, the wait until they agree, and the
# result line.  Sourced by scenario.sh, after the sandbox library.
#
# The kernel's truth comes from tests/oracle/link-oracle (libnl, nothing of
# OVS).  What OVS reports is the Interface table: admin_state, link_state,
# mtu, mac_in_use and ifindex, as every user of OVS reads them.

REL_ORACLE=${REL_ORACLE:-$TOP/tests/oracle/link-oracle}
# Converged means equal for every port within REL_DEADLINE seconds after
# the workload stops.  A late convergence is still timed, up to REL_SETTLE
# seconds, so that a slow build gets a number and the next round starts
# from a settled daemon.
REL_DEADLINE=${REL_DEADLINE:-1}
if [ "${PROFILE:-short}" = long ]; then
    REL_SETTLE=${REL_SETTLE:-30}
else
    REL_SETTLE=${REL_SETTLE:-5}
fi
# Once equal, the two must stay equal this long: a daemon that applies
# stale queued events after a resync would drift away again.
REL_HOLD_MS=${REL_HOLD_MS:-300}

# Namespaces besides the sandbox's where a port's device may legitimately
# be (moved there by a scenario), in the order the oracle looks.
REL_AWAY_NS=${REL_AWAY_NS:-}
# Shell code run (eval) when a check does not converge, with the sandbox
# still up and $out holding the mismatches: for debugging, say a script
# that shows what the kernel and OVS have and pokes the daemon.
REL_ON_MISMATCH=${REL_ON_MISMATCH:-}
# A file of "NAME FIELD VALUE" lines: what the kernel must have once the
# workload is over (the last writer of each flag), checked with the rest.
REL_EXPECT=${REL_EXPECT:-}

rel_now_ms() { date +%s%3N; }

# Prints one line per mismatch, "PORT FIELD ovs=X kernel=Y" (or
# "kernel=Y expected=Z" for a lost write); nothing when OVS agrees.
rel_mismatches() {
    local view names ns_args=(-n "$SANDBOX_NS") ns
    view=$(sb_vsctl --format=csv --data=bare --no-headings \
               --columns=name,admin_state,link_state,mtu,mac_in_use,ifindex \
               list Interface)
    names=$(echo "$view" | cut -d, -f1)
    for ns in $REL_AWAY_NS; do
        ns_args+=(-n "$ns")
    done
    # shellcheck disable=SC2086
    "$REL_ORACLE" "${ns_args[@]}" $names \
        | awk -v local_ns="$SANDBOX_NS" -v expect="${REL_EXPECT:-/dev/null}" \
              -v view="$view" '
        function check(port, field, ovs, want, unknown_ok) {
            if (ovs == want) return
            if (unknown_ok && (ovs == "" || ovs == "0")) return
            out = out sprintf("%s %s ovs=%s kernel=%s\n", port, field,
                              ovs == "" ? "(none)" : ovs, want)
        }
        # Gone from the namespace of OVS: it must not claim the device is up,
        # nor name an ifindex that another device may have now.
        function check_absent(p) {
            check(p, "admin_state", f[2] == "down" ? "" : f[2], "absent", 1)
            check(p, "link_state", f[3] == "down" ? "" : f[3], "absent", 1)
            check(p, "ifindex", f[6], "absent", 1)
        }
        function check_present(p, remote) {
            check(p, "admin_state", f[2], k[p, "up"] ? "up" : "down", remote)
            check(p, "link_state", f[3], k[p, "running"] ? "up" : "down",
                  remote)
            check(p, "mtu", f[4], k[p, "mtu"], remote)
            check(p, "mac_in_use", f[5], k[p, "mac"], remote)
            check(p, "ifindex", f[6], remote ? 0 : k[p, "ifindex"], remote)
        }
        {
            for (i = 2; i <= NF; i++) {
                split($i, kv, "=")
                k[substr($1, 6), kv[1]] = kv[2]
            }
            if ($3 == "absent") k[substr($1, 6), "absent"] = 1
        }
        END {
            while ((getline line < expect) > 0) {
                split(line, e, " ")
                if (k[e[1], e[2]] != e[3])
                    printf "%s %s kernel=%s expected=%s (lost write)\n",
                           e[1], e[2], k[e[1], e[2]], e[3]
            }
            n = split(view, rows, "\n")
            for (r = 1; r <= n; r++) {
                split(rows[r], f, ",")
                p = f[1]
                out = ""
                if (k[p, "absent"]) {
                    check_absent(p)
                } else if (k[p, "ns"] == local_ns) {
                    check_present(p, 0)
                } else {
                    # Moved to another namespace: OVS may follow the device
                    # there, knowing only part of its state (its ifindex
                    # means nothing here), or see it gone; not a mix.
                    check_present(p, 1)
                    if (out != "") {
                        remote = out
                        out = ""
                        check_absent(p)
                        if (out != "") {
                            gsub(/\n/, " (in " k[p, "ns"] ")\n", remote)
                            out = remote
                        }
                    }
                }
                printf "%s", out
            }
        }'
}

# Waits until OVS agrees with the kernel, from START_MS (when the workload
# stopped).  Sets REL_MS to the time it took (-1: not within REL_SETTLE)
# and REL_BAD to the number of mismatches left at the deadline, printing
# them.
rel_converge() {
    local start=$1 deadline settle now out late=
    deadline=$((start + REL_DEADLINE * 1000))
    settle=$((start + REL_SETTLE * 1000))
    REL_BAD=0 REL_MS=-1
    while :; do
        out=$(rel_mismatches)
        now=$(rel_now_ms)
        if [ -z "$out" ]; then
            # Equal: must stay so (a relapse counts against the deadline).
            sleep "$(awk -v ms="$REL_HOLD_MS" 'BEGIN { print ms / 1000 }')"
            out=$(rel_mismatches)
            if [ -z "$out" ]; then
                REL_MS=$((now - start))
                break
            fi
            now=$(rel_now_ms)
        fi
        if [ "$now" -ge "$deadline" ] && [ -z "$late" ]; then
            late=yes
            REL_BAD=$(echo "$out" | wc -l)
            echo "$out" | sed "s/^/  mismatch at ${REL_DEADLINE}s: /"
        fi
        [ "$now" -lt "$settle" ] || break
        sleep 0.02
    done
    if [ "$REL_MS" -lt 0 ]; then
        echo "  not converged after ${REL_SETTLE}s:"
        echo "$out" | sed 's/^/    /'
        [ -z "$REL_ON_MISMATCH" ] || eval "$REL_ON_MISMATCH"
    fi
}

# Round bookkeeping: rel_round records the last rel_converge; rel_result
# prints the scenario's result line.
# A check that did not converge even within REL_SETTLE left OVS stale;
# one that converged after the deadline was late, which a loaded machine
# can cause.
REL_TIMES=() REL_MISMATCHES=0 REL_STALE=0 REL_DONE=0 REL_EVENTS=0
REL_FAULTS=0
rel_round() {
    REL_DONE=$((REL_DONE + 1))
    REL_MISMATCHES=$((REL_MISMATCHES + REL_BAD))
    if [ "$REL_MS" -ge 0 ]; then
        REL_TIMES+=("$REL_MS")
    else
        REL_STALE=$((REL_STALE + 1))
        REL_TIMES+=("$((REL_SETTLE * 1000 + 1))")
    fi
    echo "  check $REL_DONE: converged in" \
         "$(rel_fmt_ms "${REL_TIMES[-1]}") ms, $REL_BAD mismatch(es) at" \
         "the deadline"
}

rel_fmt_ms() {
    if [ "$1" -gt $((REL_SETTLE * 1000)) ]; then
        echo ">${REL_SETTLE}000"
    else
        echo "$1"
    fi
}

# usage: rel_result SCENARIO BUILD [KEY=VALUE...]
rel_result() {
    local scenario=$1 build=$2 median max
    shift 2
    median=$(printf '%s\n' "${REL_TIMES[@]}" | sort -n \
             | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }')
    max=$(printf '%s\n' "${REL_TIMES[@]}" | sort -n | tail -n 1)
    echo "result: scenario=$scenario build=$build rounds=$REL_DONE" \
         "events=$REL_EVENTS faults=$REL_FAULTS mismatches=$REL_MISMATCHES" \
         "stale=$REL_STALE" \
         "converge_ms_median=$(rel_fmt_ms "$median")" \
         "converge_ms_max=$(rel_fmt_ms "$max")" "$@"
}

# A coverage counter of the running daemon (0 if the build lacks it).
rel_counter() {
    sb_appctl coverage/read-counter "$1" 2>/dev/null || echo 0
}

# Adds N veth pairs pI/qI, both ends up, the pI as ports of br0.
rel_add_ports() {
    local n=$1 i batch args=()
    batch=$(mktemp)
    for i in $(seq "$n"); do
        echo "link add p$i type veth peer name q$i"
        echo "link set q$i up"
        echo "link set p$i up"
    done > "$batch"
    sb_ns ip -batch "$batch"
    rm -f "$batch"
    for i in $(seq "$n"); do
        args+=(-- add-port br0 "p$i")
    done
    sb_vsctl "${args[@]}"
}

# The comparison must see what OVS has not reported yet: with the daemon
# frozen, change port p1's MTU and expect the mismatch.  Guards against a
# comparison that always agrees.
rel_selftest() {
    local pid mtu out
    pid=$(sandbox_vswitchd_pid)
    mtu=$(sb_ns cat /sys/class/net/p1/mtu)
    kill -STOP "$pid"
    sb_ns ip link set p1 mtu $((mtu - 100)) || { kill -CONT "$pid"; exit 1; }
    out=$(rel_mismatches)
    sb_ns ip link set p1 mtu "$mtu"
    kill -CONT "$pid"
    case $out in
        *"p1 mtu ovs=$mtu kernel=$((mtu - 100))"*) ;;
        *) echo "error: the comparison missed a frozen daemon's stale MTU:" \
                "'$out'" >&2
           exit 1 ;;
    esac
    rel_converge "$(rel_now_ms)" > /dev/null
}
