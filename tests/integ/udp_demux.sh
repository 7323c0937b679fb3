#!/usr/bin/env bash
# The UDP port sorts datagrams by first byte and survives garbage.
. "$top_srcdir/tests/integ/lib.sh"
plan 7

start; ok $? "chorusd starts"
udp_send 00 03ff 04 0f00 40 4f01 7f 10 3f ff 80
sleep 0.3
is "$(metric 'chorus_udp_received_datagrams_total{kind="stun"}')" 2 "first bytes 0-3: STUN"
is "$(metric 'chorus_udp_received_datagrams_total{kind="chorus"}')" 2 "first bytes 4-15: Chorus"
is "$(metric 'chorus_udp_received_datagrams_total{kind="channeldata"}')" 3 "first bytes 64-127: ChannelData"
is "$(metric 'chorus_udp_received_datagrams_total{kind="unknown"}')" 4 "anything else: unknown, dropped"

# 3000 random datagrams, empty and oversized ones included.
python3 - "$PORT" <<'PY'
import os, socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for i in range(3000):
    n = [0, 1, 20, 200, 1400, 4000][i % 6]
    s.sendto(os.urandom(n), ("127.0.0.1", int(sys.argv[1])))
PY
sleep 0.5
check "daemon alive after 3000 random datagrams" kill -0 "$PID"
check "and still answering" api /api/v1/status
