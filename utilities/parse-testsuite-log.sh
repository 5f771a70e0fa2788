#!/bin/bash
# Turns the output of an OVS autotest suite into result lines.
#
# usage: utilities/parse-testsuite-log.sh LOG TARGET SUITE_DIR
#
# Prints one "STATUS<TAB>TARGET NUM: TITLE<TAB>LOG" line per test, where
# LOG is the failed test's own log under SUITE_DIR.

. "$(dirname "$0")/common.sh"

log=$1 target=$2 dir=$3

# Autotest prints "NUM: TITLE  ok|skipped (...)|FAILED (...)|expected
# failure"; on a recheck the later line of a test wins.
awk -v suite="$target" -v suite_file="$(basename "$dir" .dir)" \
    -v dir="$dir" -v suitelog="$log" '
    match($0, /^ *[0-9]+: /) {
        num = $1; sub(/:$/, "", num)
        line = substr($0, RLENGTH + 1)
        if (line ~ / ok$/) { st = "PASS"; sub(/ +ok$/, "", line) }
        else if (line ~ /skipped \(/) { st = "SKIP"; sub(/ +skipped \(.*$/, "", line) }
        else if (line ~ /expected failure/) { st = "PASS"; sub(/ +expected failure.*$/, "", line) }
        else if (line ~ /FAILED \(/) { st = "FAIL"; sub(/ +FAILED \(.*$/, "", line) }
        else next
        status[num] = st; title[num] = line
        if (!(num in seen)) { seen[num] = 1; order[n++] = num }
    }
    END {
        for (i = 0; i < n; i++) {
            num = order[i]
            where = ""
            if (status[num] == "FAIL") {
                where = sprintf("%s/%03d/%s.log", dir, num, suite_file)
            }
            printf "%s\t%s %s: %s\t%s\n", status[num], suite, num, title[num], where
        }
        if (n == 0) { printf "FAIL\t%s: no test ran\t%s\n", suite, suitelog }
    }' "$log"
