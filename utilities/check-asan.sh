#!/bin/bash
# 'make check-asan': the series built with AddressSanitizer and UBSan, and
# the unit and system tests of this area run on it (the keywords of 'make
# check').  Fails on any failed test and on any sanitizer report, and ends
# with one line "check-asan: N passed, N failed, N skipped, N sanitizer
# reports".
#
# The tree is build/ovs-asan, kept apart from build/ovs so that the two
# builds do not reconfigure each other.

. "$(dirname "$0")/common.sh"

tree=$BUILD_DIR/ovs-asan
export LOG_DIR=$LOG_DIR/asan
results=$LOG_DIR/results.tsv
reports=$LOG_DIR/reports
unit_keywords='-k ovs_router -k tunnel -k netlink -k interface'
system_keywords='-k interface -k route -k netdev-linux-events'

"$TOP/utilities/deps.sh" build test
# The series as patches/ has it now, not as an earlier run left the tree,
# which nobody edits (FORCE: an older series there is no work to keep).
FORCE=1 "$TOP/utilities/make-tree.sh" "$tree"

# The sanitizer flags go in CC, not in CFLAGS: build.sh word-splits
# CONFIGURE_FLAGS, and it records CC, so that a change here reconfigures.
# No commas: OVS's sparse wrapper puts CC inside a make $(if ...).
# -fno-sanitize-recover makes UBSan abort, like ASan, on its first report;
# -fno-common is what OVS's CI adds for ASan (global-overflow detection).
san='-fsanitize=address -fsanitize=undefined -fno-sanitize-recover=undefined'
export CC="${CC:-clang} $san -fno-omit-frame-pointer -fno-common"
"$TOP/utilities/build.sh" "$tree"

# Autotest keeps the directories of failed tests from earlier runs: start
# clean, so that an old report is not counted.
rm -rf "$reports" "$results" "$tree/_build/tests/"*testsuite.dir
mkdir -p "$reports"
# tests/atlocal sets detect_leaks=0 and log_path=sanitizers, then appends
# these, which win.  An absolute log_path keeps every report: autotest
# deletes the directory of a test that passes, also one that passes only
# when RECHECK runs it again, and daemons may change directory.
# log_exe_name adds the program's name to the file name.  (A program with
# both sanitizers shares one log_path, the one of UBSAN_OPTIONS, read last:
# its ASan reports too go to ubsan.*.)
export ASAN_OPTIONS=log_path=$reports/asan:log_exe_name=1
export UBSAN_OPTIONS=log_path=$reports/ubsan:log_exe_name=1

# shellcheck disable=SC2086
"$TOP/utilities/run-testsuite.sh" "$results" "$tree" check \
    -j$(($(jobs_count) * 2)) $unit_keywords

# shellcheck disable=SC2086
"$TOP/utilities/run-testsuite.sh" "$results" "$tree" check-system-userspace \
    $system_keywords

# Reports: ours, and any that a test wrote with a log_path of its own into
# the directories autotest keeps (those of failed tests).
mapfile -t found < <(find "$reports" "$tree/_build/tests/"*testsuite.dir \
    -type f \( -name 'asan.*' -o -name 'ubsan.*' -o -name 'sanitizers.*' \) \
    2>/dev/null)

passed=$(grep -c '^PASS' "$results" || true)
failed=$(grep -c '^FAIL' "$results" || true)
skipped=$(grep -c '^SKIP' "$results" || true)
echo
report_failures "$results"
for report in "${found[@]}"; do
    echo "Sanitizer report: $report"
    # The first lines name the error and the top of its stack.
    grep -m 12 -E 'ERROR|runtime error|SUMMARY|^ +#[0-9]' "$report" \
        | sed 's/^/    /'
done
echo "All results: $results"
echo "check-asan: $passed passed, $failed failed, $skipped skipped," \
     "${#found[@]} sanitizer reports"
[ "$failed" -eq 0 ] && [ "${#found[@]}" -eq 0 ]
