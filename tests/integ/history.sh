#!/usr/bin/env bash
# Lifetime totals and the traffic history: kept in SQLite, folded by
# GET /api/v1/history, surviving a restart, and aggregates only.  The
# test daemon samples every second (CHORUS_TEST_HISTORY_SEC) so that a
# few seconds of traffic fill several steps.
. "$top_srcdir/tests/integ/lib.sh"
. "$top_srcdir/tests/integ/roomlib.sh"
plan 23

CHORUSD="$top_builddir/tests/chorusd-tamper"
export CHORUS_TEST_HISTORY_SEC=1
write_conf "tls-port = 0"
start; ok $? "chorusd starts"

st=$(api /api/v1/status)
since=$(echo "$st" | jq .lifetime.since)
is "$(echo "$st" | jq '[.lifetime.sessions, .lifetime.forwarded_bytes,
    .rooms.members, .network.enabled] | map(tostring) | join(" ")')" \
    '"0 0 0 false"' "a new node: nothing yet, no network"
check "the first start is recorded" [ "$since" -gt 1000000000 ]
is "$(echo "$st" | jq '.process.rss_bytes > 1000000')" true \
    "the daemon's resident memory is shown"
sleep 1.1
is "$(api /api/v1/status | jq '.process.cpu_percent | type')" '"number"' \
    "CPU use is a number once two readings are a second apart"

# Traffic: ten simulated members in a room, speaking for 4 s.
make_room; ok $? "a room"
"$CHORUS" join "$LINK" --simulate 10 --speakers 3 --duration 4 \
    >/dev/null 2>"$T_DIR/sim.err" &
S=$!
sleep 2
is "$(api /api/v1/status | jq '.rooms.members')" 10 \
    "status counts the room's members"
wait $S; ok $? "the simulated members ran"
sleep 2.2	# the last samples
st=$(api /api/v1/status)
fwd=$(echo "$st" | jq .rooms.forwarded_bytes)
check "media was forwarded" [ "$fwd" -gt 10000 ]
is "$(echo "$st" | jq .lifetime.forwarded_bytes)" "$fwd" \
    "lifetime forwarded bytes: this run's, before any restart"
is "$(echo "$st" | jq .lifetime.chorus_sessions)" 11 \
    "lifetime sessions: the owner's and ten members'"

h=$(api '/api/v1/history?range=hour')
is "$(echo "$h" | jq -c '[.range, .step, .sample]')" '["hour",1,1]' \
    "range=hour: one-second steps under the test hook"
hsum=$(echo "$h" | jq '[.points[].forwarded_bytes] | add')
is "$hsum" "$fwd" "the hour's steps add up to every byte forwarded"
is "$(echo "$h" | jq '[.points[].members] | max')" 10 \
    "the members gauge peaked at ten"
check "several steps carry traffic" [ "$(echo "$h" |
    jq '[.points[] | select(.forwarded_bytes > 0)] | length')" -ge 3 ]
d=$(api '/api/v1/history?range=day')
is "$(echo "$d" | jq -c '[.step, ([.points[].forwarded_bytes] | add),
    ([.points[].members] | max)]')" "[5,$hsum,10]" \
    "range=day folds five samples a step: same bytes, same peak"
is "$(curl -s -o /dev/null -w '%{http_code}' "$BASE/api/v1/history?range=week")" \
    400 "an unknown range is refused"

# Restart: what was counted comes back from SQLite.
stop; is "$STOP_RC" 0 "chorusd stops cleanly"
db="$STATE/chorus.db"
is "$(sqlite3 "$db" "SELECT value FROM totals WHERE name = 'media_bytes_forwarded'")" \
    "$fwd" "the forwarded bytes are in the totals table"
start; ok $? "chorusd starts again"
st=$(api /api/v1/status)
is "$(echo "$st" | jq -c '[.lifetime.since, .lifetime.forwarded_bytes,
    .lifetime.chorus_sessions]')" "[$since,$fwd,11]" \
    "lifetime totals and first start survive the restart"

# Aggregates only: the series names, and no address anywhere.
is "$(sqlite3 "$db" "SELECT group_concat(name, ' ') FROM
    (SELECT DISTINCT name FROM history ORDER BY name)")" \
    "allocations forwarded_bytes members relayed_bytes rooms rx_bytes sessions tx_bytes" \
    "history keeps eight aggregate series"
sqlite3 "$db" .dump >"$T_DIR/dump.sql"
check "no address in the database" \
    sh -c "! grep -Eq '127\.0\.0\.1|::1|:$PORT' '$T_DIR/dump.sql'"
stop
