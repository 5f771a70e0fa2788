#!/bin/bash
# How long the benchmark's churn takes without ovs-vswitchd: the agent's
# own floor, which no change to the daemon can go below.
#
# usage: bench/agent-floor.sh OVS_TREE N [ROUNDS]
#
# Sets up what bench/run-point.sh sets up (a userspace-datapath bridge br0
# with N veth ports, in a network namespace of its own, ovsdb-server and
# ovs-vswitchd of OVS_TREE), stops ovs-vswitchd, then runs ROUNDS
# (default 3) churn rounds with "ovs-vsctl --no-wait": each round still
# deletes and creates every device and sends each port change through
# ovsdb-server, as in the benchmark, but no daemon applies the changes or
# is waited for, and none competes for the CPUs.  Prints churn-driver's
# lines (round=K ports=N seconds=S, then the mean and standard deviation).
# Then the same rounds with true(1) in place of ovs-vsctl, so that only
# the device changes are left (and a process started per port change),
# each line prefixed with "devices: ": how much of the floor is the
# kernel's.
#
# A wall-time ratio R between stock and the series at N ports is only
# possible if stock's round is at least R times this floor.

set -euo pipefail

[ $# -ge 2 ] || { echo "usage: $0 OVS_TREE N [ROUNDS]" >&2; exit 2; }
n=$2 rounds=${3:-3}
for value in "$n" "$rounds"; do
    case $value in
        ''|*[!0-9]*|0) echo "$0: N and ROUNDS must be positive numbers," \
                            "not '$value'" >&2
                       exit 2 ;;
    esac
done
bench=$(cd "$(dirname "$0")" && pwd)
driver=$bench/churn/churn-driver
[ -x "$driver" ] || { echo "$0: $driver is not built (make tools)" >&2
                      exit 1; }

# shellcheck source=lib/sandbox.sh
. "$bench/lib/sandbox.sh"
dir=$(mktemp -d /tmp/ovs-floor.XXXXXX)
cleanup() {
    sandbox_stop
    rm -rf "$dir"
}
sandbox_start "$1" "$dir" "floor-$$" > /dev/null
trap cleanup EXIT
vsctl="$SANDBOX_TREE/_build/utilities/ovs-vsctl --db=unix:$dir/db.sock"
vsctl="$vsctl --timeout=120"
sb_ns "$driver" --ports "$n" --setup --vsctl "$vsctl" > /dev/null

sandbox_stop_daemon ovs-vswitchd
sb_ns "$driver" --ports "$n" --rounds "$rounds" --vsctl "$vsctl --no-wait"
sb_ns "$driver" --ports "$n" --rounds "$rounds" --vsctl true |
    sed 's/^/devices: /'
