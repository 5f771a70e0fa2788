#!/bin/bash
# Counts what one port churn costs ovs-vswitchd, from its own coverage
# counters (no tracer slows the daemon down).
#
# usage: bench/churn-counts.sh OVS_TREE N [TAIL_SECONDS]
#
# Starts ovsdb-server and ovs-vswitchd of OVS_TREE (build/ovs or
# build/ovs-stock, built in OVS_TREE/_build) in a network namespace of
# their own, with one userspace-datapath bridge and N veth ports.  Then
# churns every port once, as an SDN agent would: remove it from the
# bridge, delete its veth, create it again, set both ends up, add it back.
# Prints one line of "name=value" pairs: the churn's wall time, the
# daemon's CPU time, and each counter's growth per churned port, counted
# up to TAIL_SECONDS (default 6) after the churn so that the daemon's
# delayed work is included.  A counter the build does not have is "n/a".
#
# With CHURN_IPV6=off, IPv6 is disabled in the namespace: the ports then
# carry no traffic of their own (neighbour discovery, MLD and router
# solicitations of each new device, flooded by the bridge to every port),
# so that what remains is the cost of the port changes themselves.
#
# With CHURN_PEER_NETNS=1, each port's peer lives in a network namespace
# of its own, as a container runtime places it, instead of beside the
# ports: a flooded packet then reaches a peer whose namespace has one
# device, not 2N, so the peer's receive (run in the sender's context, and
# so charged to ovs-vswitchd) no longer walks the routes of every device.
# ovs-vswitchd also no longer sees the peers' link events.
#
# With CHURN_IDLE_SECONDS=S, the daemon's CPU time is also sampled for S
# seconds before the churn, when nothing changes: the ports' own traffic
# keeps it busy then too (each peer goes on soliciting routers, further
# and further apart, long after it came up, and the bridge floods every
# solicitation to every port).  idle_cpu_s_per_port is what that rate
# comes to over the churn's window, per churned port: the share of
# cpu_s_per_port that the churn did not cause.  Without it, "n/a".
#
# With CHURN_ADDRESSES set, every port's device gets an IPv4 address, and
# so routes, each time it is created; after the churn, OVS's route table
# is compared with the kernel's (tests/oracle/route-compare.py), and the
# line ends with route_mismatches=K (each one printed on stderr).
#
# With perf(1), it also counts the daemon's ioctl system calls over the
# same window, in all (ioctl) and by request (SIOCGIFNAME ...), and its
# calls of glibc's getifaddrs() (a uprobe, added for the run if missing),
# each of which dumps every link and every address of the namespace; so
# kernel_requests = netlink_sent + ioctl + 2 * getifaddrs.

set -eu

[ $# -ge 2 ] || { echo "usage: $0 OVS_TREE N [TAIL_SECONDS]" >&2; exit 2; }
tree=$(cd "$1" && pwd)
n=$2
tail_seconds=${3:-6}
case $n in
    ''|*[!0-9]*|0) echo "$0: N must be a positive number, not '$n'" >&2
                   exit 2 ;;
esac
ipv6=${CHURN_IPV6:-on}
case $ipv6 in
    on|off) ;;
    *) echo "$0: CHURN_IPV6 must be 'on' or 'off', not '$ipv6'" >&2
       exit 2 ;;
esac
peer_netns=${CHURN_PEER_NETNS:-0}
case $peer_netns in
    0|1) ;;
    *) echo "$0: CHURN_PEER_NETNS must be 0 or 1, not '$peer_netns'" >&2
       exit 2 ;;
esac
idle_seconds=${CHURN_IDLE_SECONDS:-0}
case $idle_seconds in
    ''|*[!0-9]*)
        echo "$0: CHURN_IDLE_SECONDS must be a number of seconds, not" \
             "'$idle_seconds'" >&2
        exit 2 ;;
esac
bin=$tree/_build
[ -x "$bin/vswitchd/ovs-vswitchd" ] \
    || { echo "$0: $tree is not built (make build)" >&2; exit 1; }

COUNTERS='netlink_sent netdev_linux_getlink netdev_linux_siocgifflags
          route_table_dump bridge_reconfigure nln_changed nln_overflow
          netlink_overflow netdev_get_stats bridge_iface_netdev_status
          netdev_linux_rx_buffer_new netdev_linux_rx_header_reset
          rev_reconfigure rev_port_toggled rev_mac_learning xlate_actions
          odp_commit_unchanged netdev_linux_rx_idle'

