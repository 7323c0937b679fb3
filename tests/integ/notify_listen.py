#!/usr/bin/env python3
"""A fake service manager: receive sd_notify datagrams on a socket.

Usage: notify_listen.py SOCKET OUTFILE SECONDS.  Binds a datagram socket at
SOCKET and appends each message to OUTFILE (one message per line, newlines
inside a message shown as '|') until SECONDS have passed.
"""
import os
import socket
import sys
import time

path, out, secs = sys.argv[1], sys.argv[2], float(sys.argv[3])
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(path)
s.settimeout(0.2)
end = time.time() + secs
with open(out, "a", buffering=1) as f:
    f.write("LISTENING\n")
    while time.time() < end:
        try:
            msg = s.recv(4096)
        except socket.timeout:
            continue
        f.write("%.3f %s\n" % (time.monotonic(), msg.decode().replace("\n", "|")))
os.unlink(path)
