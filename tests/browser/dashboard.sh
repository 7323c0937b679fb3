#!/usr/bin/env bash
# The dashboard in a real browser.  Three nodes of a DHT network measure
# one another inside this test's network namespace (tests/integ/netns.sh),
# so that node 1 has reports, coordinates, a leaderboard and a topology;
# node 1 carries a room of four simulated participants and a TURN
# allocation relaying to an echo peer.  Then dashboard.mjs drives Debian's
# headless Chromium through playwright-core (which never downloads a
# browser) against node 1's dashboard and prints the rest of the TAP:
# no console error and no failed request, every figure shown equals the
# API's, the graphs update, drain is refused without the admin token and
# with a wrong one and works with the right one, no client address
# anywhere, and screenshots at phone and desktop widths in
# $top_builddir/tests/browser/screenshots/.
#
# Chromium runs inside the namespace too (--no-sandbox: the namespace is
# the sandbox here), so every server binds inside it and no packet leaves.
# The clients use 127.0.9.9 as their source address (the TURN client binds
# it, a route gives it to the room's participants), an address that is
# nobody's listener: the page must never show it.
#
# Skipped only without /usr/bin/chromium (or $CHROMIUM), node, or
# playwright-core in tests/browser/node_modules or $CHORUS_BROWSER_MODULES
# (a node_modules directory; scripts/dev runs npm ci to make one).

: "${top_srcdir:=.}"
: "${top_builddir:=.}"
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}

# Before the namespace: what a skip needs to say.
PW=
for d in "$top_srcdir/tests/browser/node_modules" \
    "${CHORUS_BROWSER_MODULES:-}" "${CHORUS_BROWSER_MODULES:-}/node_modules"; do
	if [ -n "$d" ] && [ "$d" != /node_modules ] &&
	    [ -f "$d/playwright-core/package.json" ]; then
		PW=$(cd "$d/playwright-core" && pwd)
		break
	fi
done
if [ ! -x "$CHROMIUM" ]; then
	echo "1..0 # SKIP no Chromium at $CHROMIUM (Debian package chromium)"
	exit 0
fi
if ! command -v node >/dev/null; then
	echo "1..0 # SKIP no node (Debian package nodejs)"
	exit 0
fi
if [ -z "$PW" ]; then
	echo "1..0 # SKIP no playwright-core: run npm ci in tests/browser," \
	    "or set CHORUS_BROWSER_MODULES to a node_modules that has it"
	exit 0
fi
# playwright-core never downloads a browser; this says so once more.
export PW CHROMIUM PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1

. "$top_srcdir/tests/integ/netns.sh"

TAMPERD=${CHORUSD_TAMPER:-$top_builddir/tests/chorusd-tamper}
[ -x "$TAMPERD" ] || skip_all "no tests/chorusd-tamper (make tests/chorusd-tamper)"
command -v ip >/dev/null || skip_all "no ip (iproute2) to set the clients' source address"

CLIENT_IP=127.0.9.9
SHOTS="$top_builddir/tests/browser/screenshots"
# History steps of 2 s (hour) and 10 s (day); verifiers old enough to
# count; the ledger's tick every 2 s.
export CHORUS_TEST_HISTORY_SEC=2 CHORUS_TEST_VERIFIER_DAYS=30 \
    CHORUS_TEST_LEDGER_SEC=2

NODE_DISTINCT=1
COMMON="probe-interval = 1s
probe-budget = 50"
# Node 1: the one the browser looks at, with a TURN user and a peer the
# relay may send to, no new-node allowance (the test's own sessions),
# and the dashboard from the source tree.
NODE_CONF="$COMMON
dashboard-dir = $top_srcdir/dashboard
realm = example.org
user = alice:secret
allowed-peer = $CLIENT_IP/32
new-node-sessions-per-hour = 0
drain-timeout = 300s"
TAMPER_MODE= net_node 1 dashnet "$TAMPERD"; ok $? "node 1 starts"
NODE_CONF=$COMMON
for i in 2 3; do
	TAMPER_MODE= net_node $i dashnet "$TAMPERD" "127.0.0.1:$DHT1" || break
done
ok $? "nodes 2 and 3 start"
BASE="http://127.0.0.1:$HTTP1"
LOG="$T_DIR/n1/log"

# Packets to node 1 leave from $CLIENT_IP unless a socket binds another.
ip route add local 127.0.1.1/32 dev lo table local src "$CLIENT_IP" 2>/dev/null
ip route get 127.0.1.1 2>/dev/null | grep -q "src $CLIENT_IP"
ok $? "clients reach node 1 from $CLIENT_IP"

# A room with four simulated participants, two of them speaking.
"$CHORUS" keygen --out "$T_DIR/owner.key" >/dev/null
LINK=$("$CHORUS" room create --node "127.0.1.1:$UDP1" \
    --node-key "$(api /api/v1/status | jq -r .node.noise_key)" \
    --identity "$T_DIR/owner.key" --room-key "$T_DIR/room.key" \
    2>"$T_DIR/create.err")
