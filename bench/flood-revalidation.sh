#!/bin/bash
# Measures what one revalidation of flooding datapath flows costs
# ovs-vswitchd's revalidator threads.
#
# usage: bench/flood-revalidation.sh OVS_TREE [N [FLOWS_PER_PORT [ROUNDS]]]
#
# Every port change revalidates every datapath flow, and each flow that
# floods is translated again, one output per port: with N ports and flows
# of their traffic, O(flows * N) work per port change, which is what the
# revalidators spend most of their time on under port churn.  This puts N
# veth ports (default 100) on the sandbox's bridge, with the NORMAL action,
# sends FLOWS_PER_PORT (default 4) broadcasts from distinct source MACs into
# each, so that N * FLOWS_PER_PORT flooding flows are installed and kept,
# then asks for ROUNDS revalidations (default 100; 10 under callgrind,
# below), each by a flow table change, waiting for each to finish.  No
# traffic flows meanwhile (IPv6 is off in the namespace).
#
# Prints one line of "name=value" pairs: the flows, the revalidations
# counted by the daemon (rev_flow_table) and the revalidator threads' CPU
# time per revalidation in milliseconds.  CPU time, not wall time, so that
# other load on the machine matters less; compare builds in the same run,
# interleaved.
#
# With FLOOD_CALLGRIND=1, ovs-vswitchd runs under valgrind's callgrind,
# which counts the instructions executed in the retranslation of flows
# (revalidate_ukey__() and what it calls) during the rounds: the line then
# also has instructions_per_revalidation, which does not depend on the
# load of the machine, and the CPU time is callgrind's, not comparable.

set -eu

usage() {
    echo "usage: $0 OVS_TREE [N [FLOWS_PER_PORT [ROUNDS]]]" >&2
    exit 2
}
if [ $# -lt 1 ] || [ $# -gt 4 ]; then
    usage
fi
tree=$(cd "$1" && pwd)
callgrind=${FLOOD_CALLGRIND:-0}
# Under callgrind, whose counts repeat from run to run, 10 rounds are
# enough; each takes seconds there.
default_rounds=100
[ "$callgrind" != 1 ] || default_rounds=10
n=${2:-100} per_port=${3:-4} rounds=${4:-$default_rounds}
for value in "$n" "$per_port" "$rounds"; do
    case $value in
        ''|*[!0-9]*|0) echo "$0: '$value' is not a positive number" >&2
                       usage ;;
    esac
done
if [ "$n" -gt 250 ] || [ "$per_port" -gt 250 ]; then
    echo "$0: at most 250 ports and 250 flows per port" >&2
    exit 2
fi
[ -x "$tree/_build/vswitchd/ovs-vswitchd" ] \
    || { echo "$0: $tree is not built (make build)" >&2; exit 1; }

case $callgrind in
    0) ;;
    1) if ! command -v callgrind_control > /dev/null; then
           echo "$0: FLOOD_CALLGRIND=1 needs valgrind" >&2
           exit 1
       fi ;;
    *) echo "$0: FLOOD_CALLGRIND must be 0 or 1, not '$callgrind'" >&2
       exit 2 ;;
esac

# shellcheck source=lib/sandbox.sh
. "$(dirname "$0")/lib/sandbox.sh"
dir=$(mktemp -d /tmp/ovs-flood.XXXXXX)
if [ "$callgrind" = 1 ]; then
    # shellcheck disable=SC2034  # used by lib/sandbox.sh
    SANDBOX_VSWITCHD_WRAPPER="valgrind --tool=callgrind --collect-atstart=no
        --toggle-collect=revalidate_ukey__ --callgrind-out-file=$dir/cg.%p"
fi
cleanup() {
    sandbox_stop
    rm -rf "$dir"
}
sandbox_start "$tree" "$dir" "flood-$$" > /dev/null
trap cleanup EXIT
sb_ns sysctl -qw net.ipv6.conf.all.disable_ipv6=1 \
    net.ipv6.conf.default.disable_ipv6=1
ofctl() { sb_ns "$tree/_build/utilities/ovs-ofctl" "$@"; }
counter() { sb_appctl coverage/read-counter "$1"; }

