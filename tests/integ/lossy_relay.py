#!/usr/bin/env python3
"""tests/integ/lossy_relay.py - a lossy, jittery UDP hop in user space,
for tests/integ/room_netem.sh on kernels without sch_netem: datagrams
from clients to the node are lost with probability LOSS and delayed by a
uniform DELAY +- JITTER ms (netem's default distribution, so frames are
reordered too); the node's answers go back at once.  One upstream socket
per client, so the node sees each client as its own address.  Binds
127.0.0.1 only; ends on SIGTERM and writes its counters as JSON.

lossy_relay.py LISTEN_PORT [NODE_HOST:]NODE_PORT LOSS DELAY_MS JITTER_MS STATSFILE

NODE_HOST is 127.0.0.1 unless given (an IPv4 address).
"""
import heapq
import json
import random
import select
import signal
import socket
import sys
import time

lport = int(sys.argv[1])
nhost, _, nport = sys.argv[2].rpartition(":")
nhost, nport = nhost or "127.0.0.1", int(nport)
loss, delay, jit = float(sys.argv[3]), float(sys.argv[4]), float(sys.argv[5])
statsf = sys.argv[6]
node = (nhost, nport)
front = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
front.bind(("127.0.0.1", lport))
ups = {}        # client addr -> upstream socket
back = {}       # upstream fileno -> (socket, client addr)
queue = []      # (due, n, socket, data)
st = {"in": 0, "dropped": 0, "sent": 0}
n = 0
stop = False


def on_term(*_):
    global stop
    stop = True


signal.signal(signal.SIGTERM, on_term)
while not stop:
    now = time.monotonic()
    while queue and queue[0][0] <= now:
        _, _, s, d = heapq.heappop(queue)
        s.sendto(d, node)
        st["sent"] += 1
    tmo = max(0.0, queue[0][0] - now) if queue else 0.2
    try:
        r, _, _ = select.select([front] + [v[0] for v in back.values()],
                                [], [], min(tmo, 0.2))
    except InterruptedError:
        continue
    for s in r:
        if s is front:
            d, a = front.recvfrom(65536)
            if a not in ups:
                u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
                u.bind(("127.0.0.1", 0))
                ups[a] = u
                back[u.fileno()] = (u, a)
            st["in"] += 1
            if random.random() < loss:
                st["dropped"] += 1
                continue
            due = time.monotonic() + random.uniform(delay - jit,
                                                    delay + jit) / 1000
            n += 1
            heapq.heappush(queue, (due, n, ups[a], d))
        else:
            u, a = back[s.fileno()]
            d, _ = u.recvfrom(65536)
            front.sendto(d, a)
with open(statsf, "w") as f:
    json.dump(st, f)
