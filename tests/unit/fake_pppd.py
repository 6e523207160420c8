#!/usr/bin/python3 -IS
# SPDX-License-Identifier: GPL-2.0-or-later
"""A stand-in for pppd with the vpnsuite plugin, for tests/unit/test_pppd.c
and the protocol tests of daemon logins (tests/proto/test_pptpd_radius.sh).

The host has no PPP in its kernel, so this plays the plugin's side of the IPC
protocol (ppp/pppd/ipc.h) on the descriptor given by "vpnsuite-ipc".

Environment:
  FAKE_PPPD_SCENARIO  up | updown | auth | login | passwd | garbage | hang |
                      die | stubborn | eof | leaving (see the functions
                      below)
  FAKE_PPPD_ARGV      report file: one "arg:WORD" line per argv word after
                      argv[0], "fd3:DEV:INO" (or "fd3:none"), "fds:0,1,..."
                      (our open descriptors at start), then per scenario
  FAKE_PPPD_USER, FAKE_PPPD_PASSWORD   the login the auth scenario sends
  FAKE_PPPD_EXPECT    the password the passwd scenario expects
  FAKE_PPPD_GARBAGE   what garbage sends: version | length | type | reply |
                      oversize | noifname
  FAKE_PPPD_LINGER_MS eof: how long to run on after closing the socket;
                      leaving: how long to take before exiting (none: stays)
  FAKE_PPPD_LOGIN_FILE login: "USER PASSWORD", read at start
  FAKE_PPPD_LIFE_S    login: how long to stay up at most (default 10)
"""
import os
import re
import signal
import socket
import struct
import sys
import time

VERSION = 1
HELLO, PHASE, IP_UP, IP_DOWN, EXIT, AUTH_REQUEST, AUTH_REPLY, \
    PASSWD_REQUEST, PASSWD_REPLY = range(1, 10)
T_PID, T_PHASE, T_IFNAME, T_LOCAL, T_REMOTE, T_STATUS, T_MESSAGE, T_METHOD, \
    T_USER, T_CHAP_ID, T_CHALLENGE, T_RESPONSE, T_RESULT, T_SEND_KEY, \
    T_RECV_KEY, T_PASSWORD, T_OURNAME = range(1, 18)
AUTH_PAP = 1
# pppd.h
PHASE_NETWORK = 7
PHASE_TERMINATE = 9
EXIT_USER_REQUEST = 5
EXIT_AUTH_TOPEER_FAILED = 19
# Never wait forever: a test that lost us must not leave us behind.
MAX_LIFE_S = 10


def u32(v):
    return struct.pack(">I", v)


def record(rtype, seq, attrs=(), version=VERSION, length=None):
    body = b"".join(bytes([tag, len(val)]) + val for tag, val in attrs)
    total = 8 + len(body) if length is None else length
    return struct.pack(">BBHI", version, rtype, total, seq) + body


def parse(rec):
    version, rtype, length, seq = struct.unpack(">BBHI", rec[:8])
    if version != VERSION or length != len(rec):
        raise ValueError("bad record from the daemon")
    attrs, i = {}, 8
    while i < len(rec):
        tag, alen = rec[i], rec[i + 1]
        attrs[tag] = rec[i + 2:i + 2 + alen]
        i += 2 + alen
    return rtype, seq, attrs


def addrs_from_argv(args):
    def value(s):
        return struct.unpack(">I", socket.inet_aton(s))[0] if s else 0
    for a in args:
        m = re.fullmatch(r"([0-9.]*):([0-9.]*)", a)
        if m:
            return value(m.group(1)), value(m.group(2))
    return 0, 0


def option(args, name):
    for i, a in enumerate(args[:-1]):
        if a == name:
            return args[i + 1]
    return None


def open_fds():
    fds = []
    for name in os.listdir("/proc/self/fd"):
        try:
            os.fstat(int(name))  # the listing's own descriptor is gone
            fds.append(int(name))
        except OSError:
            pass
    return sorted(fds)


def write_report(path, args):
    fds = open_fds()
    try:
        st = os.fstat(3)
        fd3 = "%d:%d" % (st.st_dev, st.st_ino)
    except OSError:
        fd3 = "none"
    with open(path, "w") as f:
        for a in args:
            f.write("arg:%s\n" % a)
        f.write("fd3:%s\nfds:%s\n" % (fd3, ",".join(map(str, fds))))


def report(line):
    path = os.environ.get("FAKE_PPPD_ARGV")
    if path:
        with open(path, "a") as f:
            f.write(line + "\n")


def wait_forever():
    time.sleep(MAX_LIFE_S)
    sys.exit(9)


