#!/usr/bin/env bash
# Failover: a room made on two nodes lives on one and is kept warm on the
# other (STANDBY).  kill -9 the node under a speaker and two listeners:
# they move to the standby and the listeners' audio gap (the time between
# the last frame before and the first frame after, both measured by the
# client as frames arrive) stays under a second.  Drain (SIGUSR1): the
# node tells its members to move first (MOVE), they join the standby
# before they leave, and the listeners lose no frame at all.
. "$top_srcdir/tests/integ/lib.sh"
. "$top_srcdir/tests/integ/roomlib.sh"
[ -n "$PYNUM" ] || skip_all "python3-numpy is needed"
plan 39

EXTRA_PIDS=()
cleanup_extra() {
	local p
	for p in "${EXTRA_PIDS[@]}"; do
		kill -TERM "$p" 2>/dev/null
		wait "$p" 2>/dev/null
	done
}

# node NAME: start one more chorusd with its own state, ports and log;
# sets NAME_PID, NAME_PORT, NAME_BASE, NAME_KEY.
node() {
	local n=$1
	CONF="$T_DIR/$n.conf" LOG="$T_DIR/$n.log" STATE="$T_DIR/$n.state"
	PORT= HTTP_PORT= PID=
	write_conf "session-timeout = 5s" "drain-timeout = 20s"
	start || return 1
	EXTRA_PIDS+=("$PID")
	eval "${n}_PID=$PID ${n}_PORT=$PORT ${n}_BASE=$BASE"
	eval "${n}_KEY=$(node_key)"
	PID=
}
members() { curl -sf "$1/api/v1/rooms" | jq .members; }
standbys() { curl -sf "$1/api/v1/rooms" | jq '[.list[].standbys] | add // 0'; }

# The room on nodes $1 and $2 (names); LINK.
room_on() {
	local a=$1 b=$2 pa pb ka kb
	eval "pa=\$${a}_PORT pb=\$${b}_PORT ka=\$${a}_KEY kb=\$${b}_KEY"
	[ -f "$T_DIR/owner.key" ] ||
		"$CHORUS" keygen --out "$T_DIR/owner.key" >/dev/null
	LINK=$("$CHORUS" room create --node "127.0.0.1:$pa" --node-key "$ka" \
	    --node "127.0.0.1:$pb" --node-key "$kb" \
	    --identity "$T_DIR/owner.key" --room-key "$T_DIR/room.$a$b.key" \
	    2>"$T_DIR/create.$a$b.err")
}

# A speaker with a steady tone and two recording listeners, $1 seconds.
run_room() {
	local i
	for i in 1 2; do
		"$CHORUS" join "$LINK" --record "$T_DIR/l$i.wav" --duration "$1" \
		    --stats json >"$T_DIR/l$i.json" 2>"$T_DIR/l$i.err" &
		eval "L$i=\$!"
	done
	sleep 0.5
	"$CHORUS" join "$LINK" --send "$T_DIR/tone.wav" --duration "$1" \
	    --stats json >"$T_DIR/s.json" 2>"$T_DIR/s.err" &
	S=$!
}

# The node (A or B, ...) holding the room's three members: HOME, OTHER.
find_home() {
	local n i
	HOME_NODE= OTHER_NODE=
	for i in $(seq 30); do
		for n in "$@"; do
			eval "b=\$${n}_BASE"
			[ "$(members "$b")" = 3 ] && HOME_NODE=$n
		done
		[ -n "$HOME_NODE" ] && break
		sleep 0.2
	done
	for n in "$@"; do [ "$n" != "$HOME_NODE" ] && OTHER_NODE=$n; done
	[ -n "$HOME_NODE" ]
}

tones gen "$T_DIR/tone.wav" 440 8 --lead 0 || skip_all "cannot make a tone"

node A; ok $? "node A starts"
node B; ok $? "node B starts"
room_on A B; ok $? "room created on both nodes"
contains "$T_DIR/create.AB.err" "kept warm on node" "the second node keeps it warm"
is "$(curl -sf "$A_BASE/api/v1/rooms" | jq .rooms)$(curl -sf "$B_BASE/api/v1/rooms" | jq .rooms)" 11 \
    "each node holds the room"

# --- kill -9 -------------------------------------------------------------
run_room 7
find_home A B; ok $? "all three members meet on one node"
eval "hb=\$${HOME_NODE}_BASE ob=\$${OTHER_NODE}_BASE hp=\$${HOME_NODE}_PID"
eval "op=\$${OTHER_NODE}_PORT"
for i in $(seq 20); do [ "$(standbys "$ob")" = 3 ] && break; sleep 0.2; done
is "$(standbys "$ob")" 3 "the other node holds three warm standbys"
sleep 1.5
kill -9 "$hp"
wait "$hp" 2>/dev/null
for i in 1 2; do eval "wait \$L$i"; ok $? "listener $i runs to the end"; done
wait $S; ok $? "the speaker runs to the end"
is "$(members "$ob")" 0 "the members left the standby node at the end"
for i in 1 2; do
	f="$T_DIR/l$i.json"
	is "$(jq -r .node "$f")" "127.0.0.1:$op" "listener $i ended on the standby node"
	gap=$(jq .max_gap_ms "$f")
	check "listener $i: audio gap ${gap} ms, under 1000 ms (and a real gap, over 100)" \
	    jq -e '.max_gap_ms < 1000 and .max_gap_ms > 100' "$f"
	# It moves on its own (silence) or, if the speaker got to the standby
	# first and the standby comes first in the link, on MOVE ACTIVE.
	check "listener $i: moved, and heard the tone after it ($(jq -c '[.moves, .failovers, .received.frames]' "$f") moves, failovers, frames)" \
	    jq -e '.moves >= 1 and .received.frames > 250' "$f"
	contains "$T_DIR/l$i.err" "moved to node 127.0.0.1:$op" "listener $i says where it moved"
