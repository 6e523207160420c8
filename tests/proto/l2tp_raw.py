#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""A small L2TP (RFC 2661) control packet crafter for hostile-input tests.

  l2tp_raw.py junk  --to HOST:PORT [--src ADDR] KIND...
      Sends one packet of each KIND to the daemon's listening socket.
  l2tp_raw.py flood --to HOST:PORT [--src ADDR] --count N [--wait S]
      Sends N SCCRQs, each from its own source port, and counts the answers.
  l2tp_raw.py peer  --to HOST:PORT [--src ADDR] [--secret S] [--stop] KIND...
      Opens a tunnel as a LAC would (SCCRQ, SCCRP, SCCCN), sends one message
      of each KIND inside it, then a HELLO that must be acknowledged.
  l2tp_raw.py marks --to HOST:PORT [--src ADDR]
      Two tunnels from one address and port, as two IPsec clients behind
      one NAT look after decryption: each sends with a packet mark of its
      own (SO_MARK, as the SA's set_mark would give), and the marks of the
      daemon's answers (SO_RCVMARK) are reported, also after the first
      tunnel's mark changes (a rekeyed SA), after a clear-text (unmarked)
      message and after a duplicate with yet another mark.
  l2tp_raw.py lns   --listen HOST:PORT [--secret S] [--wait S]
      An LNS that answers the first SCCRQ from another port (RFC 2661 8.1),
      then acknowledges whatever reaches that port for --wait seconds.

Every command prints one JSON object on stdout.
"""
import argparse
import hashlib
import json
import os
import resource
import select
import socket
import struct
import sys
import time

# Header flags of a control message: T, L, S and version 2 (RFC 2661 3.1).
CTRL_FLAGS = 0xC802
AVP_M = 0x8000
AVP_H = 0x4000

SCCRQ, SCCRP, SCCCN, STOPCCN, HELLO = 1, 2, 3, 4, 6
ICRQ, CDN = 10, 14

MSG_TYPE, RESULT_CODE, PROTOCOL_VERSION, FRAMING_CAPS = 0, 1, 2, 3
HOST_NAME, ASSIGNED_TUNNEL_ID, RWS, CHALLENGE = 7, 9, 10, 11
CHALLENGE_RESPONSE, ASSIGNED_SESSION_ID, CALL_SERIAL = 13, 14, 15
RANDOM_VECTOR = 36
# Linux socket options (asm-generic/socket.h); SO_RCVMARK since 5.19.
SO_MARK, SO_RCVMARK = 36, 75


def avp(atype, value, mandatory=True, hidden=False, length=None):
    """One AVP; `length` overrides the length field (to lie with it)."""
    n = 6 + len(value) if length is None else length
    word = (AVP_M if mandatory else 0) | (AVP_H if hidden else 0) | (n & 0x3FF)
    return struct.pack("!HHH", word, 0, atype) + value


def u16(v):
    return struct.pack("!H", v)


def u32(v):
    return struct.pack("!I", v)


def header(tunnel, session, ns, nr, body_len, length=None):
    n = 12 + body_len if length is None else length
    return struct.pack("!HHHHHH", CTRL_FLAGS, n, tunnel, session, ns, nr)


def message(mtype, avps, tunnel=0, session=0, ns=0, nr=0, length=None):
    body = avp(MSG_TYPE, u16(mtype)) + b"".join(avps)
    return header(tunnel, session, ns, nr, len(body), length) + body


def zlb(tunnel, ns, nr):
    return header(tunnel, 0, ns, nr, 0)


def sccrq_avps(our_tunnel, host="l2tp-raw", extra=()):
    return [avp(PROTOCOL_VERSION, b"\x01\x00"), avp(HOST_NAME, host.encode()),
            avp(FRAMING_CAPS, u32(3)), avp(ASSIGNED_TUNNEL_ID, u16(our_tunnel)),
            avp(RWS, u16(4))] + list(extra)


def parse(pkt):
    """Header fields and AVPs {type: value} of a control message (plain)."""
    if len(pkt) < 12:
        return None
    flags, length, tunnel, session, ns, nr = struct.unpack("!HHHHHH", pkt[:12])
    avps, pos, hidden = {}, 12, set()
    while pos + 6 <= min(length, len(pkt)):
        word, vendor, atype = struct.unpack("!HHH", pkt[pos:pos + 6])
        n = word & 0x3FF
        if n < 6:
            break
        if vendor == 0:
            avps.setdefault(atype, pkt[pos + 6:pos + n])
            if word & AVP_H:
                hidden.add(atype)
        pos += n
    mtype = struct.unpack("!H", avps[MSG_TYPE])[0] if MSG_TYPE in avps else None
    return {"tunnel": tunnel, "session": session, "ns": ns, "nr": nr,
            "type": mtype, "avps": avps, "hidden": hidden}


def unhide(atype, value, secret, rv):
    """RFC 2661 4.3: the original value of a hidden AVP."""
    out, prev = b"", None
    for i in range(0, len(value), 16):
        chunk = value[i:i + 16]
        if prev is None:
            key = hashlib.md5(u16(atype) + secret + rv).digest()
        else:
            key = hashlib.md5(secret + prev).digest()
        out += bytes(a ^ b for a, b in zip(chunk, key))
        prev = chunk
    n = struct.unpack("!H", out[:2])[0]
    return out[2:2 + n]


def value_of(msg, atype, secret):
    v = msg["avps"].get(atype)
    if v is not None and atype in msg["hidden"]:
        v = unhide(atype, v, secret, msg["avps"][RANDOM_VECTOR])
    return v


def addr(s):
    host, port = s.rsplit(":", 1)
    return host, int(port)


def udp(src):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind((src, 0))
    return s


# --- junk for the listening socket -------------------------------------

def junk_packets(kind):
    tid = 4242
    if kind == "truncated":
        return b"\xc8\x02\x00"
    if kind == "bad-length":  # Length says more than arrived
        return message(SCCRQ, sccrq_avps(tid), length=400)
    if kind == "short-length":  # Length shorter than the header
        return message(SCCRQ, sccrq_avps(tid), length=8)
    if kind == "bad-flags":  # control message without S
        p = bytearray(message(SCCRQ, sccrq_avps(tid)))
        p[0] &= ~0x08
        return bytes(p)
    if kind == "avp-overrun":  # last AVP's length goes past the end
        return message(SCCRQ, sccrq_avps(tid, extra=[avp(8, b"x", length=60)]))
    if kind == "avp-short":  # AVP length below its own header
        return message(SCCRQ, sccrq_avps(tid, extra=[avp(8, b"", length=3)]))
    if kind == "hidden-no-rv":  # H bit without a Random Vector before it
        avps = sccrq_avps(tid)
        avps[3] = avp(ASSIGNED_TUNNEL_ID, u16(0) + u16(tid) + b"\0" * 14,
                      hidden=True)
        return message(SCCRQ, avps)
    if kind == "zlb-unknown":  # ZLB for a tunnel that does not exist
        return zlb(0xFFFE, 0, 0)
    if kind == "zlb-zero":  # ZLB for tunnel 0: not an SCCRQ
        return zlb(0, 0, 0)
    raise SystemExit("unknown junk kind %r" % kind)


def cmd_junk(a):
    s = udp(a.src)
    sent = []
    for kind in a.kinds:
        s.sendto(junk_packets(kind), addr(a.to))
        sent.append(kind)
        time.sleep(0.01)
    # Anything the daemon answers is counted: junk deserves silence.
    replies = 0
    while select.select([s], [], [], 0.3)[0]:
        s.recv(4096)
        replies += 1
    print(json.dumps({"sent": sent, "replies": replies}))


# --- SCCRQ flood --------------------------------------------------------

def cmd_flood(a):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < a.count + 64:
        resource.setrlimit(resource.RLIMIT_NOFILE,
                           (min(hard, a.count + 64), hard))
    socks = []
    for i in range(a.count):
        s = udp(a.src)
        s.setblocking(False)
        s.sendto(message(SCCRQ, sccrq_avps(i % 65535 + 1, "flood")), addr(a.to))
        socks.append(s)
    got = {}
    deadline = time.monotonic() + a.wait
    while time.monotonic() < deadline:
        ready = select.select(socks, [], [], 0.1)[0]
        for s in ready:
            try:
                m = parse(s.recv(4096))
            except OSError:
                continue
            if m and m["type"] in (SCCRP, STOPCCN) and s not in got:
                got[s] = m["type"]
    sccrp = sum(1 for t in got.values() if t == SCCRP)
    stopccn = sum(1 for t in got.values() if t == STOPCCN)
    for s in socks:
        s.close()
    print(json.dumps({"sent": a.count, "sccrp": sccrp, "stopccn": stopccn,
                      "silent": a.count - sccrp - stopccn}))


# --- a tunnel of our own, then junk inside it ---------------------------

class Peer:
    def __init__(self, to, src, secret, sock=None, our_id=None):
        self.to = addr(to)
        self.s = sock or udp(src)
        self.secret = secret
        self.ns = 0
        self.nr = 0
        # 1..0x3FFF, so that a second tunnel's ID (ours | 0x4000) is
        # neither 0 nor the same.
        self.our_id = our_id or os.getpid() % 0x3FFF + 1
        self.peer_id = 0

    def send(self, pkt):
        self.s.sendto(pkt, self.to)

    def send_msg(self, mtype, avps, session=0):
        self.send(message(mtype, avps, self.peer_id, session, self.ns, self.nr))
        self.ns = (self.ns + 1) & 0xFFFF

    def recv(self, timeout):
        """The next control message; ZLBs included. None on timeout."""
        if not select.select([self.s], [], [], timeout)[0]:
            return None
        pkt, anc, _, frm = self.s.recvmsg(4096, socket.CMSG_SPACE(4))
        m = parse(pkt)
        if m is None or m["tunnel"] != self.our_id:
            return None  # broken, or for another tunnel on this socket
        m["from"] = frm
        # The packet's mark, if the socket asked for it (SO_RCVMARK; the
        # kernel delivers it as SO_MARK).
        m["mark"] = 0
        for level, ctype, data in anc:
            if level == socket.SOL_SOCKET and ctype == SO_MARK:
                m["mark"] = struct.unpack("=I", data[:4])[0]
        if m["type"] is not None and m["ns"] == self.nr:
            self.nr = (self.nr + 1) & 0xFFFF
        return m

    def wait_for(self, pred, timeout):
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            m = self.recv(end - time.monotonic())
            if m and pred(m):
                return m
        return None

    def open(self, scccn_delay=0):
        # Sent up to three times a second apart, as a real peer
        # retransmits it (same Ns): a datagram lost on a busy host is not
        # the daemon's failure, while a daemon that never answers fails.
        sccrq = message(SCCRQ, sccrq_avps(self.our_id, "l2tp-raw"))
        self.ns = 1
        m = None
        for self.sccrq_sent in range(1, 4):
            self.send(sccrq)
            m = self.wait_for(lambda m: m["type"] in (SCCRP, STOPCCN), 1)
            if m:
                break
        if not m or m["type"] != SCCRP:
            return "no SCCRP" if not m else "StopCCN"
        self.sccrp = m
        # The tunnel's own socket answers from the listener's address and
        # port; everything goes there from now on.
        self.to = m["from"]
        self.peer_id = struct.unpack(
            "!H", value_of(m, ASSIGNED_TUNNEL_ID, self.secret))[0]
        # A peer far away: its SCCCN comes back one round trip later.
        time.sleep(scccn_delay)
        avps = []
        if CHALLENGE in m["avps"]:
            avps.append(avp(CHALLENGE_RESPONSE, hashlib.md5(
                bytes([SCCCN]) + self.secret + m["avps"][CHALLENGE]).digest()))
        # Retransmitted like the SCCRQ (RFC 2661 5.8: same Ns), for the
        # same reason.
        scccn = message(SCCCN, avps, self.peer_id, 0, self.ns, self.nr)
        self.ns = (self.ns + 1) & 0xFFFF
        for self.scccn_sent in range(1, 4):
            self.send(scccn)
            self.scccn_ack = self.wait_for(lambda m: m["nr"] == self.ns, 1)
            if self.scccn_ack:
                return None
        return "SCCCN not acknowledged"


def tunnel_junk(p, kind):
    """One broken message inside the tunnel. Its Ns is the next one, so a
    daemon that wrongly accepted it would be out of step afterwards."""
    t, ns, nr = p.peer_id, p.ns, p.nr
    if kind == "avp-overrun":
        return message(HELLO, [avp(8, b"x", length=40)], t, 0, ns, nr)
    if kind == "avp-short":
        return message(HELLO, [avp(8, b"", length=2)], t, 0, ns, nr)
    if kind == "bad-length":
        return message(HELLO, [], t, 0, ns, nr, length=300)
    if kind == "no-message-type":
        body = avp(HOST_NAME, b"x")
        return header(t, 0, ns, nr, len(body)) + body
    if kind == "hidden-no-rv":
        return message(ICRQ, [avp(ASSIGNED_SESSION_ID, b"\0\x02\0\x07" +
                                  b"\0" * 12, hidden=True),
                              avp(CALL_SERIAL, u32(1))], t, 0, ns, nr)
    if kind == "duplicate-avp":
        return message(ICRQ, [avp(ASSIGNED_SESSION_ID, u16(7)),
                              avp(ASSIGNED_SESSION_ID, u16(8)),
                              avp(CALL_SERIAL, u32(1))], t, 0, ns, nr)
    raise SystemExit("unknown tunnel junk kind %r" % kind)


def cmd_peer(a):
    p = Peer(a.to, a.src, (a.secret or "").encode())
    err = p.open()
    out = {"established": err is None, "error": err, "tunnel": p.peer_id,
           "our_tunnel": p.our_id, "junk_sent": 0}
    if err is None:
        for kind in a.kinds:
            p.send(tunnel_junk(p, kind))
            out["junk_sent"] += 1
            time.sleep(0.02)
        # Junk must not have moved the peer's Nr: a HELLO with the next Ns
        # is acknowledged only if the daemon dropped every broken message.
        want = (p.ns + 1) & 0xFFFF
        p.send_msg(HELLO, [])
        out["hello_acked"] = p.wait_for(lambda m: m["nr"] == want, 2) \
            is not None
        if a.stop:
            p.send_msg(STOPCCN, [avp(ASSIGNED_TUNNEL_ID, u16(p.our_id)),
                                 avp(RESULT_CODE, u16(1))])
            want = p.ns
            out["stop_acked"] = p.wait_for(lambda m: m["nr"] == want, 2) \
                is not None
    if err is None and a.twice:
        # A second tunnel from the same address and port, as peers with a
        # single UDP socket (port 1701 for everything) open them.
        q = Peer(a.to, a.src, p.secret, sock=p.s, our_id=p.our_id | 0x4000)
        out["second_error"] = q.open()
        out["second_tunnel"] = q.peer_id
        out["second_sccrq_sent"] = q.sccrq_sent
    print(json.dumps(out))
    return 0 if err is None else 1


# --- packet marks: two clients behind one NAT --------------------------

def cmd_marks(a):
    s = udp(a.src)
    s.setsockopt(socket.SOL_SOCKET, SO_RCVMARK, 1)

    def mark(m):
        s.setsockopt(socket.SOL_SOCKET, SO_MARK, m)

    def hello(p):
        """A HELLO with the next Ns; the mark of its acknowledgement."""
        want = (p.ns + 1) & 0xFFFF
        p.send_msg(HELLO, [])
        m = p.wait_for(lambda m: m["nr"] == want, 2)
        return m["mark"] if m else None

    out = {}
    mark(7)
    p = Peer(a.to, a.src, b"", sock=s)
    out["first_error"] = p.open()
    if out["first_error"]:
        print(json.dumps(out))
        return 1
    out["first_sccrp"] = p.sccrp["mark"]
    out["first_scccn_ack"] = p.scccn_ack["mark"]
    out["first_hello"] = hello(p)
    # Clear text (mark 0) does not replace the tunnel's mark.
    mark(0)
    out["after_unmarked"] = hello(p)
    # The first client's SA rekeyed into one with mark 9: the message
    # that brings the new mark may be acknowledged before the switch, the
    # next one after it.
    mark(9)
    out["rekey_hello"] = hello(p)
    out["after_rekey"] = hello(p)
    # A second client behind the same NAT, mark 11, from the same address
    # and port: its SCCRQ reaches the first tunnel's socket.
    mark(11)
    q = Peer(a.to, a.src, b"", sock=s, our_id=p.our_id | 0x4000)
    q.to = p.to
    out["second_error"] = q.open()
    if not out["second_error"]:
        out["second_sccrp"] = q.sccrp["mark"]
        out["second_scccn_ack"] = q.scccn_ack["mark"]
        out["second_hello"] = hello(q)
    # A duplicate of the first tunnel's last message with mark 13 (not in
    # sequence) moves nothing.
    mark(13)
    p.send(message(HELLO, [], p.peer_id, 0, (p.ns - 1) & 0xFFFF, p.nr))
    time.sleep(0.3)
    mark(9)
    out["first_after_second"] = hello(p)
    print(json.dumps(out))
    return 0


# --- an LNS that answers from another port ---------------------------

def cmd_lns(a):
    host, port = addr(a.listen)
    listen = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    listen.bind((host, port))
    moved = udp(host)
    secret = a.secret.encode()
    our_id = 0x2A2A
    out = {"new_port": moved.getsockname()[1], "on_listen": [],
           "on_new_port": [], "answered": False}
    end = time.monotonic() + a.wait
    peer = None
    nr = 0
    while time.monotonic() < end:
        ready = select.select([listen, moved], [], [], end - time.monotonic())[0]
        for s in ready:
            pkt, frm = s.recvfrom(4096)
            m = parse(pkt)
            if m is None:
                continue
            name = "ZLB" if m["type"] is None else m["type"]
            (out["on_listen"] if s is listen else out["on_new_port"]).append(name)
            if s is listen and m["type"] == SCCRQ and peer is None:
                peer = frm
                peer_id = struct.unpack(
                    "!H", value_of(m, ASSIGNED_TUNNEL_ID, secret))[0]
                avps = sccrq_avps(our_id, "raw-lns")
                if CHALLENGE in m["avps"]:
                    avps.append(avp(CHALLENGE_RESPONSE, hashlib.md5(
                        bytes([SCCRP]) + secret +
                        m["avps"][CHALLENGE]).digest()))
                nr = 1
                moved.sendto(message(SCCRP, avps, peer_id, 0, 0, nr), peer)
                out["answered"] = True
            elif s is moved and m["type"] is not None:
                if m["ns"] == nr:
                    nr = (nr + 1) & 0xFFFF
                moved.sendto(zlb(peer_id, 1, nr), frm)
    print(json.dumps(out))
    return 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    for name in ("junk", "flood", "peer", "marks"):
        sp = sub.add_parser(name)
        sp.add_argument("--to", required=True, help="HOST:PORT of the daemon")
        sp.add_argument("--src", default="127.0.0.1", help="source address")
        if name == "flood":
            sp.add_argument("--count", type=int, default=100)
            sp.add_argument("--wait", type=float, default=1.5,
                            help="seconds to collect answers")
        elif name != "marks":
            sp.add_argument("kinds", nargs="*")
        if name == "peer":
            sp.add_argument("--secret", default="")
            sp.add_argument("--stop", action="store_true",
                            help="send StopCCN at the end")
            sp.add_argument("--twice", action="store_true",
                            help="then open a second tunnel from the same "
                            "source port")
    sp = sub.add_parser("lns")
    sp.add_argument("--listen", required=True, help="HOST:PORT to answer on")
    sp.add_argument("--secret", default="")
    sp.add_argument("--wait", type=float, default=5)
    a = ap.parse_args()
    return {"junk": cmd_junk, "flood": cmd_flood, "peer": cmd_peer,
            "marks": cmd_marks, "lns": cmd_lns}[a.cmd](a) or 0


if __name__ == "__main__":
    sys.exit(main())
