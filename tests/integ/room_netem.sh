#!/usr/bin/env bash
# A room over a lossy network.  tc netem impairs one hop: every UDP
# datagram from a client to the node is lost with probability 5 % and
# delayed by 40 ms +- 30 ms, so frames also arrive out of order; what the
# node sends goes through untouched, so each frame crosses the
# impairment once.  Speech sent by one member still reaches the two
# others as in room_speech.sh (correlation >= 0.6 after alignment), and
# the netem qdisc's counters and the listeners' own figures show that
# the path really was lossy and jittery.
#
# Where the impairment comes from, first that works (the test says which):
#  1. netem: the test's own network namespace (netns.sh) has sch_netem,
#     sch_prio and cls_u32; netem goes on the loopback for UDP to the
#     node's port.
#  2. vm: this kernel lacks them (the machines here do), so a small VM
#     with Debian's kernel routes between the clients' namespace and the
#     node's, with netem on its way to the node (tests/integ/netem_vm.sh).
#  3. relay: no qemu or kernel image either; the same impairment from a
#     user-space relay in front of the node port (tests/integ/lossy_relay.py).
. "$top_srcdir/tests/integ/netns.sh"
. "$top_srcdir/tests/integ/roomlib.sh"
. "$top_srcdir/tests/integ/netem_vm.sh"
speech_wav "$T_DIR/speech.wav" || skip_all "espeak-ng and sox are needed"
[ -n "$PYNUM" ] || skip_all "python3-numpy is needed"
command -v tc >/dev/null || skip_all "tc (iproute2) is needed"

NETEM="loss 5% delay 40ms 30ms"

# The impaired hop: a prio qdisc on lo whose fourth band (which its
# priomap never picks) is netem, and a u32 filter sending UDP to the
# node's port there.  The namespace is ours: nothing else is touched.
write_conf
impair_netem() {
	tc qdisc add dev lo root handle 1: prio bands 4 2>"$T_DIR/tc.err" ||
		{ WHY="no prio qdisc (sch_prio)"; return 1; }
	# shellcheck disable=SC2086 # NETEM is a list of words
	tc qdisc add dev lo parent 1:4 handle 40: netem $NETEM \
	    2>"$T_DIR/tc.err" || { WHY="no netem qdisc (sch_netem)"; return 1; }
	tc filter add dev lo parent 1: protocol ip prio 1 u32 \
	    match ip protocol 17 0xff match ip dport "$PORT" 0xffff \
	    flowid 1:4 2>"$T_DIR/tc.err" ||
		{ WHY="no u32 filter (cls_u32)"; return 1; }
	tc -s -j qdisc show dev lo 2>/dev/null | jq -e . >/dev/null ||
		{ WHY="tc cannot show its counters as JSON"; return 1; }
}
RELAY_STATS="$T_DIR/relay.json"
if impair_netem; then
	MODE=netem
else
	tc qdisc del dev lo root 2>/dev/null
	WHY_LO="$WHY: $(head -1 "$T_DIR/tc.err")"
	# shellcheck disable=SC2086 # NETEM is a list of words
	if ! netem_vm_find; then
		WHY_VM=$WHY
		MODE=relay
	elif netem_vm_start $NETEM; then
		MODE=vm
		# The node listens on its side of the VM; every chorus command
		# of the test runs on the clients' side.
		NODE_HOST=$VM_NODE_ADDR
		sed -i "s/^listen-address = .*/listen-address = $NODE_HOST/" "$CONF"
		printf '#!/bin/sh\nexec nsenter -t %s -n %s "$@"\n' \
		    "$CLIENT_NS_PID" "$CHORUS" >"$T_DIR/chorus-client"
		chmod 755 "$T_DIR/chorus-client"
		CHORUS=$T_DIR/chorus-client
	else
		VM_BROKE=$WHY
		MODE=relay
	fi
fi

# netem_count FIELD: packets or drops of the netem qdisc so far.
netem_count() {
	if [ "$MODE" = netem ]; then
		tc -s -j qdisc show dev lo |
		    jq --arg f "$1" '.[] | select(.kind == "netem") | .[$f]'
	elif [ "$MODE" = vm ]; then
		netem_vm_stat "$1"
	elif [ "$1" = drops ]; then
		jq .dropped "$RELAY_STATS"
	else
		jq .sent "$RELAY_STATS"
	fi
}

