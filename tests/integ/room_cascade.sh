#!/usr/bin/env bash
# Cascade: one room carried by three nodes of a node network, linked to
# each other (node-to-node Chorus sessions found through the DHT).  A
# speaker and a listener on each node, each speaker with its own tone:
# every listener hears all three speakers, each exactly once (no
# duplicate reaches a listener, no frame loops back).  Then the link
# between nodes 1 and 2 is cut (nftables drops their packets): frames
# between them go round through node 3 and the audio keeps flowing.
. "$top_srcdir/tests/integ/netns.sh"
. "$top_srcdir/tests/integ/roomlib.sh"
[ -n "$PYNUM" ] || skip_all "python3-numpy is needed"
command -v nft >/dev/null || skip_all "nft (nftables) is needed to cut a link"
plan 28

NODE_DISTINCT=1		# node i on 127.0.i.1, so one link can be cut
node_up() { net_node "$1" testnet "$CHORUSD" "${2:-}"; }
key() { net_get "$1" /api/v1/status | jq -r .node.noise_key; }
# cascade I: node I's cascade object for the room.
cascade() { net_get "$1" /api/v1/rooms | jq -c '.list[0].cascade'; }
links_up() { cascade "$1" | jq '[.links[] | select(.state == "up")] | length'; }

node_up 1; ok $? "node 1 starts its DHT"
node_up 2 "127.0.0.1:$DHT1" && node_up 3 "127.0.0.1:$DHT1"
ok $? "nodes 2 and 3 join it"
for _ in $(seq 120); do
	n=0
	for i in 1 2 3; do
		[ "$(net_get $i /api/v1/network/nodes | jq '.nodes | length')" = 3 ] &&
			n=$((n + 1))
	done
	[ $n = 3 ] && break
	sleep 0.5
done
is "$n" 3 "every node holds the three descriptors"

K1=$(key 1) K2=$(key 2) K3=$(key 3)
"$CHORUS" keygen --out "$T_DIR/owner.key" >/dev/null
FULL=$("$CHORUS" room create --cascade \
    --node "127.0.1.1:$UDP1" --node-key "$K1" \
    --node "127.0.2.1:$UDP2" --node-key "$K2" \
    --node "127.0.3.1:$UDP3" --node-key "$K3" \
    --identity "$T_DIR/owner.key" --room-key "$T_DIR/room.key" \
    2>"$T_DIR/create.err")
