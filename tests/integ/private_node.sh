#!/usr/bin/env bash
# A private node: without the organisation's network key there is no
# session and no reply at all; with member-keys-file only listed
# identities get in.  A network key readable by others stops start-up.
. "$top_srcdir/tests/integ/lib.sh"
. "$top_srcdir/tests/integ/roomlib.sh"
plan 13

"$CHORUS" keygen --psk --out "$T_DIR/net.key" >/dev/null; ok $? "keygen --psk"
is "$(stat -c %a "$T_DIR/net.key")" 600 "the network key is mode 600"
"$CHORUS" keygen --out "$T_DIR/owner.key" >/dev/null
"$CHORUS" keygen --out "$T_DIR/m.key" >/dev/null
{ echo "# members"; client_id "$T_DIR/owner.key"; client_id "$T_DIR/m.key"; } >"$T_DIR/members"
write_conf "network-psk-file = $T_DIR/net.key" "member-keys-file = $T_DIR/members"
start; ok $? "a private node starts"

make_room --network-key "$T_DIR/net.key"; ok $? "a member with the network key creates a room"
"$CHORUS" join "$LINK" --identity "$T_DIR/m.key" --network-key "$T_DIR/net.key" \
    --duration 1 >/dev/null 2>&1
ok $? "a listed member with the network key joins"

"$CHORUS" join "$LINK" --identity "$T_DIR/m.key" --timeout 2 --duration 1 \
    >/dev/null 2>"$T_DIR/nopsk.err"
is "$?" 4 "without the network key: no session (exit 4)"
"$CHORUS" keygen --psk --out "$T_DIR/other.key" >/dev/null
"$CHORUS" join "$LINK" --identity "$T_DIR/m.key" --network-key "$T_DIR/other.key" \
    --timeout 2 --duration 1 >/dev/null 2>&1
is "$?" 4 "with another network key: no session (exit 4)"
"$CHORUS" join "$LINK" --network-key "$T_DIR/net.key" --timeout 2 --duration 1 \
    >/dev/null 2>&1
is "$?" 4 "an identity not in member-keys-file: no session (exit 4)"

# What a stranger sees: a handshake-shaped datagram draws nothing back.
python3 - "$PORT" >"$T_DIR/probe" 2>&1 <<'PY'
import os, socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(1.5)
s.connect(("127.0.0.1", int(sys.argv[1])))
s.send(bytes([4, 0, 0, 0]) + os.urandom(240))
try:
    print("reply", len(s.recv(2048)))
except socket.timeout:
    print("silence")
PY
contains "$T_DIR/probe" "^silence$" "a stranger's initiation gets no reply"
check "the node counted refused handshakes" test "$(metric 'chorus_dropped_total{reason="mac"}' | cut -d. -f1)" -ge 3
is "$(metric chorus_cookie_replies_total)" 0 "and sent no cookie replies"
stop

chmod 644 "$T_DIR/net.key"
"$CHORUSD" -c "$CONF" >"$T_DIR/bad.out" 2>&1
[ $? -ne 0 ]; ok $? "a network key readable by others stops start-up"
contains "$T_DIR/bad.out" "net.key.*chmod 600" "and the message says what to do"
finish
