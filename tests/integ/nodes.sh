#!/usr/bin/env bash
# Choosing dedicated nodes: four nodes of a private DHT network (inside a
# network namespace this test makes).  chorus nodes finds them through
# one node's API, times real handshakes to each (--near) and ranks them;
# a stopped node is marked unreachable and ranked last; a node with a
# clearly better score (many good reports) comes first; --draws shows
# the share nodesel_rank gives a node without standing.  room create with
# a dead node and a live one makes the room on the live one, and join
# with a link naming the dead node first, or a node without the room
# first, still joins on the live node.  The scoring node is the test
# build, told to age verifiers by 60 days (CHORUS_TEST_VERIFIER_DAYS), so
# the reports of fresh verifiers count.
. "$top_srcdir/tests/integ/netns.sh"
: "${top_builddir:?}"
: "${CHORUS:?CHORUS must name the chorus binary}"
TAMPER="$top_builddir/tests/chorusd-tamper"
MKREPORT="$top_builddir/tests/tools/mkreport"
[ -x "$TAMPER" ] || skip_all "tests/chorusd-tamper was not built"
[ -x "$MKREPORT" ] || skip_all "tests/tools/mkreport was not built"
plan 37

export CHORUS_TEST_VERIFIER_DAYS=60
NET=nodestest

# The test times many handshakes, and a node without standing takes only
# new-node-sessions-per-hour of them (20 by default): lift the limit.
NODE_CONF="new-node-sessions-per-hour = 0"
# chorus with a time limit: every run ends by itself.
ch() { timeout 30 "$CHORUS" "$@"; }
status() { net_get "$1" /api/v1/status | jq -r ".node.$2"; }

rc=0
net_node 1 $NET "$TAMPER" || rc=1
for i in 2 3 4; do net_node $i $NET "$CHORUSD" "127.0.0.1:$DHT1" || rc=1; done
ok $rc "four nodes start, nodes 2-4 bootstrap through node 1"
API="http://127.0.0.1:$HTTP1"
for i in 1 2 3 4; do
	eval "ID$i=$(status $i id) KEY$i=$(status $i noise_key)"
done
for _ in $(seq 120); do
	[ "$(net_get 1 /api/v1/network/nodes | jq '.nodes | length')" = 4 ] && break
	sleep 0.5
done

# nf FILE ID FILTER: jq's FILTER on the node with ID in FILE.
nf() { jq -r --arg id "$2" ".nodes[] | select(.id == \$id) | $3" "$1"; }

ch nodes --api "$API" --json >"$T_DIR/list"
ok $? "chorus nodes reads the node list"
is "$(jq -r '[.nodes[].id] | sort | join(",")' "$T_DIR/list")" \
    "$(printf '%s\n' "$ID1" "$ID2" "$ID3" "$ID4" | sort | paste -sd,)" \
    "it lists the four nodes by ID"
is "$(jq '[.nodes[] | select(.measured_rtt_ms == null and .reachable == null)] | length' "$T_DIR/list")" 4 \
    "without --near nothing is measured"
is "$(nf "$T_DIR/list" "$ID2" .address)" "127.0.0.1:$UDP2" "addresses come from the descriptors"

ch nodes --api "$API" --near --json >"$T_DIR/near"
ok $? "chorus nodes --near"
is "$(jq '[.nodes[] | select(.reachable and .measured_rtt_ms > 0 and .samples == 3)] | length' "$T_DIR/near")" 4 \
    "every live node answered three timed handshakes"
is "$(jq '.client != null and (.nodes | all(.predicted_rtt_ms >= 0))' "$T_DIR/near")" true \
    "the client is placed and every node has a predicted RTT"
ch nodes --api "$API" --near >"$T_DIR/table"
contains "$T_DIR/table" "^ +1 .*127\.0\.0\.1:" "the table form ranks them too"

# Stop node 4: its descriptor is still listed, but it does not answer.
kill -TERM "${NET_PIDS[3]}"; wait "${NET_PIDS[3]}" 2>/dev/null
ch nodes --api "$API" --near --timeout 1 --json >"$T_DIR/dead"
ok $? "chorus nodes --near with a stopped node"
is "$(nf "$T_DIR/dead" "$ID4" '[.reachable, .measured_rtt_ms, .rank] | @csv')" "false,,4" \
    "the stopped node is unreachable and ranked last"
