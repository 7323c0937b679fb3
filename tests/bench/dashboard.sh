#!/usr/bin/env bash
# tests/bench/dashboard.sh - what the dashboard costs the node.
#
# Usage: dashboard.sh [CHORUSD] [SECONDS]
# Starts chorusd on loopback with a temporary state directory whose
# history table holds a full day (25 h of one-minute samples, as a node
# that has run for a day keeps), then:
#   1. times the first (uncached) history answers, then 300 requests each
#      of /api/v1/status, /api/v1/rooms, /api/v1/history?range=hour and
#      ?range=day from one keep-alive client, next to /api/v1/turn as the
#      baseline (a reply built from counters alone);
#   2. measures the daemon's CPU time over SECONDS (default 20) idle, then
#      over SECONDS with one dashboard open (the page's polling: status,
#      turn and rooms every 2 s, both history ranges every 30 s).
# Not a pass/fail test: it prints medians and ratios.
set -eu
chorusd=${1:-./daemon/chorusd}
secs=${2:-20}
dir=$(mktemp -d "${TMPDIR:-/tmp}/chorus-dashbench.XXXXXX")
pid=
trap '[ -n "$pid" ] && { kill $pid 2>/dev/null; wait $pid 2>/dev/null; }; rm -rf "$dir"' EXIT
freeport() { python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'; }

port=$(freeport); hport=$(freeport)
args=(--state-dir="$dir/state" --listen-address=127.0.0.1 --port="$port"
    --http-address="127.0.0.1:$hport" --log-level=warning --tls-port=0)
# First start makes the database; stop it, fill a day of history, restart.
start() {
	"$chorusd" "${args[@]}" 2>>"$dir/chorusd.log" &
	pid=$!
	for _ in $(seq 50); do
		curl -sf -o /dev/null "http://127.0.0.1:$hport/api/v1/status" && return 0
		sleep 0.1
	done
	echo "chorusd did not start" >&2; exit 1
}
start
kill $pid; wait $pid || true; pid=
now=$(date +%s)
python3 - "$dir/state/chorus.db" "$now" <<'PY'
import sqlite3, sys, random
db = sqlite3.connect(sys.argv[1]); now = int(sys.argv[2]) // 60 * 60
names = ["relayed_bytes", "forwarded_bytes", "rx_bytes", "tx_bytes",
         "sessions", "allocations", "rooms", "members"]
rows = [(now - 60 * k, n, random.randrange(0, 10**8)) for k in range(1500) for n in names]
db.executemany("INSERT OR REPLACE INTO history(ts, name, value) VALUES (?,?,?)", rows)
db.commit()
print("history rows: %d" % db.execute("SELECT count(*) FROM history").fetchone()[0])
PY
start

python3 - "$hport" <<'PY'
import http.client, statistics, sys, time
port = int(sys.argv[1])
c = http.client.HTTPConnection("127.0.0.1", port)
# The history answers are cached until the next sample: the first
# request of a period pays for folding the rows.
for p in ["/api/v1/history?range=day", "/api/v1/history?range=hour"]:
    a = time.perf_counter(); c.request("GET", p); c.getresponse().read()
    print("%-34s %10.0f us (first in its period, uncached)" % (p, (time.perf_counter() - a) * 1e6))
def med(path, n=300):
    t = []
    for _ in range(n):
        a = time.perf_counter(); c.request("GET", path); r = c.getresponse(); r.read()
        t.append(time.perf_counter() - a)
        assert r.status == 200, (path, r.status)
    return statistics.median(t) * 1e6, sorted(t)[int(0.99 * n) - 1] * 1e6
base = med("/api/v1/turn")
print("%-34s %10s %10s %8s" % ("request", "median us", "p99 us", "ratio"))
print("%-34s %10.0f %10.0f %8s" % ("/api/v1/turn (baseline)", base[0], base[1], "1.00"))
for p in ["/api/v1/status", "/api/v1/rooms", "/api/v1/history?range=hour", "/api/v1/history?range=day"]:
    m = med(p)
    print("%-34s %10.0f %10.0f %8.2f" % (p, m[0], m[1], m[0] / base[0]))
PY

# CPU time of every thread in nanoseconds (schedstat: finer than ticks).
cpu() { cat /proc/$pid/task/*/schedstat | awk '{ n += $1 } END { printf "%d", n }'; }
c0=$(cpu); sleep "$secs"; c1=$(cpu)
idle=$((c1 - c0))
python3 - "$hport" "$secs" <<'PY' &
import http.client, sys, time
port, secs = int(sys.argv[1]), float(sys.argv[2])
c = http.client.HTTPConnection("127.0.0.1", port)
def get(p):
    c.request("GET", p); r = c.getresponse(); r.read()
end = time.monotonic() + secs; k = 0
while time.monotonic() < end:
    for p in ("/api/v1/status", "/api/v1/turn", "/api/v1/rooms"):
        get(p)
    if k % 15 == 0:
        get("/api/v1/history?range=hour"); get("/api/v1/history?range=day")
    k += 1
    time.sleep(2)
PY
poller=$!
c0=$(cpu); sleep "$secs"; c1=$(cpu)
wait $poller
polled=$((c1 - c0))
awk -v i="$idle" -v p="$polled" -v s="$secs" 'BEGIN {
	printf "daemon CPU over %d s: idle %.2f ms, one dashboard open %.2f ms (%.3f %% of a core, %.0fx idle)\n",
	    s, i / 1e6, p / 1e6, p / 1e7 / s, (i > 0 ? p / i : 0) }'
