# tests/interop/lib.sh - helpers for the TURN interop scripts (sourced).
#
# Sources tests/integ/lib.sh (plan, ok, is, check, contains, start, stop,
# free_port, write_conf, metric ...) and adds coturn's client tools:
# turnutils_peer as the UDP echo peer, turnutils_uclient and
# turnutils_stunclient as clients, a throw-away TLS certificate.
#
# INTEROP_SERVER=chorusd (the default, make check) runs the scripts
# against $CHORUSD.  INTEROP_SERVER=coturn makes `start` run coturn's
# turnserver instead, with options translated from the chorusd
# configuration the script wrote ($CONF), so that the scripts themselves
# can be checked against a reference server:
#
#   INTEROP_SERVER=coturn top_srcdir=. bash tests/interop/uclient_udp.sh
#
# Checks of chorusd's own API and metrics are reported as skipped there.

: "${top_srcdir:=.}"
INTEROP_SERVER=${INTEROP_SERVER:-chorusd}
case $INTEROP_SERVER in
chorusd) ;;
coturn) : "${CHORUSD:=/usr/bin/turnserver}" ;;	# integ/lib.sh wants it set
*)
	echo "Bail out! INTEROP_SERVER must be chorusd or coturn, not '$INTEROP_SERVER'"
	exit 1
	;;
esac
. "$top_srcdir/tests/integ/lib.sh"

PEER_PID=
PEER_PORT=
RELAY_MIN=
RELAY_MAX=
TLS_PORT=
CERT=
KEY=
STUN_BINDING="$top_srcdir/tests/interop/stun_binding.py"

# Called by integ/lib.sh's finish(), after the server has been stopped.
cleanup_extra() {
	if [ -n "$PEER_PID" ]; then
		kill -TERM "$PEER_PID" 2>/dev/null
		wait "$PEER_PID" 2>/dev/null
		PEER_PID=
	fi
}

# skip DESCRIPTION REASON: one TAP test reported as skipped.
skip() {
	T_N=$((T_N + 1))
	echo "ok $T_N - $1 # SKIP $2"
}

# is_chorusd: true when the scripts run against chorusd (not coturn).
is_chorusd() { [ "$INTEROP_SERVER" = chorusd ]; }

# metric_sum NAME [LABEL]: the sum of NAME's samples in /metrics (those
# whose labels contain LABEL, e.g. 'reason="expired"', if given); empty
# when there is none, or when the server is not chorusd.
metric_sum() {
	is_chorusd || return 0
	curl -sf "$BASE/metrics" | awk -v m="$1" -v l="${2:-}" '
	$1 !~ /^#/ {
		n = $1; sub(/\{.*/, "", n)
		if (n == m && index($1, l)) { s += $2; seen = 1 }
	}
	END { if (seen) print s }'
}

# counted DESC BEFORE AFTER: ok if a chorusd counter went up; skipped
# under coturn or when chorusd has no such metric (BEFORE empty).
counted() {
	if ! is_chorusd; then
		skip "$1" "chorusd metric, server is coturn"
	elif [ -z "$2" ]; then
		skip "$1" "metric absent from /metrics"
	else
		[ "${3:-0}" -gt "$2" ] 2>/dev/null
		ok $? "$1 ($2 -> ${3:-none})"
	fi
}

# metric_is DESC WANT NAME [LABEL]: ok if metric_sum NAME LABEL is WANT;
# skipped under coturn or when chorusd has no such metric.
metric_is() {
	local got
	got=$(metric_sum "$3" "${4:-}")
	if ! is_chorusd; then
		skip "$1" "chorusd metric, server is coturn"
	elif [ -z "$got" ]; then
		skip "$1" "$3 absent from /metrics"
	else
		is "$got" "$2" "$1"
	fi
}

# skip_without_coturn: skip the whole script when coturn's client tools
# (or, with INTEROP_SERVER=coturn, its server) are not installed.
skip_without_coturn() {
	local t
	for t in turnutils_uclient turnutils_peer turnutils_stunclient; do
		command -v $t >/dev/null 2>&1 ||
			skip_all "$t not installed (Debian: apt-get install coturn)"
	done
	if ! is_chorusd; then
		command -v turnserver >/dev/null 2>&1 ||
			skip_all "INTEROP_SERVER=coturn but turnserver is not installed"
	fi
	command -v timeout >/dev/null 2>&1 || skip_all "timeout(1) not installed"
}

