#!/usr/bin/env bash
# Blocking in a mixed room: the node sends one shared mix to listeners,
# so a listener who blocks a speaker gets that speaker's mix-minus
# instead (the mix of everyone else).  Two speakers (500 Hz and 900 Hz),
# two listeners; mid-way listener A blocks the 500 Hz speaker: from a
# second later A hears 900 Hz only, B still hears both, and the node
# counts what it held back.
. "$top_srcdir/tests/integ/lib.sh"
. "$top_srcdir/tests/integ/roomlib.sh"
[ -n "$PYNUM" ] || skip_all "python3-numpy is needed"
plan 7

for k in s t a b; do "$CHORUS" keygen --out "$T_DIR/$k.key" >/dev/null; done
SID=$(client_id "$T_DIR/s.key")
start; ok $? "chorusd starts"
make_room --mixed; ok $? "a mixed room"
block_scene 11 || skip_all "cannot make a tone"
BLOCK_AT=$(date +%s.%N)
"$CHORUS" block add "$SID" --list "$T_DIR/a.bl"
ok $? "A blocks the 500 Hz speaker"
wait "$S_s" "$S_t" "$L_a" "$L_b"
SKIP=$(echo "$A_START $BLOCK_AT" | awk '{ printf "%.2f", $2 - $1 + 1.0 }')
tones check "$T_DIR/a.wav" --present 500,900 >"$T_DIR/a.all" 2>&1
ok $? "before the block A hears both in the mix: $(cat "$T_DIR/a.all")"
tones check "$T_DIR/a.wav" --present 900 --absent 500 --skip "$SKIP" >"$T_DIR/a.tail" 2>&1
ok $? "from 1 s after the block (${SKIP}s in) A hears 900 Hz only: $(cat "$T_DIR/a.tail")"
tones check "$T_DIR/b.wav" --present 500,900 --skip "$SKIP" >"$T_DIR/b.tail" 2>&1
ok $? "B, who blocked nobody, still hears both: $(cat "$T_DIR/b.tail")"
is "$(api /api/v1/rooms | jq '.list[0].media_blocked > 100')" true \
    "the node counts the mixes it sent A without the blocked voice ($(api /api/v1/rooms | jq .list[0].media_blocked))"
