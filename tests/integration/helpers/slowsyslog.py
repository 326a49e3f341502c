#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""slowsyslog - a syslog-over-TCP receiver that reads one line a second.

    slowsyslog.py PORTFILE COUNTFILE SECONDS

Listens on 127.0.0.1 (a free port, written to PORTFILE) with a small
receive buffer, accepts one client and reads about one message (1500
bytes) a second for at most SECONDS, writing the bytes read to COUNTFILE. Used by
test_output_nonblocking.sh to stand for a syslog agent that has fallen
behind: the daemon's socket fills, its queue spills to the spool and the
spool reaches its bound.
"""
import os
import socket
import sys
import time

portfile, countfile, seconds = sys.argv[1], sys.argv[2], float(sys.argv[3])
ls = socket.socket()
ls.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
ls.bind(("127.0.0.1", 0))
ls.listen(1)
with open(portfile + ".tmp", "w") as f:
    f.write(str(ls.getsockname()[1]))
os.rename(portfile + ".tmp", portfile)
ls.settimeout(seconds)
end = time.monotonic() + seconds
n = 0
try:
    conn, _ = ls.accept()
    conn.settimeout(1.0)
    while time.monotonic() < end:
        try:
            chunk = conn.recv(1500)
        except socket.timeout:
            continue
        if not chunk:
            break
        n += len(chunk)
        with open(countfile, "w") as f:
            f.write(str(n))
        time.sleep(1.0)
except socket.timeout:
    pass
with open(countfile, "w") as f:
    f.write(str(n))
