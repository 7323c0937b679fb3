#!/usr/bin/env bash
# SIGUSR1 drains: new sessions refused, exit when the last one ends or at
# drain-timeout.  A TCP connection is a session at this stage.
. "$top_srcdir/tests/integ/lib.sh"
plan 11

write_conf "drain-timeout = 2s"
start; ok $? "chorusd starts"
exec 3<>"/dev/tcp/127.0.0.1/$PORT"
sleep 0.2
is "$(api /api/v1/status | jq .sessions)" 1 "one session open"
kill -USR1 "$PID"; sleep 0.3
check "still running while a session is open" kill -0 "$PID"
is "$(api /api/v1/status | jq .draining)" true "status says draining"
(exec 4<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null
[ $? -ne 0 ]; ok $? "new TCP sessions refused while draining"
exec 3>&-
wait_exit 3; ok $? "exits once the last session ends"
is "$STOP_RC" 0 "exit status 0"
contains "$LOG" "drained" "drain end logged"

# With a session that never ends, drain-timeout ends the drain.
: >"$LOG"
start; ok $? "chorusd starts again"
exec 3<>"/dev/tcp/127.0.0.1/$PORT"
sleep 0.2
kill -USR1 "$PID"
start_t=$(date +%s)
wait_exit 8; ok $? "drain-timeout stops the node with a session still open"
contains "$LOG" "drain-timeout reached" "timeout logged"
exec 3>&-
