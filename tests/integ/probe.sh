#!/usr/bin/env bash
# Proof of bandwidth: chorus probe sends challenges through a node inside
# end-to-end encrypted media frames and counts only what comes back
# authentic and on time.  An honest node passes every one; a node that
# drops one frame in five (tests/chorusd-tamper, CHORUS_TAMPER=drop)
# loses a fifth; one that alters what it forwards earns nothing.  The
# report is signed by the prober and names the node.
. "$top_srcdir/tests/integ/lib.sh"
. "$top_srcdir/tests/integ/roomlib.sh"
: "${top_builddir:?}"
TAMPER="$top_builddir/tests/chorusd-tamper"
plan 12

# probe_run NAME: probe the running node; JSON in $T_DIR/NAME.json
probe_run() {
	local id
	id=$(api /api/v1/status | jq -r .node.id)
	"$CHORUS" probe --node "127.0.0.1:$PORT" --node-key "$(node_key)" \
	    --node-id "$id" --network-id testnet --packets 200 --rate 100 \
	    --size 300 >"$T_DIR/$1.json" 2>"$T_DIR/$1.err"
}

start; ok $? "chorusd starts"
probe_run honest; ok $? "chorus probe runs"
is "$(jq .passed "$T_DIR/honest.json")" 200 "an honest node passes all 200 challenges"
is "$(jq .loss_ppm "$T_DIR/honest.json")" 0 "no loss"
is "$(jq '.throughput_kbps > 100' "$T_DIR/honest.json")" true \
    "throughput measured ($(jq .throughput_kbps "$T_DIR/honest.json") kbit/s)"
jq -r .report "$T_DIR/honest.json" | base64 -d >"$T_DIR/report.bin" 2>/dev/null
is "$(head -c 4 "$T_DIR/report.bin")$(stat -c %s "$T_DIR/report.bin")" "CHNR208" \
    "a signed 208-byte measurement report"
stop

[ -x "$TAMPER" ] || { for _ in 1 2 3 4 5 6; do ok 0 "# SKIP tests/chorusd-tamper not built"; done; finish; }
CHORUSD=$TAMPER
CHORUS_TAMPER=drop start; ok $? "a node that drops a fifth starts"
probe_run drop
is "$(jq '.passed >= 150 and .passed <= 170' "$T_DIR/drop.json")" true \
    "it passes about four in five ($(jq .passed "$T_DIR/drop.json") of 200)"
is "$(jq '.loss_ppm >= 150000 and .loss_ppm <= 250000' "$T_DIR/drop.json")" true \
    "and the report says about 20 % loss"
stop
CHORUS_TAMPER=payload start; ok $? "a node that alters payloads starts"
probe_run alter
is "$(jq .passed "$T_DIR/alter.json")" 0 "it passes none"
is "$(jq '.loss_ppm' "$T_DIR/alter.json")" 1000000 "and earns nothing"
finish
