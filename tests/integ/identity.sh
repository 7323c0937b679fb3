#!/usr/bin/env bash
# The node identity is made once and kept across restarts.
. "$top_srcdir/tests/integ/lib.sh"
plan 6

start; ok $? "first start"
id1=$(api /api/v1/status | jq -r .node.id)
sum1=$(sha256sum "$STATE/node.key" | cut -d' ' -f1)
tok1=$(cat "$STATE/admin.token")
contains "$LOG" "created a new node identity" "first start says it made an identity"
stop
: >"$LOG"
start; ok $? "second start"
is "$(api /api/v1/status | jq -r .node.id)" "$id1" "same node id after restart"
is "$(sha256sum "$STATE/node.key" | cut -d' ' -f1) $(cat "$STATE/admin.token")" "$sum1 $tok1" "key and token files unchanged"
check "no identity created on the second start" sh -c "! grep -q 'created a new node identity' '$LOG'"
