#!/usr/bin/env bash
# chorus keygen and chorus status against a running node.
. "$top_srcdir/tests/integ/lib.sh"
: "${CHORUS:?}"
plan 9

key="$T_DIR/me.key"
"$CHORUS" keygen --out "$key" >"$T_DIR/out" 2>&1; ok $? "keygen succeeds"
is "$(stat -c '%a %s' "$key")" "600 136" "identity file is mode 600, 136 bytes"
contains "$T_DIR/out" "^id: [a-z2-7]{52}$" "keygen prints the id"
"$CHORUS" keygen --out "$key" >/dev/null 2>&1
[ $? -ne 0 ]; ok $? "keygen refuses to overwrite"

start; ok $? "chorusd starts"
"$CHORUS" status "$BASE" >"$T_DIR/st" 2>&1; ok $? "status succeeds"
id=$(api /api/v1/status | jq -r .node.id)
contains "$T_DIR/st" "^node: +$id\$" "status shows the node id from the API"
"$CHORUS" status --json "$BASE" | jq -e .node.fingerprint >/dev/null; ok $? "--json prints the document"
stop
"$CHORUS" status "$BASE" >/dev/null 2>&1
is "$?" 2 "unreachable node: exit status 2"
