#!/usr/bin/env bash
# tests/bench/admit.sh - what a room's minimum standing costs a JOIN.
#
# Usage: admit.sh [CHORUSD] [CHORUS] [ROUNDS]
# The node computes a joiner's standing when a room asks for a minimum
# (doc/REPUTATION.md 10.4): one query for the blocks on the joiner, one
# more for each established blocker.  This seeds the database with the
# worst case the node bounds: 256 established blockers on target T, each
# itself blocked by 255 established identities (65,536 reports), and
# measures, ROUNDS times each (default 30), the operator's
# GET /api/v1/standing/ID for T and for an identity nobody blocked (the
# baseline), and the wall time of a whole `chorus join` into an open room
# and into a room with a minimum standing of 0.5 (T's blockers, being
# blocked by so many themselves, carry almost no trust: T is let in,
# after the whole computation at its first join; later joins within a
# minute reuse it, as the node's cache is meant to).
# Not a pass/fail test: it prints medians and ratios.
set -eu
chorusd=${1:-./daemon/chorusd}
chorus=${2:-./client/chorus}
rounds=${3:-30}
KEEP=${KEEP:-0}
. "$(dirname "$0")/benchlib.sh"
bench_init admit

node
"$chorus" keygen --out "$dir/t.key" >/dev/null
"$chorus" keygen --out "$dir/u.key" >/dev/null
tid=$("$chorus" keygen --show "$dir/t.key" | awk '/^id:/ { print $2 }')
uid=$("$chorus" keygen --show "$dir/u.key" | awk '/^id:/ { print $2 }')
kill -TERM "$npid"; wait "$npid" 2>/dev/null || true; npid=
python3 - "$dir/state/chorus.db" "$tid" <<'PY'
import base64, os, sqlite3, sys, time
db = sqlite3.connect(sys.argv[1])
s = sys.argv[2].upper()
t = base64.b32decode(s + "=" * (-len(s) % 8))
day, now = int(time.time()) // 86400, int(time.time())
ids = [os.urandom(32) for _ in range(256 + 255)]
rows = [(i, day - 59, day, 60) for i in ids] + [(t, day - 59, day, 60)]
db.executemany("INSERT INTO identities VALUES (?, ?, ?, ?)", rows)
blocks = [(b, t, now - 86400) for b in ids[:256]]
for b in ids[:256]:
    blocks += [(c, b, now - 86400) for c in ids[256:]]
db.executemany("INSERT INTO blocks VALUES (?, ?, ?)", blocks)
db.commit()
print("seeded: %d identities, %d reported blocks" % (len(rows), len(blocks)))
PY
# Start again on the seeded database (same state, new ports).
port=$(freeport) http=$(freeport)
sed -i -e "s/^port = .*/port = $port/" \
    -e "s/^http-address = .*/http-address = 127.0.0.1:$http/" "$dir/conf"
node_run
tok=$(cat "$dir/state/admin.token")
room() {
	"$chorus" room create --node "127.0.0.1:$port" --node-key "$key" \
	    --identity "$dir/owner.key" --room-key "$dir/$1.rk" 2>/dev/null
}
open=$(room open) strict=$(room strict)
"$chorus" admit "$strict" --room-key "$dir/strict.rk" --identity \
    "$dir/owner.key" --min-standing 0.5 >/dev/null 2>&1
echo "T's standing: $(curl -sf -H "Authorization: Bearer $tok" \
    "http://127.0.0.1:$http/api/v1/standing/$tid" | jq -c '{standing, blocks_weighed}')"

# ms CMD...: the wall time of one run, in milliseconds.
ms() {
	local t0 t1
	t0=$(date +%s%N); "$@" >/dev/null 2>&1 || true; t1=$(date +%s%N)
	echo $(( (t1 - t0) / 1000 ))
}
median() { sort -n | awk '{ a[NR] = $1 } END { printf "%.2f", (NR % 2 ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2) / 1000 }'; }
get() { curl -sf -o /dev/null -H "Authorization: Bearer $tok" "http://127.0.0.1:$http/api/v1/standing/$1"; }
for _ in $(seq "$rounds"); do
	ms get "$uid" >>"$dir/api.base"
	ms get "$tid" >>"$dir/api.worst"
	ms "$chorus" join "$open" --identity "$dir/t.key" --duration 0.2 \
	    >>"$dir/join.base"
	ms "$chorus" join "$strict" --identity "$dir/t.key" --duration 0.2 \
	    >>"$dir/join.worst"
done
ab=$(median <"$dir/api.base") aw=$(median <"$dir/api.worst")
jb=$(median <"$dir/join.base") jw=$(median <"$dir/join.worst")
printf '\n%-44s %10s %10s %7s\n' "median of $rounds, ms" baseline worst ratio
printf '%-44s %10s %10s %7s\n' "GET /api/v1/standing (nobody / 256x255)" "$ab" "$aw" \
    "$(awk -v a="$ab" -v b="$aw" 'BEGIN { printf "%.1f", b / a }')"
printf '%-44s %10s %10s %7s\n' "chorus join (open room / minimum 0.5)" "$jb" "$jw" \
    "$(awk -v a="$jb" -v b="$jw" 'BEGIN { printf "%.2f", b / a }')"
