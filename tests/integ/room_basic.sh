#!/usr/bin/env bash
# Rooms end to end: create, join, limits, and each refusal with its own
# message and exit status; /api/v1/rooms and /metrics count it all.
. "$top_srcdir/tests/integ/lib.sh"
. "$top_srcdir/tests/integ/roomlib.sh"
plan 23

write_conf "max-room-members = 2" "max-rooms = 2"
start; ok $? "chorusd starts"

make_room; ok $? "room create succeeds"
FIRST=$LINK
echo "$LINK" >"$T_DIR/link"
contains "$T_DIR/link" '^chorus://JOIN\?node=127\.0\.0\.1:[0-9]+&key=[a-z2-7]{52}&room=[a-z2-7]{52}#s=[a-z2-7]{52}$' \
    "the link names node, key, room and secret"
is "$(api /api/v1/rooms | jq '.rooms')" 1 "the API counts one room"

# Two members join; both see each other's audio-less presence.
"$CHORUS" join "$LINK" --duration 3 --stats json >"$T_DIR/a.json" 2>"$T_DIR/a.err" &
A=$!
sleep 1
is "$(api /api/v1/rooms | jq '.members')" 1 "one member in the room"
"$CHORUS" join "$LINK" --duration 1 --stats json >"$T_DIR/b.json" 2>"$T_DIR/b.err"
ok $? "a second member joins and leaves"
is "$(jq .member "$T_DIR/b.json")" 2 "the second member got index 2"

# A third member while two are in: the room is full.
"$CHORUS" join "$LINK" --duration 1 >/dev/null 2>"$T_DIR/full.err" &
F1=$!
sleep 0.5
"$CHORUS" join "$LINK" --duration 1 >/dev/null 2>"$T_DIR/full2.err"
rc=$?
wait $F1
is "$rc" 7 "a third member at once: exit status 7"
contains "$T_DIR/full2.err" "room is full" "and it says the room is full"
wait $A; ok $? "the first member ends cleanly"
is "$(jq .rtt_ms.avg "$T_DIR/a.json" | awk '{ print ($1 > 0 && $1 < 100) }')" 1 \
    "stats report a round-trip time"

# Wrong secret (a link with another s=): the proof fails.
bad=$(echo "$LINK" | sed -E 's/#s=[a-z2-7]{4}/#s=aaaa/')
"$CHORUS" join "$bad" --duration 1 >/dev/null 2>"$T_DIR/secret.err"
is "$?" 5 "wrong room secret: exit status 5"
contains "$T_DIR/secret.err" "wrong room secret or password" "and says so"

# Password rooms.
make_room --password hunter2; ok $? "a room with a password"
PLINK=$LINK
"$CHORUS" join "$PLINK" --duration 1 >/dev/null 2>"$T_DIR/nopw.err"
is "$?" 1 "joining without --password is a usage error"
"$CHORUS" join "$PLINK" --password wrong --duration 1 >/dev/null 2>"$T_DIR/pw.err"
is "$?" 5 "wrong password: exit status 5"
"$CHORUS" join "$PLINK" --password hunter2 --duration 1 >/dev/null 2>&1
ok $? "the right password joins"

# Node limits: max-rooms = 2.
make_room
is "$?" 7 "a third room on a node with max-rooms = 2: exit status 7"

# Unknown room: a link to a room the node does not have.
other=$(echo "$FIRST" | sed -E 's/room=[a-z2-7]{4}/room=aaaa/')
"$CHORUS" join "$other" --duration 1 >/dev/null 2>"$T_DIR/unk.err"
is "$?" 8 "unknown room: exit status 8"

# Wrong node key: the port answers STUN but not the handshake.
wrongkey=$(echo "$FIRST" | sed -E 's/key=[a-z2-7]{4}/key=aaaa/')
"$CHORUS" join "$wrongkey" --timeout 2 --duration 1 >/dev/null 2>"$T_DIR/key.err"
is "$?" 4 "wrong node key: exit status 4"
contains "$T_DIR/key.err" "wrong node key" "and says so"

# Unreachable node.
dead=$(echo "$FIRST" | sed -E "s/:$PORT&/:$(free_port)\&/")
"$CHORUS" join "$dead" --timeout 1.5 --duration 1 >/dev/null 2>"$T_DIR/dead.err"
is "$?" 2 "unreachable node: exit status 2"

check "metrics count handshakes" test "$(metric chorus_handshakes_total | cut -d. -f1)" -ge 6
finish
