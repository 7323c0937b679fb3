#!/usr/bin/env bash
# TURN peer address policy (RFC 8656 section 21) with the independent client
# tests/integ/turnclient.py; turn_policy.py prints the TAP.  Two servers: A
# with no allowed-peer, B with allowed-peer 127.0.0.1/32 and denied-peer
# 8.8.8.0/24.  TURN_SERVER=coturn runs the same checks against Debian's
# turnserver (loopback peers off in A; in B the rules spelt coturn's way).
. "$top_srcdir/tests/integ/turnlib.sh"

if [ "$TURN_SERVER" = coturn ]; then
	command -v turnserver >/dev/null || skip_all "no turnserver (coturn)"
	PORT2=$(free_port)
	coturn rules "$PORT2" "$QMIN_PORT" "$QMAX_PORT" --user=alice:secret \
	    --allow-loopback-peers --allowed-peer-ip=127.0.0.1 \
	    --denied-peer-ip=127.0.0.0-127.255.255.255 \
	    --denied-peer-ip=8.8.8.0-8.8.8.255
	PID2=$!
	wait_stun "$PORT2" || fail_start "coturn (rules)"
	PORT=$(free_port)
	LOG="$T_DIR/main.log"
	coturn main "$PORT" "$MIN_PORT" "$MAX_PORT" --user=alice:secret
	PID=$!
	wait_stun "$PORT" || fail_start "coturn"
	BASE= BASE2=
else
	# Server B first, by hand; A is lib.sh's.
	CONF_MAIN=$CONF LOG_MAIN=$LOG STATE_MAIN=$STATE
	CONF="$T_DIR/rules.conf" LOG="$T_DIR/rules.log" STATE="$T_DIR/rules-state"
	write_conf "realm = $REALM" "user = alice:secret" \
	    "min-port = $QMIN_PORT" "max-port = $QMAX_PORT" \
	    "allowed-peer = 127.0.0.1/32" "denied-peer = 8.8.8.0/24"
	start || fail_start "chorusd (rules)"
	PID2=$PID PORT2=$PORT BASE2=$BASE
	PID= PORT= HTTP_PORT= CONF=$CONF_MAIN LOG=$LOG_MAIN STATE=$STATE_MAIN
	write_conf "listen-address = ::1" "realm = $REALM" "user = alice:secret" \
	    "min-port = $MIN_PORT" "max-port = $MAX_PORT"
	start || fail_start chorusd
fi

TURN_SERVER=$TURN_SERVER TURN_PORT=$PORT TURN_PORT2=$PORT2 TURN_HTTP=$BASE \
TURN_HTTP2=$BASE2 python3 "$top_srcdir/tests/integ/turn_policy.py"
[ $? -eq 0 ] || T_FAIL=1

stop2