# relay_range: sets RELAY_MIN/RELAY_MAX to 64 ports below the kernel's
# ephemeral range (so that relayed ports never collide with the source
# ports the kernel hands to clients), at a random offset so that scripts
# run in parallel rarely share one.
relay_range() {
	local eph slots
	eph=$(awk '{ print $1 }' /proc/sys/net/ipv4/ip_local_port_range 2>/dev/null)
	[ -n "$eph" ] || eph=32768
	slots=$(((eph - 20000) / 64))
	if [ "$slots" -lt 1 ]; then
		RELAY_MIN=10000
	else
		RELAY_MIN=$((20000 + (RANDOM % slots) * 64))
	fi
	RELAY_MAX=$((RELAY_MIN + 63))
}

# start_peer: turnutils_peer, a UDP echo server, on 127.0.0.1:$PEER_PORT;
# returns once it echoes.
start_peer() {
	PEER_PORT=$(free_port)
	turnutils_peer -L 127.0.0.1 -p "$PEER_PORT" >"$T_DIR/peer.log" 2>&1 &
	PEER_PID=$!
	python3 - "$PEER_PORT" <<'PY'
import socket, sys, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(0.1)
for _ in range(50):
    s.sendto(b"ping", ("127.0.0.1", int(sys.argv[1])))
    try:
        if s.recv(64) == b"ping":
            sys.exit(0)
    except OSError:
        time.sleep(0.1)
sys.exit(1)
PY
}

# make_cert: a self-signed EC P-256 certificate for CN=localhost, valid
# one day, in $CERT with its key in $KEY.
make_cert() {
	CERT="$T_DIR/cert.pem"
	KEY="$T_DIR/key.pem"
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
	    -days 1 -subj /CN=localhost -keyout "$KEY" -out "$CERT" \
	    >"$T_DIR/openssl.log" 2>&1
}

# uclient OUT [ARGS...]: turnutils_uclient against the server on
# 127.0.0.1:$PORT, relaying to the echo peer on 127.0.0.1:$PEER_PORT,
# output in OUT; killed after ${UCLIENT_TIMEOUT:-60} seconds.  ARGS come
# after the defaults, so a later -p (say, the TLS port) wins.  Returns
# uclient's status: 0 when every session completed, 255 when one failed
# (allocation, permission, channel bind), 124 on time-out.
uclient() {
	local out=$1
	shift
	timeout -k 5 "${UCLIENT_TIMEOUT:-60}" turnutils_uclient \
	    -p "$PORT" -e 127.0.0.1 -r "$PEER_PORT" "$@" 127.0.0.1 >"$out" 2>&1
}

# uclient_stats FILE: "SENT RECV LOST" from a uclient output: messages
# sent and echoed back over all sessions, and packets counted as lost;
# "0 0 0" when uclient gave up before its summary.
uclient_stats() {
	awk '
	/start_mclient: tot_send_msgs=[0-9]+, tot_recv_msgs=[0-9]+$/ {
		split($0, a, "tot_send_msgs="); sent = a[2] + 0
		split($0, b, "tot_recv_msgs="); recv = b[2] + 0
		have = 1
	}
	/Total lost packets/ {
		for (i = 1; i <= NF; i++) if ($i == "packets") lost = $(i + 1) + 0
		havelost = 1
	}
	END {
		if (!have) { print "0 0 0"; exit }
		if (!havelost) lost = sent - recv
		print sent, recv, lost
	}' "$1"
}

# rest_password SECRET USERNAME: the TURN REST API password for
# USERNAME ("EXPIRY:NAME"), base64(HMAC-SHA1(SECRET, USERNAME)).
rest_password() {
	python3 -c 'import base64, hashlib, hmac, sys
print(base64.b64encode(hmac.new(sys.argv[1].encode(), sys.argv[2].encode(),
      hashlib.sha1).digest()).decode())' "$1" "$2"
}

# relay_ok DESC OUT RC WANT: three tests from one uclient run: it exited
# 0, it sent WANT messages, and every one came back.
relay_ok() {
	local desc=$1 out=$2 rc=$3 want=$4 sent recv lost
	read -r sent recv lost <<EOF
$(uclient_stats "$out")
EOF
	is "$rc" 0 "$desc: uclient succeeds"
	[ "$rc" -eq 0 ] || sed 's/^/#   | /' "$out" | tail -5
	is "$sent" "$want" "$desc: $want messages sent"
	is "$recv $lost" "$sent 0" "$desc: all echoed back, none lost"
}

