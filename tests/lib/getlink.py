"""Sends single-device RTM_GETLINK requests (for lo), each of which takes
RTNL, under a process name of its own so that a probe can tell them apart.

usage: getlink.py NAME COUNT          prints the seconds COUNT requests took
       getlink.py NAME 0 STOP_FILE    repeats until STOP_FILE exists, then
                                      prints how many it sent and the
                                      longest one, in microseconds; creates
                                      STOP_FILE.ready after the first one
"""
import os
import socket
import struct
import sys
import time

RTM_NEWLINK, RTM_GETLINK, NLM_F_REQUEST = 16, 18, 1

name, count = sys.argv[1], int(sys.argv[2])
stop_file = sys.argv[3] if len(sys.argv) > 3 else None
with open("/proc/self/comm", "w") as f:
    f.write(name)
sock = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 0)
sock.bind((0, 0))


def getlink(seq):
    ifinfo = struct.pack("=BxHiII", socket.AF_UNSPEC, 0, 1, 0, 0)
    sock.send(struct.pack("=IHHII", 16 + len(ifinfo), RTM_GETLINK,
                          NLM_F_REQUEST, seq, 0) + ifinfo)
    reply = sock.recv(65536)
    if struct.unpack_from("=IH", reply)[1] != RTM_NEWLINK:
        sys.exit("unexpected reply to RTM_GETLINK")


start = time.monotonic()
if stop_file is None:
    for seq in range(1, count + 1):
        getlink(seq)
    print("%.6f" % (time.monotonic() - start))
else:
    sent, longest = 0, 0.0
    while not os.path.exists(stop_file):
        t = time.monotonic()
        getlink(sent + 1)
        longest = max(longest, time.monotonic() - t)
        sent += 1
        if sent == 1:
            open(stop_file + ".ready", "w").close()
    print("%d %d" % (sent, longest * 1e6))
