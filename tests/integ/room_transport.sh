#!/usr/bin/env bash
# Sessions over TCP and TLS (for UDP-blocked clients) mix with UDP ones
# in a room; under handshake load the node answers with cookies and
# clients still get in; rekeys every second lose nothing.
. "$top_srcdir/tests/integ/lib.sh"
. "$top_srcdir/tests/integ/roomlib.sh"
speech_wav "$T_DIR/speech.wav" || skip_all "espeak-ng and sox are needed"
sox "$T_DIR/speech.wav" "$T_DIR/short.wav" trim 0 2 >/dev/null 2>&1
command -v openssl >/dev/null 2>&1 || skip_all "no openssl command"
plan 17

TLS_PORT=$(free_port)
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
    -keyout "$T_DIR/key.pem" -out "$T_DIR/cert.pem" -days 1 \
    -subj /CN=localhost >/dev/null 2>&1
write_conf "handshake-rate = 1" "tls-port = $TLS_PORT" \
    "tls-cert = $T_DIR/cert.pem" "tls-key = $T_DIR/key.pem"
start; ok $? "chorusd starts with handshake-rate = 1"
make_room --tcp; ok $? "room created over TCP"

"$CHORUS" join "$LINK" --tcp --duration 4 --stats json >"$T_DIR/t.json" 2>"$T_DIR/t.err" &
T=$!
"$CHORUS" join "$LINK" --duration 4 --stats json >"$T_DIR/u.json" 2>"$T_DIR/u.err" &
U=$!
"$CHORUS" join "$LINK" --tls "$TLS_PORT" --duration 4 --stats json >"$T_DIR/s.tls.json" 2>"$T_DIR/s.tls.err" &
L=$!
sleep 1
"$CHORUS" join "$LINK" --send "$T_DIR/short.wav" --stats json >"$T_DIR/s.json" 2>"$T_DIR/s.err"
ok $? "a UDP member speaks"
wait $T; ok $? "the TCP member ends cleanly"
wait $U; ok $? "the UDP member ends cleanly"
wait $L; ok $? "the TLS member ends cleanly"
is "$(jq '.decoded.frames > 50' "$T_DIR/s.tls.json")" true "the TLS member decoded the speech"
is "$(jq '.decoded.frames > 50' "$T_DIR/t.json")" true "the TCP member decoded the speech"
is "$(jq '.decoded.frames > 50' "$T_DIR/u.json")" true "the UDP member decoded the speech"
check "handshakes over the rate drew cookie replies" test "$(metric chorus_cookie_replies_total | cut -d. -f1)" -ge 1
check "the node counted Chorus frames on TCP" test "$(metric 'chorus_tcp_received_frames_total{kind="chorus"}' | cut -d. -f1)" -ge 10
is "$(api /api/v1/rooms | jq '.dropped.decrypt')" 0 "no transport packet failed to authenticate"

# Rekeys every second on both ends: the room goes on, nothing is lost.
"$CHORUS" join "$LINK" --rekey-after 1.5 --duration 5 --stats json >"$T_DIR/r.json" 2>"$T_DIR/r.err" &
R=$!
sleep 1
"$CHORUS" join "$LINK" --rekey-after 1 --send "$T_DIR/short.wav" --duration 3 \
    --stats json >"$T_DIR/rs.json" 2>"$T_DIR/rs.err"
ok $? "a speaker rekeying every second sends"
wait $R; ok $? "a listener rekeying every 1.5 s ends cleanly"
is "$(jq '.rekeys >= 2' "$T_DIR/r.json")" true "the listener rekeyed ($(jq .rekeys "$T_DIR/r.json") times)"
is "$(jq '.decoded.frames > 50' "$T_DIR/r.json")" true "and decoded the speech across rekeys"
check "the node counted the rekeys" test "$(metric chorus_rekeys_total | cut -d. -f1)" -ge 4
finish
