#!/usr/bin/env bash
# User standing, and nothing global.  Target T has been around for 60
# days.  Ten identities of one actor, each six days old (the most a
# newcomer has), block T and report it: T's standing barely moves.  Five
# established, independent identities (60 days each) do the same: T's
# standing falls, and a room whose owner set a minimum standing refuses
# T with a reason the client shows.  An invitation still vouches for T
# there.  And nothing is global: T joins another room on the same node,
# and a room on another node, which knows nothing of those blocks; the
# operator's deny list on one node keeps T off that node only.
. "$top_srcdir/tests/integ/lib.sh"
. "$top_srcdir/tests/integ/roomlib.sh"
command -v sqlite3 >/dev/null || skip_all "sqlite3 is needed"
plan 21

FRESH="f1 f2 f3 f4 f5 f6 f7 f8 f9 f10" EST="e1 e2 e3 e4 e5"
for k in t $FRESH $EST; do
	"$CHORUS" keygen --out "$T_DIR/$k.key" >/dev/null
done
TID=$(client_id "$T_DIR/t.key")
start; ok $? "chorusd starts"
make_room; ok $? "room 1"
LINK1=$LINK ROOMKEY1=$ROOMKEY
make_room; LINK2=$LINK
TOK=$(cat "$STATE/admin.token")
DB="$STATE/chorus.db"
# standing: T's standing on node A, as the admin API says it.
standing() {
	curl -sf -H "Authorization: Bearer $TOK" "$BASE/api/v1/standing/$TID"
}
# hexid KEYNAME: the identity's 32 bytes in hex, as SQLite keeps them.
hexid() {
	python3 -c 'import base64, sys; s = sys.argv[1].upper(); print(base64.b32decode(s + "=" * (-len(s) % 8)).hex())' \
	    "$(client_id "$T_DIR/$1.key")"
}
# age DAYS KEYNAME...: these identities have been active on DAYS days.
age() {
	local days=$1 k; shift
	for k in "$@"; do
		sqlite3 "$DB" "UPDATE identities SET active_days = $days, \
		    first_day = last_day - $days + 1 WHERE id = X'$(hexid "$k")'" ||
		    return 1
	done
}
# visit LINK KEYNAME [ARGS...]: a short session in the room.
visit() {
	local l=$1 k=$2; shift 2
	"$CHORUS" join "$l" --identity "$T_DIR/$k.key" --duration 0.3 "$@" \
	    >/dev/null 2>"$T_DIR/$k.err"
}
# block_t KEYNAME...: each blocks T (reported) while in room 2.
block_t() {
	local k
	for k in "$@"; do
		echo "$TID report" >"$T_DIR/$k.bl"
		visit "$LINK2" "$k" --blocklist "$T_DIR/$k.bl" || return 1
	done
}

bad=0
for k in t $FRESH $EST; do visit "$LINK2" "$k" || bad=$((bad + 1)); done
is "$bad" 0 "T and sixteen others each had a session (an active day)"
age 60 t $EST && age 6 $FRESH
ok $? "T and E1-E5 are 60 days old, F1-F10 six days"
is "$(standing | jq -c '[.standing_milli, .active_days, .blocks_weighed]')" \
    '[1000,60,0]' "T's standing is full before any block"

block_t $FRESH; ok $? "ten identities of one actor block T, and report it"
S1=$(standing)
is "$(echo "$S1" | jq .blocks_weighed)" 10 "the node weighs ten blocks"
check "... yet T's standing barely moves ($(echo "$S1" | jq .standing) >= 0.85)" \
    test "$(echo "$S1" | jq '.standing >= 0.85')" = true
"$CHORUS" admit "$LINK1" --room-key "$ROOMKEY1" --identity "$T_DIR/owner.key" \
    --min-standing 0.5 >/dev/null 2>"$T_DIR/admit.err"
ok $? "room 1's owner sets a minimum standing of 0.5"
visit "$LINK1" t; ok $? "T, at $(echo "$S1" | jq .standing), joins room 1"

block_t $EST; ok $? "five established identities block T, and report it"
S2=$(standing)
check "T's standing falls below the room's minimum ($(echo "$S2" | jq .standing) < 0.5)" \
    test "$(echo "$S2" | jq '.standing < 0.5 and .blocks_weighed == 15')" = true
visit "$LINK1" t; is "$?" 13 "room 1 now refuses T (exit 13)"
contains "$T_DIR/t.err" "standing on this node is below this room's minimum" \
    "... with a reason T is shown"
is "$(metric 'chorus_joins_refused_total{reason="low_standing"}')" 1 \
    "the refusal is counted"
"$CHORUS" invite "$LINK1" "$TID" --identity "$T_DIR/owner.key" \
    --out "$T_DIR/t.inv" 2>/dev/null &&
    visit "$LINK1" t --invite "$T_DIR/t.inv"
ok $? "an invitation from the owner still admits T"

# Nothing global.
visit "$LINK2" t; ok $? "T still joins room 2 on the same node (no minimum)"
[ "$(curl -s -o /dev/null -w '%{http_code}' "$BASE/api/v1/standing/$TID")" = 401 ] &&
    ! standing | grep -q -e "$(client_id "$T_DIR/e1.key")" &&
    ! api /api/v1/rooms | grep -q "$TID"
ok $? "standing is for the operator only, and names no blocker; the rooms API names no one"

# Node B: its own state, knowing nothing of node A's blocks.
B_PORT=$(free_port) B_HTTP=$(free_port)
mkdir -p "$T_DIR/b-state"
cat >"$T_DIR/b.conf" <<EOF
state-dir = $T_DIR/b-state
listen-address = 127.0.0.1
port = $B_PORT
http-address = 127.0.0.1:$B_HTTP
EOF
"$CHORUSD" -c "$T_DIR/b.conf" >>"$T_DIR/b.log" 2>&1 &
B_PID=$!
cleanup_extra() { [ -z "$B_PID" ] || { kill "$B_PID"; wait "$B_PID"; } 2>/dev/null; }
for _ in $(seq 100); do
	curl -sf -o /dev/null "http://127.0.0.1:$B_HTTP/api/v1/status" && break
	sleep 0.1
done
PORT=$B_PORT BASE="http://127.0.0.1:$B_HTTP" make_room
LINKB=$LINK
visit "$LINKB" t; ok $? "T joins a room on node B"

# The operator of node A denies T: node A only.
curl -sf -o /dev/null -H "Authorization: Bearer $TOK" -d "{\"id\":\"$TID\"}" \
    "$BASE/api/v1/deny"
visit "$LINK2" t; is "$?" 14 "node A's operator denies T: node A refuses it"
visit "$LINKB" t; ok $? "... and node B still serves T"
