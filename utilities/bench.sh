#!/bin/bash
# 'make bench': the port-churn benchmark, stock OVS against the series.
#
# A point is (N ports, RTNL contention).  Each point is run with stock and
# with the series, interleaved (stock, series, stock, series... ROUNDS
# times each) so that drift of the machine cancels out; one run is
# bench/run-point.sh.  Then bench/report.py prints the table and writes
# results.json and results.csv, and bench/plot.sh draws the plots, all in
# build/bench/.  Documentation/benchmarks.rst has the method.
#
# Parameters (make variables or environment):
#   PROFILE   default: N 10 50 100 x DELAYS 0 100 1000, ROUNDS 1
#             full:    N 10 20 30 40 50 60 80 100 x DELAYS 0 50 100 500
#                      1000, N 200 500 1000 at delay 0, and N 100 at delay
#                      0 with PRESSURE_FULL (1000) RTNL operations/s
#   N, DELAYS the port counts and injected delays (us, at most 1000); either
#             replaces the profile's points by the cross product
#   ROUNDS    runs of each build per point
#   PRESSURE  background RTNL operations/s during every churn (default 0,
#             or NETDEV_EVENT_PRESSURE with the netdev-event hook)
#   HOOK      how rtnl-probe injects the delay: watchpoint (every RTNL
#             acquisition), netdev-event (every device change, for
#             machines whose watchpoints do not fire) or auto (default:
#             the first of the two that works here)
#   SETTLE    at most this many seconds for the daemon to go quiet after
#             the setup (default 12 + N / 20)
#   TAIL      seconds after the churn round that are counted too (default 3)

. "$(dirname "$0")/common.sh"

profile=${PROFILE:-default}
points=()   # "N:DELAY:PRESSURE"
cross() {
    local n d r
    for n in $1; do
        for d in $2; do
            for r in ${3:-${PRESSURE:-0}}; do
                points+=("$n:$d:$r")
            done
        done
    done
}
case $profile in
    default)
        rounds=${ROUNDS:-1}
        cross "${N:-10 50 100}" "${DELAYS:-0 100 1000}" ;;
    pressure)
        rounds=${ROUNDS:-2}
        cross "${N:-50 100}" "${DELAYS:-0}" "${PRESSURE:-0 2000 8000}" ;;
    full)
        rounds=${ROUNDS:-3}
        if [ -n "${N:-}${DELAYS:-}" ]; then
            cross "${N:-10 20 30 40 50 60 80 100}" \
                  "${DELAYS:-0 50 100 500 1000}"
        else
            cross "10 20 30 40 50 60 80 100" "0 50 100 500 1000"
            cross "200 500 1000" 0
            points+=("100:0:${PRESSURE_FULL:-1000}")
        fi ;;
    *) die "unknown PROFILE '$profile' (default, full, pressure)" ;;
esac
for p in "${points[@]}" "$rounds:0:0"; do
    IFS=: read -r n d r <<< "$p"
    case $n$d$r in ''|*[!0-9]*) die "not a whole number in N, DELAYS," \
                                    "ROUNDS or PRESSURE: '$n' '$d' '$r'" ;; esac
    [ "$d" -le 1000 ] || die "a delay is at most 1000 us, not $d"
done
[ "$rounds" -gt 0 ] || die "ROUNDS must be positive"
hook=${HOOK:-auto}
case $hook in
    auto|watchpoint|netdev-event) ;;
    *) die "unknown HOOK '$hook' (auto, watchpoint, netdev-event)" ;;
esac
netdev_event_pressure=${NETDEV_EVENT_PRESSURE:-500}
case $netdev_event_pressure in
    ''|*[!0-9]*) die "NETDEV_EVENT_PRESSURE is not a whole number:" \
                     "'$netdev_event_pressure'" ;;
esac

[ "$(id -u)" = 0 ] || die "needs root: namespaces, veth devices, rtnl-probe"
"$TOP/utilities/deps.sh" build test bench
"$TOP/utilities/make-tree.sh" --if-missing
"$TOP/utilities/build.sh"
"$TOP/utilities/make-tree.sh" --if-missing "$STOCK_TREE" 0
"$TOP/utilities/build.sh" "$STOCK_TREE"
"$TOP/utilities/build-tools.sh" > /dev/null

# Sets status and why for the probe with hook $1.  A busy rtnl_mutex can
# fail the watchpoint's check too (77): try a few times.
check_probe() {
    for _ in 1 2 3 4 5; do
        why=$("$TOP/bench/rtnl/rtnl-probe" --hook "$1" --check 2>&1) \
            && status=0 || status=$?
        [ $status = 77 ] || break
        sleep 0.5
    done
}
if [ $hook = auto ]; then
    hook=watchpoint
    check_probe $hook
    if [ $status = 77 ]; then
        say "rtnl-probe's watchpoint does not work here: ${why##*$'\n'}"
        hook=netdev-event
        check_probe $hook
    fi
else
    check_probe $hook
fi
# The netdev-event hook delays device changes only, the series' and
# stock's alike, and the daemon's reads not at all: without other
# processes changing devices there is hardly any contention to make
# longer.  So these points run beside rtnl-pressure, unless PRESSURE
# says otherwise.
if [ $status = 0 ] && [ $hook = netdev-event ]; then
    say "delays are injected at every netdev event (device change), not" \
        "at every RTNL acquisition; RTNL acquisitions are n/a"
    if [ -z "${PRESSURE:-}" ] && [ $profile != pressure ]; then
        r=$netdev_event_pressure
        say "every point runs beside $r background RTNL operations/s" \
            "(NETDEV_EVENT_PRESSURE)"
        points=("${points[@]/%:0/:$r}")
    fi
