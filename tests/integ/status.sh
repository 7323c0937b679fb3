#!/usr/bin/env bash
# GET /api/v1/status: identity, version, listeners; state files' modes.
. "$top_srcdir/tests/integ/lib.sh"
plan 12

start; ok $? "chorusd starts"
st="$T_DIR/status.json"
api /api/v1/status >"$st"; ok $? "status answers 200"

id=$(jq -r .node.id "$st")
is "${#id}" 52 "node id is 52 base32 characters"
check "fingerprint is four groups of four" \
    grep -Eq '"fingerprint": *"[a-z2-7]{4}-[a-z2-7]{4}-[a-z2-7]{4}-[a-z2-7]{4}"' "$st"
is "$(jq -r .version "$st")" "$("$CHORUSD" -V | awk '{print $2}')" "version matches chorusd -V"
is "$(jq -r '.listeners[] | select(.proto=="udp") | .address' "$st")" "127.0.0.1:$PORT" "udp listener shown"
is "$(jq -r '.listeners[] | select(.proto=="tcp") | .address' "$st")" "127.0.0.1:$PORT" "tcp listener shown"
check "noise key is present" jq -e '.node.noise_key | length > 40' "$st"
check "counters are present" jq -e '.counters | length > 5' "$st"
is "$(stat -c %a "$STATE")" 700 "state directory is mode 700"
is "$(stat -c %a "$STATE/node.key") $(stat -c %a "$STATE/admin.token")" "600 600" "key and token are mode 600"
is "$(stat -c %a "$STATE/chorus.db")" 600 "database is mode 600"
