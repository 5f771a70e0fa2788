#!/bin/bash
# The series makes a churned port cost ovs-vswitchd fewer kernel requests
# than stock OVS: churn a few ports with each build and compare the
# netlink requests per churned port from the daemon's own counters.
# Counts, not times: they do not depend on how busy the machine is.
# After the churn, the route table of each build must equal the kernel's.
# The option that puts each peer in a namespace of its own works, and so
# does the one that samples the daemon's CPU time before the churn.
# Without IPv6, so without traffic on the ports, a churned port must cost
# the series one burst of receive buffers and the status of that port; with
# or without, one revalidation of the datapath flows for each of its two
# port changes.

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

# With addresses, so that the churn changes routes too, and the route
# tables are compared with the kernel's at the end.
export CHURN_ADDRESSES=1
errors=$(mktemp)
trap 'rm -f "$errors"' EXIT
churn() {
    "$TOP/bench/churn-counts.sh" "$1" "$n" 2> "$errors"
    grep -v '|INFO|' "$errors" >&2 || true
}
stock=$(churn "$STOCK_TREE")
series=$(CHURN_IDLE_SECONDS=2 churn "$SERIES_TREE")
echo "stock:  $stock"
echo "series: $series"

for build in stock series; do
    eval line=\$$build
    mismatches=$(value route_mismatches "$line")
    if [ "$mismatches" != 0 ]; then
        echo "FAIL: after the churn, the route table of $build differs" \
             "from the kernel's in $mismatches route(s) (listed above)" >&2
        exit 1
    fi
done
echo "ok: after the churn, both route tables equal the kernel's"

# The daemon's CPU time before the churn is sampled when asked for, and
# only then; a value that is not a number of seconds is refused.
idle=$(value idle_cpu_s_per_port "$series")
if ! [[ $idle =~ ^[0-9]+\.[0-9]+$ ]] \
   || [ "$(value idle_cpu_s_per_port "$stock")" != n/a ]; then
    echo "FAIL: idle CPU per churned port '$idle' with" \
         "CHURN_IDLE_SECONDS=2, '$(value idle_cpu_s_per_port "$stock")'" \
         "without" >&2
    exit 1
fi
if CHURN_IDLE_SECONDS=-1 "$TOP/bench/churn-counts.sh" "$SERIES_TREE" 1 \
       2> /dev/null; then
    echo "FAIL: CHURN_IDLE_SECONDS=-1 was accepted" >&2
    exit 1
fi
echo "ok: $idle s of idle CPU per churned port, of" \
     "$(value cpu_s_per_port "$series") s in all"

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

# Without traffic, a churned port's new device gets one burst of receive
# buffers, and the bridge reads the netdev status of that port alone.
quiet=$(CHURN_IPV6=off churn "$SERIES_TREE")
echo "series, IPv6 off: $quiet"
if [ "$(value ipv6 "$quiet")" != off ]; then
    echo "FAIL: IPv6 was not off" >&2
    exit 1
fi
buffers=$(value netdev_linux_rx_buffer_new "$quiet")
statuses=$(value bridge_iface_netdev_status "$quiet")
if [ "$(echo "$buffers <= 64 && $statuses <= 6" | bc)" != 1 ]; then
    echo "FAIL: per churned port, $buffers receive buffers allocated" \
         "(at most 64) and $statuses netdev status reads (at most 6)" >&2
    exit 1
fi
echo "ok: per churned port, $buffers receive buffers and $statuses netdev" \
     "status reads"

# Removing a port and adding it back are two revalidations: the check of
# the new port's link is part of the second (patch 22).  With the ports'
# IPv6 traffic too: the new device's address is learned from its own
# multicasts, which no flow looked up, so learning it revalidates nothing
# (patch 31).
revalidations() {
    echo "$(value rev_reconfigure "$1") + $(value rev_port_toggled "$1") +" \
         "$(value rev_mac_learning "$1")" | bc
}
for line in "$quiet" "$series"; do
    ipv6=$(value ipv6 "$line")
    count=$(revalidations "$line")
    if [ "$(echo "$count <= 2.5" | bc)" != 1 ]; then
        echo "FAIL: IPv6 $ipv6, $count revalidations per churned port," \
             "not at most 2.5" >&2
        exit 1
    fi
    echo "ok: IPv6 $ipv6, $count revalidations per churned port"
done

# With each peer in a namespace of its own (CHURN_PEER_NETNS=1), the daemon
# no longer sees the peers' link events; no namespace is left behind, and
# a value other than 0 or 1 is refused.
apart=$(CHURN_PEER_NETNS=1 churn "$SERIES_TREE")
echo "series, peers apart: $apart"
if [ "$(value peer_netns "$apart")" != 1 ] \
   || [ "$(echo "$(value nln_changed "$apart") < \
$(value nln_changed "$series")" | bc)" != 1 ]; then
    echo "FAIL: with the peers apart, $(value nln_changed "$apart") link" \
         "changes per churned port, not fewer than" \
         "$(value nln_changed "$series")" >&2
    exit 1
fi
if ls /run/netns 2> /dev/null | grep -q '^churn-[0-9]*-q'; then
    echo "FAIL: a peer's namespace was left behind:" \
         "$(ls /run/netns | grep '^churn-')" >&2
    exit 1
fi
if CHURN_PEER_NETNS=yes "$TOP/bench/churn-counts.sh" "$SERIES_TREE" 1 \
       2> /dev/null; then
    echo "FAIL: CHURN_PEER_NETNS=yes was accepted" >&2
    exit 1
fi
echo "ok: with the peers apart, $(value nln_changed "$apart") link changes" \
     "per churned port, $(value nln_changed "$series") beside"