# shellcheck source=lib/sandbox.sh
. "$(dirname "$0")/lib/sandbox.sh"
dir=$(mktemp -d /tmp/ovs-churn.XXXXXX)
GETIFADDRS_PROBE=probe_libc:getifaddrs
probe_added=
peer_ns() { echo "churn-$$-q$1"; }
cleanup() {
    sandbox_stop
    if [ "$peer_netns" = 1 ]; then
        for i in $(seq "$n"); do
            ip netns del "$(peer_ns "$i")" 2>/dev/null || true
        done
    fi
    rm -rf "$dir"
    if [ -n "$probe_added" ]; then
        perf probe -q -d "$GETIFADDRS_PROBE" 2>/dev/null || true
    fi
}
sandbox_start "$tree" "$dir" "churn-$$" > /dev/null
trap cleanup EXIT
if [ "$ipv6" = off ]; then
    # "all" also covers br0, which exists already.
    sb_ns sysctl -qw net.ipv6.conf.all.disable_ipv6=1 \
        net.ipv6.conf.default.disable_ipv6=1
fi

counter() {
    sb_appctl coverage/read-counter "$1" 2>/dev/null || echo n/a
}
# CPU time of the daemon, in clock ticks: all threads, or with an argument
# the main thread alone (the rest is mostly the revalidators, whose work
# grows with the flows that the ports' traffic creates).
cpu_ticks() {
    local pid
    pid=$(sandbox_vswitchd_pid)
    awk '{ print $14 + $15 }' "/proc/$pid${1:+/task/$pid}/stat"
}

add_veth() {
    if [ "$peer_netns" = 1 ]; then
        if [ ! -e "/run/netns/$(peer_ns "$1")" ]; then
            ip netns add "$(peer_ns "$1")"
            if [ "$ipv6" = off ]; then
                ip netns exec "$(peer_ns "$1")" sysctl -qw \
                    net.ipv6.conf.all.disable_ipv6=1 \
                    net.ipv6.conf.default.disable_ipv6=1
            fi
        fi
        sb_ns ip link add "p$1" type veth peer name "q$1" \
            netns "$(peer_ns "$1")"
        ip -n "$(peer_ns "$1")" link set "q$1" up
    else
        sb_ns ip link add "p$1" type veth peer name "q$1"
        sb_ns ip link set "q$1" up
    fi
    sb_ns ip link set "p$1" up
    if [ -n "${CHURN_ADDRESSES:-}" ]; then
        sb_ns ip addr add "10.$(($1 / 256)).$(($1 % 256)).1/24" dev "p$1"
    fi
}
args=()
for i in $(seq "$n"); do
    add_veth "$i"
    args+=(-- add-port br0 "p$i")
done
sb_vsctl "${args[@]}"
# Let the daemon finish the work of the setup (IPv6 DAD goes on for a
# while), so that the counters below count only the churn.
sleep 12

idle_ticks=
if [ "$idle_seconds" -gt 0 ]; then
    idle_before=$(cpu_ticks)
    sleep "$idle_seconds"
    idle_ticks=$(($(cpu_ticks) - idle_before))
fi

declare -A before
for c in $COUNTERS; do
    before[$c]=$(counter "$c")
done
cpu_before=$(cpu_ticks) main_before=$(cpu_ticks main)
# ioctl requests counted apart, by name and number.
IOCTLS='SIOCGIFNAME:0x8910 SIOCGIFFLAGS:0x8913 SIOCSIFFLAGS:0x8914
        SIOCGIFMTU:0x8921 SIOCGIFHWADDR:0x8927 SIOCGIFINDEX:0x8933
        SIOCETHTOOL:0x8946'
perf_pid='' perf_pids=''
ioctl_counts=()
if command -v perf > /dev/null; then
    events=(-e syscalls:sys_enter_ioctl)
    for ioctl in $IOCTLS; do
        events+=(-e syscalls:sys_enter_ioctl --filter "cmd == ${ioctl#*:}")
    done
    perf stat -x, -o "$dir/perf" -p "$(sandbox_vswitchd_pid)" \
        "${events[@]}" > /dev/null 2>&1 &
    perf_pid=$!
    if ! perf probe -l 2>/dev/null | grep -q "$GETIFADDRS_PROBE "; then
        libc=$(ldd "$bin/vswitchd/ovs-vswitchd" |
               awk '$1 ~ /^libc\.so/ { print $3 }')
        if perf probe -q -x "$libc" getifaddrs > /dev/null 2>&1; then
            probe_added=yes
        fi
    fi
    perf stat -x, -o "$dir/perf-getifaddrs" -p "$(sandbox_vswitchd_pid)" \
        -e "$GETIFADDRS_PROBE" > /dev/null 2>&1 &
    perf_pids="$perf_pid $!"
