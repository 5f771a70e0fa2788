#!/bin/bash
# 'make check-full': the full OVS unit suite and the full userspace system
# suite, for stock and for the series, the repository's own tests in their
# long profile, and a report comparing the two.  CHECK_FULL_TARGETS adds
# check-system-tso (about an hour more per build here).
#
# Takes hours on 2 cores: it prints progress, keeps every log under
# build/logs/full/ and can run in the background
# (nohup make check-full > full.out 2>&1 &).

. "$(dirname "$0")/common.sh"

export LOG_DIR=$LOG_DIR/full
report=$LOG_DIR/report.txt
mkdir -p "$LOG_DIR"
"$TOP/utilities/deps.sh" build test bench

# CHECK_FULL_BUILDS=stock runs the stock half alone (the report then
# compares with the last series run kept in the logs, if any).  RESUME=1
# keeps the results of the suites that already finished.
# The series half runs in a tree of its own, made from patches/ as they
# are now, so that work in build/ovs can go on during the hours it takes.
builds=${CHECK_FULL_BUILDS:-stock series}
targets=${CHECK_FULL_TARGETS:-check check-system-userspace}
series_tree=$BUILD_DIR/ovs-full
for which in $builds; do
    if [ $which = series ]; then
        tree=$series_tree
        FORCE=1 "$TOP/utilities/make-tree.sh" "$tree"
    else
        tree=$STOCK_TREE
        "$TOP/utilities/make-tree.sh" --if-missing "$tree" 0
    fi
    "$TOP/utilities/build.sh" "$tree"
    for target in $targets; do
        results=$LOG_DIR/$which-$target.tsv
        if [ "${RESUME:-}" = 1 ] && [ -s "$results" ]; then
            say "$which $target: kept from an earlier run"
            continue
        fi
        flags=
        [ $target != check ] || flags=-j$(($(jobs_count) * 2))
        : > "$results.tmp"
        start=$(date +%s)
        PROGRESS=1 "$TOP/utilities/run-testsuite.sh" "$results.tmp" "$tree" \
            $target $flags
        echo $(($(date +%s) - start)) > "$LOG_DIR/$which-$target.seconds"
        mv "$results.tmp" "$results"
    done
    for target in $targets; do
        cat "$LOG_DIR/$which-$target.tsv"
    done > "$LOG_DIR/$which.tsv"
    for target in $targets; do
        cat "$LOG_DIR/$which-$target.seconds"
    done | paste -sd+ | bc > "$LOG_DIR/$which.seconds"
done
touch "$LOG_DIR/stock.tsv" "$LOG_DIR/series.tsv" "$LOG_DIR/own.tsv"

# Tests are matched by suite and title: numbers shift when the series adds
# tests.
key() { sed -E 's/^([A-Z]+)\t([^ ]+) [0-9]+: /\1\t\2: /' "$1"; }
# The sorted titles of the tests of one build with one status.
titles() {
    key "$LOG_DIR/$1.tsv" | awk -F '\t' -v st="$2" '$1 == st {print $2}' |
        sort
}
write_report() {
    {
        echo "check-full report, $(date -u '+%Y-%m-%d %H:%M UTC')"
        for which in stock series; do
            [ -s "$LOG_DIR/$which.tsv" ] || continue
            echo
            echo "== $which ($(($(cat "$LOG_DIR/$which.seconds") / 60)) min)"
            key "$LOG_DIR/$which.tsv" | awk -F '\t' '
                { split($2, a, ":"); n[a[1] "\t" $1]++; suites[a[1]] = 1 }
                END { for (s in suites)
                        printf "  %-24s %5d passed %4d failed %4d skipped\n",
                               s, n[s "\tPASS"], n[s "\tFAIL"],
                               n[s "\tSKIP"] }'
        done
        echo
        echo "== Regressions: pass on stock, fail with the series"
        join -t $'\t' <(titles stock PASS) <(titles series FAIL) |
            sed 's/^/  /'
        echo
        echo "== Environment: fail on both"
        join -t $'\t' <(titles stock FAIL) <(titles series FAIL) |
            sed 's/^/  /'
        echo
        echo "== Own tests (long profile)"
        awk -F '\t' '{ printf "  %s %s\n", $1, $2 }' "$LOG_DIR/own.tsv"
    } > "$report"
}

# The report of the suites comes first: the long own tests take hours more.
write_report
cat "$report"
case " $builds " in
    *" series "*)
        : > "$LOG_DIR/own.tsv"
        SERIES_TREE=$series_tree \
            "$TOP/utilities/run-own-tests.sh" "$LOG_DIR/own.tsv" long
        write_report ;;
esac
regressions=$(sed -n '/^== Regressions/,/^$/p' "$report" | sed '1d;/^$/d')

# The rtnetlink_parse() fuzzer on the series (FUZZ_SECONDS, 60 by default),
# recorded and reported as the own tests are: it does not change the exit
# status, which is for regressions.
case " $builds " in
    *" series "*)
        st=PASS where=
        "$TOP/utilities/fuzz.sh" > "$LOG_DIR/fuzz.log" 2>&1 \
            || { st=FAIL where=$LOG_DIR/fuzz.log; }
        printf '%s\t%s\t%s\n' $st "fuzz rtnetlink_parse" "$where" \
            > "$LOG_DIR/fuzz.tsv"
        printf '\n== Fuzzer\n  %s %s\n' $st \
            "$(tail -n 1 "$LOG_DIR/fuzz.log")" | tee -a "$report" ;;
esac
[ -z "$regressions" ]