ok $? "a room on node 1"
# Its fingerprint in /api/v1/rooms: the base32 of the ID's first 8 bytes,
# of which the first 12 characters are those of the ID's.
ROOM=$(echo "$LINK" | sed -E 's/.*[?&]room=([a-z2-7]{12}).*/\1/')
"$CHORUS" join "$LINK" --simulate 4 --speakers 2 --duration 120 \
    >"$T_DIR/sim.out" 2>"$T_DIR/sim.err" &
NET_PIDS+=($!)

# A TURN allocation from $CLIENT_IP, relaying to an echo peer there.
python3 - "$top_srcdir/tests/integ" "$UDP1" "$CLIENT_IP" "$T_DIR/turn.ready" \
    >"$T_DIR/turn.out" 2>&1 <<'PY' &
import os, socket, sys, time
sys.dont_write_bytecode = True
sys.path.insert(0, sys.argv[1])
import turnclient as tc
port, ip, ready = int(sys.argv[2]), sys.argv[3], sys.argv[4]
peer = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
peer.bind((ip, 0))
peer.setblocking(False)
c = tc.TurnClient(("127.0.1.1", port), "udp", "alice", "secret",
                  bind=(ip, 0))
r = c.allocate(lifetime=600)
if not r.ok:
    sys.exit("allocate: %r" % r)
paddr = peer.getsockname()
if not c.channel_bind(0x4000, paddr).ok:
    sys.exit("channel bind failed")
with open(ready + ".tmp", "w") as f:
    f.write("%s %d\n" % c.mapped)
os.rename(ready + ".tmp", ready)
c.t.sock.setblocking(False)
end = time.monotonic() + 120
payload = os.urandom(600)
while time.monotonic() < end:
    c.send_channeldata(0x4000, payload)
    try:                        # the peer answers through the relay
        data, src = peer.recvfrom(2048)
        peer.sendto(data[:300], src)
    except BlockingIOError:
        pass
    try:
        while c.t.sock.recv(2048):
            pass
    except (BlockingIOError, OSError):
        pass
    time.sleep(0.02)
PY
NET_PIDS+=($!)
for _ in $(seq 50); do [ -f "$T_DIR/turn.ready" ] && break; sleep 0.1; done
is "$(cut -d' ' -f1 "$T_DIR/turn.ready" 2>/dev/null)" "$CLIENT_IP" \
    "a TURN allocation, seen by node 1 as coming from $CLIENT_IP"

# Until the traffic shows and the nodes have measured one another: the
# room's members, relayed bytes, a measured hop from node 1's point of
# view, all three nodes scored, and some history (bounded: 30 s).
ready=0
for _ in $(seq 60); do
	if [ "$(api /api/v1/rooms | jq --arg r "$ROOM" \
	    '.list[] | select(.room | startswith($r)) | .members')" = 4 ] &&
	    [ "$(api /api/v1/turn | jq '.relayed.to_client.bytes > 0')" = true ] &&
	    [ "$(api /api/v1/topology | jq '.measured | length > 0')" = true ] &&
	    [ "$(api /api/v1/leaderboard | jq '.leaderboard | length')" = 3 ] &&
	    [ "$(api '/api/v1/history?range=hour' | jq '.points | length > 1')" = true ]; then
		ready=1
		break
	fi
	sleep 0.5
done
ok $((1 - ready)) "node 1 has room members, relayed traffic, measured hops, a leaderboard and history"
if [ $ready = 0 ]; then
	diag "rooms: $(api /api/v1/rooms | jq -c '[.list[] | {room, members}]') (ours: $ROOM)"
	diag "turn: $(api /api/v1/turn | jq -c .relayed)"
	diag "topology: $(api /api/v1/topology | jq -c '.measured | length')"
	diag "leaderboard: $(api /api/v1/leaderboard | jq -c '.leaderboard | length')"
	diag "history: $(api '/api/v1/history?range=hour' | jq -c '.points | length')"
fi

# The browser's part.
mkdir -p "$SHOTS" "$T_DIR/home"
rm -f "$SHOTS/phone.png" "$SHOTS/desktop.png"
# Chromium's profile and crash database go to $T_DIR, not to $HOME.
HOME="$T_DIR/home" XDG_CONFIG_HOME="$T_DIR/home" XDG_CACHE_HOME="$T_DIR/home" \
DASH_URL="$BASE/" DASH_TOKEN=$(cat "$T_DIR/n1/state/admin.token") \
DASH_SHOTS="$SHOTS" DASH_CLIENT_IP="$CLIENT_IP" DASH_TAP_FROM=$T_N \
DASH_ROOM=$ROOM \
DASH_RESULT="$T_DIR/browser.result" \
    node "$top_srcdir/tests/browser/dashboard.mjs" 2>"$T_DIR/browser.err"
if read -r n failed <"$T_DIR/browser.result" 2>/dev/null; then
	T_N=$n
	T_FAIL=$((T_FAIL + failed))
else
	ok 1 "dashboard.mjs ran to its end"
fi
[ "$T_FAIL" -ne 0 ] && sed 's/^/# browser: /' "$T_DIR/browser.err" | tail -20
plan "$T_N"
finish
