#!/bin/bash
# Runs one reliability scenario against one OVS build, in a sandbox of its
# own, and prints its result line last.
#
# usage: tests/reliability/scenario.sh SCENARIO OVS_TREE BUILD_LABEL
#
# SCENARIO is a file tests/reliability/SCENARIO.sh that defines
# scenario_run.  Size and rounds come from the environment (REL_PORTS,
# REL_ROUNDS, ...), with defaults for PROFILE=short or long.  Exit status:
# 0 when the scenario ran and really drove its faults (whatever the
# mismatches), 1 when it could not.

set -eu
TOP=${TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
[ $# = 3 ] || { echo "usage: $0 SCENARIO OVS_TREE BUILD_LABEL" >&2; exit 2; }
scenario=$1 tree=$2 build=$3
here=$TOP/tests/reliability
[ -f "$here/$scenario.sh" ] \
    || { echo "$0: no scenario '$scenario' in $here" >&2; exit 2; }
[ -x "$tree/_build/vswitchd/ovs-vswitchd" ] \
    || { echo "$0: $tree is not built" >&2; exit 2; }
case ${PROFILE:-short} in
    short|long) ;;
    *) echo "$0: PROFILE must be short or long, not '$PROFILE'" >&2
       exit 2 ;;
esac

# shellcheck source=/dev/null
. "${SANDBOX_LIB:-$TOP/bench/lib/sandbox.sh}"
. "$here/lib.sh"
# shellcheck source=/dev/null
. "$here/$scenario.sh"

# Fails the run: the scenario did not do what it claims to test.
rel_fail() { echo "error: $scenario on $build: $*" >&2; exit 1; }

workdir=$(mktemp -d "/tmp/ovs-rel-$scenario.XXXXXX")
REL_EXTRA_NS=()
cleanup() {
    local ns
    sandbox_stop
    for ns in "${REL_EXTRA_NS[@]}"; do
        ip netns del "$ns" 2>/dev/null || true
    done
    rm -rf "$workdir"
}
# A namespace of the scenario besides the sandbox's, deleted at exit.
rel_netns_add() {
    ip netns add "$1"
    REL_EXTRA_NS+=("$1")
    ip -n "$1" link set lo up
}

sandbox_start "$tree" "$workdir/sandbox" "rel-$scenario-$$" >/dev/null
# After sandbox_start, which sets its own traps: ours stop it too.
trap cleanup EXIT
trap 'exit 130' INT TERM
echo "$scenario on $build ($tree), profile ${PROFILE:-short}"
scenario_run
