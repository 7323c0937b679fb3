#!/usr/bin/env bash
# coturn's turnutils_uclient over UDP with long-term credentials: relays
# to a loopback echo peer through ChannelData (its default: allocations in
# RTP/RTCP pairs, EVEN-PORT with the R bit then RESERVATION-TOKEN),
# through ChannelData without the pairs (-c), and through Send and Data
# indications (-s -c).  Nothing may be lost on loopback, and chorusd must
# count every relayed datagram.
. "$top_srcdir/tests/interop/lib.sh"
skip_without_coturn
plan 13

relay_range
write_conf "realm = chorus.test" "user = alice:secret" \
    "allowed-peer = 127.0.0.1/32" "allowed-peer = ::1/128" \
    "min-port = $RELAY_MIN" "max-port = $RELAY_MAX"
start; ok $? "server starts"
start_peer; ok $? "echo peer answers"

n=50 m=2
cred="-u alice -w secret"
uclient "$T_DIR/pair.out" $cred -n $n -m $m -l 170
relay_ok "ChannelData, RTP/RTCP pairs (EVEN-PORT)" "$T_DIR/pair.out" $? $((n * m))
uclient "$T_DIR/chan.out" $cred -c -n $n -m $m -l 170
relay_ok "ChannelData, no RTCP pair (-c)" "$T_DIR/chan.out" $? $((n * m))
uclient "$T_DIR/send.out" $cred -s -c -n $n -m $m -l 170
relay_ok "Send/Data indications" "$T_DIR/send.out" $? $((n * m))

total=0
for f in pair chan send; do
	read -r sent _ <<<"$(uclient_stats "$T_DIR/$f.out")"
	total=$((total + sent))
done
metric_is "chorusd counted every datagram to the peer" "$total" \
    chorus_turn_relayed_datagrams_total 'direction="to_peer"'
metric_is "chorusd counted every datagram back to the client" "$total" \
    chorus_turn_relayed_datagrams_total 'direction="to_client"'
