#!/usr/bin/env bash
# TCP streams are cut into STUN and ChannelData frames (RFC 8489 §6.2.2,
# RFC 8656 §12.5) however the bytes arrive; anything else closes the
# connection and is counted.
. "$top_srcdir/tests/integ/lib.sh"
plan 15

# tcp_run MODE: one client scenario against the TCP port; prints what
# happened ("open", "closed", or "error: ...").
tcp_run() {
	python3 - "$PORT" "$1" <<'PY'
import os, socket, struct, sys, time

port, mode = int(sys.argv[1]), sys.argv[2]
COOKIE = 0x2112A442

def binding():
    return struct.pack("!HHI", 0x0001, 0, COOKIE) + os.urandom(12)

def channeldata(data):
    pad = b"\0" * (-(4 + len(data)) % 4)
    return struct.pack("!HH", 0x4000, len(data)) + data + pad

def closed_within(s, secs):
    """True if the server closes the connection within secs."""
    s.settimeout(0.2)
    end = time.monotonic() + secs
    while time.monotonic() < end:
        try:
            if s.recv(65536) == b"":
                return True
        except socket.timeout:
            continue
        except ConnectionResetError:
            return True
    return False

def send_ignoring_reset(s, data):
    # The server may close (and reset) before it has read everything.
    try:
        s.sendall(data)
    except (BrokenPipeError, ConnectionResetError):
        pass

s = socket.create_connection(("127.0.0.1", port), timeout=2)
s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
if mode == "frames":
    s.sendall(binding() + binding())        # two frames in one write
    for b in binding():                     # one frame byte by byte
        s.send(bytes([b]))
        time.sleep(0.002)
    # Padded to 12 bytes: the Binding after it starts past the padding.
    s.sendall(channeldata(b"hello") + binding())
    print("closed" if closed_within(s, 1) else "open")
elif mode == "burst":
    # More frames than one read callback handles (TCP_MAX_FRAMES).
    s.sendall(b"".join(binding() for _ in range(200)))
    print("closed" if closed_within(s, 1) else "open")
elif mode == "garbage":
    send_ignoring_reset(s, b"\xff" + os.urandom(63))
    print("closed" if closed_within(s, 2) else "open")
elif mode == "stun-length":
    # Length 0xFFFC: the message would exceed 65535 bytes.
    send_ignoring_reset(s, struct.pack("!HHI", 0x0001, 0xFFFC, COOKIE) +
                        os.urandom(12))
    send_ignoring_reset(s, os.urandom(70000))
    print("closed" if closed_within(s, 2) else "open")
elif mode == "channeldata-length":
    # 65535 bytes of data: padded, more than the connection buffers.
    send_ignoring_reset(s, struct.pack("!HH", 0x4000, 0xFFFF))
    send_ignoring_reset(s, os.urandom(70000))
    print("closed" if closed_within(s, 2) else "open")
elif mode == "chorus":
    send_ignoring_reset(s, b"\x04" + os.urandom(31))
    print("closed" if closed_within(s, 2) else "open")
s.close()
PY
}

# wait_metric NAME WANT: poll /metrics for up to 2 s; prints the last value.
wait_metric() {
	local i=0 v
	while :; do
		v=$(metric "$1")
		[ "$v" = "$2" ] || [ $i -ge 20 ] && break
		sleep 0.1
		i=$((i + 1))
	done
	echo "$v"
}

start; ok $? "chorusd starts"

is "$(tcp_run frames)" open \
    "pipelined, split and ChannelData frames keep the connection"
is "$(metric 'chorus_tcp_received_frames_total{kind="stun"}')" 4 \
    "four STUN frames: two in one write, one byte by byte, one after padding"
is "$(metric 'chorus_tcp_received_frames_total{kind="channeldata"}')" 1 \
    "one ChannelData frame"
is "$(tcp_run burst)" open "200 frames in one write keep the connection"
is "$(wait_metric 'chorus_tcp_received_frames_total{kind="stun"}' 204)" 204 \
    "and every one of them is handled, not only the first batch"
is "$(metric chorus_tcp_malformed_frames_total)" 0 "no malformed frames so far"

is "$(tcp_run garbage)" closed "first byte 0xff closes the connection"
is "$(tcp_run stun-length)" closed \
    "STUN length over 65535 closes the connection"
is "$(tcp_run channeldata-length)" closed \
    "ChannelData longer than the read buffer closes the connection"
contains "$LOG" "connection closed: frame too large" "and says why"
is "$(tcp_run chorus)" closed "Chorus first byte (no stream framing yet) closes"
is "$(wait_metric chorus_tcp_malformed_frames_total 4)" 4 \
    "four malformed streams counted"
is "$(wait_metric chorus_sessions 0)" 0 "sessions back to 0"
check "daemon alive and answering" api /api/v1/status
