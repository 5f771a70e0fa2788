#!/usr/bin/env python3
"""Writes the seed corpus of the rtnetlink_parse() fuzzer: real kernel
notifications, captured in a network namespace of its own.

usage (as root): tests/fuzz/make-corpus.py [DIR]
                 (default: tests/fuzz/corpus-rtnetlink)

Listens to the link and address multicast groups, makes a few devices and
addresses change, and keeps the first message of each kind: one file per
message, named after it.  Run again only to refresh the corpus.
"""

import os
import socket
import struct
import subprocess
import sys

RTMGRP_LINK, RTMGRP_IPV4_IFADDR, RTMGRP_IPV6_IFADDR = 0x1, 0x10, 0x100
TYPES = {16: "newlink", 17: "dellink", 20: "newaddr", 21: "deladdr"}

# Each step makes the kernel send messages of another kind: veth pairs
# (IFLA_LINKINFO kind), a bridge and a port of it (IFLA_MASTER, slave
# kind), IPv4 addresses with and without label, IPv6, removals.  (No dummy
# device: not every kernel has the module.)
STEPS = """
link add d0 type veth peer name d1
link set d0 up
link add v0 type veth peer name v1
link add br0 type bridge
link set v0 master br0
addr add 192.0.2.1/24 dev d0
addr add 192.0.2.2/24 dev d0 label d0:x
addr add 2001:db8::1/64 dev d0 nodad
addr del 192.0.2.2/24 dev d0
link set v0 nomaster
link del v0
link del d0
"""


def capture(out):
    sock = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 0)
    sock.bind((0, RTMGRP_LINK | RTMGRP_IPV4_IFADDR | RTMGRP_IPV6_IFADDR))
    sock.settimeout(1)
    for step in STEPS.split("\n"):
        if step:
            subprocess.run(["ip"] + step.split(), check=True)
    seen = set()
    while True:
        try:
            msg = sock.recv(65536)
        except socket.timeout:
            break
        length, kind = struct.unpack_from("=IH", msg)
        # Tell messages apart by type and by the attributes they carry.
        attrs, off = [], 16 + (16 if kind in (16, 17) else 8)
        while off + 4 <= length:
            alen, atype = struct.unpack_from("=HH", msg, off)
            attrs.append(atype & 0x3fff)
            off += max(4, (alen + 3) & ~3)
        key = (kind, tuple(sorted(attrs)))
        if kind in TYPES and key not in seen:
            seen.add(key)
            name = "%s-%02d" % (TYPES[kind], len(seen))
            with open(os.path.join(out, name), "wb") as f:
                f.write(msg[:length])
    print("%d messages in %s" % (len(seen), out))


if __name__ == "__main__":
    here = os.path.dirname(os.path.abspath(__file__))
    out = os.path.abspath(sys.argv[1] if len(sys.argv) > 1
                          else os.path.join(here, "corpus-rtnetlink"))
    if os.environ.get("IN_NETNS"):
        capture(out)
        sys.exit(0)
    os.makedirs(out, exist_ok=True)
    ns = "ovs-fuzz-corpus-%d" % os.getpid()
    subprocess.run(["ip", "netns", "add", ns], check=True)
    try:
        subprocess.run(["ip", "netns", "exec", ns, "env", "IN_NETNS=1",
                        sys.executable, os.path.abspath(__file__), out],
                       check=True)
    finally:
        subprocess.run(["ip", "netns", "del", ns])
