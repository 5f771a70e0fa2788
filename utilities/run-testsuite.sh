#!/bin/bash
# Runs one OVS autotest suite of a built tree and records each test.
#
# usage: utilities/run-testsuite.sh RESULTS TREE TARGET [TESTSUITEFLAGS...]
#
# TARGET is the make target (check, check-system-userspace, ...).  Failed
# tests are run once more (OVS's RECHECK), as OVS's own CI does for
# timing-sensitive system tests; a test that fails twice fails.  Appends
# "STATUS<TAB>NAME<TAB>LOG" lines to RESULTS.

. "$(dirname "$0")/common.sh"

results=$1 tree=$(cd "$2" && pwd) target=$3
shift 3
obj=$tree/_build
case $target in
    check) suite=testsuite ;;
    check-system-*) suite=system-${target#check-system-}-testsuite ;;
    *) die "unknown test target $target" ;;
esac
log=$LOG_DIR/check/$(basename "$tree")-$target.log
mkdir -p "$(dirname "$log")"

# The system suites create namespaces with fixed names (at_ns0...): two at
# once on one machine break each other, so they take turns.
if [ "$target" != check ]; then
    exec 9> "${TMPDIR:-/tmp}/ovs-system-tests.lock"
    flock -n 9 || { say "waiting for another system suite to finish"
                    flock 9; }
fi

say "$(basename "$tree"): make $target TESTSUITEFLAGS='$*' (log: $log)"
# Run every suite in a network namespace of its own: system tests create
# devices and routes, and a few unit tests connect to addresses that must
# not leave the machine.  The host's interfaces are never touched.
netns=ovs-check-$$
ip netns add "$netns" || die "cannot create network namespace $netns"
trap 'ip netns del "$netns" 2>/dev/null || true' EXIT
ip -n "$netns" link set lo up
# The lock (fd 9) stays with this script: a daemon that a failed test
# leaves behind must not hold it and stop every later system suite.
ip netns exec "$netns" \
    make -C "$obj" "$target" RECHECK=yes TESTSUITEFLAGS="$*" > "$log" 2>&1 \
    9>&- &
make_pid=$!
if [ -n "${PROGRESS:-}" ]; then
    # Long suites: say how far they are, once a minute.
    while kill -0 $make_pid 2>/dev/null; do
        sleep 60 &
        wait $! || true
        say "$target: $(grep -cE '^ *[0-9]+: ' "$log" || true) tests done"
    done
fi
wait $make_pid || true

"$TOP/utilities/parse-testsuite-log.sh" "$log" "$target" \
    "$obj/tests/$suite.dir" >> "$results"
