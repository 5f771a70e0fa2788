#!/bin/bash
# The series makes a churned port cost ovs-vswitchd fewer kernel requests
# than stock OVS: churn a few ports with each build and compare the
# netlink requests per churned port from the daemon's own counters.
# Counts, not times: they do not depend on how busy the machine is.

set -eu
TOP=${TOP:-$(cd "$(dirname "$0")/.." && pwd)}
SERIES_TREE=${SERIES_TREE:-$TOP/build/ovs}
STOCK_TREE=${STOCK_TREE:-$TOP/build/ovs-stock}
n=${CHURN_PORTS:-5}

[ "$(id -u)" = 0 ] || { echo "skip: needs root for namespaces" >&2; exit 77; }
if [ "$(git -C "$SERIES_TREE" rev-list --count base..HEAD)" = 0 ]; then
    echo "skip: the series is empty" >&2
    exit 77
fi

value() { echo "$2" | tr ' ' '\n' | sed -n "s/^$1=//p"; }

stock=$("$TOP/bench/churn-counts.sh" "$STOCK_TREE" "$n" 2>/dev/null)
series=$("$TOP/bench/churn-counts.sh" "$SERIES_TREE" "$n" 2>/dev/null)
echo "stock:  $stock"
echo "series: $series"

stock_sent=$(value netlink_sent "$stock")
series_sent=$(value netlink_sent "$series")
# Stock re-reads the flags of every port after every link event; the
# series serves them from its cache.
if [ "$(echo "$series_sent * 2 < $stock_sent" | bc)" != 1 ]; then
    echo "FAIL: $series_sent netlink requests per churned port with the" \
         "series, not less than half of stock's $stock_sent" >&2
    exit 1
fi
echo "ok: $series_sent netlink requests per churned port, stock $stock_sent"
