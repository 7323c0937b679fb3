#!/usr/bin/env bash
# kill -9 during ledger writes: a node takes a stream of measurement
# reports (each acknowledged only once committed to SQLite) and is killed
# with SIGKILL part-way; after a restart the database passes SQLite's
# integrity check and holds every report it had acknowledged.
# OpenDHT binds every interface: the node runs in a namespace of its own.
. "$top_srcdir/tests/integ/netns.sh"
: "${top_builddir:?}"
MKREPORT="$top_builddir/tests/tools/mkreport"
[ -x "$MKREPORT" ] || skip_all "tests/tools/mkreport was not built"
plan 6

# A node network of one: no bootstrap nodes, and nowhere to go anyway.
write_conf "dht = yes" "dht-port = $(free_port)" "network-id = crashtest"
start; ok $? "chorusd starts with its ledger"
id=$(api /api/v1/status | jq -r .node.id)
"$MKREPORT" 60 crashtest "$id" >"$T_DIR/reports"; ok $? "60 signed reports made"

: >"$T_DIR/acked"
(
	n=0
	while read -r r; do
		if curl -sf -X POST -H 'Content-Type: application/json' \
		    -d "{\"report\": \"$r\"}" "$BASE/api/v1/reports" >/dev/null; then
			n=$((n + 1))
			echo $n >"$T_DIR/acked"
		fi
	done <"$T_DIR/reports"
) &
W=$!
# Kill it in the middle of the stream.
for _ in $(seq 100); do
	[ "$(cat "$T_DIR/acked" 2>/dev/null || echo 0)" -ge 25 ] 2>/dev/null && break
	sleep 0.05
done
kill -9 "$PID"
wait "$PID" 2>/dev/null
PID=
wait $W 2>/dev/null
acked=$(cat "$T_DIR/acked")
diag "$acked reports acknowledged before SIGKILL"
check "at least 25 reports were acknowledged" test "$acked" -ge 25

is "$(sqlite3 "$STATE/chorus.db" 'PRAGMA integrity_check')" ok \
    "the database is intact after SIGKILL"
start; ok $? "chorusd starts again on it"
check "every acknowledged report is still there" test \
    "$(api /api/v1/reports/1 | jq .total)" -ge "$acked"
finish
