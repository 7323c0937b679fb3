#!/usr/bin/env bash
# tests/bench/turn.sh - chorusd's TURN relay next to coturn's, same loads.
#
# Usage: [QUICK=1] [VAR=value ...] turn.sh [CHORUSD]
#
# Runs the same three loads, with coturn's own client (turnutils_uclient)
# and echo peer (turnutils_peer), first against chorusd (default
# ./daemon/chorusd), then against coturn's turnserver: same credentials,
# same relay port range, loopback only.  Every uclient run is bounded by
# -n and by timeout(1).  Not a pass/fail test: it prints a table with a
# chorusd/coturn ratio column; tests/bench/README.md explains each row.
# A server that cannot be started, or a load that fails, shows "n/a".
#
# Knobs (environment):
#   QUICK=1            smaller loads (voice 100 clients, hold 200)
#   SERVERS            which to run, in order (default "chorusd coturn")
#   PHASES             which phases to run (default "hold voice sat")
#   VOICE_M VOICE_N VOICE_L VOICE_Z   voice-like load: clients, messages
#                      per client, bytes, ms between messages
#                      (default 1000 1000 120 20; QUICK: 100 500 120 20)
#   SAT_M SAT_N SAT_L SAT_Z           saturating load
#                      (default 100 3000 120 1; QUICK: 50 1000 120 1)
#   HOLD_M             uclient clients held for the memory figure
#                      (default 1000; QUICK: 200; two allocations each),
#                      spread over HOLD_PROCS (4) uclient processes
#   RUN_TIMEOUT        seconds before a uclient run is killed (600)
#   KEEP=1             keep the work directory (logs, uclient outputs)
set -u
here=$(cd "$(dirname "$0")" && pwd)
chorusd=${1:-${CHORUSD:-./daemon/chorusd}}
QUICK=${QUICK:-0}
if [ "$QUICK" = 1 ]; then
	: "${VOICE_M:=100}" "${VOICE_N:=500}" "${SAT_M:=50}" "${SAT_N:=1000}" "${HOLD_M:=200}"
fi
: "${VOICE_M:=1000}" "${VOICE_N:=1000}" "${VOICE_L:=120}" "${VOICE_Z:=20}"
: "${SAT_M:=100}" "${SAT_N:=3000}" "${SAT_L:=120}" "${SAT_Z:=1}"
: "${HOLD_M:=1000}" "${HOLD_PROCS:=4}"
: "${RUN_TIMEOUT:=600}" "${SERVERS:=chorusd coturn}" "${KEEP:=0}"
: "${PHASES:=hold voice sat}"
stun_binding="$here/../interop/stun_binding.py"
user=bench pass=bench realm=bench.test

for t in turnutils_uclient turnutils_peer timeout python3; do
	command -v $t >/dev/null 2>&1 || { echo "turn.sh: $t not installed (apt-get install coturn)" >&2; exit 1; }
done

dir=$(mktemp -d "${TMPDIR:-/tmp}/chorus-turnbench.XXXXXX")
spid= ppid_= upids=
cleanup() {
	local p
	for p in $upids $spid $ppid_; do
		kill -TERM "$p" 2>/dev/null && wait "$p" 2>/dev/null
	done
	if [ "$KEEP" = 1 ]; then echo "(work directory kept: $dir)"; else rm -rf "$dir"; fi
}
trap cleanup EXIT
trap 'exit 1' INT TERM
ulimit -n "$(ulimit -Hn)" 2>/dev/null