fi
start=$(date +%s.%N)
for i in $(seq "$n"); do
    sb_vsctl del-port br0 "p$i"
    sb_ns ip link del "p$i"
    add_veth "$i"
    sb_vsctl add-port br0 "p$i"
done
end=$(date +%s.%N)
sleep "$tail_seconds"
cpu_after=$(cpu_ticks) main_after=$(cpu_ticks main)
for pid in $perf_pids; do
    kill -INT "$pid" 2>/dev/null || true
    wait "$pid" || true
done

line="n=$n ipv6=$ipv6 peer_netns=$peer_netns"
line="$line churn_s=$(echo "$end - $start" | bc -l | xargs printf '%.2f')"
line="$line cpu_s_per_port=$(echo "($cpu_after - $cpu_before) / \
$(getconf CLK_TCK) / $n" | bc -l | xargs printf '%.4f')"
line="$line cpu_main_s_per_port=$(echo "($main_after - $main_before) / \
$(getconf CLK_TCK) / $n" | bc -l | xargs printf '%.4f')"
if [ -n "$idle_ticks" ]; then
    line="$line idle_cpu_s_per_port=$(echo "$idle_ticks / \
$(getconf CLK_TCK) / $idle_seconds * ($end - $start + $tail_seconds) / $n" |
        bc -l | xargs printf '%.4f')"
else
    line="$line idle_cpu_s_per_port=n/a"
fi
for c in $COUNTERS; do
    after=$(counter "$c")
    if [ "$after" = n/a ] || [ "${before[$c]}" = n/a ]; then
        line="$line $c=n/a"
    else
        line="$line $c=$(echo "($after - ${before[$c]}) / $n" | bc -l |
                          xargs printf '%.1f')"
    fi
done
# perf prints one line per event, in the order given: the first is every
# ioctl, then one per entry of IOCTLS.
if [ -n "$perf_pid" ] && [ -s "$dir/perf" ]; then
    mapfile -t ioctl_counts < <(awk -F, '/^[0-9]/ { print $1 }' "$dir/perf")
fi
if [ "${#ioctl_counts[@]}" -eq $(($(echo $IOCTLS | wc -w) + 1)) ]; then
    per_port() { echo "$1 / $n" | bc -l | xargs printf '%.1f'; }
    line="$line ioctl=$(per_port "${ioctl_counts[0]}")"
    i=1
    for ioctl in $IOCTLS; do
        line="$line ${ioctl%:*}=$(per_port "${ioctl_counts[$i]}")"
        i=$((i + 1))
    done
    getifaddrs=$(awk -F, -v e="$GETIFADDRS_PROBE" '$3 == e { print $1 }' \
                     "$dir/perf-getifaddrs" 2>/dev/null)
    netlink=$(($(counter netlink_sent) - ${before[netlink_sent]}))
    case $getifaddrs in
        ''|*[!0-9]*)
            line="$line getifaddrs=n/a kernel_requests=n/a" ;;
        *)
            line="$line getifaddrs=$(per_port "$getifaddrs")"
            line="$line kernel_requests=$(per_port \
                $((netlink + ioctl_counts[0] + 2 * getifaddrs)))" ;;
    esac
else
    line="$line ioctl=n/a getifaddrs=n/a kernel_requests=n/a"
fi
if [ -n "${CHURN_ADDRESSES:-}" ]; then
    # After the churn, OVS's routes must be the kernel's.
    sb_appctl ovs/route/show > "$dir/ovs-routes"
    sb_ns ip -4 -j route show table all > "$dir/kernel-ipv4.json"
    sb_ns ip -6 -j route show table all > "$dir/kernel-ipv6.json"
    "$(dirname "$0")/../tests/oracle/route-compare.py" "$dir/ovs-routes" \
        "$dir/kernel-ipv4.json" "$dir/kernel-ipv6.json" \
        > "$dir/route-mismatches" || true
    sed 's/^/route mismatch: /' "$dir/route-mismatches" >&2
    line="$line route_mismatches=$(wc -l < "$dir/route-mismatches")"
fi
echo "$line"
