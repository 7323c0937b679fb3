#!/usr/bin/env bash
# Vouching, settled by the ledger (doc/REPUTATION.md 3.8 and 9): three
# nodes in a private DHT network (inside a network namespace this test
# makes).  Node 1 scores (the test build, ticking every second); node 2
# earns a good score from measurement reports and vouches for node 3, a
# young node nobody has measured.  Node 1's explanations show node 3's
# boost and node 2's held stake, bounded by the formula however many
# points the vouch claims; a vouch by a node without standing stakes
# nothing.  Then node 3 fails its measurements (reports from eight
# prefixes): at the next tick the stake is forfeit, node 2's score is
# down by the stake, and that survives node 1's restart (SQLite).
#
# The reports come from fresh identities (tests/tools/mkreport) that the
# test build treats as verifiers of 60 days with a score of 1
# (CHORUS_TEST_VERIFIER_DAYS, CHORUS_TEST_VERIFIER_SCORE): as if
# established nodes had measured, so 40 reports give a real score.
. "$top_srcdir/tests/integ/netns.sh"
: "${top_builddir:?}"
TAMPER="$top_builddir/tests/chorusd-tamper"
MKREPORT="$top_builddir/tests/tools/mkreport"
[ -x "$TAMPER" ] || skip_all "tests/chorusd-tamper was not built"
[ -x "$MKREPORT" ] || skip_all "tests/tools/mkreport was not built"
plan 24

export CHORUS_TEST_VERIFIER_DAYS=60 CHORUS_TEST_VERIFIER_SCORE=1
export CHORUS_TEST_LEDGER_SEC=1
NET=vouchtest
get() { net_get "$@"; }
# explain ID: node 1's reputation of a node.
explain() { get 1 "/api/v1/network/nodes/$1" | jq .reputation; }
# post RECORD: hand a signed record to node 1.
post() {
	curl -sf -X POST -H 'Content-Type: application/json' \
	    -d "{\"report\": \"$1\"}" "http://127.0.0.1:$HTTP1/api/v1/reports" >/dev/null
}
# post_all FILE: every record in it; fails if one is refused.
post_all() {
	local r rc=0
	while read -r r; do post "$r" || rc=1; done <"$1"
	return $rc
}
# until_jq ID FILTER: wait (at most 10 s) until node 1's explanation of
# ID satisfies FILTER; leaves it in $T_DIR/ex.
until_jq() {
	for _ in $(seq 40); do
		explain "$1" >"$T_DIR/ex"
		[ "$(jq "$2" "$T_DIR/ex")" = true ] && return 0
		sleep 0.25
	done
	return 1
}
# near A B TOLERANCE: |A - B| <= TOLERANCE
near() { awk -v a="$1" -v b="$2" -v t="$3" 'BEGIN { d = a - b; if (d < 0) d = -d; exit !(d <= t) }'; }

net_node 1 $NET "$TAMPER" && net_node 2 $NET "$CHORUSD" "127.0.0.1:$DHT1" &&
    net_node 3 $NET "$CHORUSD" "127.0.0.1:$DHT1"
ok $? "three nodes start"
for _ in $(seq 60); do
	[ "$(get 1 /api/v1/network/nodes | jq '.nodes | length')" = 3 ] && break
	sleep 0.5
done
is "$(get 1 /api/v1/network/nodes | jq '.nodes | length')" 3 "node 1 knows all three"
id2=$(get 2 /api/v1/status | jq -r .node.id)
id3=$(get 3 /api/v1/status | jq -r .node.id)

# Node 2 earns its score: 40 perfect reports, 100 Mbit/s, 10 ms.
"$MKREPORT" -p 100 -t 100000 -b 1000000 -r 10000 -s 0 -l 0 40 $NET "$id2" \
    >"$T_DIR/good" && post_all "$T_DIR/good"
ok $? "40 reports on node 2 accepted"
until_jq "$id2" '.score > 0.4 and .reports == 40 and
    (.history[0].score - .score | fabs) < 0.002'
ok $? "node 2 scores above vouch_min_score (0.4), in its history too"
s0=$(jq .score "$T_DIR/ex") own=$(jq .vouch.own_score "$T_DIR/ex")
diag "node 2: score $s0"

# Node 2 vouches for node 3 claiming 1000 points (a whole score); node 3,
# which has no standing, vouches back: it may stake nothing.
"$MKREPORT" -V "$T_DIR/n2/state/node.key" $NET "$id3" 1000 >"$T_DIR/v23" &&
    post "$(cat "$T_DIR/v23")"
ok $? "node 2's vouch for node 3, signed with its key, accepted"
"$MKREPORT" -V "$T_DIR/n3/state/node.key" $NET "$id2" 500 >"$T_DIR/v32" &&
    post "$(cat "$T_DIR/v32")"
