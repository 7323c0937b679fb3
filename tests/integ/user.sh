#!/usr/bin/env bash
# chorusd user add|del|list: keys (never passwords) in the database, the
# RFC 8489 §9.2.2 key values, refusals, a terminal prompt, and use next
# to a running chorusd.
. "$top_srcdir/tests/integ/lib.sh"
command -v sqlite3 >/dev/null || skip_all "no sqlite3 command"
plan 50

DB="$STATE/chorus.db"
OUT="$T_DIR/out"
ERR="$T_DIR/err"
PW1='pw1-plaintext-Zebra'
PW2='pw2-plaintext-Okapi'

# skip DESCRIPTION REASON: a TAP test that was not run.
skip() { T_N=$((T_N + 1)); echo "ok $T_N - $1 # SKIP $2"; }

# user ARGS...: run "chorusd -c $CONF user ARGS", stdin as given; sets RC.
# (Not at the end of a pipeline: that would set RC in a subshell.)
user() {
	"$CHORUSD" -c "$CONF" user "$@" >"$OUT" 2>"$ERR"
	RC=$?
}

# pw_user PASSWORD ARGS...: user ARGS with PASSWORD and a newline piped in.
pw_user() {
	local pw=$1
	shift
	user "$@" < <(printf '%s\n' "$pw")
}

# sql QUERY: one value from the database, through the sqlite3 tool.
sql() { sqlite3 "$DB" "$1"; }

# hexhash ALG TEXT: upper-case hex digest of TEXT (hashlib).
hexhash() {
	python3 -c 'import hashlib, sys
print(hashlib.new(sys.argv[1], sys.argv[2].encode()).hexdigest().upper())' "$1" "$2"
}

# holds FILE TEXT: 0 if the bytes of TEXT are anywhere in FILE.
holds() {
	python3 -c 'import sys
sys.exit(0 if sys.argv[2].encode() in open(sys.argv[1], "rb").read() else 1)' "$1" "$2"
}

# no_password WHEN: neither password in the dump, the file or its WAL.
no_password() {
	local f found=0
	sqlite3 "$DB" .dump >"$T_DIR/dump"
	for f in "$T_DIR/dump" "$DB" "$DB-wal"; do
		[ -f "$f" ] || continue
		if holds "$f" "$PW1" || holds "$f" "$PW2"; then
			echo "#   a password is in $f"
			found=1
		fi
	done
	ok $found "$1: no password in the dump, the file or the WAL"
}

# The realm: test.realm if this chorusd knows the key, else the default.
REALM=test.realm
write_conf "realm = $REALM"
if ! "$CHORUSD" -t -c "$CONF" 2>/dev/null | grep -q "^realm = $REALM\$"; then
	diag "chorusd has no realm key yet: using the default realm"
	REALM=chorus
	write_conf
fi

# --- add, list, the keys ---------------------------------------------
pw_user "$PW1" add alice
is "$RC" 0 "add alice exits 0"
is "$(cat "$OUT")" "user alice added (realm $REALM)" "add alice says so"
is "$(stat -c %a "$STATE") $(stat -c %a "$DB")" "700 600" \
    "state directory 700 and database 600 made by user add"
user list
is "$RC" 0 "list exits 0"
contains "$OUT" "^alice realm=$REALM created=[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z\$" \
    "list shows alice, her realm and an ISO 8601 UTC time"
is "$(sql "SELECT hex(key_md5) FROM users WHERE name = 'alice'")" \
    "$(hexhash md5 "alice:$REALM:$PW1")" "key_md5 = MD5(alice:realm:password)"
is "$(sql "SELECT hex(key_sha256) FROM users WHERE name = 'alice'")" \
    "$(hexhash sha256 "alice:$REALM:$PW1")" "key_sha256 = SHA-256(alice:realm:password)"
is "$(sql "SELECT hex(userhash) FROM users WHERE name = 'alice'")" \
    "$(hexhash sha256 "alice:$REALM")" "userhash = SHA-256(alice:realm)"
# The scan below must be able to see stored text: the name is stored.
check "the byte scan finds the stored name" holds "$DB" alice
no_password "after add"
is "$(sql "SELECT count(*) FROM sqlite_master WHERE sql LIKE '%password%'")" 0 \
    "no column for a password"

# A password without a final newline is the whole of stdin.
user add alice < <(printf '%s' "$PW2")
is "$RC" 0 "re-add alice (new password, no newline) exits 0"
contains "$ERR" "earlier keys are replaced" "re-add says the old keys are replaced"
is "$(sql "SELECT hex(key_md5) FROM users WHERE name = 'alice'")" \
    "$(hexhash md5 "alice:$REALM:$PW2")" "re-add stores the new key"
is "$(sql "SELECT count(*) FROM users")" 1 "re-add keeps one row"
pw_user "$PW1" add bob
user list
is "$(cut -d' ' -f1 "$OUT" | tr '\n' ' ')" "alice bob " "list sorted by name"

# --- del ---------------------------------------------------------------
user del alice
is "$RC" 0 "del alice exits 0"
is "$(cat "$OUT")" "user alice deleted" "del says so"
user list
is "$(cut -d' ' -f1 "$OUT" | tr '\n' ' ')" "bob " "alice no longer listed"
user del alice
is "$RC" 1 "del of an unknown user exits 1"
contains "$ERR" "no such user" "and says no such user"

