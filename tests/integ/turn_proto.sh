#!/usr/bin/env bash
# TURN/STUN protocol checks (RFC 8489, RFC 8656) with the independent client
# tests/integ/turnclient.py; turn_proto.py prints the TAP.  Two servers: the
# main one, and one with user-quota 2 / total-quota 3.
# TURN_SERVER=coturn runs the same checks against Debian's turnserver.
. "$top_srcdir/tests/integ/turnlib.sh"

if [ "$TURN_SERVER" = coturn ]; then
	command -v turnserver >/dev/null || skip_all "no turnserver (coturn)"
	PORT2=$(free_port)
	coturn quota "$PORT2" "$QMIN_PORT" "$QMAX_PORT" \
	    --user=carol:secret3 --user=dave:secret4 --user=erin:secret5 \
	    --user-quota=2 --total-quota=3
	PID2=$!
	wait_stun "$PORT2" || fail_start "coturn (quota)"
	PORT=$(free_port)
	LOG="$T_DIR/main.log"
	coturn main "$PORT" "$MIN_PORT" "$MAX_PORT" \
	    --user=alice:secret --user=bob:secret2 --allow-loopback-peers
	PID=$!
	wait_stun "$PORT" || fail_start "coturn"
	BASE=
else
	# The quota server first, by hand; the main one is lib.sh's.
	CONF_MAIN=$CONF LOG_MAIN=$LOG STATE_MAIN=$STATE
	CONF="$T_DIR/quota.conf" LOG="$T_DIR/quota.log" STATE="$T_DIR/quota-state"
	write_conf "listen-address = ::1" "realm = $REALM" \
	    "user = carol:secret3" "user = dave:secret4" "user = erin:secret5" \
	    "min-port = $QMIN_PORT" "max-port = $QMAX_PORT" \
	    "user-quota = 2" "total-quota = 3"
	start || fail_start "chorusd (quota)"
	PID2=$PID PORT2=$PORT
	PID= PORT= HTTP_PORT= CONF=$CONF_MAIN LOG=$LOG_MAIN STATE=$STATE_MAIN
	write_conf "listen-address = ::1" "realm = $REALM" \
	    "user = alice:secret" "user = bob:secret2" \
	    "min-port = $MIN_PORT" "max-port = $MAX_PORT" \
	    "allowed-peer = 127.0.0.1/32" "allowed-peer = 127.0.0.2/32" \
	    "allowed-peer = ::1/128"
	start || fail_start chorusd
fi

TURN_SERVER=$TURN_SERVER TURN_PORT=$PORT TURN_PORT2=$PORT2 TURN_HTTP=$BASE \
TURN_REALM=$REALM TURN_MIN_PORT=$MIN_PORT TURN_MAX_PORT=$MAX_PORT \
    python3 "$top_srcdir/tests/integ/turn_proto.py"
[ $? -eq 0 ] || T_FAIL=1

stop2
