#!/usr/bin/env bash
# Admin endpoints need the bearer token; errors have one JSON shape; bounds.
. "$top_srcdir/tests/integ/lib.sh"
plan 12

start; ok $? "chorusd starts"
tok=$(cat "$STATE/admin.token")
code() { curl -s -o "$T_DIR/body" -D "$T_DIR/hdr" -w '%{http_code}' "$@"; }

is "$(code -X POST "$BASE/api/v1/drain")" 401 "drain without a token: 401"
check "401 body is the error shape" jq -e '.error.code == 401 and (.error.message | length > 0)' "$T_DIR/body"
contains "$T_DIR/hdr" "^[Ww][Ww][Ww]-[Aa]uthenticate: Bearer" "401 says Bearer"
is "$(code -X POST -H "Authorization: Bearer ${tok%?}x" "$BASE/api/v1/drain")" 401 "wrong token: 401"
is "$(code -X POST -H "Authorization: Bearer x" "$BASE/api/v1/drain")" 401 "short token: 401"
is "$(code "$BASE/api/v1/drain")" 405 "GET on drain: 405"
is "$(code "$BASE/api/v1/nothing")" 404 "unknown path: 404"
check "404 body is the error shape" jq -e '.error.code == 404' "$T_DIR/body"
head -c 20000 /dev/zero | tr '\0' 'a' >"$T_DIR/big"
is "$(code -X POST -H "Authorization: Bearer $tok" --data-binary @"$T_DIR/big" "$BASE/api/v1/drain")" 413 "oversized body: 413"
is "$(code -X POST -H "Authorization: Bearer $tok" "$BASE/api/v1/drain")" 200 "drain with the token: 200"
wait_exit 5; is "$STOP_RC" 0 "drained node (no sessions) exits 0"
