#!/usr/bin/env bash
# TURN/STUN protocol checks (RFC 8489, RFC 8656) with the independent client
# tests/integ/turnclient.py; turn_proto.py prints the TAP.  Two servers: the
# main one, and one with user-quota 2 / total-quota 3.
# TURN_SERVER=coturn runs the same checks against Debian's turnserver.
: "${TURN_SERVER:=chorusd}"
[ "$TURN_SERVER" = coturn ] && : "${CHORUSD:=turnserver}"
. "$top_srcdir/tests/integ/lib.sh"

REALM=example.org
MIN_PORT=$((10000 + RANDOM % 200 * 100))
MAX_PORT=$((MIN_PORT + 49))
QMIN_PORT=$((MIN_PORT + 50))
QMAX_PORT=$((MIN_PORT + 99))
PID2=

# The second server goes on exit too (lib.sh's finish stops $PID only).
stop2() {
	[ -n "$PID2" ] || return 0
	kill -TERM "$PID2" 2>/dev/null
	wait "$PID2" 2>/dev/null
	PID2=
}
trap 'stop2; finish; exit $?' EXIT

fail_start() {
	echo "1..1"
	echo "not ok 1 - $1 starts"
	T_FAIL=1
	exit 1
}

# wait_stun PORT: until a Binding on 127.0.0.1:PORT is answered (5 s).
wait_stun() {
	python3 - "$1" <<'PY'
import socket, sys, time, os
req = bytes.fromhex("000100002112a442") + os.urandom(12)
for _ in range(50):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(0.1)
    try:
        s.sendto(req, ("127.0.0.1", int(sys.argv[1])))
        s.recv(1500)
        sys.exit(0)
    except OSError:
        time.sleep(0.1)
sys.exit(1)
PY
}

# coturn NAME PORT MIN MAX [ARGS...]: start turnserver in the background.
coturn() {
	local name=$1 port=$2 min=$3 max=$4
	shift 4
	turnserver -n --listening-ip=127.0.0.1 --listening-ip=::1 \
	    --listening-port="$port" --relay-ip=127.0.0.1 --relay-ip=::1 \
	    --min-port="$min" --max-port="$max" --realm="$REALM" \
	    --lt-cred-mech --no-cli --no-tls --no-dtls --no-rfc5780 \
	    --log-file=stdout --userdb="$T_DIR/$name.db" \
	    --pidfile="$T_DIR/$name.pid" "$@" >>"$T_DIR/$name.log" 2>&1 &
}

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
