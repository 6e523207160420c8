#!/usr/bin/env python3
# radius_ctl_watch.py SOCKET SECS: polls a daemon's "status" every 50 ms on
# one control connection for SECS seconds or until a RADIUS login times out;
# prints "worst_ms=N login_ms=M" (M: from the request counted to the
# timeout counted, -1 when none). Timed in one process: an exec alone costs
# about 100 ms under emulation.
import json
import socket
import sys
import time

s = socket.socket(socket.AF_UNIX)
s.connect(sys.argv[1])
f = s.makefile("rb")
end = time.monotonic() + float(sys.argv[2])
worst = 0.0
base = None
t_req = t_done = None


def status():
    s.sendall(b'{"cmd":"status"}\n')
    return json.loads(f.readline())


while time.monotonic() < end:
    t = time.monotonic()
    r = status()
    worst = max(worst, time.monotonic() - t)
    rad = r.get("radius", {})
    if base is None:
        base = rad
    elif t_req is None and rad.get("requests", 0) > base.get("requests", 0):
        t_req = t
    elif t_req is not None and rad.get("timeouts", 0) > base.get("timeouts", 0):
        t_done = t
        break
    time.sleep(0.05)
login = -1 if t_done is None else int((t_done - t_req) * 1000)
print("worst_ms=%d login_ms=%d" % (int(worst * 1000), login))
