# tests/integ/lib.sh - shared helpers for the integration scripts (sourced).
#
# Each script starts chorusd on 127.0.0.1 with ephemeral ports and a
# temporary state directory, prints TAP, and keeps the daemon's log only
# when a test failed.  Needs: $CHORUSD, $CHORUS (set by make check),
# curl, jq, python3.

set -u
: "${CHORUSD:?CHORUSD must name the chorusd binary}"
: "${CHORUS:=}"
: "${top_srcdir:=.}"

T_N=0
T_FAIL=0
T_DIR=$(mktemp -d "${TMPDIR:-/tmp}/chorus-integ.XXXXXX")
STATE="$T_DIR/state"
CONF="$T_DIR/chorusd.conf"
LOG="$T_DIR/chorusd.log"
PID=
PORT=
HTTP_PORT=
BASE=

# plan N
plan() { echo "1..$1"; }

# ok STATUS DESCRIPTION: one TAP line from an exit status.
ok() {
	T_N=$((T_N + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $T_N - $2"
	else
		T_FAIL=$((T_FAIL + 1))
		echo "not ok $T_N - $2"
	fi
}

# check DESCRIPTION CMD...: ok if CMD succeeds.
check() {
	local desc=$1; shift
	"$@" >/dev/null 2>&1
	ok $? "$desc"
}

# is GOT WANT DESCRIPTION
is() {
	local rc
	[ "$1" = "$2" ]
	rc=$?
	ok $rc "$3"
	[ $rc -eq 0 ] || echo "#   got '$1', want '$2'"
}

# contains FILE PATTERN DESCRIPTION (grep -E)
contains() {
	local rc
	grep -Eq -- "$2" "$1"
	rc=$?
	ok $rc "$3"
	[ $rc -eq 0 ] || { echo "#   no /$2/ in $1:"; sed 's/^/#   | /' "$1" | tail -20; }
}

diag() { echo "# $*"; }

# is_soon TRIES WANT DESC CMD...: ask CMD every 0.1 s, up to TRIES times,
# until it prints WANT; then check its answer as is does.
is_soon() {
	local n=$1 want=$2 desc=$3
	shift 3
	for _ in $(seq "$n"); do
		[ "$("$@")" = "$want" ] && break
		sleep 0.1
	done
	is "$("$@")" "$want" "$desc"
}

# skip_all REASON
skip_all() { echo "1..0 # SKIP $*"; rm -rf "$T_DIR"; exit 0; }

# free_port: a port free for both UDP and TCP on 127.0.0.1.
free_port() {
	python3 - <<'PY'
import socket
for _ in range(50):
    t = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    t.bind(("127.0.0.1", 0))
    p = t.getsockname()[1]
    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        u.bind(("127.0.0.1", p))
    except OSError:
        t.close(); continue
    t.close(); u.close()
    print(p)
    break
PY
}

# write_conf [EXTRA LINES...]: the test configuration.
write_conf() {
	[ -n "$PORT" ] || PORT=$(free_port)
	[ -n "$HTTP_PORT" ] || HTTP_PORT=$(free_port)
	BASE="http://127.0.0.1:$HTTP_PORT"
	{
		echo "# chorusd test configuration"
		echo "state-dir = $STATE"
		echo "listen-address = 127.0.0.1"
		echo "port = $PORT"
		echo "http-address = 127.0.0.1:$HTTP_PORT"
		echo "log-level = debug"
		echo "dashboard-dir = $top_srcdir/dashboard"
		for l in "$@"; do echo "$l"; done
	} >"$CONF"
}

# start [ARGS...]: start chorusd on $CONF, wait until its API answers.
# A port that free_port found free can be taken by another test before
# chorusd binds it (make check runs tests in parallel): then the ports
# are picked again, twice at most.
start() {
	local try
	[ -f "$CONF" ] || write_conf
	for try in 1 2 3; do
		start_once "$@" && return 0
		[ -z "$PID" ] && tail -3 "$LOG" |
		    grep -q 'in use' || return 1
		diag "a port was taken by the time chorusd bound it; again"
		PORT=$(free_port)
		HTTP_PORT=$(free_port)
		BASE="http://127.0.0.1:$HTTP_PORT"
		sed -i -e "s/^port = .*/port = $PORT/" \
		    -e "s/^http-address = .*/http-address = 127.0.0.1:$HTTP_PORT/" \
		    "$CONF"
	done
	return 1
}

start_once() {
	"$CHORUSD" -c "$CONF" "$@" >>"$LOG" 2>&1 &
	PID=$!
	local i=0
	while [ $i -lt 100 ]; do
		if curl -sf -o /dev/null "$BASE/api/v1/status"; then
			return 0
		fi
		kill -0 "$PID" 2>/dev/null || { wait "$PID"; PID=; return 1; }
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}

# stop [SIGNAL]: signal chorusd and wait; sets STOP_RC.
stop() {
	STOP_RC=
	[ -n "$PID" ] || return 0
	kill -"${1:-TERM}" "$PID" 2>/dev/null
	wait_exit 10
}

# wait_exit SECONDS: wait for chorusd to exit by itself; sets STOP_RC
# (or returns 1 if it is still running after SECONDS).
wait_exit() {
	local i=0
	while kill -0 "$PID" 2>/dev/null; do
		[ $i -ge $(($1 * 10)) ] && return 1
		sleep 0.1
		i=$((i + 1))
	done
	wait "$PID"
	STOP_RC=$?
	PID=
	return 0
}

# api PATH: GET, body on stdout.
api() { curl -sf "$BASE$1"; }

# metric NAME{LABELS}: the value of one sample from /metrics.
metric() {
	curl -sf "$BASE/metrics" | awk -v m="$1" '$1 == m { print $2 }'
}

# udp_send HEX...: one datagram per hex string to the UDP port.
udp_send() {
	python3 - "$PORT" "$@" <<'PY'
import socket, sys
port = int(sys.argv[1])
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for h in sys.argv[2:]:
    s.sendto(bytes.fromhex(h), ("127.0.0.1", port))
PY
}

# finish: stop the daemon, show logs on failure, clean up, exit status.
finish() {
	if [ -n "$PID" ]; then
		kill -TERM "$PID" 2>/dev/null
		wait "$PID" 2>/dev/null
	fi
	# A sourcing library's own clean-up (tests/interop/lib.sh: the peer).
	if declare -F cleanup_extra >/dev/null; then cleanup_extra; fi
	if [ "$T_FAIL" -ne 0 ]; then
		echo "# failed: chorusd log and files kept in $T_DIR"
		[ -f "$LOG" ] && sed 's/^/# | /' "$LOG" | tail -40
	else
		rm -rf "$T_DIR"
	fi
	[ "$T_FAIL" -eq 0 ]
}
trap 'finish; exit $?' EXIT
trap 'exit 1' INT TERM
