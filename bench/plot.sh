#!/bin/bash
# The benchmark's plots, with gnuplot, from the plot.dat of bench/report.py.
#
# usage: bench/plot.sh OUTDIR
#
# Writes OUTDIR/time-vs-n.png (the churn round's time against N, one panel
# per injected delay, stock and series with their standard deviation) and
# OUTDIR/rtnl-per-port.png (RTNL acquisitions of ovs-vswitchd per churned
# port against N, stock and series, one line per delay).  Points with
# background RTNL pressure are not plotted there, unless every point has
# some; where pressure.dat has N run at several rates of pressure,
# OUTDIR/time-vs-pressure.png shows the round's time against the rate and,
# below, the latency of the pressure tool's requests, for each N and delay.

set -eu

[ $# = 1 ] || { echo "usage: $0 OUTDIR" >&2; exit 2; }
out=$1
data=$out/plot.dat
[ -f "$data" ] || { echo "$0: no $data (bench/report.py writes it)" >&2
                    exit 1; }
command -v gnuplot > /dev/null \
    || { echo "$0: gnuplot is missing (utilities/deps.sh bench)" >&2
         exit 1; }

read -r -a delays <<< "$(sed -n 's/^# delays: //p' "$data")"
pressure=$(sed -n 's/^# pressure: //p' "$data")
load=
[ "${pressure:-0}" = 0 ] || load=", $pressure RTNL ops/s beside"
# What each injected delay lengthened (rtnl-probe's hook).
per=acquisition
[ "$(sed -n 's/^# hook: //p' "$data")" != netdev-event ] \
    || per='netdev event'
count=${#delays[@]}
[ "$count" -gt 0 ] || { echo "$0: $data has no points" >&2; exit 1; }
max_n=$(awk '!/^#/ && NF { if ($1 > m) m = $1 } END { print m + 0 }' \
        "$data")
min_n=$(awk '!/^#/ && NF && (m == "" || $1 < m) { m = $1 } END { print m }' \
        "$data")
logx=
[ "$max_n" -le 200 ] || logx='set logscale x'
# One N only: give gnuplot an x range.
[ "$min_n" != "$max_n" ] || logx="set xrange [$((min_n - 1)):$((max_n + 1))]"

# Whether FILE has a measured value in column 6 or 7 (the RTNL counts of
# plot.dat, the latencies of pressure.dat): runs without the probe or
# without pressure have none.
has_values() {
    awk '!/^#/ && NF && ($6 != "NaN" || $7 != "NaN") { found = 1 }
         END { exit !found }' "$1"
}

# The gnuplot command of one panel of round times: block INDEX of FILE,
# whose columns 2 to 5 are stock's and the series' seconds and deviation.
plot_round_times() {
    cat <<EOF
plot '$1' index $2 using 1:2:3 with yerrorlines lw 2 pt 7 \
         lc rgb '#c0392b' title 'stock', \
     '' index $2 using 1:4:5 with yerrorlines lw 2 pt 5 \
         lc rgb '#2471a3' title 'series'
EOF
}

# Time against N: one panel per delay, up to three side by side.
cols=$((count < 3 ? count : 3))
rows=$(((count + cols - 1) / cols))
{
    cat <<EOF
set terminal pngcairo size $((420 * cols)),$((340 * rows)) font ",10"
set output '$out/time-vs-n.png'
set datafile missing 'NaN'
set multiplot layout $rows,$cols title \
    "Port churn: one round of N ports, stock OVS 4.0.0 against the series$load"
set xlabel 'ports (N)'
set ylabel 'seconds per round'
set key top left
set grid
set yrange [0:*]
$logx
EOF
    for i in "${!delays[@]}"; do
        echo "set title 'injected RTNL delay ${delays[i]} us per $per'"
        plot_round_times "$data" "$i"
    done
    echo 'unset multiplot'
} | gnuplot

# RTNL acquisitions per churned port against N (none without rtnl-probe).
plot_rtnl_per_port() {
    cat <<EOF
set terminal pngcairo size 760,480 font ",10"
set output '$out/rtnl-per-port.png'
set datafile missing 'NaN'
set title "RTNL acquisitions by ovs-vswitchd per churned port (rtnl-probe)$load"
set xlabel 'ports (N)'
set ylabel 'acquisitions per churned port'
set logscale y
set key outside right
set grid
$logx
EOF
    printf 'plot '
    local sep= i
    for i in "${!delays[@]}"; do
        printf "%s'%s' index %d using 1:6 with linespoints dt 2 pt 6 lw 2 \\
    lc %d title 'stock, %s us', \\
  '' index %d using 1:7 with linespoints dt 1 pt 7 lw 2 \\
    lc %d title 'series, %s us'" "$sep" "$data" "$i" $((i + 1)) \
            "${delays[i]}" "$i" $((i + 1)) "${delays[i]}"
        sep=', \
  '
    done
    echo
}

# The round's time against the rate of background RTNL pressure, and
# below it the mean latency of the pressure tool's requests during the
# churn (when the tool timed them): one column per N and delay run at
# several rates.
plot_time_vs_pressure() {
    local groups=("$@") cols=$# rows=1 width i n d
    width=$((cols == 1 ? 640 : 420 * cols))
    if has_values "$pressure_data"; then
        rows=2
    fi
    cat <<EOF
set terminal pngcairo size $width,$((340 * rows)) font ",10"
set output '$out/time-vs-pressure.png'
set datafile missing 'NaN'
set multiplot layout $rows,$cols title \
    "Port churn beside other processes' RTNL load: stock OVS vs the series"
set xlabel 'background RTNL operations per second'
set key top left
set grid
set yrange [0:*]
# Room for the key above the curves; rates as 2k, 8k.
set offsets 0, 0, graph 0.25, 0
set format x '%.0s%c'
set xrange [0:*]
EOF
    for i in "${!groups[@]}"; do
        IFS=: read -r n d <<< "${groups[i]}"
        echo "set title 'churn of N = $n ports, injected delay $d us'"
        echo "set ylabel 'seconds per round'"
        plot_round_times "$pressure_data" "$i"
    done
    for i in "${!groups[@]}"; do
        [ $rows = 2 ] || break
        cat <<EOF
set title "the pressure tool's RTNL requests during that churn"
set ylabel 'mean latency (us)'
plot '$pressure_data' index $i using 1:6 with linespoints lw 2 pt 7 \
         lc rgb '#c0392b' title 'beside stock', \
     '' index $i using 1:7 with linespoints lw 2 pt 5 \
         lc rgb '#2471a3' title 'beside the series'
EOF
    done
    echo 'unset multiplot'
}

plots="$out/time-vs-n.png"
if ! has_values "$data"; then
    echo "$0: no RTNL acquisition counts (no rtnl-probe watchpoint), no" \
         "$out/rtnl-per-port.png" >&2
else
    plot_rtnl_per_port | gnuplot
    plots="$plots $out/rtnl-per-port.png"
fi

pressure_data=$out/pressure.dat
if [ -f "$pressure_data" ]; then
    read -r -a groups <<< "$(sed -n 's/^# groups: //p' "$pressure_data")"
    if [ ${#groups[@]} -gt 0 ]; then
        plot_time_vs_pressure "${groups[@]}" | gnuplot
        plots="$plots $out/time-vs-pressure.png"
    fi
fi
echo "$plots"
