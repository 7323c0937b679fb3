#!/usr/bin/env bash
# What turnutils_uclient must not get: an allocation with a wrong
# password, an unknown user or an expired REST credential, and a relay
# to a loopback peer under the default peer policy (403 on
# CreatePermission/ChannelBind).  Each refusal is set next to a working
# control on the same server, so the test cannot pass on a dead server.
. "$top_srcdir/tests/interop/lib.sh"
skip_without_coturn
plan 27

secret=c2VjcmV0IGZvciBib2I
n=20 m=1

# server CONF-LINES...: (re)start the server on fresh ports with the
# given TURN configuration (coturn takes static users or a REST secret,
# not both, so each kind of credential gets its own run).
server() {
	stop
	PORT= HTTP_PORT=
	write_conf "realm = chorus.test" "min-port = $RELAY_MIN" \
	    "max-port = $RELAY_MAX" "$@"
	start
}

relay_range
start_peer; ok $? "echo peer answers"

# Long-term credentials.
server "user = alice:secret" "allowed-peer = 127.0.0.1/32" "allowed-peer = ::1/128"
ok $? "server starts with user alice"
uclient "$T_DIR/good.out" -u alice -w secret -c -n $n -m $m
relay_ok "control, right password" "$T_DIR/good.out" $? $n
fail0=$(metric_sum chorus_turn_auth_failures_total)
uclient "$T_DIR/wrong.out" -u alice -w wrong -c -n $n -m $m
relay_fails "wrong password" "$T_DIR/wrong.out" $?
uclient "$T_DIR/nouser.out" -u mallory -w secret -c -n $n -m $m
relay_fails "unknown user" "$T_DIR/nouser.out" $?
counted "auth failures are counted" "$fail0" "$(metric_sum chorus_turn_auth_failures_total)"

# REST credentials.
server "auth-secret = $secret" "allowed-peer = 127.0.0.1/32" "allowed-peer = ::1/128"
ok $? "server starts with a REST secret"
user="$(($(date +%s) + 3600)):bob"
uclient "$T_DIR/rest.out" -u "$user" -w "$(rest_password "$secret" "$user")" \
    -c -n $n -m $m
relay_ok "control, valid REST credential" "$T_DIR/rest.out" $? $n
exp0=$(metric_sum chorus_turn_auth_failures_total 'reason="expired"')
uclient "$T_DIR/expired.out" -u 1000:bob -w "$(rest_password "$secret" 1000:bob)" \
    -c -n $n -m $m
relay_fails "REST credential expired in 1970" "$T_DIR/expired.out" $?
counted "expired credential is counted as such" "$exp0" \
    "$(metric_sum chorus_turn_auth_failures_total 'reason="expired"')"
uclient "$T_DIR/badmac.out" -u "$user" -w "$(rest_password wrong-secret "$user")" \
    -c -n $n -m $m
relay_fails "REST credential from another secret" "$T_DIR/badmac.out" $?

# Default peer policy: loopback peers refused.
server "user = alice:secret"
ok $? "server starts without allowed-peer"
ref0=$(metric_sum chorus_turn_peer_refusals_total)
uclient "$T_DIR/chanpeer.out" -u alice -w secret -c -n $n -m $m
relay_fails "loopback peer, ChannelBind" "$T_DIR/chanpeer.out" $?
contains "$T_DIR/chanpeer.out" 'error 403' "ChannelBind answered 403"
uclient "$T_DIR/permpeer.out" -u alice -w secret -s -c -n $n -m $m
relay_fails "loopback peer, CreatePermission" "$T_DIR/permpeer.out" $?
contains "$T_DIR/permpeer.out" 'error 403' "CreatePermission answered 403"
counted "peer refusals are counted" "$ref0" "$(metric_sum chorus_turn_peer_refusals_total)"
