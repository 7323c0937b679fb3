# tests/integ/roomlib.sh - helpers for the room tests (sourced after
# lib.sh): the node's key, a room and its link, a speech recording.

: "${CHORUS:?CHORUS must name the chorus binary}"

# node_key: the node's Noise static key from the API.
node_key() { api /api/v1/status | jq -r .node.noise_key; }

# make_room [ARGS...]: an owner identity ($T_DIR/owner.key) and a room;
# the link in $LINK, the room key's file in $ROOMKEY.  Returns the exit
# status of chorus room create.
make_room() {
	[ -f "$T_DIR/owner.key" ] ||
		"$CHORUS" keygen --out "$T_DIR/owner.key" >/dev/null
	ROOMKEY="$T_DIR/room.$RANDOM$RANDOM.key"
	LINK=$("$CHORUS" room create --node "${NODE_HOST:-127.0.0.1}:$PORT" \
	    --node-key "$(node_key)" --identity "$T_DIR/owner.key" \
	    --room-key "$ROOMKEY" "$@" 2>"$T_DIR/create.err")
}

# client_id FILE: the ID of an identity file.
client_id() { "$CHORUS" keygen --show "$1" | awk '/^id:/ { print $2 }'; }

# speech_wav OUT: a few seconds of synthetic speech, 48 kHz mono 16-bit,
# with leading and trailing silence trimmed to 200 ms.
speech_wav() {
	command -v espeak-ng >/dev/null && command -v sox >/dev/null ||
		return 1
	espeak-ng -s 150 -w "$T_DIR/espeak.wav" "The quick brown fox \
jumps over the lazy dog. Chorus forwards audio it cannot read, and \
every listener hears the speaker clearly." >/dev/null 2>&1 || return 1
	sox "$T_DIR/espeak.wav" -r 48000 -c 1 -b 16 "$1" \
	    pad 0.2 0.2 >/dev/null 2>&1
}

# A Python with numpy (Debian's, when python3 on PATH is another one).
PYNUM=
for p in python3 /usr/bin/python3; do
	if "$p" -c 'import numpy' 2>/dev/null; then PYNUM=$p; break; fi
done

# audiocmp REF GOT [ARGS...]: the comparison's JSON line on stdout.
audiocmp() { "${PYNUM:-python3}" "$top_srcdir/tests/integ/audiocmp.py" "$@"; }

# tones gen|check ...: make tones, find them in a recording (tones.py).
tones() { "${PYNUM:-python3}" "$top_srcdir/tests/integ/tones.py" "$@"; }

# relay_start LISTEN_PORT [HOST:]NODE_PORT LOSS DELAY_MS JITTER_MS STATS:
# a lossy, delaying hop in front of a node (tests/integ/lossy_relay.py),
# in the background; its PID in RELAY_PID, for the caller to end.
relay_start() {
	"${PYNUM:-python3}" "$top_srcdir/tests/integ/lossy_relay.py" "$@" &
	RELAY_PID=$!
}

# block_scene SECONDS: the scene of the block tests.  Listeners A and B
# (identities $T_DIR/a.key, b.key; blocklists $T_DIR/a.bl, b.bl) record
# SECONDS + 2 s to $T_DIR/a.wav, b.wav with --stats json; a second later
# speakers S (500 Hz) and T (900 Hz, identities s.key, t.key) send
# SECONDS of tone; then 5 s pass.  Sets A_START (when the listeners
# started), L_a, L_b, S_s, S_t.  1 if the tones cannot be made.
block_scene() {
	local k
	tones gen "$T_DIR/s.wav" 500 "$1" --lead 0 &&
	    tones gen "$T_DIR/t.wav" 900 "$1" --lead 0 || return 1
	for k in a b; do
		"$CHORUS" join "$LINK" --identity "$T_DIR/$k.key" \
		    --blocklist "$T_DIR/$k.bl" --record "$T_DIR/$k.wav" \
		    --duration "$(($1 + 2))" --stats json \
		    >"$T_DIR/$k.json" 2>"$T_DIR/$k.err" &
		eval "L_$k=\$!"
	done
	A_START=$(date +%s.%N)
	sleep 1
	for k in s t; do
		"$CHORUS" join "$LINK" --identity "$T_DIR/$k.key" \
		    --send "$T_DIR/$k.wav" --duration "$1.5" --stats json \
		    >"$T_DIR/$k.json" 2>"$T_DIR/$k.err" &
		eval "S_$k=\$!"
	done
	sleep 5
}
