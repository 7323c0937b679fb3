#!/usr/bin/env bash
# Shared blocklists (chorus block export | import): A shares its list
# with contact B, by B's contact card; the record is signed by A and
# encrypted to B (and A), names no recipient, and B adds its IDs to its
# own list as mutes, never as reports.  C, who is not a recipient,
# cannot read it; a record altered on the way, or claimed from someone
# else, is refused.
. "$top_srcdir/tests/integ/lib.sh"
. "$top_srcdir/tests/integ/roomlib.sh"
plan 15

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
# The card gives B's ID and X25519 key; the record holds neither.
python3 - "$T_DIR/share" "$(card b)" <<'PY'
import base64, sys
rec = base64.b64decode(open(sys.argv[1]).read().strip().split(":", 1)[1])
card = base64.b64decode(sys.argv[2].split(":", 1)[1])
bid, bx = card[:32], card[32:64]
sys.exit(1 if len(card) != 128 or bid in rec or bx in rec else 0)
PY
ok $? "the record names its recipient neither by ID nor by key"

blk import "$T_DIR/share" --identity "$T_DIR/b.key" --list "$T_DIR/b.bl" \
    --from "$AID" >"$T_DIR/import.out" 2>&1
ok $? "B imports it, from A"
contains "$T_DIR/import.out" "2 identities from $AID.*2 new" "... two new identities"
grep -v '^#' "$T_DIR/b.bl" | sort >"$T_DIR/b.ids"
is "$(cat "$T_DIR/b.ids" | tr '\n' ' ')" "$(printf '%s\n' "$XID" "$YID" | sort | tr '\n' ' ')" \
    "B's list holds X and Y as mutes (A's report is not borrowed)"
# Six more IDs i0 < ... < i5 in byte order.  C blocks and reports i1,
# i3, i5; A shares i0, i2, i4, i5: three new ones fall between C's, and
# C's report on i5 must stay (the list is kept in order as it grows).
for i in 0 1 2 3 4 5; do "$CHORUS" keygen --out "$T_DIR/o$i.key" >/dev/null; done
mapfile -t O < <(for i in 0 1 2 3 4 5; do client_id "$T_DIR/o$i.key"; done |
    python3 -c 'import base64, sys
ids = sys.stdin.read().split()
key = lambda s: base64.b32decode(s.upper() + "=" * (-len(s) % 8))
print("\n".join(sorted(ids, key=key)))')
for i in 1 3 5; do blk add "${O[$i]}" --report --list "$T_DIR/c0.bl"; done
for i in 0 2 4 5; do blk add "${O[$i]}" --list "$T_DIR/a2.bl"; done
blk export --to "$(card c)" --identity "$T_DIR/a.key" --list "$T_DIR/a2.bl" \
    --out "$T_DIR/share-c" 2>/dev/null
blk import "$T_DIR/share-c" --identity "$T_DIR/c.key" --list "$T_DIR/c0.bl" \
    >"$T_DIR/import-c.out" 2>&1
contains "$T_DIR/import-c.out" "4 identities .*: 3 new" "C's import adds the three it lacked"
is "$(grep -v '^#' "$T_DIR/c0.bl" | sort | tr '\n' ' ')" \
    "$(printf '%s\n' "${O[0]}" "${O[1]} report" "${O[2]}" "${O[3]} report" \
    "${O[4]}" "${O[5]} report" | sort | tr '\n' ' ')" \
    "... once each, and C's own reports stay"
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
