#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Floods for the availability tests (issue: spoofed floods, idle slots).

Only ever aimed at loopback or at addresses of a network namespace the
calling test created; every command is bounded in count and time.

  flood.py sccrq --to HOST:PORT --net 10.77.0.0/16 --rate R --seconds S
      Spoofed SCCRQs (raw socket, IP_HDRINCL) from random sources of --net,
      R a second (0: as fast as this process can), until S seconds passed
      or SIGTERM. Needs root; the caller
      routes --net locally (ip route add local NET dev lo) in its namespace.
  flood.py dial --to HOST:PORT --attempts N --interval S [--src A]
      A legitimate LAC: first one tunnel with a session that it keeps, then
      N fresh tunnel+session setups (SCCRQ..SCCCN, ICRQ..ICCN), each timed;
      at the end the kept tunnel must still acknowledge a HELLO.
  flood.py pptp-idle --to HOST:PORT --net 10.77.0.0/16 --count N [--sccrq]
      --hold S   N TCP connections from sources of --net that never send a
      byte (or send a Start-Control-Connection-Request and then nothing),
      held for S seconds.
  flood.py pptp-call --to HOST:PORT --attempts N --interval S
      A legitimate PPTP client: SCCRQ, SCCRP, OCRQ, OCRP; each timed.
      --hold S keeps every connection and its call open S seconds after
      the last (--ready FILE is created then).
  flood.py ctl-idle --path SOCKET --count N --hold S
      N control socket connections that never send anything.

