#!/usr/bin/env bash
# tests/bench/sfu.sh - the SFU under load: rooms of 100 simulated
# participants (chorus join --simulate), 3 speakers each, stepping the
# number of rooms; then a naive baseline in the same invocation.
#
# Usage: [VAR=value ...] sfu.sh [CHORUSD [CHORUS]]
#
# For each step the rooms run at once for DURATION seconds; the script
# samples the node's CPU time (utime + stime from /proc/PID/stat) over
# the measured part, reads the node's forwarded-packet counter, and
# collects each simulator's delay percentiles (send to receive, one
# clock, through the node on loopback) and frame counts.  Loss is
# 1 - received / expected, expected = frames sent x (room size - 1) for
# rooms whose speakers are all forwarded.
#
# The baseline ("naive") is the same node forwarding everyone to everyone
# (full-forward-limit above the room size) with every one of NAIVE_SPEAKERS
# members talking: what a room costs without speaker selection.
#
# Knobs: STEPS (rooms per step, default "1 2 5 10"), ROOM (100),
# SPEAKERS (3), DURATION (10 s), NAIVE_STEPS ("1 2"), NAIVE_SPEAKERS (10),
# SIM_NICE (10: the simulators yield to the node, as if it had a core of
# its own), KEEP=1 keeps the work directory.  Every process started is stopped by
# PID; every run is bounded by DURATION and timeout(1).
set -u
chorusd=${1:-${CHORUSD:-./daemon/chorusd}}
chorus=${2:-${CHORUS:-./client/chorus}}
: "${STEPS:=1 2 5 10}" "${ROOM:=100}" "${SPEAKERS:=3}" "${DURATION:=10}"
: "${NAIVE_STEPS=1 2}" "${NAIVE_SPEAKERS:=10}" "${KEEP:=0}" "${SIM_NICE:=10}"

. "$(dirname "$0")/benchlib.sh"
bench_init sfubench

# step ROOMS SPEAKERS LABEL: one measured run; prints a table row.
step() {
	local rooms=$1 spk=$2 label=$3 i links=() t0 t1 f0 f1 c0 c1
	for i in $(seq "$rooms"); do
		links+=("$("$chorus" room create --node "127.0.0.1:$port" --node-key "$key" \
		    --identity "$dir/owner.key" --room-key "$dir/rk.$label.$rooms.$i" 2>/dev/null)")
	done
	spids=
	for i in $(seq "$rooms"); do
		timeout $((DURATION + 60)) nice -n "$SIM_NICE" "$chorus" join "${links[$((i - 1))]}" \
		    --simulate "$ROOM" --speakers "$spk" --duration "$DURATION" \
		    --stats json >"$dir/sim.$label.$rooms.$i" 2>>"$dir/sim.err" &
		spids="$spids $!"
	done
	# Measure the middle of the run: after everyone joined and settled.
	for _ in $(seq 600); do
		[ "$(curl -sf "http://127.0.0.1:$http/api/v1/rooms" | jq .members)" = $((rooms * ROOM)) ] && break
		sleep 0.1
	done
	sleep 3
	curl -sf "http://127.0.0.1:$http/metrics" >"$dir/m0"
	c0=$(cputicks "$npid") f0=$(forwarded) t0=$(date +%s.%N)
	sleep $((DURATION - 5))
	c1=$(cputicks "$npid") f1=$(forwarded) t1=$(date +%s.%N)
	curl -sf "http://127.0.0.1:$http/metrics" >"$dir/m1"
	for p in $spids; do wait "$p"; done
	spids=
	python3 - "$label" "$rooms" "$ROOM" "$spk" "$clk" "$c0" "$c1" "$f0" "$f1" "$t0" "$t1" \
	    "$dir/m0" "$dir/m1" "$dir"/sim."$label"."$rooms".* <<'PY'
import json, re, statistics, sys
label, rooms, room, spk, clk = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
c0, c1, f0, f1 = (int(x) for x in sys.argv[6:10])
t0, t1 = float(sys.argv[10]), float(sys.argv[11])

def hist(path):
    b = {}
    for line in open(path):
        m = re.match(r'chorus_udp_forward_delay_seconds_bucket\{le="([^"]+)"\} (\d+)', line)
        if m:
            b[float(m.group(1))] = int(m.group(2))
    return b

def pct(h0, h1, q):
    # Linear inside the bucket the quantile falls in (as Prometheus does).
    les = sorted(h1)
    d = [h1[le] - h0.get(le, 0) for le in les]
    if not d or d[-1] == 0:
        return float("nan")
    want, lo, prev = q * d[-1], 0.0, 0
    for le, c in zip(les, d):
        if c >= want:
            if le == float("inf"):
                return lo * 1000
            return (lo + (le - lo) * (want - prev) / max(c - prev, 1)) * 1000
        lo, prev = le, c
    return float("nan")

h0, h1 = hist(sys.argv[12]), hist(sys.argv[13])
node50, node99 = pct(h0, h1, 0.5), pct(h0, h1, 0.99)
sims = []
for f in sys.argv[14:]:
    try:
        sims.append(json.loads(open(f).read().strip().splitlines()[-1]))
    except Exception:
        pass
secs = t1 - t0
cpu = (c1 - c0) / clk / secs * 100
pkts = f1 - f0
us = (c1 - c0) / clk * 1e6 / pkts if pkts else float("nan")
sent = sum(s["frames_sent"] for s in sims)
got = sum(s["frames_received"] for s in sims)
fwd = min(spk, 3) if label == "sfu" else spk
exp = sum(s["frames_sent"] for s in sims) * (room - 1) if fwd == spk else float("nan")
loss = 1 - got / exp if exp == exp and exp else float("nan")
p50 = statistics.median(s["delay_ms"]["p50"] for s in sims) if sims else float("nan")
p99 = max(s["delay_ms"]["p99"] for s in sims) if sims else float("nan")
joined = sum(s["joined"] for s in sims)
print("%-6s %6d %5d %8d/%-5d %7.1f %10.0f %7.2f %7.3f %7.3f %7.2f %7.2f %7.4f %5d" % (
    label, rooms * room, spk * rooms, joined, rooms * room, cpu, pkts / secs, us,
    node50, node99, p50, p99, loss,
    max((s["max_streams_per_listener"] for s in sims), default=0)))
PY
}

echo "SFU benchmark: rooms of $ROOM, $DURATION s per step, $(nproc) CPUs"
printf '%-6s %6s %5s %14s %7s %10s %7s %7s %7s %7s %7s %7s %5s\n' design members spk joined \
    "cpu%" "pkt/s" "us/pkt" "node50" "node99" "e2e50" "e2e99" loss "maxst"
node "max-room-members = 1000" "full-forward-limit = 5"
for r in $STEPS; do step "$r" "$SPEAKERS" sfu; done
if [ -n "$NAIVE_STEPS" ]; then
	node "max-room-members = 1000" "full-forward-limit = 10000"
	for r in $NAIVE_STEPS; do step "$r" "$NAIVE_SPEAKERS" naive; done
fi
echo
echo "cpu% is the node's (100 = one core); pkt/s the frames it forwarded per second;"
echo "us/pkt its CPU per forwarded frame; node50/node99: the node's own delay, ms, from"
echo "reading a batch to sending what it produced (chorus_udp_forward_delay_seconds);"
echo "e2e50/e2e99: send-to-receive delay, ms, through the node on loopback (simulator"
echo "clock, includes the simulators' scheduling); maxst: most distinct senders any"
echo "listener heard in one second (after warm-up)."