# --- refusals ------------------------------------------------------------
n=0
long=$(printf 'n%.0s' $(seq 129))
for name in 'a:b' 'a b' '' "$long" "$(printf 'a\tb')" 'caf'$'\xc3\xa9' 'x'$'\x7f'; do
	pw_user "$PW1" add "$name"
	[ "$RC" -eq 1 ] && grep -q "bad user name" "$ERR" && n=$((n + 1))
done
is "$n" 7 "bad names refused (colon, space, empty, 129 bytes, tab, non-ASCII, DEL)"
pw_user "$PW1" add "$(printf 'n%.0s' $(seq 128))"
is "$RC" 0 "a 128-byte name is accepted"
pw_user '' add carol
is "$RC" 1 "empty password refused"
contains "$ERR" "empty password" "and says so"
user add carol </dev/null
is "$RC" 1 "no password on stdin refused"
pw_user $'pw\r' add carol
is "$RC" 1 "password with a control character (CR) refused"
user add carol < <(head -c 600 /dev/zero | tr '\0' x)
is "$RC" 1 "password over 512 bytes refused"
is "$(sql "SELECT count(*) FROM users WHERE name = 'carol'")" 0 "carol never added"
user
is "$RC" 2 "user without a subcommand is a usage error"
user frob
is "$RC" 2 "unknown subcommand is a usage error"
user add
is "$RC" 2 "add without a name is a usage error"
"$CHORUSD" -t -c "$CONF" user list >/dev/null 2>&1
is "$?" 2 "-t with user is a usage error"

# --- realm mismatch ------------------------------------------------------
if [ "$REALM" = test.realm ]; then
	"$CHORUSD" -c "$CONF" --realm=other.realm user list >"$OUT" 2>"$ERR"
	is "$?" 0 "list under another realm exits 0"
	contains "$ERR" "user bob: keys were made for realm test.realm; re-add the user to use it with realm other.realm" \
	    "and warns that bob's keys are for the old realm"
else
	skip "list under another realm exits 0" "no realm key"
	skip "and warns that bob's keys are for the old realm" "no realm key"
fi

# --- at a terminal: echo off, asked twice --------------------------------
# pty_add NAME FIRST SECOND: type the two passwords at the prompts;
# prints the exit status, then what the terminal showed.
pty_add() {
	python3 - "$CHORUSD" "$CONF" "$@" <<'PY'
import os, pty, select, sys, time
chorusd, conf, name, first, second = sys.argv[1:6]
pid, fd = pty.fork()
if pid == 0:
    os.execv(chorusd, [chorusd, "-c", conf, "user", "add", name])
seen = b""
def until(text):
    global seen
    end = time.time() + 10
    while text not in seen and time.time() < end:
        r, _, _ = select.select([fd], [], [], 0.2)
        if r:
            try:
                seen += os.read(fd, 1024)
            except OSError:
                return
until(b"Password for " + name.encode() + b": ")
os.write(fd, first.encode() + b"\n")
until(b"Again: ")
os.write(fd, second.encode() + b"\n")
end = time.time() + 10
while time.time() < end:
    r, _, _ = select.select([fd], [], [], 0.2)
    if r:
        try:
            data = os.read(fd, 1024)
        except OSError:
            break
        if not data:
            break
        seen += data
_, st = os.waitpid(pid, 0)
print(os.waitstatus_to_exitcode(st))
sys.stdout.write(seen.decode(errors="replace").replace("\r", ""))
PY
}
pty_add dave ttyPw-Quagga ttyPw-Quagga >"$T_DIR/pty"
is "$(head -1 "$T_DIR/pty")" 0 "terminal: same password twice, exit 0"
contains "$T_DIR/pty" "user dave added" "terminal: dave added"
grep -q ttyPw "$T_DIR/pty"
is "$?" 1 "terminal: the password is not echoed"
is "$(sql "SELECT hex(key_md5) FROM users WHERE name = 'dave'")" \
    "$(hexhash md5 "dave:$REALM:ttyPw-Quagga")" "terminal: the typed password made the key"
pty_add erin ttyPw-One ttyPw-Two >"$T_DIR/pty"
is "$(head -1 "$T_DIR/pty")" 1 "terminal: two different passwords, exit 1"
is "$(sql "SELECT count(*) FROM users WHERE name = 'erin'")" 0 "terminal: erin not added"

# --- next to a running chorusd -------------------------------------------
start; ok $? "chorusd starts on the same state directory"
pw_user "$PW2" add frank
is "$RC" 0 "add while chorusd runs exits 0"
user list
contains "$OUT" "^frank realm=$REALM " "list while chorusd runs shows frank"
user del bob
is "$RC" 0 "del while chorusd runs exits 0"
check "the WAL holds the new row (so the next scan can see one)" \
    holds "$DB-wal" frank
no_password "while chorusd runs"
check "chorusd still runs" kill -0 "$PID"
check "and still answers" api /api/v1/status
stop
is "$STOP_RC" 0 "chorusd stops cleanly"