# lead_trim IN OUT: IN without the digital silence a recording starts
# with until the first frame is played.  A handshake lost on the way
# (retried after 1 s) delays a join, and audiocmp looks for the speech
# within 2 s only.
lead_trim() {
	"$PYNUM" - "$1" "$2" <<'PY'
import sys, wave
with wave.open(sys.argv[1], "rb") as r:
    params, data = r.getparams(), r.readframes(r.getnframes())
skip = (len(data) - len(data.lstrip(b"\0"))) // 2 * 2
with wave.open(sys.argv[2], "wb") as w:
    w.setparams(params)
    w.writeframes(data[skip:])
PY
}

plan 15

audiocmp --self-test >"$T_DIR/self" 2>&1
ok $? "the comparison refuses silence and noise (self-test)"
start; ok $? "chorusd starts"
if [ "$MODE" = relay ]; then
	diag "$WHY_LO; no VM either (${WHY_VM:-$VM_BROKE}); the same impairment" \
	    "($NETEM) from tests/integ/lossy_relay.py"
	RPORT=$(free_port)
	relay_start "$RPORT" "$PORT" 0.05 40 30 "$RELAY_STATS"
	RELAY=$RELAY_PID
	NET_PIDS+=("$RELAY")
	PORT=$RPORT
	sleep 0.3
elif [ "$MODE" = vm ]; then
	diag "$WHY_LO here; impairment: tc netem $NETEM in a VM" \
	    "($(uname -r) -> ${VM_KERNEL#/boot/vmlinuz-}) on the way to the node"
else
	diag "impairment: tc netem $NETEM on UDP to the node's port"
fi
# A VM that is there but does not work is a failure, not a reason to
# fall back on the relay.
[ -z "${VM_BROKE:-}" ]
ok $? "the impairment is set up (${MODE}${VM_BROKE:+; the VM failed: $VM_BROKE})"
make_room; ok $? "room created through the lossy hop"

"$CHORUS" join "$LINK" --record "$T_DIR/b.wav" --duration 14 --stats json \
    >"$T_DIR/b.json" 2>"$T_DIR/b.err" &
B=$!
"$CHORUS" join "$LINK" --record "$T_DIR/c.wav" --duration 14 --stats json \
    >"$T_DIR/c.json" 2>"$T_DIR/c.err" &
C=$!
# Both in the room before anyone speaks (joins may be retried).
n=0
for _ in $(seq 60); do
	n=$(api /api/v1/rooms | jq .members)
	[ "$n" = 2 ] && break
	sleep 0.1
done
is "$n" 2 "both listeners joined"
"$CHORUS" join "$LINK" --send "$T_DIR/speech.wav" --stats json \
    >"$T_DIR/a.json" 2>"$T_DIR/a.err"
ok $? "the speaker sends its file and leaves"
wait $B; ok $? "listener B ends cleanly"
wait $C; ok $? "listener C ends cleanly"

for who in b c; do
	lead_trim "$T_DIR/$who.wav" "$T_DIR/$who.trim.wav"
	audiocmp "$T_DIR/speech.wav" "$T_DIR/$who.trim.wav" --min-corr 0.6 \
	    >"$T_DIR/$who.cmp" 2>&1
	ok $? "listener ${who^^} hears the speech ($(cat "$T_DIR/$who.cmp"))"
	jq -r --arg w "${who^^}" '"# \($w): loss \(.loss * 1000 | round / 10) %," +
	    " jitter \(.jitter_ms * 10 | round / 10) ms, late" +
	    " \(.received.late), concealed \(.decoded.concealed)," +
	    " of which by FEC \(.decoded.fec)"' "$T_DIR/$who.json"
done

if [ "$MODE" = relay ]; then
	kill -TERM "$RELAY"
	wait "$RELAY"
fi
# The impairment was real: every frame the speaker sent went through
# netem, which dropped some; the listeners saw frames missing and their
# arrivals spread.  Over the bare loopback the listeners' figures come
# to about 0.7 % and 0.4 ms (as measured with no impairment).
drops=$(netem_count drops) pkts=$(netem_count packets)
diag "netem: ${pkts:-?} datagrams to the node passed, ${drops:-?} dropped"
is "$(jq --argjson p "${pkts:-0}" --argjson d "${drops:-0}" \
    '$d > 0 and $p + $d >= .sent.frames' "$T_DIR/a.json")" true \
    "netem took the speaker's frames and dropped some"
for who in b c; do
	is "$(jq '.loss > 0.02 and .decoded.concealed > 0 and .jitter_ms > 8' \
	    "$T_DIR/$who.json")" true \
	    "listener ${who^^} saw the loss and the jitter"
done
is "$(jq -s 'map(.received.bad_auth) | add' "$T_DIR/b.json" \
    "$T_DIR/c.json")" 0 "no frame failed to authenticate"
is "$(jq '.sent.frames > 100' "$T_DIR/a.json")" true "A sent its frames"
finish
