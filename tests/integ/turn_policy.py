#!/usr/bin/env python3
"""turn_policy.py - the TURN peer address policy (RFC 8656 section 21):
a relay must not reach loopback, private, link-local, multicast,
documentation and other special addresses, nor the same addresses spelt
as IPv4-mapped, IPv4-compatible, NAT64, 6to4 or Teredo IPv6 addresses.
Prints TAP.  Run by turn_policy.sh, which passes:

  TURN_SERVER   chorusd (default) or coturn
  TURN_PORT     server A: no allowed-peer (127.0.0.1 and ::1)
  TURN_HTTP     server A's http://127.0.0.1:PORT (chorusd only)
  TURN_PORT2    server B: allowed-peer 127.0.0.1/32, denied-peer 8.8.8.0/24
  TURN_HTTP2    server B's HTTP base

Nothing is ever sent to a peer: only CreatePermission and ChannelBind.
"""

import os
import subprocess
import sys

sys.dont_write_bytecode = True     # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import turnclient as tc  # noqa: E402

SERVER = os.environ.get("TURN_SERVER", "chorusd")
COTURN = SERVER == "coturn"
A = ("127.0.0.1", int(os.environ["TURN_PORT"]))
B = ("127.0.0.1", int(os.environ["TURN_PORT2"]))
HTTP = os.environ.get("TURN_HTTP", "")
HTTP2 = os.environ.get("TURN_HTTP2", "")

# IPv4 peers, refused on an IPv4 allocation.
V4 = [
    ("127.0.0.1", "loopback, the node's own listening address"),
    ("127.255.255.254", "loopback /8"),
    ("0.0.0.0", "unspecified"),
    ("0.1.2.3", "this network 0/8"),
    ("10.0.0.1", "private 10/8"),
    ("172.16.0.1", "private 172.16/12"),
    ("192.168.1.1", "private 192.168/16"),
    ("100.64.0.1", "shared address space 100.64/10"),
    ("169.254.169.254", "link-local, cloud metadata"),
    ("224.0.0.1", "multicast"),
    ("255.255.255.255", "limited broadcast"),
    ("192.0.2.1", "documentation TEST-NET-1"),
    ("198.18.0.1", "benchmarking 198.18/15"),
]

# IPv6 peers, refused on an IPv6 allocation.  Teredo: server 8.8.8.8
# (public), client ~ffffffff = 127.0.0.1, port obfuscated.
V6 = [
    ("::ffff:127.0.0.1", "IPv4-mapped 127.0.0.1"),
    ("::127.0.0.1", "IPv4-compatible 127.0.0.1"),
    ("64:ff9b::7f00:1", "NAT64 127.0.0.1"),
    ("2002:7f00:1::1", "6to4 127.0.0.1"),
    ("2001:0:808:808:0:f227:80ff:fffe", "Teredo, client 127.0.0.1"),
    ("::1", "loopback, the node's own listening address"),
    ("::", "unspecified"),
    ("fe80::1", "link-local"),
    ("fc00::1", "unique local"),
    ("ff02::1", "multicast"),
    ("2001:db8::1", "documentation"),
]

PEER_PORT = 9
clients = []


def client(server, user="alice", password="secret"):
    c = tc.TurnClient(server, "udp", user, password)
    clients.append(c)
    return c


def refusals(base, reason=None):
    """Sum of chorus_turn_peer_refusals_total samples (one reason or all)."""
    out = subprocess.run(["curl", "-sf", base + "/metrics"], capture_output=True,
                         text=True, timeout=10).stdout
    total = 0.0
    for line in out.splitlines():
        parts = line.split()
        if len(parts) < 2 or not parts[0].startswith("chorus_turn_peer_refusals_total"):
            continue
        if reason is not None and 'reason="%s"' % reason not in parts[0]:
            continue
        total += float(parts[1])
    return total


def is403(r):
    return r.cls == tc.ERROR and r.error == 403


def t_v4(t, state):
    c = client(A)
    r = c.allocate()
    if not r.ok:
        raise tc.ProtocolError("IPv4 Allocate failed: %r" % r)
    for i, (ip, what) in enumerate(V4):
        r = c.create_permission([(ip, PEER_PORT)])
        state["refused"] += is403(r)
        t.ok(is403(r), "IPv4 allocation: CreatePermission %s (%s): 403" % (ip, what), r)
        r = c.channel_bind(0x4000 + i, (ip, PEER_PORT))
        state["refused"] += is403(r)
        t.ok(is403(r), "IPv4 allocation: ChannelBind %s (%s): 403" % (ip, what), r)
    r = c.create_permission([("8.8.4.4", PEER_PORT), ("10.0.0.1", PEER_PORT)])
    state["refused"] += is403(r)
    t.ok(is403(r), "CreatePermission for a public and a private peer together: 403", r)
    r = c.create_permission([("8.8.4.4", PEER_PORT)])
    t.ok(r.ok, "control: CreatePermission 8.8.4.4 (public): success", r)
    c.close(release=True)