is "$(jq '[.nodes[] | select(.reachable)] | length' "$T_DIR/dead")" 3 \
    "the three others answered"

# Many good reports on node 3, from fresh verifiers, handed to node 1.
"$MKREPORT" 30 $NET "$ID3" >"$T_DIR/reports"
rc=0
while read -r r; do
	curl -sf -X POST -H 'Content-Type: application/json' -d "{\"report\": \"$r\"}" \
	    "$API/api/v1/reports" >/dev/null || rc=1
done <"$T_DIR/reports"
ok $rc "node 1 takes 30 reports on node 3"
ch nodes --api "$API" --near --timeout 1 --draws 1000 --json >"$T_DIR/scored"
ok $? "chorus nodes --near --draws 1000"
check "node 3 has the best score" jq -e --arg id "$ID3" \
    '(.nodes[] | select(.id == $id) | .score) as $s | $s > 0 and
     ([.nodes[] | select(.id != $id) | .score] | max) < $s / 2' "$T_DIR/scored"
is "$(jq -r '.nodes[0].id' "$T_DIR/scored")" "$ID3" "the best-scored node is ranked first"
# No node has standing yet (that takes a day of reports), so the draw
# never matters: the best score is first in every draw.
is "$(jq '[.nodes[] | select(.standing)] | length' "$T_DIR/scored")" 0 "no node has standing yet"
is "$(nf "$T_DIR/scored" "$ID3" .first)" 1000 "so it is first in all 1000 draws"

# The same list, with nodes 1 and 2 given standing, from a stand-in API.
# nodesel_rank puts the best node without standing (3) first exactly when
# u < NODESEL_NEW_SHARE = 0.10, else the best established node: node 3
# comes first ~ Binomial(1000, 0.1) times (mean 100, sd 9.5); allow 55-145.
mkdir -p "$T_DIR/fake/api/v1/network"
# Node 3 is given a score above NODESEL_TRIAL_MIN (0.05), below which a
# new node gets no trial draws at all.
net_get 1 /api/v1/network/nodes | jq --arg a "$ID1" --arg b "$ID2" --arg c "$ID3" \
    '.nodes |= map(.standing = (.id == $a or .id == $b) |
     if .id == $c then .score = 0.5 else . end)' >"$T_DIR/fake/api/v1/network/nodes"
FAKE=$(free_port)
python3 -m http.server "$FAKE" --bind 127.0.0.1 --directory "$T_DIR/fake" \
    >"$T_DIR/fake.log" 2>&1 &
NET_PIDS+=($!)
for _ in $(seq 50); do
	curl -sf -o /dev/null "http://127.0.0.1:$FAKE/api/v1/network/nodes" && break
	sleep 0.1
done
ch nodes --api "http://127.0.0.1:$FAKE" --draws 1000 --json >"$T_DIR/draws"
ok $? "chorus nodes --draws 1000 with two established nodes"
n3=$(nf "$T_DIR/draws" "$ID3" .first)
diag "node 3 (no standing, best score) first in $n3 of 1000 draws"
check "a node without standing is first in 55-145 of 1000 draws (10 %)" \
    test "$n3" -ge 55 -a "$n3" -le 145
is "$(jq "[.nodes[] | select(.standing) | .first] | add" "$T_DIR/draws")" $((1000 - n3)) \
    "an established node is first in all the others"
is "$(nf "$T_DIR/draws" "$ID4" .first)" 0 "the other node without standing never is"

# room create on a dead node and a live one: the room goes to the live one.
ch keygen --out "$T_DIR/owner.key" >/dev/null
LINK=$(ch room create --node "127.0.0.1:$UDP4" --node-key "$KEY4" \
    --node "127.0.0.1:$UDP2" --node-key "$KEY2" --identity "$T_DIR/owner.key" \
    --room-key "$T_DIR/room.key" --timeout 2 2>"$T_DIR/create.err")