class Plugin:
    def __init__(self, fd):
        self.sock = socket.socket(fileno=fd)
        self.seq = 0

    def send(self, rtype, attrs=(), seq=0):
        self.sock.send(record(rtype, seq, attrs))

    def ask(self, rtype, attrs, want):
        self.seq += 1
        self.send(rtype, attrs, self.seq)
        rec = self.sock.recv(2048)
        if not rec:
            report("answer:none")
            sys.exit(4)
        got, seq, attrs = parse(rec)
        if got != want or seq != self.seq:
            report("answer:wrong type %d seq %d" % (got, seq))
            sys.exit(5)
        return attrs


def scenario_up(p, args, stop_after_up):
    """HELLO, PHASE, IP_UP; at SIGTERM (or at once) IP_DOWN, EXIT, exit 0."""
    terminated = []
    signal.signal(signal.SIGTERM, lambda *_: terminated.append(1))
    local, remote = addrs_from_argv(args)
    p.send(HELLO, [(T_PID, u32(os.getpid()))])
    p.send(PHASE, [(T_PHASE, u32(PHASE_NETWORK))])
    p.send(IP_UP, [(T_IFNAME, b"ppp7"), (T_LOCAL, u32(local)),
                   (T_REMOTE, u32(remote))])
    deadline = time.monotonic() + MAX_LIFE_S
    while not stop_after_up and not terminated:
        if time.monotonic() > deadline:
            sys.exit(9)
        time.sleep(0.01)  # pause() would miss a SIGTERM before it
    p.send(IP_DOWN)
    p.send(EXIT, [(T_STATUS, u32(EXIT_USER_REQUEST))])
    sys.exit(0)


def scenario_auth(p):
    """PAP login from the environment; exits with the daemon's result."""
    p.send(HELLO, [(T_PID, u32(os.getpid()))])
    a = p.ask(AUTH_REQUEST, [
        (T_METHOD, bytes([AUTH_PAP])),
        (T_USER, os.environ.get("FAKE_PPPD_USER", "").encode()),
        (T_RESPONSE, os.environ.get("FAKE_PPPD_PASSWORD", "").encode()),
    ], AUTH_REPLY)
    result = a[T_RESULT][0] if T_RESULT in a else 255
    report("reply:result=%d message=%s remote=%s sendkey=%s recvkey=%s" % (
        result, a.get(T_MESSAGE, b"-").decode(),
        a[T_REMOTE].hex() if T_REMOTE in a else "-",
        a[T_SEND_KEY].hex() if T_SEND_KEY in a else "-",
        a[T_RECV_KEY].hex() if T_RECV_KEY in a else "-"))
    sys.exit(result)


def scenario_login(p, args):
    """A server's pppd: the peer's PAP login from FAKE_PPPD_LOGIN_FILE goes
    to the daemon. Accepted: IP_UP with the address the answer gave, then at
    SIGTERM (or after FAKE_PPPD_LIFE_S) IP_DOWN, EXIT, exit 0. Refused:
    EXIT, exit 1."""
    terminated = []
    signal.signal(signal.SIGTERM, lambda *_: terminated.append(1))
    with open(os.environ["FAKE_PPPD_LOGIN_FILE"]) as f:
        user, password = f.read().split()
    local, remote = addrs_from_argv(args)
    p.send(HELLO, [(T_PID, u32(os.getpid()))])
    a = p.ask(AUTH_REQUEST, [
        (T_METHOD, bytes([AUTH_PAP])),
        (T_USER, user.encode()),
        (T_RESPONSE, password.encode()),
    ], AUTH_REPLY)
    result = a[T_RESULT][0] if T_RESULT in a else 255
    if T_REMOTE in a:
        remote = struct.unpack(">I", a[T_REMOTE])[0]
    report("login:user=%s result=%d message=%s remote=%s" % (
        user, result, a.get(T_MESSAGE, b"-").decode(errors="replace"),
        socket.inet_ntoa(struct.pack(">I", remote))))
    if result != 0:
        p.send(EXIT, [(T_STATUS, u32(11))])  # pppd's EXIT_PEER_AUTH_FAILED
        sys.exit(1)
    p.send(PHASE, [(T_PHASE, u32(PHASE_NETWORK))])
    p.send(IP_UP, [(T_IFNAME, b"fakeppp0"), (T_LOCAL, u32(local)),
                   (T_REMOTE, u32(remote))])
    deadline = time.monotonic() + float(os.environ.get("FAKE_PPPD_LIFE_S",
                                                       MAX_LIFE_S))
    while not terminated and time.monotonic() < deadline:
        time.sleep(0.01)
    report("login:down " + ("sigterm" if terminated else "life"))
    p.send(IP_DOWN)
    p.send(EXIT, [(T_STATUS, u32(EXIT_USER_REQUEST))])
    sys.exit(0)


