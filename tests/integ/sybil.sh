#!/usr/bin/env bash
# A Sybil swarm: four honest nodes of a private network measure each
# other for a while (a day passes every CHORUS_TEST_DAY_SEC seconds of the
# test, so they are weeks old) and are given standing by 30 good reports
# each from established verifiers (tests/tools/mkreport; the test daemon
# counts such verifiers as scored, CHORUS_TEST_VERIFIER_SCORE), as an
# established network would have.  Then 20 fresh identities spread over five
# /24s join the DHT directly (tests/tools/swarm) with descriptors claiming
# huge capacity and a coordinate next to everyone, perfect reports on each
# other and vouches for each other.  The honest nodes find the swarm and
# try to measure it.  The swarm must win under 5 % of node selections
# (chorus nodes --draws, nodesel_rank over the ledger's scores) and score
# below every honest node.
. "$top_srcdir/tests/integ/netns.sh"
plan 9

TAMPERD=${CHORUSD_TAMPER:-$top_builddir/tests/chorusd-tamper}
SWARM=$top_builddir/tests/tools/swarm
[ -x "$TAMPERD" ] || skip_all "no tests/chorusd-tamper"
[ -x "$SWARM" ] || skip_all "no tests/tools/swarm"
MKREPORT=$top_builddir/tests/tools/mkreport
[ -x "$MKREPORT" ] || skip_all "no tests/tools/mkreport"
export CHORUS_TEST_DAY_SEC=2 CHORUS_TEST_LEDGER_SEC=2
export CHORUS_TEST_VERIFIER_SCORE=1 CHORUS_TEST_VERIFIER_DAYS=60
NODE_DISTINCT=1
NODE_CONF="probe-interval = 1s
probe-budget = 100"

net_node 1 sybilnet "$TAMPERD"; ok $? "node 1 starts"
for i in 2 3 4; do net_node $i sybilnet "$TAMPERD" "127.0.0.1:$DHT1" || break; done
ok $? "honest nodes 2-4 start"

nodes() { net_get 1 /api/v1/network/nodes; }
reports_about_all() {	# every honest node has reports from 3 others
	net_get 1 /api/v1/reports/1 | jq '[.reports | group_by(.subject)[] |
	    select(length >= 3)] | length'
}
up=0
for _ in $(seq 120); do
	[ "$(reports_about_all)" -ge 4 ] && { up=1; break; }
	sleep 1
done
ok $((1 - up)) "the honest nodes measured each other"
# Standing for the honest nodes: 30 good reports each, handed to the node
# itself (60 a minute at most), which publishes them to the others.
seeded=0
for i in 1 2 3 4; do
	id=$(net_get $i /api/v1/status | jq -r .node.id)
	"$MKREPORT" 30 sybilnet "$id" | while read -r r; do
		curl -sf -X POST -H 'Content-Type: application/json' \
		    -d "{\"report\": \"$r\"}" \
		    "http://127.0.0.1:$(eval echo \$HTTP$i)/api/v1/reports" >/dev/null ||
		    echo fail
	done | grep -q fail && seeded=1
done
ok $seeded "30 reports on each honest node accepted"
established=0
for _ in $(seq 60); do
	[ "$(net_get 1 /api/v1/network/nodes | jq '[.nodes[] | select(.standing)] | length')" -ge 4 ] &&
	    { established=1; break; }
	sleep 1
done
ok $((1 - established)) "node 1 sees the four honest nodes with standing"

"$SWARM" 20 sybilnet "127.0.0.1:$DHT1" 50 5 >"$T_DIR/swarm.ids" 2>"$T_DIR/swarm.err" &
SWARM_PID=$!
NET_PIDS+=($SWARM_PID)
seen=0
for _ in $(seq 60); do
	[ "$(nodes | jq '[.nodes[] | select(.region | startswith("sybil"))] | length')" -ge 20 ] &&
	    { seen=1; break; }
	sleep 1
done
ok $((1 - seen)) "node 1 learnt of the 20 swarm identities"
sleep 30	# the swarm's reports and vouches arrive; honest nodes probe it

board=$(net_get 1 /api/v1/leaderboard)
echo "$board" | jq -c '.leaderboard[] | [.region, .score, .reports]' | sed 's/^/# /'
min_honest=$(echo "$board" | jq '[.leaderboard[] | select(.region | startswith("n")) | .score] | min')
max_sybil=$(echo "$board" | jq '[.leaderboard[] | select(.region | startswith("sybil")) | .score] | max')
ok "$(awk -v h="$min_honest" -v s="$max_sybil" 'BEGIN { exit !(h > 0 && s < h) }'; echo $?)" \
    "every swarm identity scores below every honest node ($max_sybil < $min_honest)"

draws=$("$CHORUS" nodes --api "http://127.0.0.1:$HTTP1" --draws 2000 --json)
ok $? "chorus nodes --draws 2000 ranks the nodes"
total=$(echo "$draws" | jq '[.nodes[].first] | add')
sybil=$(echo "$draws" | jq '[.nodes[] | select(.region | startswith("sybil")) | .first] | add')
diag "$total draws ranked"
ok "$(awk -v s="$sybil" -v t="$total" 'BEGIN { exit !(t > 0 && s / t < 0.05) }'; echo $?)" \
    "the swarm wins under 5 % of selections ($sybil of $total)"
finish
