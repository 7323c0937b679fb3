#!/usr/bin/env bash
# Moderation: the owner's identity (a moderator from the room's creation)
# kicks a member; the member is cut at once, the media key is rotated to
# everyone else, and when the kicked member comes back with the link it
# receives frames it cannot decrypt.  A ban keeps it out; a member who is
# not a moderator cannot kick.
. "$top_srcdir/tests/integ/lib.sh"
. "$top_srcdir/tests/integ/roomlib.sh"
speech_wav "$T_DIR/speech.wav" || skip_all "espeak-ng and sox are needed"
sox "$T_DIR/speech.wav" "$T_DIR/long.wav" repeat 3 >/dev/null 2>&1
plan 23

start; ok $? "chorusd starts"
make_room; ok $? "room created by the owner"
"$CHORUS" keygen --out "$T_DIR/k.key" >/dev/null
KID=$(client_id "$T_DIR/k.key")

"$CHORUS" join "$LINK" --duration 16 --stats json >"$T_DIR/l.json" 2>"$T_DIR/l.err" &
L=$!
"$CHORUS" join "$LINK" --identity "$T_DIR/k.key" --duration 16 --stats json \
    >"$T_DIR/k1.json" 2>"$T_DIR/k1.err" &
K=$!
sleep 1
"$CHORUS" join "$LINK" --send "$T_DIR/long.wav" --duration 14 --stats json \
    >"$T_DIR/a.json" 2>"$T_DIR/a.err" &
A=$!
sleep 2.5

"$CHORUS" kick "$LINK" "$KID" --identity "$T_DIR/k.key" >/dev/null 2>"$T_DIR/selfkick.err"
is "$?" 11 "a member who is not a moderator cannot kick (exit 11)"
"$CHORUS" kick "$LINK" "$KID" --identity "$T_DIR/owner.key" >"$T_DIR/kick.out" 2>"$T_DIR/kick.err"
ok $? "the owner kicks K"
contains "$T_DIR/kick.err" "rotated to epoch 1" "and rotates the media key"
wait $K
is "$?" 9 "K is cut at once with exit status 9"
contains "$T_DIR/k1.err" "kicked" "and is told it was kicked"
is "$(jq '.decoded.frames > 20' "$T_DIR/k1.json")" true "K heard the room before the kick"

# K comes back with the link: it may join, but cannot read the new epoch.
"$CHORUS" join "$LINK" --identity "$T_DIR/k.key" --duration 3 --stats json \
    >"$T_DIR/k2.json" 2>"$T_DIR/k2.err"
ok $? "K can rejoin with the link (a kick is not a ban)"
is "$(jq '.received.no_key > 50' "$T_DIR/k2.json")" true \
    "K receives frames of the new epoch it has no key for"
is "$(jq .decoded.frames "$T_DIR/k2.json")" 0 "K decodes nothing after the rotation"

wait $A; ok $? "the speaker ends cleanly"
wait $L; ok $? "the listener ends cleanly"
is "$(jq .key_epoch "$T_DIR/l.json")" 1 "the listener moved to epoch 1"
is "$(jq '.decoded.frames > 400' "$T_DIR/l.json")" true \
    "the listener kept decoding across the rotation"

"$CHORUS" ban "$LINK" "$KID" --identity "$T_DIR/owner.key" >/dev/null 2>"$T_DIR/ban.err"
ok $? "the owner bans K"
"$CHORUS" join "$LINK" --identity "$T_DIR/k.key" --duration 1 >/dev/null 2>"$T_DIR/k3.err"
is "$?" 6 "banned K is refused (exit 6)"

# Co-moderators: the owner's room key promotes M, who may then kick.
"$CHORUS" keygen --out "$T_DIR/m.key" >/dev/null
"$CHORUS" keygen --out "$T_DIR/x.key" >/dev/null
MID=$(client_id "$T_DIR/m.key")
XID=$(client_id "$T_DIR/x.key")
"$CHORUS" join "$LINK" --identity "$T_DIR/x.key" --duration 8 >/dev/null 2>"$T_DIR/x.err" &
X=$!
sleep 1
"$CHORUS" kick "$LINK" "$XID" --identity "$T_DIR/m.key" >/dev/null 2>&1
is "$?" 11 "M, not yet a moderator, cannot kick"
"$CHORUS" promote "$LINK" "$MID" --identity "$T_DIR/m.key" >/dev/null 2>&1
is "$?" 11 "M cannot promote itself with its own key"
"$CHORUS" promote "$LINK" "$MID" --room-key "$ROOMKEY" --identity "$T_DIR/owner.key" \
    >/dev/null 2>"$T_DIR/promote.err"
ok $? "the room key promotes M"
"$CHORUS" kick "$LINK" "$XID" --identity "$T_DIR/m.key" >/dev/null 2>"$T_DIR/mkick.err"
ok $? "M, promoted, kicks X"
wait $X
is "$?" 9 "X is cut (exit 9)"
"$CHORUS" kick "$LINK" "$(client_id "$T_DIR/owner.key")" --identity "$T_DIR/m.key" \
    >/dev/null 2>&1
is "$?" 11 "a moderator cannot kick another moderator"
finish
