#!/usr/bin/env bash
# A 100-member room: above full-forward-limit the node forwards only the
# forward-speakers (3) loudest, so no listener ever receives more than 3
# streams, even with 5 people talking.
. "$top_srcdir/tests/integ/lib.sh"
. "$top_srcdir/tests/integ/roomlib.sh"
plan 12

start; ok $? "chorusd starts"
make_room; ok $? "room created"

"$CHORUS" join "$LINK" --simulate 100 --speakers 3 --duration 4 --stats json \
    >"$T_DIR/s3.json" 2>"$T_DIR/s3.err" &
S=$!
for i in $(seq 100); do
	[ "$(api /api/v1/rooms | jq '.members')" = 100 ] && break
	sleep 0.2
done
sleep 1
api /api/v1/rooms >"$T_DIR/rooms.json"
is "$(jq -r '.list[0].forwarding' "$T_DIR/rooms.json")" speakers \
    "a 100-member room forwards speakers only"
wait $S; ok $? "100 simulated members joined and ran"
is "$(jq .joined "$T_DIR/s3.json")" 100 "all 100 joined"
is "$(jq .max_streams_per_listener "$T_DIR/s3.json")" 3 "3 speakers: listeners get at most 3 streams"
is "$(jq .min_streams_per_listener "$T_DIR/s3.json")" 3 "... and every listener hears all 3"
is "$(jq .bad_auth "$T_DIR/s3.json")" 0 "every frame authenticated"

"$CHORUS" join "$LINK" --simulate 100 --speakers 5 --duration 4 --stats json \
    >"$T_DIR/s5.json" 2>"$T_DIR/s5.err"
ok $? "again with 5 speakers"
is "$(jq .max_streams_per_listener "$T_DIR/s5.json")" 3 "5 speakers: still at most 3 streams"
is "$(api /api/v1/rooms | jq '.media.suppressed > 0')" true \
    "the node suppressed the quieter speakers"
check "speaker events were sent" test "$(metric 'chorus_control_messages_total{direction="out"}' | cut -d. -f1)" -gt 200
finish