# Flows must outlive the run: no idle expiry.
sb_vsctl set Open_vSwitch . other_config:max-idle=3600000
if [ "$callgrind" = 1 ]; then
    # A dump that takes longer than half of max-revalidator (500 ms by
    # default) retranslates only busy flows and deletes the others, and
    # under callgrind a dump is about 50 times slower.
    sb_vsctl set Open_vSwitch . other_config:max-revalidator=5000
fi
args=()
for i in $(seq "$n"); do
    sb_ns ip link add "p$i" type veth peer name "q$i"
    sb_ns ip link set "q$i" up
    sb_ns ip link set "p$i" up
    args+=(-- add-port br0 "p$i")
done
sb_vsctl "${args[@]}"
ofctl del-flows br0
ofctl add-flow br0 priority=0,actions=normal

# Broadcast ARP requests, one source MAC per flow.
sb_ns python3 - "$n" "$per_port" <<'EOF'
import socket
import sys

n, per_port = int(sys.argv[1]), int(sys.argv[2])
for port in range(1, n + 1):
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    s.bind(("q%d" % port, 0))
    for flow in range(1, per_port + 1):
        mac = bytes([0x02, 0, 0, 0, port, flow])
        arp = (bytes.fromhex("0001080006040001") + mac + bytes(4)
               + bytes(6) + bytes([10, 0, port, flow]))
        s.send(b"\xff" * 6 + mac + b"\x08\x06" + arp)
    s.close()
EOF
flows_wanted=$((n * per_port))
flows() { sb_appctl dpctl/dump-flows | grep -c 'eth_type(0x0806)' || true; }
for _ in $(seq 100); do
    [ "$(flows)" -ge "$flows_wanted" ] && break
    sleep 0.1
done
flows=$(flows)
[ "$flows" -ge "$flows_wanted" ] \
    || { echo "$0: $flows of $flows_wanted flows installed" >&2; exit 1; }
sb_appctl revalidator/wait

revalidator_ticks() {
    local pid task total=0
    pid=$(sandbox_vswitchd_pid)
    for task in /proc/"$pid"/task/*; do
        case $(cat "$task/comm") in
            revalidator*)
                total=$((total + $(awk '{ print $14 + $15 }' "$task/stat")))
                ;;
        esac
    done
    echo $total
}

revalidations_before=$(counter rev_flow_table)
ticks_before=$(revalidator_ticks)
if [ "$callgrind" = 1 ]; then
    callgrind_control --zero "$(sandbox_vswitchd_pid)" > /dev/null
fi
for round in $(seq "$rounds"); do
    # Adding and deleting a flow that matches nothing each change the
    # flow table, so each asks for a revalidation of every flow.
    if [ $((round % 2)) = 1 ]; then
        ofctl add-flow br0 priority=1,in_port=65000,actions=drop
    else
        ofctl --strict del-flows br0 priority=1,in_port=65000
    fi
    sb_appctl revalidator/wait
    if [ $((round % 20)) = 0 ] || [ "$round" = "$rounds" ]; then
        echo "$0: $(basename "$tree"): $round/$rounds revalidations" >&2
    fi
done
ticks=$(($(revalidator_ticks) - ticks_before))
revalidations=$(($(counter rev_flow_table) - revalidations_before))
instructions=
if [ "$callgrind" = 1 ]; then
    pid=$(sandbox_vswitchd_pid)
    callgrind_control --dump=rounds "$pid" > /dev/null
    # The dump's "summary:" line counts the instructions (Ir) collected
    # since the zeroing above.
    summary=$(cat "$dir"/cg."$pid".* 2>/dev/null |
              awk '$1 == "summary:" { print $2; exit }')
    case $summary in
        ''|*[!0-9]*) echo "$0: no callgrind dump from $pid" >&2; exit 1 ;;
    esac
    instructions=" instructions_per_revalidation=$((summary / rounds))"
fi
[ "$(flows)" -ge "$flows_wanted" ] \
    || { echo "$0: flows expired during the run" >&2; exit 1; }

echo "tree=$(basename "$tree") n=$n flows=$flows rounds=$rounds" \
     "revalidations=$revalidations" \
     "cpu_ms_per_revalidation=$(echo "$ticks * 1000 / $(getconf CLK_TCK) \
/ $rounds" | bc -l | xargs printf '%.2f')$instructions"
