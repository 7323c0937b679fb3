#!/usr/bin/env bash
# Joining the nearest node of a cascade.  Three nodes of a node network
# carry one cascaded room; each is reached by clients through a relay of
# its own (tests/integ/lossy_relay.py, no loss) that delays what clients
# send by a chosen number of ms, so the paths really differ.  The link
# names the relays.  A joiner ranks the link's nodes nearest first
# (nodesel_near_rtt: coordinates where they fit, else what it measured)
# and joins the nearest.  Then the delays are moved so that the nearest
# node is no longer the link's first, and the next joiners follow them:
# one with the network's own API (coordinates measured on loopback),
# one with the node list of a grown-up network, where node 1 has by far
# the best reputation and every node's coordinate agrees with the
# delays: the reputation ranking alone would pick node 1, nearest-first
# picks node 3 by the coordinates.
. "$top_srcdir/tests/integ/netns.sh"
. "$top_srcdir/tests/integ/roomlib.sh"
[ -n "$PYNUM" ] || skip_all "python3 is needed for the delay relays"
plan 15

NODE_DISTINCT=1
node_up() { net_node "$1" testnet "$CHORUSD" "${2:-}"; }
key() { net_get "$1" /api/v1/status | jq -r .node.noise_key; }
members() { net_get "$1" /api/v1/rooms | jq '.list[0].members // 0'; }

node_up 1; ok $? "node 1 starts its DHT"
node_up 2 "127.0.0.1:$DHT1" && node_up 3 "127.0.0.1:$DHT1"
ok $? "nodes 2 and 3 join it"
for _ in $(seq 120); do
	[ "$(net_get 3 /api/v1/network/nodes | jq '.nodes | length')" = 3 ] &&
		break
	sleep 0.5
done
K1=$(key 1) K2=$(key 2) K3=$(key 3)
for i in 1 2 3; do eval "R$i=$(free_port)"; done

# delays D1 D2 D3: (re)start the relays in front of nodes 1..3 with
# these delays in ms (client to node; answers go back at once).
RELAYS=()
delays() {
	local i p
	for p in "${RELAYS[@]}"; do
		kill -TERM "$p" 2>/dev/null
		wait "$p" 2>/dev/null
	done
	RELAYS=()
	for i in 1 2 3; do
		relay_start "$(eval echo \$R$i)" \
		    "127.0.$i.1:$(eval echo \$UDP$i)" 0 "$(eval echo \$$i)" 0 \
		    "$T_DIR/relay$i.json"
		RELAYS+=("$RELAY_PID")
		NET_PIDS+=("$RELAY_PID")
	done
	sleep 0.3
}
# joiner NAME [ARGS]: a member that stays 4 s; prints the node it joined
# (the relay's port) after 2 s, with the member counts of nodes 1..3.
joiner() {
	local n=$1 p
	shift
	"$CHORUS" join "$FULL" --duration 4 "$@" >/dev/null \
	    2>"$T_DIR/$n.err" &
	p=$!
	sleep 2.5
	echo "$(members 1)$(members 2)$(members 3)" >"$T_DIR/$n.members"
	wait "$p"
}
joined() { sed -n 's/^chorus join: joined node 127.0.0.1:\([0-9]*\)$/\1/p' "$T_DIR/$1.err" | head -1; }

delays 0 40 80
"$CHORUS" keygen --out "$T_DIR/owner.key" >/dev/null
FULL=$("$CHORUS" room create --cascade \
    --node "127.0.0.1:$R1" --node-key "$K1" \
    --node "127.0.0.1:$R2" --node-key "$K2" \
    --node "127.0.0.1:$R3" --node-key "$K3" \
    --identity "$T_DIR/owner.key" --room-key "$T_DIR/room.key" \
    2>"$T_DIR/create.err")
ok $? "a cascaded room made through the three relays"
ORDER=$(echo "$FULL" | grep -o 'node=127.0.0.1:[0-9]*' | cut -d: -f2 | tr '\n' ' ')
is "$ORDER" "$R1 $R2 $R3 " "the link names node 1 (no delay) first, node 3 last"

joiner a
is "$(joined a)" "$R1" "with delays 0/40/80 ms the joiner picks node 1"
is "$(cat "$T_DIR/a.members")" 100 "... and is a member there, nowhere else"
contains "$T_DIR/a.err" "nodes ranked: 127.0.0.1:$R1" \
    "... which it ranked first"

delays 80 40 0
joiner b
is "$(joined b)" "$R3" \
    "with delays 80/40/0 ms it picks node 3, the link's last"
is "$(cat "$T_DIR/b.members")" 001 "... and is a member there"
med() { sed -n "s/.*127.0.0.1:$2 (\([0-9.]*\) ms.*/\1/p" "$T_DIR/$1.err"; }
check "it measured node 1 at $(med b "$R1") ms and node 3 at $(med b "$R3") ms" \
    awk -v a="$(med b "$R1")" -v c="$(med b "$R3")" \
    'BEGIN { exit !(a >= 75 && c < 20) }'

# With the API: every node publishes a coordinate measured on loopback
# (all about the same place), which no client coordinate can fit
# against 80, 40 and 0 ms, so what the client measured decides.
joiner c --api "http://127.0.0.1:$HTTP2"
is "$(joined c)" "$R3" "with the network's coordinates from the API: node 3 too"
is "$(cat "$T_DIR/c.members")" 001 "... and is a member there"

# A grown-up network's node list, served as a node's API would: node 1
# the best reputation, coordinates on a line at 80, 40 and 0 ms (from a
# client at node 3) with 0.01 ms heights, as weeks of measurement would
# have placed them.
mkdir -p "$T_DIR/www/api/v1/network"
net_get 2 /api/v1/network/nodes | jq --arg k1 "$K1" --arg k2 "$K2" \
    --arg k3 "$K3" '.nodes |= map(
	if .noise_key == $k1 then .score = 1 | .coordinates = {x: 80, y: 0, height: 0.01, error: 0.05}
	elif .noise_key == $k2 then .score = 0.2 | .coordinates = {x: 40, y: 0, height: 0.01, error: 0.05}
	else .score = 0.2 | .coordinates = {x: 0, y: 0, height: 0.01, error: 0.05} end
	| .standing = true)' >"$T_DIR/www/api/v1/network/nodes"
WWW=$(free_port)
"$PYNUM" -m http.server "$WWW" --bind 127.0.0.1 \
    --directory "$T_DIR/www" >/dev/null 2>&1 &
NET_PIDS+=($!)
sleep 0.5
# The client's own coordinate is a fit to a few RTTs it measured, from a
# random start: on a loaded machine a noisy sample can leave the fit
# poor (error above 0.5), and then, rightly, the measurement decides.
# The coordinates must decide in one of three tries.
for try in 1 2 3; do
	joiner d --api "http://127.0.0.1:$WWW"
	grep -Eq "127\.0\.0\.1:$R3 \([0-9.]+ ms, [0-9.]+ ms by coordinates\)" \
	    "$T_DIR/d.err" && break
	diag "try $try: $(grep 'nodes ranked' "$T_DIR/d.err")"
done
is "$(joined d)" "$R3" "with node 1 best by reputation: still node 3, the nearest"
is "$(cat "$T_DIR/d.members")" 001 "... and is a member there"
contains "$T_DIR/d.err" "127.0.0.1:$R3 \\([0-9.]+ ms, [0-9.]+ ms by coordinates\\)" \
    "... by the coordinates, which fit what it measured"
