#!/usr/bin/env bash
# TURN over TLS (RFC 8656 §3.1): handshake, framing inside TLS, and a
# certificate renewed by SIGHUP, or kept when the new one is broken.
. "$top_srcdir/tests/integ/lib.sh"

command -v openssl >/dev/null 2>&1 || skip_all "no openssl command"

CERT="$T_DIR/cert.pem"
KEY="$T_DIR/key.pem"
TLS_PORT=$(free_port)

# new_cert: a fresh self-signed EC P-256 pair at $CERT and $KEY.
new_cert() {
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 \
	    -nodes -keyout "$KEY.new" -out "$CERT.new" -days 1 \
	    -subj /CN=localhost >/dev/null 2>&1 &&
	    mv "$KEY.new" "$KEY" && mv "$CERT.new" "$CERT"
}

# file_fpr FILE / served_fpr: SHA-256 fingerprints.
file_fpr() { openssl x509 -noout -fingerprint -sha256 -in "$1"; }
served_fpr() {
	openssl s_client -connect "127.0.0.1:$TLS_PORT" </dev/null 2>/dev/null |
	    openssl x509 -noout -fingerprint -sha256 2>/dev/null
}

# wait_log PATTERN: up to 5 s for the daemon to log a line (grep -E).
wait_log() {
	local i=0
	until grep -Eq -- "$1" "$LOG"; do
		[ $i -ge 50 ] && return 1
		sleep 0.1
		i=$((i + 1))
	done
}

# tls_run MODE: a TLS client scenario; prints "open" or "closed".
tls_run() {
	python3 - "$TLS_PORT" "$1" <<'PY'
import os, socket, ssl, struct, sys, time

port, mode = int(sys.argv[1]), sys.argv[2]
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
ctx.check_hostname = False
ctx.verify_mode = ssl.CERT_NONE
raw = socket.create_connection(("127.0.0.1", port), timeout=2)
s = ctx.wrap_socket(raw, server_hostname="localhost")

def closed_within(secs):
    s.settimeout(0.2)
    end = time.monotonic() + secs
    while time.monotonic() < end:
        try:
            if s.recv(65536) == b"":
                return True
        except socket.timeout:
            continue
        except (ConnectionResetError, ssl.SSLError):
            return True
    return False

binding = lambda: struct.pack("!HHI", 1, 0, 0x2112A442) + os.urandom(12)
if mode == "frames":
    s.sendall(binding() + binding())
elif mode == "garbage":
    s.sendall(b"\xff" * 16)
print("closed" if closed_within(1 if mode == "frames" else 2) else "open")
PY
}

new_cert || skip_all "openssl cannot make an EC P-256 certificate"
write_conf "tls-cert = $CERT" "tls-key = $KEY" "tls-port = $TLS_PORT"
if ! "$CHORUSD" -t -c "$CONF" >"$T_DIR/check.out" 2>&1; then
	grep -q 'unknown key' "$T_DIR/check.out" &&
	    skip_all "this chorusd does not know tls-cert/tls-key/tls-port"
fi

plan 15
start; ok $? "chorusd starts with TLS"

openssl s_client -connect "127.0.0.1:$TLS_PORT" -brief </dev/null \
    >"$T_DIR/s_client.out" 2>&1
contains "$T_DIR/s_client.out" "Protocol version: TLSv1.3" "TLS 1.3 handshake"
tls_listener=$(api /api/v1/status |
    jq -r '.listeners[] | select(.proto == "tls") | .address')
is "$tls_listener" "127.0.0.1:$TLS_PORT" "status lists the TLS listener"
openssl s_client -connect "127.0.0.1:$TLS_PORT" -tls1_2 -brief </dev/null \
    >"$T_DIR/s_client.out" 2>&1
contains "$T_DIR/s_client.out" \
    "Ciphersuite: ECDHE-ECDSA-(AES...-GCM|CHACHA20)" \
    "TLS 1.2 with a forward-secret AEAD suite"
# OpenSSL's defaults would take this CBC suite; our TLS 1.2 list does not.
openssl s_client -connect "127.0.0.1:$TLS_PORT" -tls1_2 \
    -cipher ECDHE-ECDSA-AES128-SHA </dev/null >/dev/null 2>&1
[ $? -ne 0 ]; ok $? "a CBC-only TLS 1.2 client is refused"

is "$(tls_run frames)" open "two STUN frames over TLS keep the connection"
is "$(metric 'chorus_tcp_received_frames_total{kind="stun"}')" 2 \
    "and both are framed inside TLS"
is "$(tls_run garbage)" closed "garbage inside TLS closes the connection"

# Plain bytes on the TLS port: the handshake fails, the daemon carries on.
python3 - "$TLS_PORT" <<'PY'
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=2)
s.sendall(b"GET / HTTP/1.0\r\n\r\n")
try:
    s.recv(100)
except OSError:
    pass
PY
sleep 0.2
v=$(metric chorus_tls_handshake_failures_total)
[ "${v:-0}" -ge 1 ]; ok $? "a plain-text client counts as a failed handshake"

old=$(file_fpr "$CERT")
is "$(served_fpr)" "$old" "the configured certificate is served"

new_cert
new=$(file_fpr "$CERT")
kill -HUP "$PID"
wait_log "TLS certificate loaded"
is "$(served_fpr)" "$new" "SIGHUP: new connections get the renewed certificate"

echo "not a certificate" >"$CERT"
kill -HUP "$PID"
wait_log "keeping the running TLS certificate"
ok $? "SIGHUP with a broken certificate logs a warning"
contains "$LOG" \
    "keeping the running TLS certificate: tls-cert $CERT: cannot load" \
    "which names the file"
is "$(served_fpr)" "$new" "and the previous certificate is still served"
is "$(metric chorus_sessions)" 0 "sessions back to 0"
