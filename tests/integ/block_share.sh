#!/usr/bin/env bash
# Shared blocklists (chorus block export | import): A shares its list
# with contact B, by B's contact card; the record is signed by A and
# encrypted to B (and A), names no recipient, and B adds its IDs to its
# own list as mutes, never as reports.  C, who is not a recipient,
# cannot read it; a record altered on the way, or claimed from someone
# else, is refused.
. "$top_srcdir/tests/integ/lib.sh"
. "$top_srcdir/tests/integ/roomlib.sh"
plan 13

for k in a b c x y; do "$CHORUS" keygen --out "$T_DIR/$k.key" >/dev/null; done
AID=$(client_id "$T_DIR/a.key") BID=$(client_id "$T_DIR/b.key")
CID=$(client_id "$T_DIR/c.key")
XID=$(client_id "$T_DIR/x.key") YID=$(client_id "$T_DIR/y.key")
card() { "$CHORUS" keygen --show "$T_DIR/$1.key" | awk '/^contact:/ { print $2 }'; }
blk() { "$CHORUS" block "$@"; }
blk add "$XID" --report --list "$T_DIR/a.bl" && blk add "$YID" --list "$T_DIR/a.bl"
ok $? "A blocks X (reported) and Y"
blk export --to "$(card b)" --identity "$T_DIR/a.key" --list "$T_DIR/a.bl" \
    --out "$T_DIR/share" 2>"$T_DIR/export.err"
ok $? "A exports its list to B's contact card"
is "$(stat -c %a "$T_DIR/share")" 600 "... written mode 0600"
python3 - "$T_DIR/share" "$BID" <<'PY'
import base64, sys
rec = base64.b64decode(open(sys.argv[1]).read().strip().split(":", 1)[1])
s = sys.argv[2].upper()
bid = base64.b32decode(s + "=" * (-len(s) % 8))
sys.exit(1 if bid in rec else 0)
PY
ok $? "the record does not name its recipient"

blk import "$T_DIR/share" --identity "$T_DIR/b.key" --list "$T_DIR/b.bl" \
    --from "$AID" >"$T_DIR/import.out" 2>&1
ok $? "B imports it, from A"
contains "$T_DIR/import.out" "2 identities from $AID.*2 new" "... two new identities"
grep -v '^#' "$T_DIR/b.bl" | sort >"$T_DIR/b.ids"
is "$(cat "$T_DIR/b.ids" | tr '\n' ' ')" "$(printf '%s\n' "$XID" "$YID" | sort | tr '\n' ' ')" \
    "B's list holds X and Y as mutes (A's report is not borrowed)"
blk import "$T_DIR/share" --identity "$T_DIR/b.key" --list "$T_DIR/b.bl" \
    >"$T_DIR/import2.out" 2>&1
contains "$T_DIR/import2.out" ": 0 new" "importing again adds nothing"

blk import "$T_DIR/share" --identity "$T_DIR/c.key" --list "$T_DIR/c.bl" 2>"$T_DIR/c.err"
is "$?" 3 "C, not a recipient, cannot read it (exit 3)"
contains "$T_DIR/c.err" "not addressed to this identity" "... and is told so"
blk import "$T_DIR/share" --identity "$T_DIR/b.key" --list "$T_DIR/b.bl" \
    --from "$CID" 2>"$T_DIR/from.err"
is "$?" 3 "a record claimed to be from C but signed by A is refused"
python3 - "$T_DIR/share" "$T_DIR/bad" <<'PY'
import base64, sys
pre, b64 = open(sys.argv[1]).read().strip().split(":", 1)
rec = bytearray(base64.b64decode(b64))
rec[20] ^= 1  # a byte of the issuer's ID
open(sys.argv[2], "w").write(pre + ":" + base64.b64encode(rec).decode() + "\n")
PY
blk import "$T_DIR/bad" --identity "$T_DIR/b.key" --list "$T_DIR/b2.bl" 2>"$T_DIR/bad.err"
is "$?" 3 "an altered record is refused ($(cat "$T_DIR/bad.err" | sed 's/.*: //'))"
blk export --to "chorus-contact1:AAAA" --identity "$T_DIR/a.key" --list "$T_DIR/a.bl" \
    >/dev/null 2>&1
is "$?" 1 "a malformed contact card is a usage error"
