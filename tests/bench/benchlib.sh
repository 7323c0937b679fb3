# tests/bench/benchlib.sh - what the node benchmarks share (sourced by
# sfu.sh and mix_node.sh, after chorusd, chorus and KEEP are set):
# a work directory removed at exit, one node at a time, the simulators
# in $spids, everything stopped by PID.
#
# bench_init NAME: the work directory $dir and the exit trap.
bench_init() {
	dir=$(mktemp -d "${TMPDIR:-/tmp}/chorus-$1.XXXXXX")
	npid= spids=
	trap bench_cleanup EXIT
	trap 'exit 1' INT TERM
	ulimit -n "$(ulimit -Hn)" 2>/dev/null
	clk=$(getconf CLK_TCK)
}

bench_cleanup() {
	local p
	for p in $spids $npid; do
		kill -TERM "$p" 2>/dev/null && wait "$p" 2>/dev/null
	done
	if [ "$KEEP" = 1 ]; then echo "(work directory kept: $dir)"; else rm -rf "$dir"; fi
}

freeport() { python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'; }
# cputicks PID: the process's CPU time so far, in clock ticks ($clk/s).
cputicks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
# The node's /api/v1/rooms, and its count of frames forwarded (sent).
rooms() { curl -sf "http://127.0.0.1:$http/api/v1/rooms"; }
forwarded() { rooms | jq .media.packets_forwarded; }

# node [CONF LINE...]: stop the node if one runs, start a fresh one (new
# state, new ports) with these lines added; sets $port, $http, $key.
node() {
	local l
	[ -n "$npid" ] && { kill -TERM "$npid"; wait "$npid" 2>/dev/null; }
	rm -rf "$dir/state"
	port=$(freeport) http=$(freeport)
	{
		echo "state-dir = $dir/state"
		echo "listen-address = 127.0.0.1"
		echo "port = $port"
		echo "tls-port = 0"
		echo "http-address = 127.0.0.1:$http"
		echo "log-level = warning"
		echo "handshake-rate = 0"
		echo "max-sessions = 20000"
		for l in "$@"; do echo "$l"; done
	} >"$dir/conf"
	node_run
	[ -f "$dir/owner.key" ] || "$chorus" keygen --out "$dir/owner.key" >/dev/null
}

# node_run: start chorusd on $dir/conf (as node wrote it, state kept)
# and wait for its API; sets $npid, $key.
node_run() {
	"$chorusd" -c "$dir/conf" -f >>"$dir/node.log" 2>&1 &
	npid=$!
	for _ in $(seq 50); do
		curl -sf -o /dev/null "http://127.0.0.1:$http/api/v1/status" && break
		sleep 0.1
	done
	key=$(curl -sf "http://127.0.0.1:$http/api/v1/status" | jq -r .node.noise_key)
}
