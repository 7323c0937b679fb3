#!/usr/bin/env bash
# SIGTERM and SIGINT stop cleanly: exit 0, database closed, ports freed.
. "$top_srcdir/tests/integ/lib.sh"
plan 8

start; ok $? "chorusd starts"
udp_send 0001000c2112a442
stop TERM; is "$STOP_RC" 0 "SIGTERM: exit status 0"
contains "$LOG" "stopping: SIGTERM" "stop logged"
check "no WAL left behind (database closed)" test ! -s "$STATE/chorus.db-wal"
is "$(sqlite3 "$STATE/chorus.db" 'PRAGMA integrity_check')" ok "database intact"
python3 -c "
import socket,sys
t=socket.socket(); t.bind(('127.0.0.1',$PORT)); t.listen()
u=socket.socket(socket.AF_INET,socket.SOCK_DGRAM); u.bind(('127.0.0.1',$PORT))
" 2>/dev/null
ok $? "listeners closed (port can be bound again)"

start; ok $? "chorusd starts again"
stop INT; is "$STOP_RC" 0 "SIGINT: exit status 0"
