#!/usr/bin/env bash
# TURN REST API credentials (auth-secret): turnutils_uclient -W derives
# the username "EXPIRY:NAME" (expiry one day ahead) and the password
# base64(HMAC-SHA1(secret, username)) itself; the same credential made by
# hand must work too.
. "$top_srcdir/tests/interop/lib.sh"
skip_without_coturn
plan 8

secret=Zm9vYmFyIHNlY3JldA
relay_range
write_conf "realm = chorus.test" "auth-secret = $secret" \
    "allowed-peer = 127.0.0.1/32" "allowed-peer = ::1/128" \
    "min-port = $RELAY_MIN" "max-port = $RELAY_MAX"
start; ok $? "server starts"
start_peer; ok $? "echo peer answers"

n=50 m=2
uclient "$T_DIR/w.out" -u bob -W "$secret" -c -n $n -m $m -l 170
relay_ok "uclient -W" "$T_DIR/w.out" $? $((n * m))

user="$(($(date +%s) + 3600)):carol"
uclient "$T_DIR/hand.out" -u "$user" -w "$(rest_password "$secret" "$user")" \
    -c -n $n -m $m -l 170
relay_ok "hand-made REST credential" "$T_DIR/hand.out" $? $((n * m))