ok $? "a cascaded room made on the three nodes"
contains "$T_DIR/create.err" "CASCADED over its 3 nodes" "... and it says so"
ROOM=${FULL#*&room=}; ROOM=${ROOM%%#*}; SECRET=${FULL#*#}
only() { echo "chorus://JOIN?node=127.0.$1.1:$(eval echo \$UDP$1)&key=$(eval echo \$K$1)&room=$ROOM#$SECRET"; }

for _ in $(seq 100); do
	[ "$(links_up 1)$(links_up 2)$(links_up 3)" = 222 ] && break
	sleep 0.2
done
is "$(links_up 1)$(links_up 2)$(links_up 3)" 222 \
    "every node links to the two others"
is "$(for i in 1 2 3; do cascade $i | jq -r .place; done | sort | tr -d '\n')" \
    123 "the three nodes hold places 1, 2 and 3"

# A listener on each node, then a speaker on each, each its own tone.
FREQ=(0 400 700 1100)
for i in 1 2 3; do
	tones gen "$T_DIR/t$i.wav" "${FREQ[$i]}" 14 --lead 0 ||
		skip_all "cannot make a tone"
done
for i in 1 2 3; do
	"$CHORUS" join "$(only $i)" --record "$T_DIR/l$i.wav" --duration 17 \
	    --stats json >"$T_DIR/l$i.json" 2>"$T_DIR/l$i.err" &
	eval "L$i=\$!"
done
sleep 1
for i in 1 2 3; do
	"$CHORUS" join "$(only $i)" --send "$T_DIR/t$i.wav" --duration 15 \
	    --stats json >"$T_DIR/s$i.json" 2>"$T_DIR/s$i.err" &
	eval "S$i=\$!"
done
sleep 6
net_get 2 /api/v1/rooms >"$T_DIR/before2.json"
is "$(jq '.list[0].members' "$T_DIR/before2.json")" 2 \
    "node 2 has its own two members"
is "$(jq '.list[0].cascade.remote_members' "$T_DIR/before2.json")" 4 \
    "... and knows the four members of nodes 1 and 3"

# Cut the link between nodes 1 and 2, both ways.
nft add table inet cut &&
nft add chain inet cut out '{ type filter hook output priority 0; }' &&
nft add rule inet cut out ip saddr 127.0.1.1 ip daddr 127.0.2.1 drop &&
nft add rule inet cut out ip saddr 127.0.2.1 ip daddr 127.0.1.1 drop
ok $? "the link between nodes 1 and 2 is cut (nftables)"
CUT_AT=7	# seconds after the listeners started, roughly
# Node 2's link as node 1 sees it (places follow the ranking, not names).
P2=$(cascade 2 | jq .place)
link12() { cascade 1 | jq -r ".links[] | select(.place == $P2) | .$1"; }
for _ in $(seq 40); do
	[ "$(link12 state)" = down ] && break
	sleep 0.1
done
is "$(link12 state)" down "node 1 sees its link to node 2 go down"
is "$(link12 reachable)" true "... yet still reaches node 2 (through node 3)"

for i in 1 2 3; do wait "$(eval echo \$S$i)"; done
for i in 1 2 3; do wait "$(eval echo \$L$i)"; done
for i in 1 2 3; do net_get $i /api/v1/rooms >"$T_DIR/after$i.json"; done

for i in 1 2 3; do
	tones check "$T_DIR/l$i.wav" --present 400,700,1100 \
	    >"$T_DIR/tones$i" 2>&1
	ok $? "listener $i hears all three speakers: $(cat "$T_DIR/tones$i")"
done
# After the cut: listeners 1 and 2 still hear the speakers across it.
for i in 1 2; do
	tones check "$T_DIR/l$i.wav" --present 400,700,1100 \
	    --skip $((CUT_AT + 2)) >"$T_DIR/tail$i" 2>&1
	ok $? "listener $i still hears all three after the cut: $(cat "$T_DIR/tail$i")"
done

# Exactly once: no duplicate reached a listener, none came twice.
sent=$(cat "$T_DIR"/s[123].json | jq -s '[.[].sent.frames] | add')
for i in 1 2 3; do
	is "$(jq .received.duplicates "$T_DIR/l$i.json")" 0 \
	    "listener $i got no frame twice"
	check "listener $i got no more frames than were sent ($(jq .received.frames "$T_DIR/l$i.json") of $sent)" \
	    jq -e ".received.frames <= $sent and .received.frames > 0.9 * $sent" \
	    "$T_DIR/l$i.json"
done
looped=$(cat "$T_DIR"/after[123].json | jq -s '[.[].list[0].cascade.frames.looped] | add')
is "$looped" 0 "no frame came back to the node it started from"
relayed=$(jq '.list[0].cascade.frames.relayed' "$T_DIR/after3.json")
check "node 3 relayed between nodes 1 and 2 ($relayed frames)" test "$relayed" -gt 100
for i in 1 2; do
	gap=$(jq .max_sender_gap_ms "$T_DIR/l$i.json")
	diag "listener $i: longest gap in one speaker's frames $gap ms"
	check "listener $i: the cut cost less than 2 s of one speaker ($gap ms)" \
	    jq -e '.max_sender_gap_ms < 2000' "$T_DIR/l$i.json"
done
diag "duplicates dropped by the nodes: $(cat "$T_DIR"/after[123].json | jq -s -c '[.[].list[0].cascade.frames.duplicates]')"

# Everyone left: the nodes forget the remote members too.
for _ in $(seq 30); do
	[ "$(cascade 2 | jq .remote_members)" = 0 ] && break
	sleep 0.2
done
is "$(cascade 2 | jq .remote_members)" 0 "node 2 hears that the others' members left"
finish