def scenario_passwd(p):
    """Asks our password; exits 0 if it is FAKE_PPPD_EXPECT."""
    p.send(HELLO, [(T_PID, u32(os.getpid()))])
    user = os.environ.get("FAKE_PPPD_USER", "")
    a = p.ask(PASSWD_REQUEST, [(T_USER, user.encode())], PASSWD_REPLY)
    if T_PASSWORD not in a:
        report("passwd:none")
        sys.exit(1)
    ok = a[T_PASSWORD].decode() == os.environ.get("FAKE_PPPD_EXPECT")
    # Never the password itself: the test checks it is nowhere in here.
    report("passwd:%s user=%s" % ("match" if ok else "mismatch",
                                  a.get(T_USER, b"").decode()))
    sys.exit(0 if ok else 1)


def scenario_garbage(p):
    """HELLO, then one record a sane plugin never sends; then waits."""
    kind = os.environ.get("FAKE_PPPD_GARBAGE", "version")
    p.send(HELLO, [(T_PID, u32(os.getpid()))])
    bad = {
        "version": record(HELLO, 0, version=9),
        "length": record(PHASE, 0, [(T_PHASE, u32(1))], length=40),
        "type": record(77, 0),
        "reply": record(AUTH_REPLY, 0, [(T_RESULT, b"\0")]),
        "oversize": record(PHASE, 0, [(200, b"x" * 200)] * 6),
        "noifname": record(IP_UP, 0, [(T_LOCAL, u32(1))]),
    }[kind]
    p.sock.send(bad)
    # Would be served if the daemon still trusted us after the garbage.
    p.send(IP_UP, [(T_IFNAME, b"ppp9"), (T_LOCAL, u32(1)), (T_REMOTE, u32(2))])
    wait_forever()


def scenario_stubborn(p):
    """Ignores SIGTERM; says PHASE once that is so."""
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    p.send(HELLO, [(T_PID, u32(os.getpid()))])
    p.send(PHASE, [(T_PHASE, u32(PHASE_NETWORK))])
    wait_forever()


def scenario_leaving(p):
    """Refused by the peer: PHASE terminate, then exits 19 after
    FAKE_PPPD_LINGER_MS (unset: stays); SIGHUP makes it exit 5 at once,
    as pppd's status becomes "user request" then."""
    signal.signal(signal.SIGHUP, lambda *_: sys.exit(EXIT_USER_REQUEST))
    p.send(HELLO, [(T_PID, u32(os.getpid()))])
    p.send(PHASE, [(T_PHASE, u32(PHASE_NETWORK))])
    p.send(PHASE, [(T_PHASE, u32(PHASE_TERMINATE))])
    linger = os.environ.get("FAKE_PPPD_LINGER_MS")
    if linger is None:
        wait_forever()
    time.sleep(int(linger) / 1000)
    p.send(EXIT, [(T_STATUS, u32(EXIT_AUTH_TOPEER_FAILED))])
    sys.exit(EXIT_AUTH_TOPEER_FAILED)


def scenario_eof(p):
    """HELLO, closes the IPC socket, runs on for FAKE_PPPD_LINGER_MS."""
    p.send(HELLO, [(T_PID, u32(os.getpid()))])
    p.sock.close()
    linger = os.environ.get("FAKE_PPPD_LINGER_MS")
    if linger is None:
        wait_forever()
    time.sleep(int(linger) / 1000)
    sys.exit(0)


def main():
    args = sys.argv[1:]
    path = os.environ.get("FAKE_PPPD_ARGV")
    if path:
        write_report(path, args)
    scenario = os.environ.get("FAKE_PPPD_SCENARIO", "hang")
    if scenario == "die":
        sys.exit(3)
    if scenario == "hang":
        wait_forever()
    p = Plugin(int(option(args, "vpnsuite-ipc")))
    if scenario in ("up", "updown"):
        scenario_up(p, args, scenario == "updown")
    elif scenario == "auth":
        scenario_auth(p)
    elif scenario == "login":
        scenario_login(p, args)
    elif scenario == "passwd":
        scenario_passwd(p)
    elif scenario == "garbage":
        scenario_garbage(p)
    elif scenario == "stubborn":
        scenario_stubborn(p)
    elif scenario == "eof":
        scenario_eof(p)
    elif scenario == "leaving":
        scenario_leaving(p)
    sys.exit("fake_pppd: unknown scenario " + scenario)


if __name__ == "__main__":
    main()
