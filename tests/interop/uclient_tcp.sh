#!/usr/bin/env bash
# coturn's turnutils_uclient over TCP (-t) with long-term credentials,
# UDP relay to a loopback echo peer: ChannelData (RTP/RTCP pairs, then
# without them) and Send/Data indications, all framed on the stream.
# Nothing may be lost.
. "$top_srcdir/tests/interop/lib.sh"
skip_without_coturn
plan 11

relay_range
write_conf "realm = chorus.test" "user = alice:secret" \
    "allowed-peer = 127.0.0.1/32" "allowed-peer = ::1/128" \
    "min-port = $RELAY_MIN" "max-port = $RELAY_MAX"
start; ok $? "server starts"
start_peer; ok $? "echo peer answers"

n=50 m=2
cred="-u alice -w secret"
uclient "$T_DIR/pair.out" -t $cred -n $n -m $m -l 170
relay_ok "TCP, ChannelData, RTP/RTCP pairs (EVEN-PORT)" "$T_DIR/pair.out" $? $((n * m))
uclient "$T_DIR/chan.out" -t $cred -c -n $n -m $m -l 170
relay_ok "TCP, ChannelData, no RTCP pair (-c)" "$T_DIR/chan.out" $? $((n * m))
uclient "$T_DIR/send.out" -t $cred -s -c -n $n -m $m -l 170
relay_ok "TCP, Send/Data indications" "$T_DIR/send.out" $? $((n * m))