freeport() { python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'; }

# Relay ports below the kernel's ephemeral range, so that no relayed port
# is ever one the kernel could hand out as a client source port.
eph=$(awk '{ print $1 }' /proc/sys/net/ipv4/ip_local_port_range)
relay_min=20000
relay_max=$((eph - 1 < 29999 ? eph - 1 : 29999))
need=$((2 * (HOLD_M > VOICE_M ? HOLD_M : VOICE_M)))	# 2 allocations a client
[ $((relay_max - relay_min + 1)) -ge $((need + 100)) ] ||
	echo "warning: relay range $relay_min-$relay_max is small for $need allocations" >&2
hz=$(getconf CLK_TCK)

# --- per-process figures ------------------------------------------------
rss() { awk '$1 == "VmRSS:" { print $2 }' "/proc/$1/status" 2>/dev/null; }
# CPU ticks (user + system, all threads) of PID; the comm field may hold
# spaces, so count fields after its closing parenthesis.
ticks() { sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | awk '{ print $12 + $13 }'; }
# allocs PID: UDP sockets of PID bound to a port in the relay range.
allocs() {
	python3 - "$1" "$relay_min" "$relay_max" <<'PY'
import os, sys
pid, lo, hi = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
inodes = set()
for fd in os.listdir("/proc/%s/fd" % pid):
    try:
        t = os.readlink("/proc/%s/fd/%s" % (pid, fd))
    except OSError:
        continue
    if t.startswith("socket:["):
        inodes.add(t[8:-1])
n = 0
for f in ("/proc/net/udp", "/proc/net/udp6"):
    with open(f) as fh:
        next(fh)
        for line in fh:
            w = line.split()
            port = int(w[1].rsplit(":", 1)[1], 16)
            if lo <= port <= hi and w[9] in inodes:
                n += 1
print(n)
PY
}

# --- servers ----------------------------------------------------------
start_server() {
	local name=$1 i
	port=$(freeport)
	case $name in
	chorusd)
		[ -x "$chorusd" ] || { echo "turn.sh: no chorusd at $chorusd" >&2; return 1; }
		cat >"$dir/chorusd.conf" <<EOF
state-dir = $dir/chorusd-state
listen-address = 127.0.0.1
port = $port
http-address = 127.0.0.1:$(freeport)
log-level = warning
realm = $realm
user = $user:$pass
allowed-peer = 127.0.0.1/32
min-port = $relay_min
max-port = $relay_max
user-quota = 100000
total-quota = 1000000
EOF
		"$chorusd" -c "$dir/chorusd.conf" >>"$dir/chorusd.log" 2>&1 &
		;;
	coturn)
		command -v turnserver >/dev/null 2>&1 || { echo "turn.sh: turnserver not installed" >&2; return 1; }
		turnserver -n --listening-ip=127.0.0.1 --listening-port="$port" \
		    --relay-ip=127.0.0.1 --min-port="$relay_min" --max-port="$relay_max" \
		    --realm="$realm" --user="$user:$pass" --lt-cred-mech \
		    --allow-loopback-peers --allowed-peer-ip=127.0.0.1 \
		    --user-quota=100000 --total-quota=1000000 \
		    --no-cli --no-tls --no-dtls --simple-log \
		    --log-file="$dir/coturn.log" --pidfile="$dir/coturn.pid" \
		    --userdb="$dir/coturn.db" >>"$dir/coturn.out" 2>&1 &
		;;
	esac
	spid=$!
	for i in $(seq 50); do
		kill -0 "$spid" 2>/dev/null || { wait "$spid"; spid=; return 1; }
		python3 "$stun_binding" udp 127.0.0.1 "$port" 0.2 >/dev/null 2>&1 && return 0
		sleep 0.2
	done
	return 1
}

stop_server() {
	[ -n "$spid" ] || return 0
	kill -TERM "$spid" 2>/dev/null
	wait "$spid" 2>/dev/null
	spid=
}

# --- loads --------------------------------------------------------------
# stats FILE: "SENT RECV LOST TRANSMIT_S CONNECT_S" from uclient's summary.
stats() {
	awk '
	/start_mclient: tot_send_msgs=[0-9]+, tot_recv_msgs=[0-9]+$/ {
		split($0, a, "tot_send_msgs="); s = a[2] + 0
		split($0, b, "tot_recv_msgs="); r = b[2] + 0
	}
	/Total lost packets/ { for (i = 1; i <= NF; i++) if ($i == "packets") l = $(i + 1) + 0 }
	/Total transmit time is/ { t = $NF + 0 }
	/Total connect time is/ { if ($NF + 0 > c) c = $NF + 0 }
	END { print s + 0, r + 0, l + 0, t + 0, c + 0 }' "$1"
}