fi
# Without the probe (exit 77) there is neither injected delay nor a count
# of RTNL acquisitions: say so, and run only the points without a delay.
probe=yes
if [ $status != 0 ]; then
    [ $status = 77 ] || die "rtnl-probe --check failed: $why"
    probe=no
    say "rtnl-probe is not available here: ${why##*$'\n'}"
    say "so: no injected delay, and RTNL acquisitions are n/a; only the" \
        "points without a delay run"
    kept=()
    for p in "${points[@]}"; do
        IFS=: read -r n d r <<< "$p"
        if [ "$d" = 0 ]; then
            kept+=("$p")
        else
            say "skipped: N=$n delay $d us"
        fi
    done
    [ ${#kept[@]} -gt 0 ] || die "no point without a delay is left"
    points=("${kept[@]}")
fi

out=$BUILD_DIR/bench
mkdir -p "$out"
runs=$out/runs.jsonl
work=$(mktemp -d /tmp/ovs-bench-runs.XXXXXX)
trap 'rm -rf "$work"' EXIT
trap 'exit 130' INT TERM
: > "$runs"
rm -rf "$out"/*.png "$out"/results.* "$out"/*.dat "$out"/table.txt \
    "$out"/failed-run "$out"/bin

# The runs use a copy of each build's programs (bench/snapshot.sh): other
# work may rebuild build/ovs while the benchmark runs.
snapshot() { "$TOP/bench/snapshot.sh" "$1" "$out/bin/$2"; }
stock_bin=$(snapshot "$STOCK_TREE" stock)
series_bin=$(snapshot "$TREE" series)
say "series: $(wc -l < "$series_bin/SERIES") patches, last:" \
    "$(head -n 1 "$series_bin/SERIES")"

# Each run's expected cost, in rough seconds, for the ETA: fixed costs,
# then per port, then the injected delay on each RTNL acquisition (stock
# takes about N * (20 N + 250) in a round, the series about a quarter;
# measured on the project's 2-core machine; with the netdev-event hook
# the delay costs both builds about 0.2 s per churned port and ms).  The
# ETA is the time per unit of cost so far times the cost left.
weight() {
    local f=1
    [ "$1" = stock ] || f=0.27
    if [ $hook = netdev-event ]; then
        echo "10 + $2 * 0.35 + $2 * $3 * 0.2 / 1000" | bc -l
    else
        echo "10 + $2 * 0.35 + $f * $2 * (20 * $2 + 250) * $3 * 1.4 / 10^6" \
            | bc -l
    fi
}
total_runs=$((${#points[@]} * rounds * 2))
left=0
for p in "${points[@]}"; do
    IFS=: read -r n d r <<< "$p"
    for build in stock series; do
        left=$(echo "$left + $rounds * $(weight $build "$n" "$d")" | bc -l)
    done
done
done_weight=0
started=$(date +%s)
k=0
say "$total_runs runs: ${#points[@]} points x ROUNDS=$rounds x 2 builds" \
    "(profile $profile); results in $out"
for i in "${!points[@]}"; do
    IFS=: read -r n d r <<< "${points[i]}"
    label="N=$n delay=${d}us"
    [ "$r" = 0 ] || label="$label pressure=${r}/s"
    for round in $(seq "$rounds"); do
        for build in stock series; do
            tree=$series_bin
            [ $build = series ] || tree=$stock_bin
            k=$((k + 1))
            eta='?'
            if [ "$(echo "$done_weight > 0" | bc)" = 1 ]; then
                eta=$(echo "($(date +%s) - $started) * $left / $done_weight \
                      / 60" | bc -l | xargs printf '%.0f')
                eta="~$eta min"
            fi
            say "point $((i + 1))/${#points[@]} $label, round $round/$rounds," \
                "$build: run $k of $total_runs (ETA $eta)"
            line=$("$TOP/bench/run-point.sh" --build $build \
                    --delay-us "$d" --hook $hook --pressure "$r" \
                    --probe $probe \
                    ${SETTLE:+--settle-max "$SETTLE"} --tail "${TAIL:-3}" \
                    --dir "$work/run-$k" "$tree" "$n") && status=0 \
                || status=$?
            [ $status -lt 128 ] || { say "interrupted"; exit 130; }
            if [ $status != 0 ]; then
                rm -rf "$out/failed-run"
                cp -r "$work/run-$k" "$out/failed-run" 2>/dev/null || true
                die "run $k ($build, $label) failed; its files:" \
                    "$out/failed-run"
            fi
            echo "{\"point\":$((i + 1)),\"round\":$round,${line#\{}" >> "$runs"
            w=$(weight $build "$n" "$d")
            done_weight=$(echo "$done_weight + $w" | bc -l)
            left=$(echo "$left - $w" | bc -l)
        done
    done
done
elapsed=$(($(date +%s) - started))

echo
python3 "$TOP/bench/report.py" "$runs" "$out" | tee "$out/table.txt"
plots=$("$TOP/bench/plot.sh" "$out") && plot_status=0 || plot_status=$?
echo
echo "$total_runs runs in $((elapsed / 60)) min $((elapsed % 60)) s" \
     "(profile $profile, ROUNDS=$rounds)"
[ $probe = yes ] || echo "Without rtnl-probe ($why): no injected delay," \
                        "RTNL acquisitions n/a."
[ $probe = no ] || [ $hook = watchpoint ] \
    || echo "Delays injected at every netdev event (rtnl-probe --hook" \
            "netdev-event): RTNL acquisitions n/a."
echo "Every run: $out/results.json, $out/results.csv"
[ $plot_status = 0 ] || die "bench/plot.sh failed (results are written)"
echo "Plots: $plots"
