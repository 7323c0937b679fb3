#!/usr/bin/env bash
# chorusd -t: prints the effective configuration, or FILE:LINE: reason.
. "$top_srcdir/tests/integ/lib.sh"
plan 16

write_conf
out="$T_DIR/out"; errf="$T_DIR/err"

"$CHORUSD" -t -c "$CONF" >"$out" 2>"$errf"
ok $? "a valid file checks out (exit 0)"
contains "$out" "^port = $PORT\$" "the effective port is printed"
contains "$out" "^drain-timeout = " "defaults are printed too"

# The printed configuration reads back to itself.
"$CHORUSD" -t -c "$out" >"$T_DIR/out2" 2>&1
check "printed configuration is accepted" cmp -s "$out" "$T_DIR/out2"

printf 'port = 3478\n# comment\nprot = 1\n' >"$T_DIR/bad1.conf"
"$CHORUSD" -t -c "$T_DIR/bad1.conf" >/dev/null 2>"$errf"
[ $? -ne 0 ]; ok $? "an unknown key fails"
contains "$errf" "^$T_DIR/bad1.conf:3: .*prot" "error names file, line and key"

printf 'port = 3478\nport = 3479\n' >"$T_DIR/bad2.conf"
"$CHORUSD" -t -c "$T_DIR/bad2.conf" >/dev/null 2>"$errf"
[ $? -ne 0 ]; ok $? "a duplicate single-valued key fails"
contains "$errf" "^$T_DIR/bad2.conf:2: .*duplicate" "duplicate names its line"

printf '\n\nlog-addresses = maybe\n' >"$T_DIR/bad3.conf"
"$CHORUSD" -t -c "$T_DIR/bad3.conf" >/dev/null 2>"$errf"
[ $? -ne 0 ]; ok $? "a bad value fails"
contains "$errf" "^$T_DIR/bad3.conf:3: " "bad value names its line"

"$CHORUSD" -t -c "$CONF" --port=abc >/dev/null 2>"$errf"
[ $? -ne 0 ]; ok $? "a bad --key=value fails"

"$CHORUSD" -t -c "$CONF" --port 4000 --log-level=warning >"$out" 2>&1
contains "$out" "^port = 4000\$" "--key value overrides the file"

"$CHORUSD" -t -c "$T_DIR/missing.conf" >/dev/null 2>"$errf"
[ $? -ne 0 ] && grep -q "missing.conf" "$errf"; ok $? "a missing -c file fails, named"

"$CHORUSD" -t -c "$top_srcdir/etc/chorusd.conf" >/dev/null 2>"$errf"
ok $? "the sample etc/chorusd.conf is valid"

# -t also loads the TLS certificate and key a start would load.
echo "not a certificate" >"$T_DIR/bad.pem"
"$CHORUSD" -t -c "$CONF" --tls-cert="$T_DIR/bad.pem" --tls-key="$T_DIR/bad.pem" >/dev/null 2>"$errf"
[ $? -ne 0 ]; ok $? "a broken tls-cert fails -t"
contains "$errf" "tls-cert $T_DIR/bad.pem" "the message names the certificate file"
