#!/usr/bin/env bash
# tests/bench/mix_node.sh - a mixed room on a real node: the node's CPU
# with 3 speakers and a growing number of listeners (chorus join
# --simulate), against the same room forwarded by the SFU (not mixed)
# in the same invocation.
#
# Usage: [VAR=value ...] mix_node.sh [CHORUSD [CHORUS]]
#
# For each listener count and design (forwarded first, then mixed): a
# fresh node, one room, simulator processes of SIM_PER_PROC (100)
# members each, LISTENERS + 3 members in all, of which 3 speak (each a
# tone of its own in real Opus frames every 20 ms, which the mixing node
# decodes and the forwarding node only reads the header of).  After
# everyone has joined and 3 s more, the node's CPU time (utime + stime,
# /proc/PID/stat) is sampled over DURATION - 5 seconds, with the packets
# it sent (the forwarded counter).  Printed per row: the node's share of
# one core, packets out per second, CPU per packet, and mixed/forwarded
# CPU.  The simulators run at nice SIM_NICE (10) so that the node is
# served first; on 2 shared cores the figures are rough.
#
# Knobs: LISTENERS ("10 100 300 1000"), DURATION (12 s), FORWARD_MAX
# (300: the forwarded baseline sends three times the packets, which the
# simulators cannot take in beyond that), SIM_PER_PROC, KEEP=1.  Every
# process is stopped by PID; every run is bounded by DURATION and
# timeout(1).
set -u
chorusd=${1:-${CHORUSD:-./daemon/chorusd}}
chorus=${2:-${CHORUS:-./client/chorus}}
: "${LISTENERS:=10 100 300 1000}" "${DURATION:=12}" "${KEEP:=0}"
: "${SIM_NICE:=10}" "${SIM_PER_PROC:=100}" "${FORWARD_MAX:=300}"

. "$(dirname "$0")/benchlib.sh"
bench_init mixbench

# run LISTENERS DESIGN: prints "cpu_share pkts_per_s"
run() {
	local n=$(($1 + 3)) flag= link c0 c1 f0 f1 t0 t1
	[ "$2" = mixed ] && flag=--mixed
	node "max-room-members = 2000"
	link=$("$chorus" room create --node "127.0.0.1:$port" --node-key "$key" \
	    --identity "$dir/owner.key" --room-key "$dir/rk.$2.$1" $flag 2>/dev/null)
	# One simulator per SIM_PER_PROC members: one process cannot take
	# in the packets of hundreds (the speakers are in the first).
	# Each starts once the one before is in, with a long handshake
	# timeout: a thousand handshakes at once on 2 cores time out.
	local left=$n k spk=3 pids= want=0 m
	while [ "$left" -gt 0 ]; do
		k=$((left < SIM_PER_PROC ? left : SIM_PER_PROC))
		timeout $((DURATION + 120)) nice -n "$SIM_NICE" "$chorus" join \
		    "$link" --simulate "$k" --speakers "$spk" --timeout 30 \
		    --duration $((DURATION + 60)) >/dev/null 2>>"$dir/sim.err" &
		pids="$pids $!"
		left=$((left - k)) spk=0 want=$((want + k))
		for _ in $(seq 600); do
			m=$(rooms | jq .members)
			[ "${m:-0}" -ge "$want" ] && break
			sleep 0.1
		done
	done
	spids=$pids
	sleep 3
	c0=$(cputicks "$npid") f0=$(forwarded) t0=$(date +%s.%N)
	sleep $((DURATION - 5))
	c1=$(cputicks "$npid") f1=$(forwarded) t1=$(date +%s.%N)
	echo "# $2, $1 listeners: $(rooms | jq .members) of $n members in" \
	    "while measured" >&2
	for p in $spids; do kill -TERM "$p" 2>/dev/null; wait "$p"; done
	spids=
	# run is called in a subshell (< <(run ...)): the exit trap of the
	# script never sees this node, so it is stopped here.
	kill -TERM "$npid"; wait "$npid" 2>/dev/null; npid=
	awk -v c="$((c1 - c0))" -v k="$clk" -v f="$((f1 - f0))" -v t0="$t0" -v t1="$t1" \
	    'BEGIN { t = t1 - t0; printf "%.4f %.0f\n", c / k / t, f / t }'
}

printf '# a room of 3 speakers and N listeners, %s s each, node CPU on %s\n' \
    "$DURATION" "$(nproc) cores"
printf '%-9s %-9s %8s %10s %10s %8s\n' listeners design core_% pkts_out/s \
    us/pkt ratio
for l in $LISTENERS; do
	fs=0 fp=0
	# The forwarding baseline sends 3 streams to each listener: past
	# FORWARD_MAX listeners the simulators cannot take them in.
	[ "$l" -le "$FORWARD_MAX" ] && read -r fs fp < <(run "$l" forward)
	read -r ms mp < <(run "$l" mixed)
	awk -v l="$l" -v fs="$fs" -v fp="$fp" -v ms="$ms" -v mp="$mp" 'BEGIN {
		if (fs > 0)
			printf "%-9s %-9s %8.2f %10.0f %10.2f %8s\n", l,
			    "forward", fs * 100, fp, (fp > 0 ? fs * 1e6 / fp : 0),
			    "1.00"
		printf "%-9s %-9s %8.2f %10.0f %10.2f %8.2f\n", l, "mixed",
		    ms * 100, mp, (mp > 0 ? ms * 1e6 / mp : 0),
		    (fs > 0 ? ms / fs : 0) }' | sed 's/ 0\.00$/    n\/a/'
done