ok $? "node 3's vouch for node 2 accepted"
until_jq "$id3" '.vouches_received[0].state == "held"'
ok $? "after a tick node 1 holds node 2's stake on node 3"
stake=$(jq .vouches_received[0].stake "$T_DIR/ex")
diag "stake $stake"
check "the stake is what the formula allows: 0.2 x node 2's own score" \
    near "$stake" "$(awk -v s="$own" 'BEGIN { print 0.2 * s }')" 0.002
is "$(jq --argjson k "$stake" '.vouch.boost == $k and .score == $k and
    .base == 0 and .vouches_received[0].points == 1000' "$T_DIR/ex")" true \
    "node 3's explanation: the boost is its whole score"
explain "$id2" >"$T_DIR/ex2"
is "$(jq --argjson k "$stake" '.vouch.held == $k and
    .vouches_given[0].state == "held" and .vouches_given[0].stake == $k and
    .vouches_given[0].vouchee == "'"$id3"'"' "$T_DIR/ex2")" true \
    "node 2's explanation: the stake it holds on node 3"
check "node 2's score carries the stake" \
    near "$(jq .score "$T_DIR/ex2")" "$(awk -v s="$s0" -v k="$stake" 'BEGIN { print s - k }')" 0.002
is "$(jq '.vouches_received[0].state == "pending" and
    .vouches_received[0].stake == 0 and .vouch.boost == 0' "$T_DIR/ex2")" true \
    "node 3's vouch stakes nothing: it is below vouch_min_score"
is "$(jq '(.counted_reports | length) == 40 and
    all(.counted_reports[]; (.weight - 100 | fabs) < 0.01 and .capped == false and
    .passed == 100 and .verifier_score == 1)' \
    "$T_DIR/ex2")" true "the counted reports and their weights are listed"

# Node 3 fails: eight verifiers, each its own prefix, see half pass.
"$MKREPORT" -p 50 8 $NET "$id3" >"$T_DIR/bad" && post_all "$T_DIR/bad"
ok $? "8 failing reports on node 3 accepted"
until_jq "$id2" '.vouches_given[0].state == "forfeit"'
ok $? "at the next tick the stake is forfeit"
is "$(jq --argjson k "$stake" '.vouch.held == 0 and
    (.vouch.penalty - $k | fabs) < 0.0001 and .vouches_given[0].settled != null' \
    "$T_DIR/ex")" true "node 2 carries the lost stake as a penalty"
s2=$(jq .score "$T_DIR/ex")
check "node 2's score is down by the stake ($s0 -> $s2)" \
    near "$(awk -v a="$s0" -v b="$s2" 'BEGIN { print a - b }')" "$stake" 0.002
is "$(explain "$id3" | jq '.vouch.boost == 0 and .vouches_received[0].state == "forfeit"')" \
    true "node 3 lost its boost"

# Publishing the vouch again (a newer record) does not renew it.
sleep 1.1
"$MKREPORT" -V "$T_DIR/n2/state/node.key" $NET "$id3" 1000 >"$T_DIR/v23b" &&
    post "$(cat "$T_DIR/v23b")"
ok $? "node 2's vouch for node 3, published again, accepted"
sleep 2.5	# two ticks
is "$(explain "$id2" | jq '[.vouches_given[].state] == ["forfeit"] and .vouch.held == 0')" \
    true "a settled vouch is not taken up again"

# The forfeit survives a restart of node 1.
kill -TERM "${NET_PIDS[0]}" && wait "${NET_PIDS[0]}"
CHORUS_TAMPER= "$TAMPER" -c "$T_DIR/n1/conf" -f >>"$T_DIR/n1/log" 2>&1 &
NET_PIDS[0]=$!
for _ in $(seq 50); do get 1 /api/v1/status >/dev/null && break; sleep 0.1; done
is "$(sqlite3 "$T_DIR/n1/state/chorus.db" 'SELECT state, stake > 0 FROM vouches')" "2|1" \
    "node 1 restarted: the forfeit is in its database"
explain "$id2" >"$T_DIR/ex"
is "$(jq --argjson k "$stake" '.vouches_given[0].state == "forfeit" and
    (.vouch.penalty - $k | fabs) < 0.0001' "$T_DIR/ex")" true \
    "and node 2 still carries the penalty"

# Score history: a point when a score moves, not at every tick.
is "$(jq --argjson s "$s0" 'any(.history[]; (.score - $s | fabs) < 0.002) and
    (.history | length) >= 2' "$T_DIR/ex")" true \
    "node 2's history shows its score before the vouch"
is "$(explain "$(get 1 /api/v1/status | jq -r .node.id)" | jq '.history | length')" 1 \
    "an unmeasured node's unchanged score is one point, not one per tick"
finish
