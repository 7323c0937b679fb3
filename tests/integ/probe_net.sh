#!/usr/bin/env bash
# Nodes measure each other: six nodes of a private network, each on a /24
# of its own inside this test's network namespace, probe one another on
# their own schedule (probe-interval 1s) with proof-of-bandwidth
# challenges, sign reports, and score each other from them.  Node 5
# forwards only four media frames in five (CHORUS_TAMPER=drop) and node 6
# answers with made-up bytes instead of forwarding (CHORUS_TAMPER=fake).
# After a bounded number of rounds both must score below half of every
# honest node, as every honest node sees it.  Also: challenges are
# counted in the metrics, the budget is kept, coordinates are updated.
. "$top_srcdir/tests/integ/netns.sh"
plan 15

TAMPERD=${CHORUSD_TAMPER:-$top_builddir/tests/chorusd-tamper}
[ -x "$TAMPERD" ] || skip_all "no tests/chorusd-tamper"
export CHORUS_TEST_VERIFIER_DAYS=30 CHORUS_TEST_LEDGER_SEC=2
NODE_DISTINCT=1
NODE_CONF="probe-interval = 1s
probe-budget = 50
new-node-sessions-per-hour = 20"

TAMPER_MODE= net_node 1 probenet "$TAMPERD"; ok $? "node 1 starts"
for i in 2 3 4; do
	TAMPER_MODE= net_node $i probenet "$TAMPERD" "127.0.0.1:$DHT1" || break
done
ok $? "honest nodes 2-4 start"
TAMPER_MODE=drop net_node 5 probenet "$TAMPERD" "127.0.0.1:$DHT1"
ok $? "node 5 (drops a fifth of what it forwards) starts"
TAMPER_MODE=fake net_node 6 probenet "$TAMPERD" "127.0.0.1:$DHT1"
ok $? "node 6 (answers without forwarding) starts"

fpr() { net_get "$1" /api/v1/status | jq -r .node.fingerprint; }
for i in $(seq 6); do eval "F$i=$(fpr $i)"; done
score() {	# score I J: node J's score as node I sees it
	net_get "$1" /api/v1/leaderboard |
	    jq -r --arg f "$(eval echo \$F$2)" \
	    '.leaderboard[] | select(.fingerprint == $f) | .score'
}
reports_about() {	# reports_about I J: reports node I holds about J
	net_get "$1" /api/v1/reports/1 |
	    jq --arg f "$(eval echo \$F$2)" '[.reports[] | select(.subject == $f)] | length'
}

# Rounds: until every node holds at least 4 reports about every node, or
# 150 s.  Each node measures one other node every ~3 s.
enough=0
for _ in $(seq 150); do
	enough=1
	for i in 1 2; do
		for j in $(seq 6); do
			[ "$(reports_about $i $j)" -ge 4 ] || { enough=0; break 2; }
		done
	done
	[ $enough = 1 ] && break
	sleep 1
done
ok $((1 - enough)) "the nodes measured each other (≥4 reports on every node)"
sleep 3	# a ledger tick on the last reports

# (a), (b): as each honest node sees it.
bad=0 detail=
for i in 1 2 3 4; do
	min_honest=1
	for j in 1 2 3 4; do
		s=$(score $i $j)
		min_honest=$(echo "$s $min_honest" | awk '{print ($1 < $2) ? $1 : $2}')
	done
	for j in 5 6; do
		s=$(score $i $j)
		detail="$detail n$i:n$j=$s/min$min_honest"
		awk -v s="$s" -v h="$min_honest" 'BEGIN { exit !(h > 0 && s < h / 2) }' ||
		    bad=$((bad + 1))
	done
done
ok $bad "the dropping and the faking node score below half of every honest node ($detail)"

m=$(net_get 1 /metrics)
sent=$(echo "$m" | awk '$1 == "chorus_challenges_total{result=\"sent\"}" { print $2 }')
answered=$(echo "$m" | awk '$1 == "chorus_challenges_total{result=\"answered\"}" { print $2 }')
failed=$(echo "$m" | awk '$1 == "chorus_challenges_total{result=\"failed\"}" { print $2 }')
ok "$(awk -v s="$sent" 'BEGIN { exit !(s >= 200) }'; echo $?)" "node 1 sent challenges ($sent)"
ok "$(awk -v s="$sent" -v a="$answered" -v f="$failed" 'BEGIN { exit !(a > 0 && f > 0 && a + f == s) }'; echo $?)" \
    "answered + failed = sent ($answered + $failed)"
measured=$(echo "$m" | awk '$1 == "chorus_probe_sessions_total{outcome=\"measured\"}" { print $2 }')
ok "$(awk -v s="$measured" 'BEGIN { exit !(s >= 3) }'; echo $?)" "node 1 measured other nodes ($measured sessions)"
spent=$(echo "$m" | awk '$1 == "chorus_probe_bytes_total" { print $2 }')
ok "$(awk -v s="$spent" -v n="$measured" 'BEGIN { exit !(s > n * 150000 && s < 50000000) }'; echo $?)" \
    "the bytes spent are counted, and within the budget ($spent)"

# The fake node's reports: nothing passed, as node 1 saw it.
reports1=$(net_get_json 1 /api/v1/reports/1)
passed6=$(echo "$reports1" | jq --arg f "$F6" \
    '[.reports[] | select(.subject == $f) | .passed] | add')
is "$passed6" 0 "no challenge passed through the node that answers without forwarding"
loss5=$(echo "$reports1" | jq --arg f "$F5" \
    '[.reports[] | select(.subject == $f) | .loss_ppm] |
    if length > 0 then add / length else "none" end')
ok "$(awk -v l="$loss5" 'BEGIN { exit !(l > 120000 && l < 300000) }'; echo $?)" \
    "the dropping node loses about a fifth of the challenges ($loss5 ppm)"

# Coordinates moved from the origin: nodes fed Vivaldi with their RTTs.
moved=$(net_get 2 /api/v1/network/nodes | jq '[.nodes[] | select(.coordinates.error < 1.5)] | length')
ok "$(test "$moved" -ge 4; echo $?)" "nodes publish coordinates updated from measured RTTs ($moved of 6)"

# A node's own reports are signed by it and kept in SQLite.
hold=$(sqlite3 "$T_DIR/n1/state/chorus.db" "SELECT count(*) FROM netrecs WHERE kind = 2")
ok "$(test "$hold" -ge 20; echo $?)" "node 1 keeps the reports in SQLite ($hold)"
# Probes did not use up the new-node allowance: nodes measuring a node
# do not count against it.
refused=$(echo "$m" | awk '$1 == "chorus_dropped_total{reason=\"new_node_limit\"}" { print $2 }')
is "${refused:-0}" 0 "no measuring session was refused by the new-node allowance"
finish
