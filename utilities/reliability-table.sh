#!/bin/bash
# Prints the results of the reliability scenarios of one profile as the
# reStructuredText table of Documentation/testing.rst.
#
# usage: utilities/reliability-table.sh [PROFILE]   (short or long)

. "$(dirname "$0")/common.sh"

profile=${1:-short}
dir=$BUILD_DIR/reliability/$profile
ls "$dir"/*.txt > /dev/null 2>&1 \
    || die "no results in $dir (run the tests/test-reliability-*.sh first)"

rule='==========  ======  ======  ========  ======  =====  =====  ============'
echo "$rule"
echo 'scenario    build   checks  events    faults  stale  late   converge ms'
echo '                                                     diffs  median/max'
echo "$rule"
for scenario in overflow netns identity flags restart dbrestart; do
    for build in stock series; do
        file=$dir/$scenario-$build.txt
        grep -q "^result: " "$file" 2>/dev/null || continue
        # Runs from before the stale count: a check that did not converge
        # printed "not converged".
        stale=$(grep -c 'not converged after' "$file" || true)
        grep '^result: ' "$file" | tail -n 1 | tr ' ' '\n' |
            awk -F= -v stale="$stale" '
            { v[$1] = $2 }
            END {
                if (!("stale" in v)) v["stale"] = stale
                printf "%-10s  %-6s  %6s  %8s  %6s  %5s  %5s  %s/%s\n",
                       v["scenario"], v["build"], v["rounds"], v["events"],
                       v["faults"], v["stale"], v["mismatches"],
                       v["converge_ms_median"], v["converge_ms_max"]
            }'
    done
done
echo "$rule"
