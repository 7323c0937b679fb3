#!/usr/bin/env bash
# tests/bench/idle.sh - what an idle chorusd costs, next to an idle coturn.
#
# Usage: idle.sh [CHORUSD] [SECONDS]
# Starts chorusd on loopback with a temporary state directory and, if
# Debian's coturn is installed, coturn's turnserver on loopback too; lets
# each settle, then samples for SECONDS (default 30): resident memory,
# threads, and context switches per second (each one a wake-up) from
# /proc/PID/status.  Not a pass/fail test: it prints figures and ratios.
set -eu
chorusd=${1:-./daemon/chorusd}
secs=${2:-30}
dir=$(mktemp -d "${TMPDIR:-/tmp}/chorus-idle.XXXXXX")
pids=
trap 'for p in $pids; do kill $p 2>/dev/null; wait $p 2>/dev/null; done; rm -rf "$dir"' EXIT
freeport() { python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'; }

port=$(freeport); hport=$(freeport)
"$chorusd" --state-dir="$dir/state" --listen-address=127.0.0.1 --port="$port" \
    --http-address="127.0.0.1:$hport" --log-level=warning 2>"$dir/chorusd.log" &
cpid=$!; pids="$cpid"
for _ in $(seq 50); do
	curl -sf -o /dev/null "http://127.0.0.1:$hport/api/v1/status" && break
	sleep 0.1
done
tpid=
if command -v turnserver >/dev/null; then
	tport=$(freeport)
	turnserver -n --listening-ip=127.0.0.1 --listening-port="$tport" \
	    --relay-ip=127.0.0.1 --min-port=40000 --max-port=40100 --no-cli \
	    --no-tls --no-dtls --realm=bench --user=bench:bench --lt-cred-mech \
	    --pidfile="$dir/turnserver.pid" --log-file=stdout \
	    --userdb="$dir/turndb" >"$dir/turnserver.log" 2>&1 &
	tpid=$!; pids="$pids $tpid"
fi
sleep 3	# let start-up work settle

field() { awk -v k="$2:" '$1 == k { print $2 }' /proc/$1/status; }
ctx() { echo $(( $(field $1 voluntary_ctxt_switches) + $(field $1 nonvoluntary_ctxt_switches) )); }
ctxall() { local n=0 t; for t in /proc/$1/task/*; do n=$((n + $(awk '/ctxt_switches/ { s += $2 } END { print s }' $t/status))); done; echo $n; }
c0=$(ctxall $cpid); [ -n "$tpid" ] && t0=$(ctxall $tpid)
sleep "$secs"
c1=$(ctxall $cpid); [ -n "$tpid" ] && t1=$(ctxall $tpid)

rate() { awk -v a="$1" -v b="$2" -v s="$secs" 'BEGIN { printf "%.2f", (b - a) / s }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }'; }
# Private memory (what the process alone costs) and PSS from smaps_rollup.
roll() { awk -v k="$2:" '$1 == k { print $2 }' /proc/$1/smaps_rollup; }
priv() { echo $(( $(roll $1 Private_Clean) + $(roll $1 Private_Dirty) )); }
crss=$(field $cpid VmRSS); cthr=$(field $cpid Threads); cw=$(rate $c0 $c1)
canon=$(field $cpid RssAnon); cfile=$(field $cpid RssFile)
cpriv=$(priv $cpid); cpss=$(roll $cpid Pss)
if [ -n "$tpid" ] && kill -0 $tpid 2>/dev/null; then
	trss=$(field $tpid VmRSS); tthr=$(field $tpid Threads); tw=$(rate $t0 $t1)
	tanon=$(field $tpid RssAnon); tfile=$(field $tpid RssFile)
	tpriv=$(priv $tpid); tpss=$(roll $tpid Pss)
else
	trss=-; tthr=-; tw=-; tanon=-; tfile=-; tpriv=-; tpss=-
fi
printf '%-30s %12s %12s %10s\n' "idle, ${secs}s sample" chorusd "coturn" "ratio"
printf '%-30s %12s %12s %10s\n' "RSS (KiB)" "$crss" "$trss" "$(ratio "$crss" "$trss")"
printf '%-30s %12s %12s %10s\n' "  anonymous (KiB)" "$canon" "$tanon" "$(ratio "$canon" "$tanon")"
printf '%-30s %12s %12s %10s\n' "  file-backed (KiB)" "$cfile" "$tfile" "$(ratio "$cfile" "$tfile")"
printf '%-30s %12s %12s %10s\n' "private, unshared (KiB)" "$cpriv" "$tpriv" "$(ratio "$cpriv" "$tpriv")"
printf '%-30s %12s %12s %10s\n' "PSS (KiB)" "$cpss" "$tpss" "$(ratio "$cpss" "$tpss")"
printf '%-30s %12s %12s %10s\n' "threads" "$cthr" "$tthr" "-"
printf '%-30s %12s %12s %10s\n' "wake-ups/s (all threads)" "$cw" "$tw" "-"
[ -n "$tpid" ] || echo "(coturn not installed: apt-get install coturn for the baseline)"