# rates FILE: "MEAN PEAK" round trips/s: all echoes over uclient's
# transmit time, and the best interval between two of its once-a-second
# progress lines.
rates() {
	awk '
	/start_mclient: msz=[0-9]+, tot_send_msgs=/ {
		t = $1 + 0; split($0, b, "tot_recv_msgs="); r = b[2] + 0
		if (seen && t > pt && (r - pr) / (t - pt) > peak) peak = (r - pr) / (t - pt)
		pt = t; pr = r; seen = 1
	}
	/start_mclient: tot_send_msgs=[0-9]+, tot_recv_msgs=[0-9]+$/ {
		split($0, c, "tot_recv_msgs="); recv = c[2] + 0
	}
	/Total transmit time is/ { tx = $NF + 0 }
	END {
		printf "%s %s\n", (tx > 0 ? sprintf("%.0f", recv / tx) : "n/a"),
		    (peak > 0 ? sprintf("%.0f", peak) : "n/a")
	}' "$1"
}

# load SERVER KEY M N L Z: one load on a freshly started server; sets
# R[SERVER.KEY.*].  The server's CPU time is taken from the moment uclient
# reports all its allocations made ("Total connect time") to its exit.
load() {
	local s=$1 k=$2 out="$dir/$1-$2.out" t0= w0= t1 w1 rc upid
	local sent recv lost tx cn mean peak
	start_server "$s" || { echo "  $k: server does not start"; stop_server; return; }
	timeout -k 5 "$RUN_TIMEOUT" turnutils_uclient -c -u "$user" -w "$pass" \
	    -e 127.0.0.1 -r "$peer_port" -p "$port" -m "$3" -n "$4" -l "$5" -z "$6" \
	    127.0.0.1 >"$out" 2>&1 &
	upid=$!
	upids=$upid
	while kill -0 "$upid" 2>/dev/null; do
		if [ -z "$w0" ] && grep -q 'Total connect time' "$out"; then
			t0=$(ticks "$spid"); w0=$(date +%s.%N)
		fi
		sleep 0.1
	done
	wait "$upid"
	rc=$?
	upids=
	t1=$(ticks "$spid"); w1=$(date +%s.%N)
	stop_server
	read -r sent recv lost tx cn <<<"$(stats "$out")"
	echo "  $k: uclient status $rc, sent $sent, received $recv, lost $lost, connect ${cn}s, transmit ${tx}s"
	if [ "$rc" -ne 0 ] || [ "$sent" -eq 0 ] || [ -z "$t0" ] || [ -z "$t1" ]; then
		echo "  $k: failed; last lines of $out:"
		tail -3 "$out" | sed 's/^/    | /'
		return
	fi
	read -r mean peak <<<"$(rates "$out")"
	R[$s.$k.rate]=$mean
	R[$s.$k.peak]=$peak
	R[$s.$k.loss]=$(awk -v l="$lost" -v s="$sent" 'BEGIN { printf "%.3f", 100 * l / s }')
	R[$s.$k.cpu]=$(awk -v d="$((t1 - t0))" -v hz="$hz" -v n="$((sent + recv))" \
	    'BEGIN { printf "%.2f", d / hz * 1e6 / n }')
	R[$s.$k.core]=$(awk -v d="$((t1 - t0))" -v hz="$hz" -v a="$w0" -v b="$w1" \
	    'BEGIN { printf "%.1f", 100 * d / hz / (b - a) }')
	R[$s.$k.connect]=$cn
}