ok $? "room create with a dead node and a live one"
case $LINK in
"chorus://JOIN?node=127.0.0.1:$UDP2&key=$KEY2&node=127.0.0.1:$UDP4&key=$KEY4&room="*) r=0 ;;
*) r=1; diag "link: $LINK"; sed 's/^/# /' "$T_DIR/create.err" ;;
esac
ok $r "the room is on the live node, listed first, each node with its key"

# join with the dead node named first.
room=${LINK#*&room=}
DEADFIRST="chorus://JOIN?node=127.0.0.1:$UDP4&key=$KEY4&node=127.0.0.1:$UDP2&key=$KEY2&room=$room"
ch join "$DEADFIRST" --duration 0.5 --timeout 2 --stats json \
    >"$T_DIR/join1" 2>"$T_DIR/join1.err"
ok $? "join with the dead node named first"
is "$(jq -r .node "$T_DIR/join1")" "127.0.0.1:$UDP2" "it joined on the live node (--stats json)"
contains "$T_DIR/join1.err" "joined node 127\.0\.0\.1:$UDP2" "and says so"

# join with node 3 (best score, no such room) and node 2 (the room).
NOROOM="chorus://JOIN?node=127.0.0.1:$UDP3&key=$KEY3&node=127.0.0.1:$UDP2&key=$KEY2&room=$room"
ch join "$NOROOM" --api "$API" --duration 0.5 --timeout 2 --stats json \
    >"$T_DIR/join2" 2>"$T_DIR/join2.err"
ok $? "join with a node that does not know the room, and the room's node"
# join ranks a link's nodes nearest first (the RTT it measures here, on
# loopback, where the two are as near): either may come first.
first=$(sed -n 's/.*nodes ranked: 127\.0\.0\.1:\([0-9]*\) .*/\1/p' "$T_DIR/join2.err")
contains "$T_DIR/join2.err" \
    "nodes ranked: 127\.0\.0\.1:($UDP2|$UDP3) \([0-9.]+ ms[^)]*\) 127\.0\.0\.1:($UDP2|$UDP3) \(" \
    "the join ranks both nodes, each with its RTT (first: $first)"
# Node 3 first: it refuses, or the node network already says where the
# room lives (node 2 announced it while join1 was in) and node 3 is not
# even tried.  Node 2 first: it is simply joined.
if [ "$first" = "$UDP3" ]; then
	contains "$T_DIR/join2.err" "no such room on this node|the room lives on node 127\.0\.0\.1:$UDP2 " \
	    "node 3 refuses (it does not know the room), or the network says node 2"
else
	contains "$T_DIR/join2.err" "joined node 127\.0\.0\.1:$UDP2" \
	    "node 2, ranked first, is joined at once"
fi
is "$(jq -r .node "$T_DIR/join2")" "127.0.0.1:$UDP2" "then it joins on node 2"

# One node: no ranking, and the exit statuses of chorus(1).
ONE="chorus://JOIN?node=127.0.0.1:$UDP3&key=$KEY3&room=$room"
ch join "$ONE" --duration 0.5 --timeout 2 >/dev/null 2>"$T_DIR/one.err"
is $? 8 "a one-node link to a node without the room: exit 8, as before"
is "$(grep -c 'nodes ranked' "$T_DIR/one.err")" 0 "and no ranking for one node"
ch room create --node "127.0.0.1:$UDP4" --node-key "$KEY4" \
    --identity "$T_DIR/owner.key" --room-key "$T_DIR/room2.key" --timeout 1 \
    >/dev/null 2>&1
is $? 2 "room create on the dead node alone: exit 2, as before"
ch nodes >/dev/null 2>&1; is $? 1 "chorus nodes without --api is a usage error"
ch nodes --api "$API" --draws 100001 >/dev/null 2>&1; is $? 1 "more than 100000 draws are refused"
ch room create --node "127.0.0.1:$UDP2" --node "127.0.0.1:$UDP3" --node-key "$KEY2" \
    --node-key "$KEY3" --node-key "$KEY4" --identity "$T_DIR/owner.key" >/dev/null 2>&1
is $? 1 "room create refuses three keys for two nodes"
finish
