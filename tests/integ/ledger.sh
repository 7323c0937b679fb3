#!/usr/bin/env bash
# Reputation from verified work: three nodes in a private DHT network
# (inside a network namespace this test makes), two honest and one that
# drops a fifth of what it forwards (tests/chorusd-tamper).  Verifiers
# probe them with chorus probe and hand the signed reports to one node,
# which keeps them, shares them over the DHT, and scores every node: the
# dropping node ends below half the honest ones' score.  Reports that do
# not verify are refused.  A verifier first seen today counts nothing
# (doc/REPUTATION.md), so the scoring node is the test build, told to
# age verifiers by 60 days (CHORUS_TEST_VERIFIER_DAYS).
. "$top_srcdir/tests/integ/netns.sh"
: "${top_builddir:?}"
TAMPER="$top_builddir/tests/chorusd-tamper"
[ -x "$TAMPER" ] || skip_all "tests/chorusd-tamper was not built"
plan 17

export CHORUS_TEST_VERIFIER_DAYS=60
node_up() { net_node "$1" ledgertest "$2" "${3:-}"; }
get() { net_get "$@"; }

node_up 1 "$TAMPER" && node_up 2 "$CHORUSD" "127.0.0.1:$DHT1" &&
    TAMPER_MODE=drop node_up 3 "$TAMPER" "127.0.0.1:$DHT1"
ok $? "two honest nodes and a dropping one start"
for _ in $(seq 60); do
	[ "$(get 1 /api/v1/network/nodes | jq '.nodes | length')" = 3 ] &&
	    [ "$(get 2 /api/v1/network/nodes | jq '.nodes | length')" = 3 ] && break
	sleep 0.5
done
is "$(get 1 /api/v1/network/nodes | jq '.nodes | length')" 3 "node 1 knows all three"

# probe I: one verifier (a fresh identity) measures node I; report to node 1.
probe() {
	local id key out
	id=$(get "$1" /api/v1/status | jq -r .node.id)
	key=$(get "$1" /api/v1/status | jq -r .node.noise_key)
	out=$("$CHORUS" probe --node "127.0.0.1:$(eval echo \$UDP$1)" --node-key "$key" \
	    --node-id "$id" --network-id ledgertest --packets 200 --rate 200 \
	    --size 300 2>>"$T_DIR/probe.err") || return 1
	echo "$out" >>"$T_DIR/probes"
	curl -sf -X POST -H 'Content-Type: application/json' \
	    -d "{\"report\": \"$(echo "$out" | jq -r .report)\"}" \
	    "http://127.0.0.1:$HTTP1/api/v1/reports" >/dev/null
}
rc=0
for round in 1 2 3; do
	for i in 2 3; do probe $i || rc=1; done
done
ok $rc "three verifiers probed nodes 2 and 3 and handed node 1 their reports"

get 1 /api/v1/leaderboard >"$T_DIR/board1"
score() { jq -r --arg r "n$2" '.leaderboard[] | select(.region == $r) | .score' "$1"; }
s2=$(score "$T_DIR/board1" 2) s3=$(score "$T_DIR/board1" 3)
diag "scores: honest $s2, dropping $s3"
is "$(jq --arg r n2 '.leaderboard[] | select(.region == $r) | .reports' "$T_DIR/board1")" 3 \
    "node 1 counts three reports on node 2"
check "the honest node earned a score" awk -v s="$s2" 'BEGIN { exit !(s > 0) }'
check "the dropping node ends below half of it" awk -v a="$s3" -v b="$s2" 'BEGIN { exit !(a < b / 2) }'
is "$(jq -r --arg r n3 '.leaderboard[] | select(.region == $r) | .pass_median < 0.9' "$T_DIR/board1")" true \
    "its reports show challenges it failed to forward"

# The reports went out over the DHT: node 2 holds them too.
for _ in $(seq 40); do
	[ "$(get 2 /api/v1/leaderboard | jq '.reports')" -ge 6 ] 2>/dev/null && break
	sleep 0.5
done
check "node 2 received the reports over the DHT" test "$(get 2 /api/v1/leaderboard | jq '.reports')" -ge 6

# The rest of the network API on node 1.
id3=$(get 3 /api/v1/status | jq -r .node.id)
get 1 "/api/v1/network/nodes/$id3" >"$T_DIR/node3"
# Scores age with the reports: a later computation differs in the last digits.
is "$(jq --argjson s "$s3" '.region == "n3" and
    ((.reputation.score - $s) | fabs) <= 0.01 * $s' "$T_DIR/node3")" true \
    "/api/v1/network/nodes/ID: the descriptor and its score"
code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$HTTP1/api/v1/network/nodes/aaaa")
is "$code" 404 "an unknown node is 404"
get 1 /api/v1/reports/1 >"$T_DIR/reports"
is "$(jq '.total >= 6 and (.reports | length) == .total' "$T_DIR/reports")" true \
    "/api/v1/reports/1 lists the reports ($(jq .total "$T_DIR/reports"))"
code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$HTTP1/api/v1/reports/0")
is "$code" 404 "page 0 is 404"
get 1 /api/v1/topology >"$T_DIR/topo"
is "$(jq '(.nodes | length) == 3 and (.measured | length) >= 6' "$T_DIR/topo")" true \
    "/api/v1/topology: nodes and the RTTs reports measured"
get 1 /metrics >"$T_DIR/metrics"
check "the metrics parse strictly" python3 "$top_srcdir/tests/integ/promparse.py" "$T_DIR/metrics"
contains "$T_DIR/metrics" '^chorus_netrecs_total\{result="accepted"\} [1-9]' \
    "records accepted are counted"

# Reports that do not verify are refused and not kept.
code=$(curl -s -o /dev/null -w '%{http_code}' -X POST -H 'Content-Type: application/json' \
    -d '{"report": "bm90IGEgcmVwb3J0"}' "http://127.0.0.1:$HTTP1/api/v1/reports")
is "$code" 422 "a report that is not a signed record is refused"
bad=$(head -1 "$T_DIR/probes" | jq -r .report | base64 -d | python3 -c '
import base64, sys
b = bytearray(sys.stdin.buffer.read()); b[100] ^= 1
print(base64.b64encode(bytes(b)).decode())')
code=$(curl -s -o /dev/null -w '%{http_code}' -X POST -H 'Content-Type: application/json' \
    -d "{\"report\": \"$bad\"}" "http://127.0.0.1:$HTTP1/api/v1/reports")
is "$code" 422 "a report altered after signing is refused"
finish
