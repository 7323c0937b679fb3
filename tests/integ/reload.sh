#!/usr/bin/env bash
# SIGHUP: a valid file is swapped in, an invalid one is refused and the
# running configuration kept.
. "$top_srcdir/tests/integ/lib.sh"
plan 9

write_conf
start; ok $? "chorusd starts"

# Valid reload: max-tcp-connections = 1 must then refuse a second connection.
echo "max-tcp-connections = 1" >>"$CONF"
kill -HUP "$PID"; sleep 0.5
is "$(metric chorus_reloads_total)" 1 "reload counted"
contains "$LOG" "configuration reloaded" "reload logged"
exec 3<>"/dev/tcp/127.0.0.1/$PORT"
exec 4<>"/dev/tcp/127.0.0.1/$PORT"
sleep 0.3
is "$(metric chorus_tcp_refused_connections_total)" 1 "new limit in force: second connection refused"
exec 3>&- 4>&-

# Invalid reload: logged with file and line, old configuration kept.
sed -i "s/^max-tcp-connections = 1$/max-tcp-connections = lots/" "$CONF"
kill -HUP "$PID"; sleep 0.5
is "$(metric chorus_reload_failures_total)" 1 "failed reload counted"
contains "$LOG" "$CONF:[0-9]+: " "failure names file and line"
check "daemon still running" kill -0 "$PID"
exec 3<>"/dev/tcp/127.0.0.1/$PORT"
exec 4<>"/dev/tcp/127.0.0.1/$PORT"
sleep 0.3
is "$(metric chorus_tcp_refused_connections_total)" 2 "old limit still in force"
exec 3>&- 4>&-
stop; is "$STOP_RC" 0 "clean exit after reloads"
