#!/usr/bin/env bash
# The node never holds the media key: with a room in use, its memory (a
# gcore dump, and the live process) is scanned for the room secret, the
# media key and the per-sender keys, derived here from the link.  The
# join key, which the node must hold, is the positive control: a scan
# that finds nothing at all proves nothing.
. "$top_srcdir/tests/integ/lib.sh"
. "$top_srcdir/tests/integ/roomlib.sh"
speech_wav "$T_DIR/speech.wav" || skip_all "espeak-ng and sox are needed"
plan 13

start; ok $? "chorusd starts"
make_room; ok $? "room created"
"$CHORUS" join "$LINK" --duration 6 >/dev/null 2>&1 &
L=$!
sleep 1
"$CHORUS" join "$LINK" --send "$T_DIR/speech.wav" --duration 4 >/dev/null 2>&1 &
S=$!
sleep 2.5
is "$(api /api/v1/rooms | jq '.media.packets_forwarded > 20')" true \
    "audio is flowing through the node"

scan() {
	python3 "$top_srcdir/tests/integ/memscan.py" "$LINK" "$1" >"$T_DIR/scan" 2>&1
}
# A sanitizer build reserves terabytes of shadow memory: no core dump.
if grep -q libasan "/proc/$PID/maps"; then
	scan "$PID"; ok $? "the live node's memory is scanned (sanitizer build: no gcore)"
elif command -v gcore >/dev/null && gcore -o "$T_DIR/core" "$PID" >/dev/null 2>&1; then
	scan "$T_DIR/core.$PID"; ok $? "a core dump of the running node is scanned"
else
	scan "$PID"; ok $? "the live node's memory is scanned (no gcore)"
fi
contains "$T_DIR/scan" "^join_key found$" "the join key is there (the scan works)"
for k in secret media_key sender_key_1 sender_key_2; do
	contains "$T_DIR/scan" "^$k absent$" "the $k is not in the node's memory"
done
scan "$PID"; ok $? "the live process is scanned too"
contains "$T_DIR/scan" "^join_key found$" "live: the join key is there"
contains "$T_DIR/scan" "^media_key absent$" "live: the media key is not"
wait $S; rs=$?
wait $L; rl=$?
ok $((rs | rl)) "the speaker and the listener end cleanly"
rm -f "$T_DIR"/core.*
finish
