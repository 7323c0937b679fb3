#!/usr/bin/env bash
# coturn's turnutils_uclient over TLS (-t -S) on tls-port with a
# self-signed P-256 certificate, long-term credentials, UDP relay to a
# loopback echo peer: ChannelData and Send/Data indications.
. "$top_srcdir/tests/interop/lib.sh"
skip_without_coturn
command -v openssl >/dev/null 2>&1 || skip_all "openssl not installed"
plan 9

make_cert || { echo "Bail out! openssl cannot make a certificate"; exit 1; }
relay_range
TLS_PORT=$(free_port)
write_conf "realm = chorus.test" "user = alice:secret" \
    "allowed-peer = 127.0.0.1/32" "allowed-peer = ::1/128" \
    "min-port = $RELAY_MIN" "max-port = $RELAY_MAX" \
    "tls-port = $TLS_PORT" "tls-cert = $CERT" "tls-key = $KEY"
start; ok $? "server starts"
start_peer; ok $? "echo peer answers"

out="$T_DIR/s_client.out"
timeout 10 openssl s_client -connect "127.0.0.1:$TLS_PORT" -servername localhost \
    </dev/null >"$out" 2>&1
contains "$out" '^subject=.*CN ?= ?localhost' "TLS port presents the configured certificate"

n=50 m=2
cred="-u alice -w secret"
uclient "$T_DIR/chan.out" -t -S -p "$TLS_PORT" $cred -c -n $n -m $m -l 170
relay_ok "TLS, ChannelData" "$T_DIR/chan.out" $? $((n * m))
uclient "$T_DIR/send.out" -t -S -p "$TLS_PORT" $cred -s -c -n $n -m $m -l 170
relay_ok "TLS, Send/Data indications" "$T_DIR/send.out" $? $((n * m))