# relay_fails DESC OUT RC: uclient failed and nothing was echoed back.
relay_fails() {
	local desc=$1 out=$2 rc=$3 sent recv lost
	read -r sent recv lost <<EOF
$(uclient_stats "$out")
EOF
	[ "$rc" -ne 0 ] && [ "$rc" -ne 124 ]
	ok $? "$desc: uclient fails (status $rc)"
	is "$recv" 0 "$desc: nothing relayed"
}

# --- coturn as the server ----------------------------------------------

# The chorusd start from integ/lib.sh, kept as integ_start.
eval "integ_$(declare -f start)"

# start [ARGS...]: chorusd (integ/lib.sh) or coturn, on $CONF.
start() {
	[ -f "$CONF" ] || write_conf
	if is_chorusd; then
		integ_start "$@"
	else
		start_coturn
	fi
}

# cidr_range CIDR: coturn's "first-last" form of a CIDR block.
cidr_range() {
	python3 -c 'import ipaddress, sys
n = ipaddress.ip_network(sys.argv[1], strict=False)
print(n[0] if n.num_addresses == 1 else "%s-%s" % (n[0], n[-1]))' "$1"
}

# coturn_args: turnserver's options equivalent to $CONF, one a line.
coturn_args() {
	local line k v lt=0 rest=0 anon=0 tls=0 loop=0
	echo --no-cli
	echo --no-dtls
	echo --log-file=stdout
	echo --simple-log
	echo --pidfile="$T_DIR/turnserver.pid"
	echo --userdb="$T_DIR/turndb"
	while IFS= read -r line; do
		case $line in '' | '#'*) continue ;; esac
		k=$(echo "${line%%=*}" | tr -d ' \t')
		v=$(echo "${line#*=}" | sed 's/^[ \t]*//; s/[ \t]*$//')
		case $k in
		listen-address) echo --listening-ip="$v"; echo --relay-ip="$v" ;;
		port) echo --listening-port="$v" ;;
		realm) echo --realm="$v" ;;
		user) echo --user="$v"; lt=1 ;;
		auth-secret) echo --static-auth-secret="$v"; rest=1 ;;
		allow-anonymous) [ "$v" = yes ] && anon=1 ;;
		allowed-peer)
			echo --allowed-peer-ip="$(cidr_range "$v")"
			case $v in 127.* | ::1*) loop=1 ;; esac
			;;
		denied-peer) echo --denied-peer-ip="$(cidr_range "$v")" ;;
		min-port | max-port | external-ip | max-bps | user-quota | total-quota)
			echo --"$k"="$v" ;;
		tls-port) echo --tls-listening-port="$v"; tls=1 ;;
		tls-cert) echo --cert="$v" ;;
		tls-key) echo --pkey="$v" ;;
		state-dir | http-address | log-level | dashboard-dir) ;;
		*) echo "# coturn: no equivalent for '$k', ignored" >&2 ;;
		esac
	done <"$CONF"
	# coturn refuses loopback peers unless told, whatever the lists say.
	[ $loop -eq 1 ] && echo --allow-loopback-peers
	[ $rest -eq 1 ] && echo --use-auth-secret
	if [ $anon -eq 1 ] && [ $lt -eq 0 ] && [ $rest -eq 0 ]; then
		echo --no-auth
	else
		echo --lt-cred-mech
	fi
	[ $tls -eq 1 ] || echo --no-tls
}

# start_coturn: turnserver on $CONF's addresses; returns once it answers
# a STUN Binding over UDP and TCP (and accepts TCP on the TLS port).
start_coturn() {
	local args=() a i=0
	while IFS= read -r a; do args+=("$a"); done < <(coturn_args)
	echo "# turnserver -n ${args[*]}" >>"$LOG"
	turnserver -n "${args[@]}" >>"$LOG" 2>&1 &
	PID=$!
	TLS_PORT=$(awk -F= '$1 ~ /^ *tls-port *$/ { gsub(/ /, "", $2); print $2 }' "$CONF")
	while [ $i -lt 50 ]; do
		kill -0 "$PID" 2>/dev/null || { wait "$PID"; PID=; return 1; }
		if python3 "$STUN_BINDING" udp 127.0.0.1 "$PORT" 0.2 >/dev/null 2>&1 &&
		    python3 "$STUN_BINDING" tcp 127.0.0.1 "$PORT" 0.2 >/dev/null 2>&1 &&
		    { [ -z "$TLS_PORT" ] || (exec 3<>"/dev/tcp/127.0.0.1/$TLS_PORT") 2>/dev/null; }; then
			return 0
		fi
		sleep 0.2
		i=$((i + 1))
	done
	return 1
}