def t_v6(t, state):
    c = client(A)
    r = c.allocate(family="ipv6")
    if not r.ok or not c.relayed or ":" not in c.relayed[0][0]:
        raise tc.ProtocolError("IPv6 Allocate failed: %r %s" % (r, c.relayed))
    for i, (ip, what) in enumerate(V6):
        r = c.create_permission([(ip, PEER_PORT)])
        state["refused"] += is403(r)
        t.ok(is403(r), "IPv6 allocation: CreatePermission %s (%s): 403" % (ip, what), r)
        r = c.channel_bind(0x4100 + i, (ip, PEER_PORT))
        state["refused"] += is403(r)
        t.ok(is403(r), "IPv6 allocation: ChannelBind %s (%s): 403" % (ip, what), r)
    r = c.create_permission([("2001:4860:4860::8888", PEER_PORT)])
    t.ok(r.ok, "control: CreatePermission 2001:4860:4860::8888 (public): success", r)
    c.close(release=True)


def t_counter(t, state, before):
    if COTURN:
        t.skip("chorus_turn_peer_refusals_total counts every refusal", "coturn: no /metrics")
        return
    after = refusals(HTTP)
    t.ok(after - before == state["refused"],
         "chorus_turn_peer_refusals_total grew by the %d refusals" % state["refused"],
         "before %s, after %s" % (before, after))


def t_rules(t):
    before = refusals(HTTP2, "denied_peer") if not COTURN else 0
    c = client(B)
    r = c.allocate()
    if not r.ok:
        raise tc.ProtocolError("Allocate failed: %r" % r)
    r = c.create_permission([("127.0.0.1", PEER_PORT)])
    t.ok(r.ok, "allowed-peer 127.0.0.1/32: CreatePermission 127.0.0.1 succeeds", r)
    r = c.create_permission([("127.0.0.2", PEER_PORT)])
    t.ok(is403(r), "allowed-peer 127.0.0.1/32: 127.0.0.2 still refused (403)", r)
    r = c.create_permission([("8.8.8.8", PEER_PORT)])
    t.ok(is403(r), "denied-peer 8.8.8.0/24: 8.8.8.8 refused (403)", r)
    r = c.create_permission([("8.8.4.4", PEER_PORT)])
    t.ok(r.ok, "denied-peer 8.8.8.0/24: 8.8.4.4 permitted", r)
    r = c.channel_bind(0x4000, ("8.8.8.8", PEER_PORT))
    t.ok(is403(r), "denied-peer 8.8.8.0/24: ChannelBind 8.8.8.8 refused (403)", r)
    if COTURN:
        t.skip('chorus_turn_peer_refusals_total{reason="denied_peer"} grew by 2', "coturn: no /metrics")
    else:
        after = refusals(HTTP2, "denied_peer")
        t.ok(after - before == 2,
             'chorus_turn_peer_refusals_total{reason="denied_peer"} grew by 2',
             "before %s, after %s" % (before, after))
    c.close(release=True)


def t_integrity(t):
    bad = [v for c in clients for v in c.violations]
    t.ok(not bad, "every response to an authenticated request that passed the checks "
         "carries MESSAGE-INTEGRITY (RFC 8489 9.2.4)", "\n".join(bad))


def main():
    n_v4 = 2 * len(V4) + 2
    n_v6 = 2 * len(V6) + 1
    t = tc.Tap(n_v4 + n_v6 + 1 + 6 + 1)
    t.diag("server: %s" % SERVER)
    state = {"refused": 0}
    before = 0.0 if COTURN else refusals(HTTP)
    with t.section("IPv4 peers", n_v4):
        t_v4(t, state)
    with t.section("IPv6 peers", n_v6):
        t_v6(t, state)
    with t.section("refusal counter", 1):
        t_counter(t, state, before)
    with t.section("allowed-peer / denied-peer", 6):
        t_rules(t)
    with t.section("integrity", 1):
        t_integrity(t)
    for c in clients:
        c.t.close()
    return t.done()


if __name__ == "__main__":
    sys.exit(main())
