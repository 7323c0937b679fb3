#!/usr/bin/env bash
# Three members in a room: speech sent by one arrives at the other two,
# decoded, and matches the original (correlation after alignment, a
# bound that silence or noise cannot reach).
. "$top_srcdir/tests/integ/lib.sh"
. "$top_srcdir/tests/integ/roomlib.sh"
speech_wav "$T_DIR/speech.wav" || skip_all "espeak-ng and sox are needed"
[ -n "$PYNUM" ] || skip_all "python3-numpy is needed"
plan 12

audiocmp --self-test >"$T_DIR/self" 2>&1
ok $? "the comparison refuses silence and noise (self-test)"
start; ok $? "chorusd starts"
make_room; ok $? "room created"

"$CHORUS" join "$LINK" --record "$T_DIR/b.wav" --duration 9 --stats json \
    >"$T_DIR/b.json" 2>"$T_DIR/b.err" &
B=$!
"$CHORUS" join "$LINK" --record "$T_DIR/c.wav" --duration 9 --stats json \
    >"$T_DIR/c.json" 2>"$T_DIR/c.err" &
C=$!
sleep 1.5
"$CHORUS" join "$LINK" --send "$T_DIR/speech.wav" --stats json \
    >"$T_DIR/a.json" 2>"$T_DIR/a.err"
ok $? "the speaker sends its file and leaves"
wait $B; ok $? "listener B ends cleanly"
wait $C; ok $? "listener C ends cleanly"

for who in b c; do
	audiocmp "$T_DIR/speech.wav" "$T_DIR/$who.wav" --min-corr 0.6 \
	    >"$T_DIR/$who.cmp" 2>&1
	ok $? "listener ${who^^} hears the speech ($(cat "$T_DIR/$who.cmp"))"
done
is "$(jq .received.bad_auth "$T_DIR/b.json")" 0 "no frame failed to authenticate"
is "$(jq '.decoded.frames > 100' "$T_DIR/b.json")" true "B decoded the frames"
is "$(jq '.sent.frames > 100' "$T_DIR/a.json")" true "A sent its frames"
is "$(api /api/v1/rooms | jq '.media.packets_forwarded >= 200')" true \
    "the node counts what it forwarded"
finish