done
tones check "$T_DIR/l1.wav" --present 440 --min-db 20 >"$T_DIR/l1.tone" 2>&1
ok $? "listener 1 hears the tone ($(cat "$T_DIR/l1.tone"))"
is "$(jq -r .node "$T_DIR/s.json")" "127.0.0.1:$op" "the speaker moved to the standby too"

# --- drain -----------------------------------------------------------------
# The survivor and a new node C; drain whichever the room lives on.
# Clients reach both through a 40 ms hop (lossy_relay.py, no loss): on
# the bare loopback nothing is in flight when a member moves, so even a
# break-before-make move would lose no frame; here one would.
node C; ok $? "node C starts"
# delayed NAME: NAME_PORT becomes a relay's, 40 ms in front of the node.
delayed() {
	local rp np
	rp=$(free_port)
	eval "np=\$${1}_PORT"
	relay_start "$rp" "$np" 0 40 0 "$T_DIR/relay.$1.json"
	EXTRA_PIDS+=("$RELAY_PID")
	eval "${1}_PORT=$rp"
}
delayed "$OTHER_NODE"
delayed C
sleep 0.3
room_on "$OTHER_NODE" C; ok $? "a second room on the survivor and C"
SURV=$OTHER_NODE
run_room 6
find_home "$SURV" C; ok $? "its members meet on one node"
eval "hp=\$${HOME_NODE}_PID op=\$${OTHER_NODE}_PORT ob=\$${OTHER_NODE}_BASE"
for i in $(seq 20); do [ "$(standbys "$ob")" = 3 ] && break; sleep 0.2; done
sleep 1.5
kill -USR1 "$hp"
for i in 1 2; do eval "wait \$L$i"; ok $? "drain: listener $i runs to the end"; done
wait $S
for i in 1 2; do
	f="$T_DIR/l$i.json"
	check "drain: listener $i moved once for the drain, to the standby" \
	    jq -e --arg n "127.0.0.1:$op" '.failovers == 1 and .node == $n' "$f"
	check "drain: listener $i lost no frame (loss $(jq .loss "$f"), gap $(jq .max_gap_ms "$f") ms)" \
	    jq -e '.loss == 0 and .max_gap_ms < 100' "$f"
done
contains "$T_DIR/l1.err" "draining" "drain: the listener says why it moved"

# A room on one node only has nowhere to go: its member stays to the end.
eval "p=\$${OTHER_NODE}_PORT k=\$${OTHER_NODE}_KEY pid=\$${OTHER_NODE}_PID"
"$CHORUS" room create --node "127.0.0.1:$p" --node-key "$k" \
    --identity "$T_DIR/owner.key" --room-key "$T_DIR/room.one.key" \
    >"$T_DIR/one.link" 2>/dev/null
"$CHORUS" join "$(cat "$T_DIR/one.link")" --duration 3 --stats json \
    >"$T_DIR/one.json" 2>"$T_DIR/one.err" &
ONE=$!
sleep 1
kill -USR1 "$pid"
wait $ONE
is $? 0 "a one-node room's member stays through its node's drain"
# (It cannot move: its link names one node.  What shows is that it
# stays in the room, on the draining node, to the end of its time.)
check "... to the end ($(jq .duration_s "$T_DIR/one.json") s of 3)" \
    jq -e '.duration_s > 2.5' "$T_DIR/one.json"

# --- a ban reaches the standby ----------------------------------------------
# A member keeps the room warm on the other node; when the owner bans it,
# that node drops the standby at once (not at session-timeout).
# (Both earlier nodes have drained by now: two new ones.)
node D && node E; ok $? "nodes D and E start"
room_on D E; ok $? "a third room, on D and E"
"$CHORUS" keygen --out "$T_DIR/m.key" >/dev/null
"$CHORUS" join "$LINK" --identity "$T_DIR/m.key" --duration 30 \
    >/dev/null 2>"$T_DIR/m.err" &
M=$!
sby_de() { echo $(($(standbys "$D_BASE") + $(standbys "$E_BASE"))); }
is_soon 60 1 "the member has a standby" sby_de
"$CHORUS" ban "$LINK" "$(client_id "$T_DIR/m.key")" \
    --identity "$T_DIR/owner.key" >/dev/null 2>"$T_DIR/ban.err"
wait $M
is $? 6 "the banned member is refused on its node (exit 6)"
is_soon 10 0 "its standby is gone within a second of the ban" sby_de

# --- a node whose session cannot start -------------------------------------
# E does not know this room; the link's other node is the broadcast
# address, where a datagram cannot even be sent (EACCES).  The join must
# end with E's answer, not wait for ever (timeout's 124).
"$CHORUS" room create --node "127.0.0.1:$D_PORT" --node-key "$D_KEY" \
    --identity "$T_DIR/owner.key" --room-key "$T_DIR/room.d.key" \
    >"$T_DIR/d.link" 2>/dev/null
L=$(cat "$T_DIR/d.link")
ROOM=${L#*&room=}; ROOM=${ROOM%%#*}
timeout 20 "$CHORUS" join "chorus://JOIN?node=127.0.0.1:$E_PORT&key=$E_KEY&node=255.255.255.255:$D_PORT&key=$D_KEY&room=$ROOM#${L#*#}" \
    --duration 2 >/dev/null 2>"$T_DIR/nostart.err"
is $? 8 "a next node whose session cannot start ends the join (E: no such room)"
finish
