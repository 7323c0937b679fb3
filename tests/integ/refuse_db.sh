#!/usr/bin/env bash
# A corrupt database stops start-up with a message that says what to do.
. "$top_srcdir/tests/integ/lib.sh"
plan 6

start; ok $? "first start creates the database"; stop
db="$STATE/chorus.db"

head -c 8192 /dev/urandom >"$db"
cp "$db" "$T_DIR/db.bad"
timeout 10 "$CHORUSD" -c "$CONF" >"$LOG" 2>&1
rc=$?
[ $rc -ne 0 ] && [ $rc -ne 124 ]; ok $? "garbage database: start-up refused"
contains "$LOG" "$db.*corrupt" "message names the database and says corrupt"
contains "$LOG" "restore|move" "message says what to do"
check "database file left untouched" cmp -s "$db" "$T_DIR/db.bad"

rm -f "$db" "$db-wal" "$db-shm"
start; ok $? "without the file a new database is made"
