#!/usr/bin/python3
"""Sends one OpenFlow 1.0 port-mod (admin up or down) to a bridge, with
shell commands run at exact points of the exchange.

usage: port-mod.py [--before CMD] [--after CMD] SOCKET PORT MAC up|down

After the OpenFlow handshake, CMD of --before runs; then the port-mod and
a barrier request are sent; then CMD of --after runs, and the barrier reply
is awaited.  With --before freezing ovs-vswitchd and changing the device,
and --after letting it run again, the daemon finds in one go a kernel
event and the write that follows it: ovs-ofctl cannot do that, since it
needs several exchanges before it sends.

Exit status: 0 when the switch accepted the port-mod, 1 when it answered
with an error or not at all, 2 on bad usage.
"""

import argparse
import socket
import struct
import subprocess
import sys

OFP10 = 1
HELLO, ERROR, ECHO_REQUEST, ECHO_REPLY = 0, 1, 2, 3
PORT_MOD, BARRIER_REQUEST, BARRIER_REPLY = 15, 18, 19
OFPPC_PORT_DOWN = 1


def message(msg_type, xid, body=b""):
    return struct.pack("!BBHI", OFP10, msg_type, 8 + len(body), xid) + body


def receive(sock):
    header = b""
    while len(header) < 8:
        chunk = sock.recv(8 - len(header))
        if not chunk:
            raise EOFError("the switch closed the connection")
        header += chunk
    _, msg_type, length, xid = struct.unpack("!BBHI", header)
    body = b""
    while len(body) < length - 8:
        chunk = sock.recv(length - 8 - len(body))
        if not chunk:
            raise EOFError("the switch closed the connection")
        body += chunk
    return msg_type, xid, body


def parse_mac(text):
    parts = text.split(":")
    if len(parts) != 6:
        raise ValueError
    return bytes(int(p, 16) for p in parts)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--before", default="")
    parser.add_argument("--after", default="")
    parser.add_argument("socket")
    parser.add_argument("port", type=int)
    parser.add_argument("mac")
    parser.add_argument("state", choices=["up", "down"])
    args = parser.parse_args()
    try:
        mac = parse_mac(args.mac)
    except ValueError:
        parser.error("'%s' is not a MAC address" % args.mac)
    if not 0 < args.port < 0xff00:
        parser.error("%d is not an OpenFlow 1.0 port number" % args.port)

    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.settimeout(10)
    sock.connect(args.socket)
    sock.sendall(message(HELLO, 1))
    msg_type, _, _ = receive(sock)
    if msg_type != HELLO:
        sys.exit("port-mod.py: no hello from the switch")

    if args.before:
        subprocess.run(args.before, shell=True, check=True)
    config = OFPPC_PORT_DOWN if args.state == "down" else 0
    body = struct.pack("!H6sIII4x", args.port, mac, config, OFPPC_PORT_DOWN,
                       0)
    sock.sendall(message(PORT_MOD, 2, body) + message(BARRIER_REQUEST, 3))
    if args.after:
        subprocess.run(args.after, shell=True, check=True)

    while True:
        msg_type, xid, body = receive(sock)
        if msg_type == ECHO_REQUEST:
            sock.sendall(message(ECHO_REPLY, xid, body))
        elif msg_type == ERROR:
            err_type, code = struct.unpack("!HH", body[:4])
            sys.exit("port-mod.py: the switch refused the port-mod "
                     "(error type %d code %d)" % (err_type, code))
        elif msg_type == BARRIER_REPLY and xid == 3:
            return 0


if __name__ == "__main__":
    sys.exit(main())
