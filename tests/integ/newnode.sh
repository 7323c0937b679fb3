#!/usr/bin/env bash
# A node the network has not measured to standing takes at most
# new-node-sessions-per-hour client sessions an hour; the next client
# gets no answer (exit 4), and the refusal is counted.  The node is in a
# DHT network, so it runs in a network namespace this test makes.
if [ -z "${CHORUS_NETNS:-}" ]; then
	if ! unshare -rn true 2>/dev/null; then
		echo "1..0 # SKIP cannot make a network namespace (unshare -rn)"
		exit 0
	fi
	exec env CHORUS_NETNS=1 unshare -rn bash "$0" "$@"
fi
. "$top_srcdir/tests/integ/lib.sh"
{ ip link set lo up || ifconfig lo up; } 2>/dev/null ||
	skip_all "cannot bring up loopback in the namespace (no ip or ifconfig)"
. "$top_srcdir/tests/integ/roomlib.sh"
plan 5

write_conf "dht = yes" "dht-port = $(free_port)" "network-id = newnode" \
    "new-node-sessions-per-hour = 2"
start; ok $? "a new node starts in a network"
make_room; ok $? "session 1: a room is created"
"$CHORUS" join "$LINK" --duration 0.5 >/dev/null 2>&1; ok $? "session 2: a member joins"
"$CHORUS" join "$LINK" --timeout 2 --duration 0.5 >/dev/null 2>"$T_DIR/third.err"
is "$?" 4 "session 3 in the hour gets no answer"
is "$(api /api/v1/rooms | jq '.dropped.new_node_limit > 0')" true "and the refusal is counted"
finish
