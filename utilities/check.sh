#!/bin/bash
# 'make check': series hygiene, the series applied and built with -Werror,
# the OVS unit and system tests of this area, and the repository's own
# tests.  Ends with one line "N passed, N failed" (skips counted apart) and
# exits non-zero on any failure.

. "$(dirname "$0")/common.sh"

# The OVS unit tests that exercise routing, netlink, tunnels and interfaces
# (with dummy netdevs) and the series' own unit tests (found by words of
# their titles), and the system tests of the userspace datapath that drive
# real Linux devices: interfaces, routes, taps and the series' own tests
# (keyword netdev-linux-events).
default_unit='-k ovs_router -k tunnel -k netlink -k interface'
default_unit="$default_unit -k revalidates -k commits -k poll-loop"
default_unit="$default_unit -k mirror -k protected"
default_unit="$default_unit -k MAC -k static-mac -k NetFlow"
default_system='-k interface -k route'
default_system="$default_system -k netdev-linux-events"
UNIT_KEYWORDS=${UNIT_KEYWORDS:-$default_unit}
SYSTEM_KEYWORDS=${SYSTEM_KEYWORDS:-$default_system}
TSO_KEYWORDS=${TSO_KEYWORDS:--k http_tap}

started=$(date +%s)
"$TOP/utilities/deps.sh" build test bench
results=$LOG_DIR/check/results.tsv
rm -rf "$LOG_DIR/check"
mkdir -p "$LOG_DIR/check"
: > "$results"

record() { printf '%s\t%s\t%s\n' "$1" "$2" "$3" >> "$results"; }

# A step that fails stops what depends on it: nothing can be tested
# without a tree and a build.
run_step() {
    local name=$1 log=$LOG_DIR/check/$2.log
    shift 2
    say "$name"
    if "$@" > "$log" 2>&1; then
        record PASS "$name" ""
        return 0
    fi
    tail -n 20 "$log" >&2
    record FAIL "$name" "$log"
    return 1
}

summary() {
    local passed failed skipped
    passed=$(grep -c '^PASS' "$results" || true)
    failed=$(grep -c '^FAIL' "$results" || true)
    skipped=$(grep -c '^SKIP' "$results" || true)
    echo
    report_failures "$results"
    echo "All results: $results" \
         "($(( ($(date +%s) - started) / 60 )) min)"
    echo "check: $passed passed, $failed failed, $skipped skipped"
    [ "$failed" -eq 0 ]
}
trap 'status=$?
      [ $status -eq 0 ] || record FAIL "check.sh stopped early" ""
      summary || status=1
      exit $status' EXIT

"$TOP/utilities/check-patches.sh" "$results"

if run_step "series applies to the base" tree \
        "$TOP/utilities/make-tree.sh" \
   && run_step "series builds with -Werror" build "$TOP/utilities/build.sh" \
   && run_step "stock builds with -Werror" build-stock \
        sh -c "'$TOP/utilities/make-tree.sh' --if-missing '$STOCK_TREE' 0 &&
               '$TOP/utilities/build.sh' '$STOCK_TREE'"; then
    # shellcheck disable=SC2086
    "$TOP/utilities/run-testsuite.sh" "$results" "$TREE" check \
        -j$(($(jobs_count) * 2)) $UNIT_KEYWORDS
    # shellcheck disable=SC2086
    "$TOP/utilities/run-testsuite.sh" "$results" "$TREE" \
        check-system-userspace $SYSTEM_KEYWORDS
    # shellcheck disable=SC2086
    "$TOP/utilities/run-testsuite.sh" "$results" "$TREE" \
        check-system-tso $TSO_KEYWORDS
    run_step "bench and test tools build" tools \
        "$TOP/utilities/build-tools.sh" || true
    "$TOP/utilities/run-own-tests.sh" "$results" short
fi
