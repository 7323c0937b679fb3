# tests/integ/netns.sh - sourced first by the tests that start DHT nodes.
#
# OpenDHT binds every interface and has no option not to, so such a test
# re-runs itself in a network namespace of its own (unshare -rn), where
# only its loopback exists, then sources lib.sh.  It also gives them
# net_node, to run several nodes of one network side by side.

if [ -z "${CHORUS_NETNS:-}" ]; then
	if ! unshare -rn true 2>/dev/null; then
		echo "1..0 # SKIP cannot make a network namespace (unshare -rn)"
		exit 0
	fi
	exec env CHORUS_NETNS=1 unshare -rn bash "$0" "$@"
fi
. "$top_srcdir/tests/integ/lib.sh"
{ ip link set lo up || ifconfig lo up; } 2>/dev/null ||
	skip_all "cannot bring up loopback in the namespace (no ip or ifconfig)"

NET_PIDS=()
cleanup_extra() {
	local p
	for p in "${NET_PIDS[@]}"; do
		kill -TERM "$p" 2>/dev/null
		wait "$p" 2>/dev/null
	done
}

# net_node I NETWORK BINARY [BOOTSTRAP]: start node I of a DHT network in
# $T_DIR/nI with ports $UDPi, $HTTPi, $DHTi and region ${NODE_REGION}I;
# CHORUS_TAMPER is $TAMPER_MODE (tests/chorusd-tamper).  With NODE_DISTINCT
# set the node listens on 127.0.I.1 (a /24 of its own, as distinct hosts
# would have), with NODE_LISTEN on that; $NODE_CONF is appended to its
# configuration.  Waits for its
# API.
net_node() {
	local i=$1 d="$T_DIR/n$1"
	mkdir -p "$d"
	eval "HTTP$i=$(free_port) DHT$i=$(free_port) UDP$i=$(free_port)"
	{
		echo "state-dir = $d/state"
		if [ -n "${NODE_LISTEN:-}" ]; then
			echo "listen-address = $NODE_LISTEN"
		elif [ -n "${NODE_DISTINCT:-}" ]; then
			echo "listen-address = 127.0.$i.1"
		else
			echo "listen-address = 127.0.0.1"
		fi
		echo "port = $(eval echo \$UDP$i)"
		echo "tls-port = 0"
		echo "http-address = 127.0.0.1:$(eval echo \$HTTP$i)"
		echo "log-level = debug"
		echo "dht = yes"
		echo "dht-port = $(eval echo \$DHT$i)"
		echo "network-id = $2"
		echo "region = ${NODE_REGION:-n}$i"
		[ -n "${4:-}" ] && echo "bootstrap = $4"
		[ -n "${NODE_CONF:-}" ] && printf '%s\n' "$NODE_CONF"
	} >"$d/conf"
	CHORUS_TAMPER=${TAMPER_MODE:-} "$3" -c "$d/conf" -f >"$d/log" 2>&1 &
	NET_PIDS+=($!)
	for _ in $(seq 50); do
		net_get "$i" /api/v1/status >/dev/null && return 0
		sleep 0.1
	done
	return 1
}

# net_get I PATH: GET from node I's API.
net_get() { curl -sf "http://127.0.0.1:$(eval echo \$HTTP$1)$2"; }

# net_get_json I PATH: the same, tried up to five times a second apart
# until the answer is JSON, for checks that a busy moment must not fail.
net_get_json() {
	local out
	for _ in 1 2 3 4 5; do
		out=$(net_get "$1" "$2") && echo "$out" | jq -e . >/dev/null 2>&1 &&
		    { echo "$out"; return 0; }
		sleep 1
	done
	return 1
}
