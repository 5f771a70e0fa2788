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

rule='==========  ======  ======  ========  =========  ==========  ============'
echo "$rule"
echo 'scenario    build   rounds  events    faults     mismatches  converge ms'
echo '                                                             median/max'
echo "$rule"
for scenario in overflow netns identity flags restart; do
    for build in stock series; do
        file=$dir/$scenario-$build.txt
        [ -f "$file" ] || continue
        grep '^result: ' "$file" | tail -n 1 | tr ' ' '\n' | awk -F= '
            { v[$1] = $2 }
            END {
                printf "%-10s  %-6s  %6s  %8s  %9s  %10s  %s/%s\n",
                       v["scenario"], v["build"], v["rounds"], v["events"],
                       v["faults"], v["mismatches"],
                       v["converge_ms_median"], v["converge_ms_max"]
            }'
    done
done
echo "$rule"
