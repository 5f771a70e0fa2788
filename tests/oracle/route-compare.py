#!/usr/bin/python3
"""Compares the route table of ovs-vswitchd with the kernel's.

usage: route-compare.py OVS_ROUTES KERNEL_IPV4_JSON KERNEL_IPV6_JSON

OVS_ROUTES is the output of 'ovs-appctl ovs/route/show'; the JSON files
are 'ip -4 -j route show table all' and 'ip -6 -j route show table all'
of the same namespace.  Prints one line per mismatch and exits 1 if there
is any:

  stale: a route OVS has that the kernel does not (OVS would send
         traffic where the kernel no longer routes it);
  missing: an IPv4 route of the kernel's local, main or default table
         that OVS lacks.

OVS keeps one route per destination, so of several kernel routes to one
destination (fe80::/64 on every device, say) it has any one.  IPv6 routes
are not checked for being missing: OVS skips a route until its device has
a usable source address, which for IPv6 waits for duplicate address
detection.
"""

import ipaddress
import json
import sys

IMPORTED_TABLES = ("main", "local", "default")


def ovs_routes(path):
    routes = set()
    with open(path) as f:
        for line in f:
            words = line.split()
            if not words or words[0] != "Cached:":
                continue
            dst = str(ipaddress.ip_network(words[1], strict=False))
            dev = words[words.index("dev") + 1]
            gw = words[words.index("GW") + 1] if "GW" in words else None
            routes.add((dst, dev, gw))
    return routes


def kernel_routes(path, family_bits):
    routes = set()
    with open(path) as f:
        text = f.read().strip()
    for r in json.loads(text) if text else []:
        if r.get("type", "unicast") not in ("unicast", "local"):
            continue
        if r.get("table", "main") not in IMPORTED_TABLES or "dev" not in r:
            continue
        dst = r["dst"]
        if dst == "default":
            dst = "0.0.0.0/0" if family_bits == 32 else "::/0"
        elif "/" not in dst:
            dst = "%s/%d" % (dst, family_bits)
        dst = str(ipaddress.ip_network(dst, strict=False))
        routes.add((dst, r["dev"], r.get("gateway")))
    return routes


def main():
    if len(sys.argv) != 4:
        sys.stderr.write(__doc__)
        return 2
    ovs = ovs_routes(sys.argv[1])
    v4 = kernel_routes(sys.argv[2], 32)
    v6 = kernel_routes(sys.argv[3], 128)
    kernel = v4 | v6

    mismatches = []
    for dst, dev, gw in sorted(ovs, key=str):
        if (dst, dev, gw) not in kernel:
            mismatches.append("stale: %s dev %s%s"
                              % (dst, dev, " via %s" % gw if gw else ""))
    ovs_dsts = {dst for dst, _, _ in ovs}
    for dst, dev, gw in sorted(v4, key=str):
        if dst not in ovs_dsts:
            mismatches.append("missing: %s dev %s%s"
                              % (dst, dev, " via %s" % gw if gw else ""))
    for line in mismatches:
        print(line)
    return 1 if mismatches else 0


if __name__ == "__main__":
    sys.exit(main())
