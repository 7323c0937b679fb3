#!/usr/bin/env bash
# Blocking, locally and never globally.  Two speakers (500 Hz and 900 Hz
# tones) and two listeners in one room; mid-way listener A runs `chorus
# block add` on the 500 Hz speaker: its running join follows its
# blocklist file, tells the node, and the node stops sending that
# speaker's frames to A within a second, while listener B still hears
# both.  Then the operator's deny list: a deny-identity line refuses an
# identity with a reason the client shows (exit 14); the admin API adds
# one at run time, which ends that identity's session at once, and
# removes it again; the API and the dashboard's figures show counts,
# never who.
. "$top_srcdir/tests/integ/lib.sh"
. "$top_srcdir/tests/integ/roomlib.sh"
[ -n "$PYNUM" ] || skip_all "python3-numpy is needed"
plan 21

for k in s t a b d e; do
	"$CHORUS" keygen --out "$T_DIR/$k.key" >/dev/null
done
SID=$(client_id "$T_DIR/s.key") DID=$(client_id "$T_DIR/d.key")
EID=$(client_id "$T_DIR/e.key")
write_conf "deny-identity = $DID"
start; ok $? "chorusd starts (one deny-identity line)"
make_room; ok $? "a room"
BL="$T_DIR/a.bl"
block_scene 13 || skip_all "cannot make a tone"
BLOCK_AT=$(date +%s.%N)
"$CHORUS" block add "$SID" --list "$BL" --report
ok $? "A blocks the 500 Hz speaker (chorus block add)"
contains "$BL" "^$SID report\$" "... in A's blocklist file, reported"
wait "$S_s" "$S_t" "$L_a" "$L_b"
R=$(api /api/v1/rooms)
OFF=$(echo "$A_START $BLOCK_AT" | awk '{ printf "%.2f", $2 - $1 }')
SKIP=$(echo "$OFF" | awk '{ printf "%.2f", $1 + 1.0 }')

tones check "$T_DIR/a.wav" --present 500,900 >"$T_DIR/a.all" 2>&1
ok $? "before the block A hears both: $(cat "$T_DIR/a.all")"
tones check "$T_DIR/a.wav" --present 900 --absent 500 --skip "$SKIP" \
    >"$T_DIR/a.tail" 2>&1
ok $? "from 1 s after the block (${SKIP}s in) A hears 900 Hz only: $(cat "$T_DIR/a.tail")"
tones check "$T_DIR/b.wav" --present 500,900 --skip "$SKIP" >"$T_DIR/b.tail" 2>&1
ok $? "B, who blocked nobody, still hears both then: $(cat "$T_DIR/b.tail")"
# When did A last hear 500 Hz, after the block?  (100 ms windows)
LAST=$("$PYNUM" - "$T_DIR/a.wav" "$OFF" <<'PY'
import sys, numpy as np
import wave
w = wave.open(sys.argv[1], "rb")
x = np.frombuffer(w.readframes(w.getnframes()), dtype="<i2").astype(float)
win, rate, last = 4800, 48000, None
for i in range(0, len(x) - win, win):
    s = np.abs(np.fft.rfft(x[i:i + win] * np.hanning(win)))
    f = np.fft.rfftfreq(win, 1 / rate)
    band = s[(f > 485) & (f < 515)].max()
    floor = np.median(s[(f > 1500) & (f < 3000)]) + 1e-9
    if band > 100 * floor:
        last = i / rate
print("%.1f" % ((last or 0) + 0.1 - float(sys.argv[2])))
PY
)
check "A's last 500 Hz window ends ${LAST}s after the block (< 1 s)" \
    awk -v l="$LAST" 'BEGIN { exit !(l < 1.0) }'
is "$(echo "$R" | jq '.list[0].media_blocked > 300')" true \
    "the node held back the blocked speaker's frames for A ($(echo "$R" | jq .list[0].media_blocked))"
is "$(jq '.decoded.frames > 600' "$T_DIR/b.json")" true "B decoded throughout"

# Nothing of who blocked whom leaves the node: not in the API, not in logs.
! api /api/v1/rooms | grep -q "$SID" && ! grep -q "$SID" "$LOG"
ok $? "the blocked ID is in no API answer and not in the log"
DB="$STATE/chorus.db"
is "$(sqlite3 "$DB" 'SELECT count(*) FROM blocks')" 1 \
    "the reported block is kept in SQLite, for standing"
is "$(sqlite3 "$DB" 'SELECT count(*), sum(active_days) FROM identities')" "4|4" \
    "the four members' first active day is counted (once each)"

# The operator's deny list.
"$CHORUS" join "$LINK" --identity "$T_DIR/d.key" --duration 2 >/dev/null 2>"$T_DIR/d.err"
is "$?" 14 "a denied identity (deny-identity) is refused with exit 14"
contains "$T_DIR/d.err" "does not serve this identity" "... and told why"
is "$(api /api/v1/rooms | jq .denied_identities)" 1 "the API counts one denied identity"
TOK=$(cat "$STATE/admin.token")
adm() { curl -s -o "$T_DIR/adm.out" -w '%{http_code}' -H "Authorization: Bearer $TOK" "$@"; }
"$CHORUS" join "$LINK" --identity "$T_DIR/e.key" --duration 8 >/dev/null 2>"$T_DIR/e.err" &
E=$!
sleep 1.5
is "$(adm -X POST -d "{\"id\":\"$EID\"}" "$BASE/api/v1/deny")" 201 \
    "the admin API denies E while it is in the room"
wait "$E"
is "$?" 14 "... which ends E's session with exit 14"
is "$(adm "$BASE/api/v1/deny" && jq -c '[.count, ([.denied[].from] | sort)]' "$T_DIR/adm.out")" \
    '200[2,["api","configuration"]]' "the admin list names the source of each entry"
[ "$(adm -X DELETE "$BASE/api/v1/deny/$DID")" = 409 ] &&
    [ "$(adm -X DELETE "$BASE/api/v1/deny/$EID")" = 200 ]
ok $? "the API cannot drop a configuration line (409), but drops its own (200)"
"$CHORUS" join "$LINK" --identity "$T_DIR/e.key" --duration 1 >/dev/null \
    2>"$T_DIR/e2.err"
ok $? "E may join again"
