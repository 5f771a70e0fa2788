#!/bin/bash
# Runs one reliability scenario against stock OVS and the series, prints
# one result line per build and judges: the series must never be left
# stale (a check that does not converge within the settle time); a stale
# check of stock is a finding, printed and kept, not a failure (stock is
# what the series fixes).  A check that converges after the 1 s deadline
# is reported as late.  Every run must really drive its faults.
#
# usage: tests/reliability/run.sh SCENARIO
#
# Environment: TOP, SERIES_TREE, STOCK_TREE, PROFILE (short or long),
# REL_BUILDS (default "stock series").  Results go to
# build/reliability/PROFILE/SCENARIO-BUILD.txt.

set -eu
TOP=${TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
SERIES_TREE=${SERIES_TREE:-$TOP/build/ovs}
STOCK_TREE=${STOCK_TREE:-$TOP/build/ovs-stock}
PROFILE=${PROFILE:-short}
export TOP PROFILE
[ $# = 1 ] || { echo "usage: $0 SCENARIO" >&2; exit 2; }
scenario=$1
skip() { echo "skip: $*" >&2; exit 77; }

[ "$(id -u)" = 0 ] || skip "needs root for network namespaces"
[ -f "${SANDBOX_LIB:-$TOP/bench/lib/sandbox.sh}" ] \
    || skip "no sandbox runner bench/lib/sandbox.sh yet"
if [ ! -x "$TOP/tests/oracle/link-oracle" ]; then
    pkg-config --exists libnl-3.0 libnl-route-3.0 \
        || skip "libnl-3-dev and libnl-route-3-dev are not installed"
    make -s -C "$TOP/tests/oracle" >&2
fi

builds=${REL_BUILDS:-stock series}
if [ "$(git -C "$SERIES_TREE" rev-list --count base..HEAD 2>/dev/null)" = 0 ]
then
    # Without patches the series is stock: it has nothing of its own to be
    # judged on, and stock's findings are not failures.
    echo "the series is empty: stock alone"
    builds=${builds//series/}
fi

out=$TOP/build/reliability/$PROFILE
mkdir -p "$out"
status=0
for build in $builds; do
    case $build in
        stock) tree=$STOCK_TREE ;;
        series) tree=$SERIES_TREE ;;
        *) echo "$0: unknown build '$build'" >&2; exit 2 ;;
    esac
    [ -x "$tree/_build/vswitchd/ovs-vswitchd" ] \
        || skip "$tree is not built (make build build-stock)"
    log=$out/$scenario-$build.txt
    if ! "$TOP/tests/reliability/scenario.sh" "$scenario" "$tree" "$build" \
            > "$log" 2>&1; then
        cat "$log"
        echo "FAIL: $scenario on $build did not run through (log: $log)"
        status=1
        continue
    fi
    grep -v '^result: ' "$log" | grep -v '|INFO|' || true
    line=$(grep '^result: ' "$log" | tail -n 1)
    echo "$line"
    mismatches=$(echo "$line" | tr ' ' '\n' | sed -n 's/^mismatches=//p')
    stale=$(echo "$line" | tr ' ' '\n' | sed -n 's/^stale=//p')
    if [ "${stale:-0}" != 0 ]; then
        if [ $build = series ]; then
            echo "FAIL: the series left $stale check(s) of $scenario stale" \
                 "(not converged within the settle time)"
            status=1
        else
            echo "finding: stock left $stale check(s) of $scenario stale" \
                 "(see above and $log)"
        fi
    elif [ "$mismatches" != 0 ]; then
        echo "late: $build converged after the deadline, with $mismatches" \
             "field(s) still different at it (a loaded machine does that)"
    fi
done
exit $status