# hold SERVER: on a freshly started server, idle RSS, then HOLD_M uclient
# clients (1 message/s each, over HOLD_PROCS uclient processes; uclient
# makes two allocations per client) and RSS once they are all up.
# Allocations are counted as the server's UDP sockets in the relay port
# range.
hold() {
	local s=$1 i per n=0 n0 last=0 still=0 t=0 upid alive
	start_server "$s" || { echo "  does not start (KEEP=1 keeps $dir/$s.log)"; stop_server; return 1; }
	sleep 2
	R[$s.rss_idle]=$(rss "$spid")
	R[$s.threads]=$(awk '$1 == "Threads:" { print $2 }' "/proc/$spid/status")
	n0=$(allocs "$spid")
	echo "  idle: RSS ${R[$s.rss_idle]} KiB, ${R[$s.threads]} threads, $n0 relay sockets"
	per=$(((HOLD_M + HOLD_PROCS - 1) / HOLD_PROCS))
	upids=
	for i in $(seq "$HOLD_PROCS"); do
		timeout -k 5 "$RUN_TIMEOUT" turnutils_uclient -c -u "$user" -w "$pass" \
		    -e 127.0.0.1 -r "$peer_port" -p "$port" -m "$per" -n 100000 \
		    -l 120 -z 1000 127.0.0.1 >"$dir/$s-hold$i.out" 2>&1 &
		upids="$upids $!"
	done
	# Until every uclient reports all its allocations made, or none came
	# for 30 s, or RUN_TIMEOUT.
	while [ $t -lt "$RUN_TIMEOUT" ]; do
		sleep 1
		t=$((t + 1))
		[ "$(cat "$dir/$s"-hold*.out | grep -c 'Total connect time')" -ge "$HOLD_PROCS" ] && break
		alive=0
		for upid in $upids; do kill -0 "$upid" 2>/dev/null && alive=1; done
		[ $alive -eq 1 ] || break
		n=$(($(allocs "$spid") - n0))
		if [ "$n" -gt "$last" ]; then last=$n still=0; else still=$((still + 1)); fi
		[ $still -ge 30 ] && break
	done
	sleep 3	# let the sessions settle into their 1/s exchange
	n=$(($(allocs "$spid") - n0))
	R[$s.held]=$n
	R[$s.rss_held]=$(rss "$spid")
	echo "  hold: $n allocations after ${t}s, RSS ${R[$s.rss_held]} KiB"
	[ "$n" -ge $((2 * per * HOLD_PROCS)) ] ||
		echo "  hold: warning: $((2 * per * HOLD_PROCS)) allocations expected; see $s-hold*.out"
	for upid in $upids; do kill -TERM "$upid" 2>/dev/null; wait "$upid" 2>/dev/null; done
	upids=
	stop_server
	if [ "$n" -gt 0 ] && [ -n "${R[$s.rss_held]}" ]; then
		R[$s.per_alloc]=$(((R[$s.rss_held] - R[$s.rss_idle]) * 1024 / n))
	fi
}

declare -A R
peer_port=$(freeport)
turnutils_peer -L 127.0.0.1 -p "$peer_port" >"$dir/peer.log" 2>&1 &
ppid_=$!
sleep 0.5

echo "TURN bench: $(nproc) CPUs, $(uname -sr), relay ports $relay_min-$relay_max, work directory $dir"
for s in $SERVERS; do
	echo "$s:"
	case " $PHASES " in *" hold "*) hold "$s" || continue ;; esac
	case " $PHASES " in *" voice "*) load "$s" voice "$VOICE_M" "$VOICE_N" "$VOICE_L" "$VOICE_Z" ;; esac
	case " $PHASES " in *" sat "*) load "$s" sat "$SAT_M" "$SAT_N" "$SAT_L" "$SAT_Z" ;; esac
done

# --- table ------------------------------------------------------------
a=chorusd b=coturn
v() { echo "${R[$1]:-n/a}"; }
ratio() {
	awk -v x="$1" -v y="$2" 'BEGIN {
		if (x ~ /^[0-9.]+$/ && y ~ /^[0-9.]+$/ && y > 0) printf "%.2f", x / y; else print "-" }'
}
row() {	# row LABEL KEY [noratio]
	local x y r
	x=$(v "$a.$2"); y=$(v "$b.$2")
	if [ $# -ge 3 ]; then r=-; else r=$(ratio "$x" "$y"); fi
	printf '%-44s %12s %12s %10s\n' "$1" "$x" "$y" "$r"
}
echo
printf '%-44s %12s %12s %10s\n' "TURN relay on loopback" chorusd coturn "ratio"
row "idle RSS (KiB)" rss_idle
row "threads" threads noratio
row "allocations held" held noratio
row "RSS with those allocations (KiB)" rss_held
row "memory per allocation (bytes)" per_alloc
echo "voice: -m $VOICE_M -n $VOICE_N -l $VOICE_L -z $VOICE_Z (-c)"
row "  round trips/s, mean over transmit time" voice.rate
row "  round trips/s, best second" voice.peak
row "  loss (%)" voice.loss
row "  server CPU per relayed datagram (us)" voice.cpu
row "  server CPU (% of one core)" voice.core
row "  uclient connect time (s)" voice.connect
echo "saturating: -m $SAT_M -n $SAT_N -l $SAT_L -z $SAT_Z (-c)"
row "  round trips/s, mean over transmit time" sat.rate
row "  round trips/s, best second" sat.peak
row "  loss (%)" sat.loss
row "  server CPU per relayed datagram (us)" sat.cpu
row "  server CPU (% of one core)" sat.core
row "  uclient connect time (s)" sat.connect
