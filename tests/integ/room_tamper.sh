#!/usr/bin/env bash
# A dishonest node: tests/chorusd-tamper alters the media frames it
# forwards (CHORUS_TAMPER=header|level|payload); receivers must refuse
# every altered frame, and decode everything when nothing is altered.
. "$top_srcdir/tests/integ/lib.sh"
. "$top_srcdir/tests/integ/roomlib.sh"
: "${top_builddir:?}"
CHORUSD="$top_builddir/tests/chorusd-tamper"
[ -x "$CHORUSD" ] || skip_all "tests/chorusd-tamper was not built"
speech_wav "$T_DIR/speech.wav" || skip_all "espeak-ng and sox are needed"
sox "$T_DIR/speech.wav" "$T_DIR/short.wav" trim 0 2 >/dev/null 2>&1
plan 12

# run MODE: one speaker, one listener; the listener's stats in $T_DIR/MODE.json
run() {
	local l
	write_conf
	CHORUS_TAMPER=$1 start || return 1
	make_room || return 1
	"$CHORUS" join "$LINK" --duration 4 --stats json >"$T_DIR/$1.json" \
	    2>"$T_DIR/$1.err" &
	l=$!
	sleep 1
	"$CHORUS" join "$LINK" --send "$T_DIR/short.wav" >/dev/null 2>&1
	wait $l
	stop
}

for mode in none header level payload; do
	run $mode; ok $? "node with CHORUS_TAMPER=$mode runs a room"
done
is "$(jq .received.bad_auth "$T_DIR/none.json")" 0 "honest node: nothing refused"
is "$(jq '.decoded.frames > 50' "$T_DIR/none.json")" true "honest node: audio decoded"
for mode in header level payload; do
	is "$(jq '.received.bad_auth > 50' "$T_DIR/$mode.json")" true \
	    "altered $mode: the listener refuses the frames"
	is "$(jq .decoded.frames "$T_DIR/$mode.json")" 0 \
	    "altered $mode: nothing is played"
done
finish
