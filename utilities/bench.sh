#!/bin/bash
# 'make bench': the port-churn experiment, stock against the series, side
# by side and interleaved (stock, series, stock, series...) so that drift
# of the machine cancels out.
#
# Parameters (make variables or environment):
#   N       port counts to churn             (default: 10 50 100)
#   ROUNDS  runs of each build per N         (default: 1)
#
# Prints a table per N and writes every run to build/bench/runs.txt.

. "$(dirname "$0")/common.sh"

ns_list=${N:-10 50 100}
rounds=${ROUNDS:-1}
out=$BUILD_DIR/bench
mkdir -p "$out"
runs=$out/runs.txt
: > "$runs"

"$TOP/utilities/deps.sh" build test bench
"$TOP/utilities/make-tree.sh" --if-missing
"$TOP/utilities/build.sh"
"$TOP/utilities/make-tree.sh" --if-missing "$STOCK_TREE" 0
"$TOP/utilities/build.sh" "$STOCK_TREE"

total=0
for n in $ns_list; do
    total=$((total + 2 * rounds))
done
done_runs=0
for n in $ns_list; do
    for round in $(seq "$rounds"); do
        for which in stock series; do
            tree=$TREE
            [ $which = series ] || tree=$STOCK_TREE
            done_runs=$((done_runs + 1))
            say "[$done_runs/$total] N=$n round $round: $which"
            line=$("$TOP/bench/churn-counts.sh" "$tree" "$n" 2>/dev/null) \
                || die "the churn of $which at N=$n failed"
            echo "build=$which round=$round $line" >> "$runs"
        done
    done
done

# The mean of each field over the rounds, per build and N.
field() {
    awk -v which="$1" -v n="$2" -v key="$3" '
        $1 == "build=" which {
            ok = 0
            for (i = 1; i <= NF; i++) if ($i == "n=" n) ok = 1
            if (!ok) next
            for (i = 1; i <= NF; i++) {
                split($i, kv, "=")
                if (kv[1] == key && kv[2] != "n/a") { sum += kv[2]; cnt++ }
            }
        }
        END { if (cnt) printf "%.4g", sum / cnt; else printf "n/a" }' "$runs"
}

printf '\n%-5s %-22s %12s %12s %8s\n' N "per churned port" stock series ratio
for n in $ns_list; do
    for key in churn_s cpu_s_per_port netlink_sent netdev_linux_getlink \
               route_table_dump bridge_reconfigure; do
        s=$(field stock "$n" "$key")
        p=$(field series "$n" "$key")
        ratio=n/a
        if [ "$s" != n/a ] && [ "$p" != n/a ] \
           && [ "$(echo "$p > 0" | bc)" = 1 ]; then
            ratio=$(echo "$s / $p" | bc -l | xargs printf '%.2f')
        fi
        label=$key
        [ $key != churn_s ] || label="churn (s, whole run)"
        printf '%-5s %-22s %12s %12s %8s\n' "$n" "$label" "$s" "$p" "$ratio"
    done
done
echo
echo "Every run: $runs"
