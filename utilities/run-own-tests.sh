#!/bin/bash
# Runs the repository's own tests, tests/test-*.sh, and records each one.
#
# usage: utilities/run-own-tests.sh RESULTS [PROFILE]   (short or long)
#
# A test exits 0 to pass, 77 to skip (saying why on stderr), anything else
# to fail.  Appends "STATUS<TAB>NAME<TAB>LOG" lines to RESULTS.

. "$(dirname "$0")/common.sh"

results=$1
export PROFILE=${2:-short}
export TOP SERIES_TREE=${SERIES_TREE:-$TREE} STOCK_TREE=$STOCK_TREE
logdir=$LOG_DIR/check/own
mkdir -p "$logdir"

for test in "$TOP"/tests/test-*.sh; do
    [ -x "$test" ] || continue
    name=$(basename "$test" .sh)
    log=$logdir/$name.log
    say "$name ($PROFILE)"
    start=$(date +%s)
    set +e
    (cd "$TOP" && "$test") > "$log" 2>&1
    status=$?
    set -e
    secs=$(($(date +%s) - start))
    case $status in
        0) st=PASS where= ;;
        77) st=SKIP where=$log ;;
        *) st=FAIL where=$log ;;
    esac
    say "$name: $st (${secs}s)"
    printf '%s\t%s\t%s\n' "$st" "own $name" "$where" >> "$results"
done
