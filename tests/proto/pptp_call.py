#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""pptp_call.py HOST PORT CALL_ID: one PPTP call as a client places it
(SCCRQ, Outgoing-Call-Request), held until SIGTERM or until the server
clears it. Prints "call result=R peer_call_id=N" once answered, "cleared"
when a Call-Disconnect-Notify comes, "closed" when the server closes the
connection; answers Echo-Requests meanwhile. Exits 0 once answered with
result 1 (connected), else 1."""
import select
import signal
import socket
import struct
import sys

MAGIC = 0x1A2B3C4D
SCCRQ, SCCRP, ECHO_RQ, ECHO_RP, OCRQ, OCRP, CDN = 1, 2, 5, 6, 7, 8, 13


def msg(ctype, body):
    return struct.pack("!HHIHH", 12 + len(body), 1, MAGIC, ctype, 0) + body


class Conn:
    def __init__(self, s):
        self.s, self.buf = s, b""

    def next(self, timeout):
        """The next whole message, or None on timeout; b"" once closed."""
        while True:
            if len(self.buf) >= 12:
                n, _, _, _ = struct.unpack("!HHIH", self.buf[:10])
                if n < 12:
                    return b""
                if len(self.buf) >= n:
                    m, self.buf = self.buf[:n], self.buf[n:]
                    return m
            if not select.select([self.s], [], [], timeout)[0]:
                return None
            chunk = self.s.recv(4096)
            if not chunk:
                return b""
            self.buf += chunk


def ctype(m):
    return struct.unpack("!H", m[8:10])[0]


def main():
    host, port, call_id = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    stop = []
    signal.signal(signal.SIGTERM, lambda *_: stop.append(1))
    s = socket.create_connection((host, port), timeout=5)
    c = Conn(s)
    s.sendall(msg(SCCRQ, struct.pack("!HHIIHH64s64s", 0x100, 0, 3, 3, 1, 1,
                                     b"proto", b"proto")))
    s.sendall(msg(OCRQ, struct.pack("!HHIIIIHHHH64s64s", call_id, 1, 300,
                                    100000000, 3, 3, 64, 0, 0, 0, b"1", b"")))
    answered = False
    while not stop:
        m = c.next(0.05)
        if m is None:
            continue
        if m == b"":
            print("closed", flush=True)
            break
        t = ctype(m)
        if t == ECHO_RQ:
            s.sendall(msg(ECHO_RP, m[12:16] + b"\x01\x00\x00\x00"))
        elif t == OCRP:
            peer, _, result = struct.unpack("!HHB", m[12:17])
            print("call result=%d peer_call_id=%d" % (result, peer),
                  flush=True)
            answered = result == 1
            if not answered:
                break
        elif t == CDN:
            print("cleared", flush=True)
            break
    s.close()
    sys.exit(0 if answered else 1)


main()