Each command prints one JSON object on stdout.
"""
import argparse
import ipaddress
import json
import os
import random
import resource
import select
import signal
import socket
import struct
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import l2tp_raw as L  # noqa: E402


def raise_nofile(n):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < n:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(n, hard), hard))


def stats(times):
    if not times:
        return {}
    s = sorted(times)
    pick = lambda q: s[min(len(s) - 1, int(q * len(s)))]  # noqa: E731
    return {"min_ms": round(s[0], 1), "p50_ms": round(pick(0.5), 1),
            "p90_ms": round(pick(0.9), 1), "max_ms": round(s[-1], 1)}


# --- spoofed SCCRQs -----------------------------------------------------

def ip_udp(src, dst, sport, dport, payload):
    udp = struct.pack("!HHHH", sport, dport, 8 + len(payload), 0) + payload
    hdr = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), 0, 0, 64,
                      socket.IPPROTO_UDP, 0, src, dst)
    return hdr + udp  # the kernel fills in the IP checksum


def cmd_sccrq(a):
    stop_at = []
    signal.signal(signal.SIGTERM, lambda *_: stop_at.append(1))
    host, port = L.addr(a.to)
    net = ipaddress.ip_network(a.net)
    base, size = int(net.network_address), net.num_addresses
    dst = socket.inet_aton(host)
    s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
    s.setsockopt(socket.IPPROTO_IP, socket.IP_HDRINCL, 1)
    rng = random.Random(a.seed)
    # Templates: the tunnel ID is patched per packet.
    body = L.message(L.SCCRQ, L.sccrq_avps(0x1234, "spoofed"))
    tid_at = body.index(L.u16(0x1234), 12)
    sent = errors = 0
    if a.ready:
        open(a.ready, "w").close()
    start = time.monotonic()
    end = start + a.seconds
    gap = 1.0 / a.rate if a.rate else 0
    next_t = start
    while not stop_at:
        now = time.monotonic()
        if now >= end:
            break
        if gap:
            if now < next_t:
                time.sleep(min(next_t - now, 0.01))
                continue
            next_t += gap
        src = struct.pack("!I", base + 1 + rng.randrange(size - 2))
        tid = rng.randrange(1, 65536)
        pkt = body[:tid_at] + L.u16(tid) + body[tid_at + 2:]
        try:
            s.sendto(ip_udp(src, dst, rng.randrange(1024, 65536), port, pkt),
                     (host, 0))
            sent += 1
        except OSError:
            errors += 1
    took = time.monotonic() - start
    print(json.dumps({"sent": sent, "errors": errors,
                      "seconds": round(took, 2),
                      "rate": round(sent / took) if took else 0}))


# --- a legitimate LAC ---------------------------------------------------

ICRP, ICCN, ZLB = 11, 12, None
TX_SPEED, FRAMING_TYPE = 24, 19


def session_open(p, sid, timeout):
    p.send_msg(L.ICRQ, [L.avp(L.ASSIGNED_SESSION_ID, L.u16(sid)),
                        L.avp(L.CALL_SERIAL, L.u32(sid))])
    m = p.wait_for(lambda m: m["type"] in (ICRP, 14), timeout)
    if not m or m["type"] != ICRP:
        return None
    peer_sid = struct.unpack("!H", m["avps"][L.ASSIGNED_SESSION_ID])[0]
    p.send_msg(ICCN, [L.avp(TX_SPEED, L.u32(1000000)),
                      L.avp(FRAMING_TYPE, L.u32(1))], session=peer_sid)
    # Established for the LAC now (RFC 2661 7.4.1); the ACK may be
    # delayed (5.8), so it is awaited but not timed.
    p.iccn_at = time.monotonic()
    want = p.ns
    if not p.wait_for(lambda m: m["nr"] == want, timeout):
        return None
    return peer_sid


def stop(p):
    p.send_msg(L.STOPCCN, [L.avp(L.ASSIGNED_TUNNEL_ID, L.u16(p.our_id)),
                           L.avp(L.RESULT_CODE, L.u16(1))])
    p.s.close()


def dial_once(a, our_id):
    t0 = time.monotonic()
    p = L.Peer(a.to, a.src, b"", our_id=our_id)
    err = p.open(scccn_delay=a.scccn_delay)
    if err is None and session_open(p, 7, 2) is None:
        err = "no session"
    ms = (getattr(p, "iccn_at", time.monotonic()) - t0) * 1000
    return p, err, ms


def cmd_dial(a):
    kept, err, _ = dial_once(a, 0x3F00)
    out = {"kept_error": err, "attempts": a.attempts, "ok": 0,
           "within_2s": 0, "errors": {}, "times_ms": []}
    for i in range(a.attempts):
        p, err, ms = dial_once(a, 1 + i % 0x3E00)
        if err is None:
            out["ok"] += 1
            out["within_2s"] += ms <= 2000
            out["times_ms"].append(round(ms, 1))
            stop(p)
        else:
            out["errors"][err] = out["errors"].get(err, 0) + 1
            p.s.close()
        time.sleep(a.interval)
    out.update(stats(out["times_ms"]))
    if kept_ok := out["kept_error"] is None:
        want = (kept.ns + 1) & 0xFFFF
        kept.send_msg(L.HELLO, [])
        kept_ok = kept.wait_for(lambda m: m["nr"] == want, 2) is not None
    out["kept_up"] = kept_ok
    print(json.dumps(out))


# --- PPTP -----------------------------------------------------------------

PPTP_MAGIC = 0x1A2B3C4D


def pptp_msg(ctype, body):
    return struct.pack("!HHIHH", 12 + len(body), 1, PPTP_MAGIC, ctype, 0) + body


def pptp_sccrq():
    return pptp_msg(1, struct.pack("!HHIIHH64s64s", 0x100, 0, 3, 3, 1, 1,
                                   b"flood", b"flood"))


def pptp_ocrq(call_id):
    return pptp_msg(7, struct.pack("!HHIIIIHHHH64s64s", call_id, 1, 300,
                                   100000000, 3, 3, 64, 0, 0, 0, b"1",
                                   b""))


def recv_msg(s, want, timeout):
    """The next message of type `want` (skipping others), or None."""
    buf, end = b"", time.monotonic() + timeout
    while time.monotonic() < end:
        if not select.select([s], [], [], end - time.monotonic())[0]:
            break
        chunk = s.recv(4096)
        if not chunk:
            return None
        buf += chunk
        while len(buf) >= 12:
            n, _, _, ctype = struct.unpack("!HHIH", buf[:10])
            if n < 12 or len(buf) < n:
                break
            msg, buf = buf[:n], buf[n:]
            if ctype == want:
                return msg
    return None


def cmd_pptp_call(a):
    host, port = L.addr(a.to)
    held = []  # with --hold: connections kept open with their call
    out = {"attempts": a.attempts, "ok": 0, "within_2s": 0, "errors": {},
           "times_ms": []}
    for i in range(a.attempts):
        t0 = time.monotonic()
        err = None
        try:
            s = socket.create_connection((host, port), timeout=2)
            s.sendall(pptp_sccrq())
            m = recv_msg(s, 2, 2)
            if not m or m[14] != 1:
                err = "no SCCRP"
            else:
                s.sendall(pptp_ocrq(100 + i))
                m = recv_msg(s, 8, 2)
                if not m or m[16] != 1:
                    err = "no OCRP"
            if a.hold and not err:
                held.append(s)
            else:
                s.close()
        except OSError as e:
            err = "connect: %s" % e.strerror
        ms = (time.monotonic() - t0) * 1000
        if err:
            out["errors"][err] = out["errors"].get(err, 0) + 1
        else:
            out["ok"] += 1
            out["within_2s"] += ms <= 2000
            out["times_ms"].append(round(ms, 1))
        time.sleep(a.interval)
    out.update(stats(out["times_ms"]))
    print(json.dumps(out), flush=True)
    if held:
        if a.ready:
            open(a.ready, "w").close()
        time.sleep(a.hold)


def cmd_pptp_idle(a):
    host, port = L.addr(a.to)
    raise_nofile(a.count + 256)
    net = ipaddress.ip_network(a.net)
    base, size = int(net.network_address), net.num_addresses
    socks, opened, failed = [], 0, 0
    if a.ready:
        open(a.ready, "w").close()
    sccrq = pptp_sccrq()
    for i in range(a.count):
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind((str(ipaddress.ip_address(base + 1 + i % (size - 2))), 0))
        s.setblocking(False)
        try:
            s.connect((host, port))
        except BlockingIOError:
            pass
        except OSError:
            failed += 1
            s.close()
            continue
        socks.append(s)
        opened += 1
    if a.sccrq:
        time.sleep(0.2)  # the handshakes complete
        for s in socks:
            try:
                s.send(sccrq)  # and then never a call
            except OSError:
                pass
    closed_by_server = 0
    end = time.monotonic() + a.hold
    while time.monotonic() < end:
        time.sleep(0.2)
    for s in socks:
        try:
            if not s.recv(4096):
                closed_by_server += 1
        except BlockingIOError:
            pass
        except OSError:
            closed_by_server += 1
        s.close()
    print(json.dumps({"opened": opened, "failed": failed,
                      "closed_by_server": closed_by_server}))


def cmd_ctl_idle(a):
    raise_nofile(a.count + 256)
    socks = []
    if a.ready:
        open(a.ready, "w").close()
    for _ in range(a.count):
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            s.connect(a.path)
            socks.append(s)
        except OSError:
            s.close()
    time.sleep(a.hold)
    dropped = 0
    for s in socks:
        try:
            s.setblocking(False)
            if not s.recv(4096):
                dropped += 1
        except BlockingIOError:
            pass
        except OSError:
            dropped += 1
        s.close()
    print(json.dumps({"opened": len(socks), "dropped_by_server": dropped}))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    sp = sub.add_parser("sccrq")
    sp.add_argument("--to", required=True)
    sp.add_argument("--net", required=True)
    sp.add_argument("--rate", type=float, default=300)
    sp.add_argument("--seconds", type=float, default=5)
    sp.add_argument("--seed", type=int, default=1)
    sp.add_argument("--ready", help="file created once sending starts")
    sp = sub.add_parser("dial")
    sp.add_argument("--to", required=True)
    sp.add_argument("--src", default="127.0.0.1")
    sp.add_argument("--attempts", type=int, default=30)
    sp.add_argument("--interval", type=float, default=0.1)
    sp.add_argument("--scccn-delay", type=float, default=0,
                    help="seconds between the SCCRP and our SCCCN")
    sp = sub.add_parser("pptp-idle")
    sp.add_argument("--to", required=True)
    sp.add_argument("--net", required=True)
    sp.add_argument("--count", type=int, default=1000)
    sp.add_argument("--sccrq", action="store_true")
    sp.add_argument("--hold", type=float, default=3)
    sp.add_argument("--ready", help="file created once connecting starts")
    sp = sub.add_parser("pptp-call")
    sp.add_argument("--to", required=True)
    sp.add_argument("--attempts", type=int, default=30)
    sp.add_argument("--interval", type=float, default=0.05)
    sp.add_argument("--hold", type=float, default=0,
                    help="keep each connection and its call open S seconds")
    sp.add_argument("--ready", help="file created once the calls are held")
    sp = sub.add_parser("ctl-idle")
    sp.add_argument("--path", required=True)
    sp.add_argument("--count", type=int, default=1000)
    sp.add_argument("--hold", type=float, default=3)
    sp.add_argument("--ready", help="file created once connecting starts")
    a = ap.parse_args()
    {"sccrq": cmd_sccrq, "dial": cmd_dial, "pptp-idle": cmd_pptp_idle,
     "pptp-call": cmd_pptp_call, "ctl-idle": cmd_ctl_idle}[a.cmd](a)


if __name__ == "__main__":
    sys.exit(main())
