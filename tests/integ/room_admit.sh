#!/usr/bin/env bash
# A room's admission rules, signed by the owner and enforced by the node:
# members-only (an allow-list), invite-only (signed invitations), and a
# join rate.  Outsiders are refused with a reason the client shows (exit
# 13); the owner and moderators always pass; a member on the list and the
# holder of a valid invitation join.  Forged rules and forged, borrowed,
# expired or unauthorised invitations fail verification at the node, and
# each rejection is counted by reason.  The API shows the rules and
# counts, never whom they list.
. "$top_srcdir/tests/integ/lib.sh"
. "$top_srcdir/tests/integ/roomlib.sh"
plan 34

for k in m x y z; do
	"$CHORUS" keygen --out "$T_DIR/$k.key" >/dev/null
done
MID=$(client_id "$T_DIR/m.key") XID=$(client_id "$T_DIR/x.key")
YID=$(client_id "$T_DIR/y.key")
start; ok $? "chorusd starts"
make_room; ok $? "a room"
OWN=(--identity "$T_DIR/owner.key")
# try K [ARGS...]: K joins for a moment; its exit status, stderr in K.err.
try() {
	local k=$1; shift
	"$CHORUS" join "$LINK" --identity "$T_DIR/$k.key" --duration 0.5 "$@" \
	    >/dev/null 2>"$T_DIR/$k.err"
}
refused() { metric "chorus_joins_refused_total{reason=\"$1\"}"; }
rejected() { metric "chorus_records_rejected_total{reason=\"$1\"}"; }

try x; ok $? "an open room admits anyone"

# Members-only.
"$CHORUS" admit "$LINK" --room-key "$ROOMKEY" "${OWN[@]}" --members-only \
    >/dev/null 2>"$T_DIR/admit1.err"
ok $? "the owner makes the room members-only (chorus admit)"
try x; is "$?" 13 "an outsider is refused (exit 13)"
contains "$T_DIR/x.err" "admits only its listed members" "... and told why"
"$CHORUS" allow "$LINK" "$MID" "${OWN[@]}" >/dev/null 2>"$T_DIR/allow.err"
ok $? "the owner's identity (a moderator) allows M"
try m; ok $? "M, on the allow-list, joins"
try x; is "$?" 13 "X still may not"
"$CHORUS" allow "$LINK" "$XID" --identity "$T_DIR/m.key" >/dev/null 2>"$T_DIR/mallow.err"
is "$?" 11 "M, a member but no moderator, cannot allow X (exit 11)"
try x; is "$?" 13 "... and X stays out"
R=$(api /api/v1/rooms)
is "$(echo "$R" | jq -c '.list[0].admission | [.members_only, .invite_only, .allowed]')" \
    '[true,false,1]' "the API shows the rules and a count of the allow-list"
! echo "$R" | grep -q -e "$MID" -e "$XID"
ok $? "... and no identity"
"$CHORUS" disallow "$LINK" "$MID" "${OWN[@]}" >/dev/null 2>&1 &&
    try m; is "$?" 13 "once disallowed, M is refused"

# A forged policy: rules signed by another key than the room's are not
# the owner's, and change nothing.
head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$T_DIR/fake-room.hex"
"$CHORUS" admit "$LINK" --room-key "$T_DIR/fake-room.hex" "${OWN[@]}" \
    >/dev/null 2>"$T_DIR/forged.err"
is "$?" 11 "rules signed by a key that is not the room's are refused (exit 11)"
try x; is "$?" 13 "... and the room stays members-only"
is "$(rejected authority)" 2 "both unauthorised records were counted (authority)"

# Invite-only: the new rules replace the old.
"$CHORUS" admit "$LINK" --room-key "$ROOMKEY" "${OWN[@]}" --invite-only \
    >/dev/null 2>&1
ok $? "the owner makes the room invite-only"
try y; is "$?" 13 "without an invitation Y is refused"
contains "$T_DIR/y.err" "invite-only" "... and told to ask for one"
try owner; ok $? "the owner's identity, a moderator, needs none"
"$CHORUS" invite "$LINK" "$YID" "${OWN[@]}" --out "$T_DIR/y.inv" 2>/dev/null
ok $? "the owner's identity invites Y (chorus invite)"
try y --invite "$T_DIR/y.inv"; ok $? "Y joins with the invitation"
try x --invite "$T_DIR/y.inv"; is "$?" 3 "X cannot use Y's invitation (refused before sending)"
contains "$T_DIR/x.err" "for another identity" "... which says so"
# Forged: one bit of the signature flipped (the client sends it on; the
# node checks).
python3 - "$T_DIR/y.inv" "$T_DIR/forged.inv" <<'PY'
import base64, sys
pre = "chorus-invite1:"
raw = bytearray(base64.b64decode(open(sys.argv[1]).read().strip()[len(pre):]))
raw[-1] ^= 1
open(sys.argv[2], "w").write(pre + base64.b64encode(raw).decode() + "\n")
PY
try y --invite "$T_DIR/forged.inv"; is "$?" 13 "a forged invitation is refused at the node"
contains "$T_DIR/y.err" "invalid invitation" "... as an invalid invitation"
"$CHORUS" invite "$LINK" "$XID" --identity "$T_DIR/m.key" --out "$T_DIR/x.inv" 2>/dev/null
try x --invite "$T_DIR/x.inv"; is "$?" 13 "an invitation from a non-moderator is refused"
"$CHORUS" invite "$LINK" "$XID" "${OWN[@]}" --for 1 --out "$T_DIR/x1.inv" 2>/dev/null
sleep 2
try x --invite "$T_DIR/x1.inv"; is "$?" 13 "an expired invitation is refused"
is "$(rejected signature) $(rejected expired) $(rejected authority)" "1 1 3" \
    "each bad invitation is counted by reason (signature, expired, authority)"

# A join rate: 2 at once, then 2 a minute.
"$CHORUS" admit "$LINK" --room-key "$ROOMKEY" "${OWN[@]}" --joins-per-min 2 \
    >/dev/null 2>&1
try x && try y; ok $? "an open room with a join rate admits its burst (2)"
try z; is "$?" 13 "the third join within the minute is refused"
contains "$T_DIR/z.err" "too many joins" "... and told to try again shortly"
is "$(refused members_only) $(refused invite_only) $(refused bad_invite) $(refused join_rate)" \
    "5 1 3 1" "refusals are counted by reason"
