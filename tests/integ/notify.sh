#!/usr/bin/env bash
# sd_notify: READY, STATUS, WATCHDOG, RELOADING/READY, STOPPING on a fake
# NOTIFY_SOCKET.
. "$top_srcdir/tests/integ/lib.sh"
plan 9

sock="$T_DIR/notify.sock"; msgs="$T_DIR/notify.txt"
python3 "$top_srcdir/tests/integ/notify_listen.py" "$sock" "$msgs" 20 &
LPID=$!
i=0; while [ ! -S "$sock" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i+1)); done

NOTIFY_SOCKET="$sock" WATCHDOG_USEC=400000 start; ok $? "chorusd starts"
sleep 1.2
contains "$msgs" " READY=1" "READY=1 sent"
contains "$msgs" "STATUS=[0-9]+ sessions" "STATUS= with live counts"
n=$(grep -c "WATCHDOG=1" "$msgs")
[ "$n" -ge 3 ]; ok $? "WATCHDOG=1 at half the interval ($n pings in ~1.2s)"
kill -HUP "$PID"; sleep 0.4
contains "$msgs" "RELOADING=1\|MONOTONIC_USEC=[0-9]+" "RELOADING=1 with MONOTONIC_USEC"
check "READY=1 again after the reload" sh -c "grep -A5 RELOADING '$msgs' | grep -q ' READY=1'"
stop; is "$STOP_RC" 0 "clean exit"
sleep 0.3
contains "$msgs" "STOPPING=1" "STOPPING=1 sent"
kill "$LPID" 2>/dev/null; wait "$LPID" 2>/dev/null

# Without NOTIFY_SOCKET nothing is sent and nothing fails.
: >"$LOG"
start; ok $? "runs without NOTIFY_SOCKET"
