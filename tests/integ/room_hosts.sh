#!/usr/bin/env bash
# Room announcements: a node with members in a room announces it on the
# DHT under the room's locator (netrec kind 4); a late joiner asks any
# node's API (here a third node that never had the room) and goes
# straight to the node where the room lives.  The locator hides the room
# ID; the records are kept in memory, never in SQLite.
. "$top_srcdir/tests/integ/netns.sh"
. "$top_srcdir/tests/integ/roomlib.sh"
[ -n "$PYNUM" ] || skip_all "python3-numpy is needed"
plan 18

node_up() { net_node "$1" testnet "$CHORUSD" "${2:-}"; }
key() { net_get "$1" /api/v1/status | jq -r .node.noise_key; }

node_up 1; ok $? "node 1 starts its DHT"
node_up 2 "127.0.0.1:$DHT1" && node_up 3 "127.0.0.1:$DHT1"
ok $? "nodes 2 and 3 join it"
for _ in $(seq 120); do
	[ "$(net_get 3 /api/v1/network/nodes | jq '.nodes | length')" = 3 ] && break
	sleep 0.5
done
is "$(net_get 3 /api/v1/network/nodes | jq '.nodes | length')" 3 \
    "node 3 knows the three descriptors"
NID=$(net_get 3 /api/v1/status | jq -r .network.network_id)
check "the status gives the network ID ($NID)" test "${#NID}" = 16

K1=$(key 1) K2=$(key 2)
"$CHORUS" keygen --out "$T_DIR/owner.key" >/dev/null
FULL=$("$CHORUS" room create --node "127.0.0.1:$UDP1" --node-key "$K1" \
    --node "127.0.0.1:$UDP2" --node-key "$K2" --identity "$T_DIR/owner.key" \
    --room-key "$T_DIR/room.key" 2>"$T_DIR/create.err")
ok $? "a room made on nodes 1 and 2"
ROOM=${FULL#*&room=}; ROOM=${ROOM%%#*}; SECRET=${FULL#*#}
ONLY2="chorus://JOIN?node=127.0.0.1:$UDP2&key=$K2&room=$ROOM#$SECRET"
ONE_TWO="chorus://JOIN?node=127.0.0.1:$UDP1&key=$K1&node=127.0.0.1:$UDP2&key=$K2&room=$ROOM#$SECRET"

# A member makes the room live on node 2 (its link names node 2 only).
tones gen "$T_DIR/tone.wav" 600 60 --lead 0 || skip_all "cannot make a tone"
"$CHORUS" join "$ONLY2" --send "$T_DIR/tone.wav" --duration 60 \
    >/dev/null 2>"$T_DIR/m.err" &
M=$!

LOC=$(python3 - "$NID" "$ROOM" <<'PY'
import base64, hashlib, sys
nid = bytes.fromhex(sys.argv[1])
b32 = sys.argv[2].upper()
room = base64.b32decode(b32 + "=" * (-len(b32) % 8))
loc = hashlib.blake2s(b"chorus room locator v1" + nid + room).digest()
print(base64.b32encode(loc).decode().lower().rstrip("="))
PY
)
ID2=$(net_get 2 /api/v1/status | jq -r .node.id)
for _ in $(seq 40); do
	net_get 3 "/api/v1/network/rooms/$LOC" >"$T_DIR/hosts"
	[ "$(jq -r '.hosts[0].node // empty' "$T_DIR/hosts")" = "$ID2" ] && break
	sleep 0.5
done
is "$(jq -r '[.hosts[].node] | join(",")' "$T_DIR/hosts")" "$ID2" \
    "node 3 learns from the DHT that node 2 hosts the room"
is "$(jq -r '.hosts[0].noise_key' "$T_DIR/hosts")" "$K2" "... with node 2's Noise key"
is "$(jq '.hosts[0].members' "$T_DIR/hosts")" 1 "... and its one member"
is "$(curl -s -o /dev/null -w '%{http_code}' \
    "http://127.0.0.1:$HTTP3/api/v1/network/rooms/notalocator")" 400 \
    "a malformed locator is refused (HTTP 400)"

# The late joiner's link names node 1 first; the node network says 2.
"$CHORUS" join "$ONE_TWO" --api "http://127.0.0.1:$HTTP3" --duration 2 \
    --stats json >"$T_DIR/late.json" 2>"$T_DIR/late.err"
ok $? "a late joiner joins"
contains "$T_DIR/late.err" "the room lives on node 127\.0\.0\.1:$UDP2" \
    "it asks the node network where the room lives"
is "$(jq -r .node "$T_DIR/late.json")" "127.0.0.1:$UDP2" "and joins there"
check "it hears the member ($(jq .received.frames "$T_DIR/late.json") frames)" \
    jq -e '.received.frames > 20' "$T_DIR/late.json"

# Two hosts: the list comes newest announcement first, so after a move a
# late joiner tries the live host before one that went quiet.  A node's
# table fills newest-inserted first and a host's later announcement
# updates its old place, so the order is made here the other way round:
# node 2 announced first, node 1 next, then node 2 again.
ONLY1="chorus://JOIN?node=127.0.0.1:$UDP1&key=$K1&room=$ROOM#$SECRET"
ID1=$(net_get 1 /api/v1/status | jq -r .node.id)
hosts2() { net_get 2 "/api/v1/network/rooms/$LOC" >"$T_DIR/hosts2"; }
sleep 1.1	# the announcements give their time in seconds
"$CHORUS" join "$ONLY1" --duration 10 >/dev/null 2>"$T_DIR/m1.err" &
M1=$!
# Node 2 is asked only once node 1 has put its announcement: a node that
# found something asks the DHT again only after 30 s.
for _ in $(seq 40); do
	net_get 1 "/api/v1/network/rooms/$LOC" | jq -e --arg a "$ID1" \
	    'any(.hosts[]; .node == $a)' >/dev/null && break
	sleep 0.25
done
sleep 0.5	# node 1 lists its own at once; the DHT store takes a moment
for _ in $(seq 40); do
	hosts2; [ "$(jq '.hosts | length' "$T_DIR/hosts2")" = 2 ] && break
	sleep 0.25
done
is "$(jq '.hosts | length' "$T_DIR/hosts2")" 2 "a member on node 1 makes two hosts"
kill -TERM "$M"; wait "$M"
is $? 0 "a member interrupted by SIGTERM exits 0"
members2() { net_get 2 /api/v1/rooms | jq .members; }
is_soon 40 0 "... and has left the room" members2
sleep 1.1
"$CHORUS" join "$ONLY2" --duration 4 >/dev/null 2>"$T_DIR/m2.err" &
M=$!
NEWER='(.hosts | map(select(.node == $b))[0].issued) >
    (.hosts | map(select(.node == $a))[0].issued)'
for _ in $(seq 40); do
	hosts2
	jq -e --arg a "$ID1" --arg b "$ID2" "$NEWER" "$T_DIR/hosts2" \
	    >/dev/null && break
	sleep 0.25
done
is "$(jq -r '[.hosts[].node] | join(",")' "$T_DIR/hosts2")" "$ID2,$ID1" \
    "node 2 announced again: it comes first ($(jq -c '[.hosts[].issued]' "$T_DIR/hosts2"))"
kill "$M" "$M1" 2>/dev/null; wait "$M" "$M1" 2>/dev/null

# Privacy: room records are never stored; the room ID appears nowhere.
is "$(sqlite3 "$T_DIR/n3/state/chorus.db" "SELECT count(*) FROM netrecs WHERE kind = 4")" 0 \
    "node 3 keeps no room record in SQLite"
finish
