#!/usr/bin/env bash
# A key file with open permissions, truncated or corrupt stops start-up
# with a message naming the file; the file is never replaced.
. "$top_srcdir/tests/integ/lib.sh"
plan 11

start; ok $? "first start makes the key"; stop
key="$STATE/node.key"
cp "$key" "$T_DIR/key.orig"

refuse() {	# refuse DESCRIPTION PATTERN
	: >"$LOG"
	timeout 10 "$CHORUSD" -c "$CONF" >"$LOG" 2>&1
	rc=$?
	[ $rc -ne 0 ] && [ $rc -ne 124 ]; ok $? "$1: start-up refused"
	contains "$LOG" "$key.*$2" "$1: message names the file and says what to do"
}

chmod 644 "$key"
refuse "mode 0644" "chmod 600"
check "mode 0644: key not replaced" cmp -s "$key" "$T_DIR/key.orig"
chmod 600 "$key"

head -c 40 "$T_DIR/key.orig" >"$key"
refuse "truncated key" "truncated"
is "$(stat -c %s "$key")" 40 "truncated key left as it was"

cp "$T_DIR/key.orig" "$key"
printf '\xff' | dd of="$key" bs=1 seek=20 conv=notrunc 2>/dev/null
refuse "flipped byte" "corrupt"
check "corrupt key not replaced" sh -c "! cmp -s '$key' '$T_DIR/key.orig'"

cp "$T_DIR/key.orig" "$key"; chmod 600 "$key"
start; ok $? "restored key starts again"
