# tests/integ/turnlib.sh - what the TURN test wrappers share (sourced):
# tests/integ/lib.sh, a second server's PID and its cleanup, the relay port
# windows, waiting for a STUN answer, and starting coturn's turnserver for
# TURN_SERVER=coturn runs.
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
