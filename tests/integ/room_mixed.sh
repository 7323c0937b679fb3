#!/usr/bin/env bash
# Mixed rooms: three speakers with tones of their own, a fourth that
# is quieter and comes later (never one of the mix-speakers = 3), and
# three listeners.  Every listener hears all three tones; every speaker hears
# the other two and not itself (its mix-minus); loud speakers are
# limited, not clipped; the client refuses a room whose mode is not its
# link's; a node with max-mixed-rooms = 0 refuses to mix.
. "$top_srcdir/tests/integ/lib.sh"
. "$top_srcdir/tests/integ/roomlib.sh"
[ -n "$PYNUM" ] || skip_all "python3-numpy is needed"
plan 34

F=(400 700 1100)

tones --self-test >"$T_DIR/self" 2>&1
ok $? "the tone check refuses silence, noise, a missing or extra tone"
for i in 0 1 2; do
	tones gen "$T_DIR/t$i.wav" "${F[$i]}" 4 ||
	    { echo "Bail out! cannot write a tone"; exit 1; }
	tones gen "$T_DIR/loud$i.wav" "${F[$i]}" 3 --amplitude 0.95
done
# 12 dB under the others: never louder by the 6 dB that takes a place,
# and mixed it would be well within 20 dB of them.  It ends before the
# others' places fall free (1.5 s of quiet).
tones gen "$T_DIR/quiet.wav" 1500 3.5 --amplitude 0.06
start; ok $? "chorusd starts"
make_room --mixed; ok $? "a mixed room is created"
check "the link says mixed=1" sh -c "echo '$LINK' | grep -q '&mixed=1'"
contains "$T_DIR/create.err" "not end-to-end encrypted" \
    "the creator is told the room is not end-to-end encrypted"

# run_room LINK PREFIX WAVBASE [QUIET]: three listeners, then three
# speakers, then (1 s later) a fourth that sends QUIET.
run_room() {
	local i pids=()
	for i in 0 1 2; do
		"$CHORUS" join "$1" --record "$T_DIR/$2-l$i.wav" --duration 7 \
		    --stats json >"$T_DIR/$2-l$i.json" 2>"$T_DIR/$2-l$i.err" &
		pids+=($!)
	done
	sleep 1
	for i in 0 1 2; do
		"$CHORUS" join "$1" --send "$T_DIR/$3$i.wav" \
		    --record "$T_DIR/$2-s$i.wav" --stats json \
		    >"$T_DIR/$2-s$i.json" 2>"$T_DIR/$2-s$i.err" &
		pids+=($!)
	done
	if [ -n "${4:-}" ]; then
		sleep 1
		"$CHORUS" join "$1" --send "$4" --stats json \
		    >"$T_DIR/$2-q.json" 2>"$T_DIR/$2-q.err" &
		pids+=($!)
	fi
	RUN_FAIL=0
	for i in "${pids[@]}"; do wait "$i" || RUN_FAIL=$((RUN_FAIL + 1)); done
}

run_room "$LINK" m t "$T_DIR/quiet.wav"
is "$RUN_FAIL" 0 "seven members ran to the end"
contains "$T_DIR/m-l0.err" "MIXED" \
    "a member is told the room is MIXED"
is "$(jq .mixed "$T_DIR/m-s0.json")" true "its statistics say mixed"
for i in 0 1 2; do
	tones check "$T_DIR/m-l$i.wav" --present 400,700,1100 --absent 1500 \
	    >"$T_DIR/m-l$i.chk" 2>&1
	ok $? "listener $i hears the three speakers, not the fourth $(cat "$T_DIR/m-l$i.chk")"
done
for i in 0 1 2; do
	others=$(for k in 0 1 2; do [ $k -ne $i ] && printf '%s,' "${F[$k]}"; done)
	tones check "$T_DIR/m-s$i.wav" --present "$others" --absent "${F[$i]}" \
	    >"$T_DIR/m-s$i.chk" 2>&1
	ok $? "speaker $i hears the other two, not itself $(cat "$T_DIR/m-s$i.chk")"
done
is "$(jq .received.bad_auth "$T_DIR/m-l0.json")" 0 \
    "every mix authenticated at the listener"

rooms=$(api /api/v1/rooms)
room=$(echo "$rooms" | jq '.list[] | select(.forwarding == "mixed")')
is "$(echo "$rooms" | jq .mixed_rooms)" 1 "the node counts one mixed room"
check "the node decoded the speakers' frames" \
    [ "$(echo "$room" | jq .mix.decoded)" -gt 300 ]
# 3 speakers x 4 s = 600 frames opened; the fourth's 175 are not.
opened=$(echo "$room" | jq .mix.opened)
check "it opened the three speakers' frames, not the fourth's ($opened)" \
    [ "$opened" -ge 540 -a "$opened" -le 660 ]
check "it sent the mixes" [ "$(echo "$room" | jq .mix.packets_sent)" -gt 1000 ]
is "$(echo "$room" | jq .mix.bad_auth)" 0 "no frame failed to open"

# Loud speakers: near full scale each, three at once.
make_room --mixed; ok $? "a second mixed room"
run_room "$LINK" loud loud
is "$RUN_FAIL" 0 "six members ran to the end"
for i in 0 1; do
	tones check "$T_DIR/loud-l$i.wav" --present 400,700,1100 \
	    --max-clip 0.0005 >"$T_DIR/loud-l$i.chk" 2>&1
	ok $? "loud: listener $i hears all three, not clipped $(cat "$T_DIR/loud-l$i.chk")"
done
check "loud: the limiter turned the mix down" [ "$(api /api/v1/rooms |
    jq '[.list[] | select(.forwarding == "mixed") | .mix.limited] | max')" -gt 10 ]

# The mode must agree with the link, both ways.
E2E=$(echo "$LINK" | sed 's/&mixed=1//')
"$CHORUS" join "$E2E" --duration 1 >/dev/null 2>"$T_DIR/nolink.err"
is $? 12 "a mixed room, a link without mixed=1: refused (exit 12)"
contains "$T_DIR/nolink.err" "not end-to-end encrypted" \
    "... saying the node would hear it"
make_room; ok $? "an end-to-end room"
MIXLINK=$(echo "$LINK" | sed 's/#/\&mixed=1#/')
"$CHORUS" join "$MIXLINK" --duration 1 >/dev/null 2>"$T_DIR/notmixed.err"
is $? 12 "an end-to-end room, a link with mixed=1: refused (exit 12)"
contains "$T_DIR/notmixed.err" "does not mix" \
    "... saying the node does not mix it"

# An operator may refuse to mix at all.
stop
sed -i '/^max-mixed-rooms/d' "$CONF"
echo "max-mixed-rooms = 0" >>"$CONF"
start; ok $? "chorusd starts with max-mixed-rooms = 0"
make_room --mixed
is $? 7 "a mixed room is refused (exit 7)"
contains "$T_DIR/create.err" "mixes no more rooms" \
    "... saying the node does not mix rooms"
is "$(api /api/v1/rooms | jq .mixed_rooms)" 0 "no mixed room"
finish
