#!/usr/bin/env bash
# STUN Binding from coturn's turnutils_stunclient (UDP; it has no TCP
# mode) and from a minimal client over UDP and TCP: the mapped address
# is the client's own.
. "$top_srcdir/tests/interop/lib.sh"
skip_without_coturn
plan 7

relay_range
write_conf "realm = chorus.test" "user = alice:secret" \
    "min-port = $RELAY_MIN" "max-port = $RELAY_MAX"
start; ok $? "server starts"

out="$T_DIR/stunclient.out"
timeout 10 turnutils_stunclient -p "$PORT" 127.0.0.1 >"$out" 2>&1
is $? 0 "turnutils_stunclient gets a Binding success over UDP"
contains "$out" 'UDP reflexive addr: 127\.0\.0\.1:[1-9][0-9]*$' \
    "turnutils_stunclient reports mapped address 127.0.0.1"

for proto in udp tcp; do
	res=$(python3 "$STUN_BINDING" $proto 127.0.0.1 "$PORT" 5)
	ok $? "Binding over $proto answered"
	read -r mapped local <<<"$res"
	is "$mapped" "$local" "XOR-MAPPED-ADDRESS over $proto is the client's address"
done
