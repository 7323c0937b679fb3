#!/usr/bin/env bash
# GET /metrics: valid Prometheus text, build info, live counters.
. "$top_srcdir/tests/integ/lib.sh"
plan 8

start; ok $? "chorusd starts"
udp_send 0001000c2112a442 0001000c2112a442 0001000c2112a442 4000000400000000 0501
sleep 0.3
m="$T_DIR/metrics.txt"
curl -sf -D "$T_DIR/headers" "$BASE/metrics" >"$m"; ok $? "metrics answers 200"
contains "$T_DIR/headers" "^[Cc]ontent-[Tt]ype: text/plain; version=0.0.4" "content type is the exposition format"
python3 "$top_srcdir/tests/integ/promparse.py" "$m" >"$T_DIR/parse" 2>&1
ok $? "strict parser accepts the exposition"
if command -v promtool >/dev/null; then
	promtool check metrics <"$m" >"$T_DIR/promtool" 2>&1
	ok $? "promtool check metrics accepts it"
else
	ok 0 "# SKIP promtool not installed"
fi
contains "$m" "^chorus_build_info\{version=\"[^\"]+\"\} 1\$" "build info gauge"
is "$(metric 'chorus_udp_received_datagrams_total{kind="stun"}')" 3 "3 STUN datagrams counted"
is "$(metric 'chorus_udp_received_datagrams_total{kind="channeldata"}') $(metric 'chorus_udp_received_datagrams_total{kind="chorus"}')" "1 1" "ChannelData and Chorus counted"
