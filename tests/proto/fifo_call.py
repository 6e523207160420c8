#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""fifo_call.py CONTROL_FIFO RESULT_FIFO COMMAND: sends "@RESULT COMMAND" to
an xl2tpd control FIFO as xl2tpd-control does (result FIFO opened for
reading first) and prints the reply, read until the daemon closes its end
(5 s at most)."""
import os
import select
import sys
import time

ctl, res, line = sys.argv[1:4]
if os.path.exists(res):
    os.unlink(res)
os.mkfifo(res, 0o600)
fd = os.open(res, os.O_RDONLY | os.O_NONBLOCK)
c = os.open(ctl, os.O_WRONLY)
os.write(c, ("@%s %s" % (res, line)).encode())
os.close(c)
out, opened, deadline = b"", False, time.monotonic() + 5
while time.monotonic() < deadline:
    r, _, _ = select.select([fd], [], [], 0.05)
    if not r:
        continue
    b = os.read(fd, 4096)
    if b:
        out += b
        opened = True
    elif opened or not os.path.exists(res):
        break  # the daemon closed (and removed) the result FIFO
    else:
        time.sleep(0.02)  # no writer yet
sys.stdout.write(out.decode(errors="replace"))
