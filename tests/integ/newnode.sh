#!/usr/bin/env bash
# A node the network has not measured to standing takes at most
# new-node-sessions-per-hour client sessions an hour; the next client
# gets no answer (exit 4), and the refusal is counted.  The node is in a
# DHT network, so it runs in a network namespace this test makes.
. "$top_srcdir/tests/integ/netns.sh"
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
