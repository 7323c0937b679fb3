#!/usr/bin/env python3
"""turn_proto.py - STUN/TURN protocol checks (RFC 8489, RFC 8656) with the
independent client turnclient.py.  Prints TAP.  Run by turn_proto.sh, which
starts the servers and passes them in the environment:

  TURN_SERVER     chorusd (default) or coturn
  TURN_PORT       main server: UDP/TCP port on 127.0.0.1 and ::1
  TURN_HTTP       main server: http://127.0.0.1:PORT (chorusd only)
  TURN_PORT2      quota server (user-quota 2, total-quota 3)
  TURN_REALM      the realm of both
  TURN_MIN_PORT, TURN_MAX_PORT   the main server's relay port range
  TURN_ONLY       run one section only (by name), skip the others

Users: alice:secret, bob:secret2 (main); carol:secret3, dave:secret4,
erin:secret5 (quota server).  The main server allows peers 127.0.0.1, 127.0.0.2 and ::1.
"""

import base64
import os
import socket
import struct
import subprocess
import sys
import threading
import time

sys.dont_write_bytecode = True     # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import turnclient as tc  # noqa: E402

SERVER = os.environ.get("TURN_SERVER", "chorusd")
COTURN = SERVER == "coturn"
PORT = int(os.environ["TURN_PORT"])
PORT2 = int(os.environ["TURN_PORT2"])
HTTP = os.environ.get("TURN_HTTP", "")
REALM = os.environ.get("TURN_REALM", "example.org")
MIN_PORT = int(os.environ["TURN_MIN_PORT"])
MAX_PORT = int(os.environ["TURN_MAX_PORT"])
S4 = ("127.0.0.1", PORT)
S6 = ("::1", PORT)
Q4 = ("127.0.0.1", PORT2)

USERS = {"alice": "secret", "bob": "secret2", "carol": "secret3",
         "dave": "secret4", "erin": "secret5"}

clients = []


def client(user="alice", transport="udp", server=S4, password=None, **kw):
    c = tc.TurnClient(server, transport, user,
                      password if password is not None else USERS.get(user), **kw)
    clients.append(c)
    return c


def release(*cs):
    for c in cs:
        c.close(release=True)


def metric(name):
    """The value of one /metrics sample (exact name with labels), or None."""
    out = subprocess.run(["curl", "-sf", HTTP + "/metrics"], capture_output=True,
                         text=True, timeout=10).stdout
    for line in out.splitlines():
        parts = line.split()
        if len(parts) >= 2 and parts[0] == name:
            return float(parts[1])
    return None


def chorus_only(t, desc, reason):
    """True if the check runs; under coturn it is skipped with reason."""
    if COTURN:
        t.skip(desc, "coturn: " + reason)
        return False
    return True


class EchoPeer:
    """A UDP peer that records what it gets and echoes it back."""

    def __init__(self, host="127.0.0.1", echo=True):
        fam = socket.AF_INET6 if ":" in host else socket.AF_INET
        self.sock = socket.socket(fam, socket.SOCK_DGRAM)
        self.sock.bind((host, 0))
        self.sock.settimeout(0.2)
        self.addr = tc.norm_addr(self.sock.getsockname())
        self.got = []
        self.echo = echo
        self.stop = False
        self.th = threading.Thread(target=self.run, daemon=True)
        self.th.start()

    def run(self):
        deadline = time.monotonic() + 120
        while not self.stop and time.monotonic() < deadline:
            try:
                data, src = self.sock.recvfrom(65536)
            except socket.timeout:
                continue
            except OSError:
                return
            self.got.append((data, tc.norm_addr(src)))
            if self.echo:
                try:
                    self.sock.sendto(b"echo:" + data, src)
                except OSError:
                    pass

    def wait(self, n, timeout=3.0):
        deadline = time.monotonic() + timeout
        while len(self.got) < n and time.monotonic() < deadline:
            time.sleep(0.01)
        return len(self.got) >= n

    def close(self):
        self.stop = True
        self.th.join(2)
        self.sock.close()


def in_range(addr):
    return addr is not None and MIN_PORT <= addr[1] <= MAX_PORT


# --- the checks -----------------------------------------------------------

def t_binding(t):
    for tr in ("udp", "tcp"):
        r, local, _ = tc.binding(S4, tr)
        t.ok(r.ok and r.msg.address(tc.XOR_MAPPED_ADDRESS) == local,
             "Binding over %s: XOR-MAPPED-ADDRESS is our address" % tr.upper(),
             "%r mapped=%s local=%s" % (r, r.msg.address(tc.XOR_MAPPED_ADDRESS), local))
    r, local, raw = tc.binding(S6, "udp")
    t.ok(r.ok and r.msg.address(tc.XOR_MAPPED_ADDRESS) == local,
         "Binding over UDP/IPv6: XOR-MAPPED-ADDRESS is our address",
         "%r mapped=%s local=%s" % (r, r.msg.address(tc.XOR_MAPPED_ADDRESS), local))
    r, local, raw = tc.binding(S4, "udp")
    t.ok(len(r.msg.raw) <= len(raw) + 64,
         "Binding response (%d bytes) is at most the request (%d) + 64"
         % (len(r.msg.raw), len(raw)), r.msg.describe())


def t_nonce_reuse(t):
    # Runs first, while the server is young (its first second of uptime):
    # a nonce stays good for many requests, not just one.
    c = client()
    c.challenge()
    codes = [c.send_once(tc.REFRESH, []).error for _ in range(3)]
    t.eq(codes, [437, 437, 437],
         "one NONCE, three Refresh without an allocation: 437 each (the nonce is reused)")
    c.close()


def t_challenge(t):
    c = client()
    r = c.challenge()
    t.ok(r.cls == tc.ERROR and r.error == 401, "unauthenticated Allocate: 401", r)
    t.eq(r.msg.text(tc.REALM), REALM, "401 carries the REALM")
    nonce = r.msg.text(tc.NONCE) or ""
    t.ok(nonce != "", "401 carries a NONCE", r)
    t.ok(not r.msg.has(tc.MESSAGE_INTEGRITY) and not r.msg.has(tc.MESSAGE_INTEGRITY_SHA256),
         "401 to an unauthenticated request has no MESSAGE-INTEGRITY (RFC 8489 9.2.4)", r)
    if chorus_only(t, "NONCE starts with the cookie obMatJos2 (RFC 8489 9.2)",
                   "no RFC 8489 nonce cookie (RFC 5389 server)"):
        t.ok(nonce.startswith(tc.NONCE_COOKIE), "NONCE starts with the cookie obMatJos2 (RFC 8489 9.2)",
             "nonce %r" % nonce)
    pa = r.msg.get(tc.PASSWORD_ALGORITHMS)
    if chorus_only(t, "401 carries PASSWORD-ALGORITHMS with MD5 and SHA-256 (RFC 8489 9.2.4)",
                   "no PASSWORD-ALGORITHMS (RFC 5389 server)"):
        algs = tc.parse_password_algorithms(pa) if pa is not None else []
        t.ok(pa is not None and tc.ALG_SHA256 in algs and tc.ALG_MD5 in algs,
             "401 carries PASSWORD-ALGORITHMS with MD5 and SHA-256 (RFC 8489 9.2.4)",
             "PASSWORD-ALGORITHMS %r" % (pa and pa.hex()))
        feat = nonce[9:13]
        t.ok(pa is None or (len(nonce) >= 13 and
                            base64.b64decode(feat)[0] & 0x80),
             "nonce feature bits announce password algorithms (RFC 8489 9.2)",
             "nonce %r" % nonce)
    else:
        t.skip("nonce feature bits announce password algorithms (RFC 8489 9.2)",
               "coturn: no RFC 8489 nonce cookie")
    c.close()

    w = client(password="wrong")
    r = w.allocate()
    t.ok(r.cls == tc.ERROR and r.error == 401, "Allocate with a wrong password: 401", r)
    t.ok(r.msg.text(tc.NONCE) and r.msg.text(tc.REALM),
         "that 401 carries REALM and NONCE (RFC 8489 9.2.4)", r)
    w.close()


def t_nonce(t):
    # A nonce that this server never made.
    c = client()
    c.challenge()
    c.nonce = tc.NONCE_COOKIE + "AAAA" + "B" * 36
    r = c.send_once(tc.ALLOCATE, [(tc.REQUESTED_TRANSPORT, b"\x11\0\0\0")])
    t.ok(r.cls == tc.ERROR and r.error == 438, "Allocate with a made-up NONCE: 438", r)
    t.ok(bool(r.msg.text(tc.NONCE)) and r.msg.text(tc.NONCE) != c.nonce and
         r.msg.text(tc.REALM) == REALM,
         "438 carries a fresh NONCE and the REALM (RFC 8489 9.2.4)", r)
    # allocate(): the request goes out with the bad nonce, gets 438, retries.
    r = c.allocate()
    t.ok(r.ok, "the client retries with the 438's nonce and succeeds", r)
    release(c)

    # A nonce made for a different 5-tuple (chorusd ties nonces to it).
    a = client()
    b = client()
    a.challenge()
    b.challenge()
    b.nonce = a.nonce
    r = b.send_once(tc.ALLOCATE, [(tc.REQUESTED_TRANSPORT, b"\x11\0\0\0")])
    t.ok(r.cls == tc.ERROR and r.error == 438,
         "Allocate with another client's NONCE: 438", r)
    a.close()
    b.close()


def t_allocate(t):
    c = client()
    r = c.allocate()
    t.ok(r.ok, "Allocate succeeds", r)
    t.ok(len(c.relayed) == 1 and c.relayed[0][0] == "127.0.0.1" and in_range(c.relayed[0]),
         "XOR-RELAYED-ADDRESS is 127.0.0.1 within min-port..max-port",
         "relayed %s, range %d..%d" % (c.relayed, MIN_PORT, MAX_PORT))
    t.eq(c.lifetime, 600, "LIFETIME is the default 600 s")
    t.eq(c.mapped, c.local(), "XOR-MAPPED-ADDRESS is the client's address")
    t.ok(r.integrity == "sha1", "the success carries a valid MESSAGE-INTEGRITY", r)
    relayed = c.relayed

    # The same request again (same transaction id): the same answer.
    r = c.retransmit()
    t.ok(r.ok and r.msg.addresses(tc.XOR_RELAYED_ADDRESS) == relayed,
         "retransmitted Allocate (same transaction id): success, same relayed address (RFC 8656 7.2)",
         "%r relayed %s" % (r, r.msg.addresses(tc.XOR_RELAYED_ADDRESS) if r.ok else None))

    # A new Allocate on the same 5-tuple.
    r = c.allocate()
    t.ok(r.cls == tc.ERROR and r.error == 437,
         "second Allocate with a new transaction id: 437 (RFC 8656 7.2)", r)

    r = c.refresh(0)
    t.ok(r.ok, "Refresh LIFETIME 0 succeeds", r)
    t.ok(r.ok and r.msg.u32(tc.LIFETIME) == 0, "its LIFETIME is 0 (RFC 8656 8.2)", r)
    r = c.create_permission([("127.0.0.1", 1)])
    t.ok(r.cls == tc.ERROR and r.error == 437,
         "CreatePermission after the allocation was deleted: 437", r)
    c.close()

    for ask, want in ((100, 600), (7200, 3600), (1200, 1200)):
        c = client()
        r = c.allocate(lifetime=ask)
        t.ok(r.ok and c.lifetime == want, "Allocate LIFETIME %d: granted %d (RFC 8656 7.2)" % (ask, want),
             "%r lifetime %s" % (r, c.lifetime))
        if r.ok and ask == 1200:
            r = c.refresh(7200)
            t.ok(r.ok and r.msg.u32(tc.LIFETIME) == 3600,
                 "Refresh LIFETIME 7200: granted 3600 (RFC 8656 8.2)",
                 "%r lifetime %s" % (r, r.ok and r.msg.u32(tc.LIFETIME)))
        elif ask == 1200:
            t.ok(False, "Refresh LIFETIME 7200: granted 3600 (RFC 8656 8.2)")
        release(c)


def alloc_once(**kw):
    """An Allocate from a fresh client, released again; the response."""
    c = client()
    try:
        return c.allocate(**kw)
    finally:
        release(c)


def t_allocate_errors(t):
    if chorus_only(t, "REQUESTED-TRANSPORT TCP over UDP: 442 (RFC 8656 7.2)",
                   "coturn implements RFC 6062 TCP allocations"):
        r = alloc_once(transport=tc.PROTO_TCP)
        t.ok(r.cls == tc.ERROR and r.error == 442,
             "REQUESTED-TRANSPORT TCP over UDP: 442 (RFC 8656 7.2)", r)
    r = alloc_once(requested_transport=False)
    t.ok(r.cls == tc.ERROR and r.error == 400,
         "Allocate without REQUESTED-TRANSPORT: 400 (RFC 8656 7.2)", r)
    r = alloc_once(extra=[(0x0031, b"\0\0\0\0")])
    t.ok(r.cls == tc.ERROR and r.error == 420,
         "unknown comprehension-required attribute 0x0031: 420 (RFC 8489 6.3.1)", r)
    unk = tc.decode_unknown(r.msg.get(tc.UNKNOWN_ATTRIBUTES) or b"")
    t.eq(unk, [0x0031], "UNKNOWN-ATTRIBUTES lists 0x0031")
    r = alloc_once(extra=[(0x8031, b"\0\0\0\0")])
    t.ok(r.ok, "unknown comprehension-optional attribute 0x8031 is ignored", r)
    c = client()
    c.challenge()
    m, raw = c.build(tc.ALLOCATE, [(tc.REQUESTED_TRANSPORT, b"\x11\0\0\0")],
                     after_integrity=[(0x0031, b"\0\0\0\0")])
    r = c.exchange(raw, m.tid, authed=True)
    t.ok(r.ok, "an unknown attribute after MESSAGE-INTEGRITY is ignored (RFC 8489 14.5)", r)
    release(c)
    r = alloc_once(dont_fragment=True)
    t.ok(r.ok or (r.error == 420 and tc.DONT_FRAGMENT in
                  tc.decode_unknown(r.msg.get(tc.UNKNOWN_ATTRIBUTES) or b"")),
         "DONT-FRAGMENT: success, or 420 listing it (RFC 8656 7.2)", r)
    r = alloc_once(even_port=True, token=b"12345678")
    t.ok(r.cls == tc.ERROR and r.error == 400,
         "EVEN-PORT and RESERVATION-TOKEN together: 400 (RFC 8656 7.2)", r)
    r = alloc_once(family="ipv4", additional_family="ipv6")
    t.ok(r.cls == tc.ERROR and r.error == 400,
         "REQUESTED-ADDRESS-FAMILY and ADDITIONAL-ADDRESS-FAMILY together: 400 (RFC 8656 7.2)", r)
    r = alloc_once(additional_family="ipv4")
    t.ok(r.cls == tc.ERROR and r.error == 400,
         "ADDITIONAL-ADDRESS-FAMILY IPv4: 400 (RFC 8656 7.2)", r)


def t_wrong_credentials(t):
    c = client()
    r = c.allocate()
    t.ok(r.ok, "alice allocates", r)
    c.user, c.password = "bob", USERS["bob"]
    r = c.refresh(600)
    t.ok(r.cls == tc.ERROR and r.error == 441,
         "Refresh as bob on alice's 5-tuple: 441 (RFC 8656 5)", r)
    r = c.create_permission([("127.0.0.1", 1)])
    t.ok(r.cls == tc.ERROR and r.error == 441,
         "CreatePermission as bob on alice's 5-tuple: 441", r)
    c.user, c.password = "alice", USERS["alice"]
    release(c)


def t_families(t):
    c = client()
    r = c.allocate(family="ipv6")
    t.ok(r.ok and len(c.relayed) == 1 and c.relayed[0][0] == "::1",
         "REQUESTED-ADDRESS-FAMILY IPv6: relayed address is ::1", "%r %s" % (r, c.relayed))
    t.ok(r.ok and in_range(c.relayed[0]), "its port is in min-port..max-port", c.relayed)
    release(c)

    c = client()
    r = c.allocate(additional_family="ipv6")
    fams = sorted(":" in a[0] for a in c.relayed)
    t.ok(r.ok and fams == [False, True],
         "ADDITIONAL-ADDRESS-FAMILY IPv6: two XOR-RELAYED-ADDRESS, IPv4 and IPv6 (RFC 8656 7.2)",
         "%r %s" % (r, c.relayed))
    release(c)

    c = client(server=S6)
    r = c.allocate()
    t.ok(r.ok and len(c.relayed) == 1 and c.relayed[0][0] == "127.0.0.1",
         "Allocate over IPv6 without REQUESTED-ADDRESS-FAMILY: IPv4 relayed address (RFC 8656 7.2)",
         "%r %s" % (r, c.relayed))
    t.eq(c.mapped, c.local(), "XOR-MAPPED-ADDRESS over IPv6 is the client's address")
    release(c)

    c = client()
    r = c.allocate()
    r = c.create_permission([("2001:4860:4860::8888", 1)])
    t.ok(r.cls == tc.ERROR and r.error == 443,
         "CreatePermission for an IPv6 peer on an IPv4 allocation: 443 (RFC 8656 9.2)", r)
    r = c.channel_bind(0x4001, ("2001:4860:4860::8888", 1))
    t.ok(r.cls == tc.ERROR and r.error == 443,
         "ChannelBind to an IPv6 peer on an IPv4 allocation: 443 (RFC 8656 11.2)", r)
    release(c)


def t_even_port(t):
    a = client()
    r = a.allocate(even_port=True)
    tok = r.msg.get(tc.RESERVATION_TOKEN) if r.ok else None
    t.ok(r.ok and a.relayed and a.relayed[0][1] % 2 == 0,
         "EVEN-PORT with R: the relayed port is even (RFC 8656 7.2)", "%r %s" % (r, a.relayed))
    t.ok(tok is not None and len(tok) == 8, "... and a RESERVATION-TOKEN of 8 bytes",
         "token %r" % tok)
    b = client()
    r = b.allocate(token=tok or b"\0" * 8)
    t.ok(r.ok and a.relayed and b.relayed and b.relayed[0] == (a.relayed[0][0], a.relayed[0][1] + 1),
         "Allocate with that RESERVATION-TOKEN: the next port up",
         "%r: %s then %s" % (r, a.relayed, b.relayed))
    c = client()
    r = c.allocate(token=tok or b"\0" * 8)
    t.ok(r.cls == tc.ERROR and r.error == 508,
         "the token a second time: 508 (RFC 8656 7.2)", r)
    r = c.allocate(even_port=False)
    t.ok(r.ok and c.relayed and c.relayed[0][1] % 2 == 0,
         "EVEN-PORT without R: an even port", "%r %s" % (r, c.relayed))
    release(a, b, c)


def t_channel_errors(t):
    c = client()
    c.allocate()
    # chorusd accepts RFC 5766's range 0x4000-0x7FFF (doc/PROTOCOL.md,
    # "Port sharing"): coturn's own client picks numbers from it.
    for port, num in ((7, 0x3FFF), (8, 0x8000), (11, 0xFFFF)):
        r = c.channel_bind(num, ("127.0.0.1", port))
        t.ok(r.cls == tc.ERROR and r.error == 400,
             "ChannelBind number 0x%04X: 400 (outside 0x4000-0x7FFF)" % num, r)
    r = c.channel_bind(0x7FFF, ("127.0.0.1", 12))
    t.ok(r.ok, "ChannelBind 0x7FFF (RFC 5766 range) accepted", r)
    r = c.request(tc.CHANNEL_BIND, [(tc.CHANNEL_NUMBER, b"\x40\x00\0\0")])
    t.ok(r.cls == tc.ERROR and r.error == 400, "ChannelBind without XOR-PEER-ADDRESS: 400", r)
    r = c.request(tc.CREATE_PERMISSION, [])
    t.ok(r.cls == tc.ERROR and r.error == 400, "CreatePermission without XOR-PEER-ADDRESS: 400", r)
    r = c.channel_bind(0x4000, ("127.0.0.1", 9))
    t.ok(r.ok, "ChannelBind 0x4000 to 127.0.0.1:9", r)
    r = c.channel_bind(0x4000, ("127.0.0.1", 10))
    t.ok(r.cls == tc.ERROR and r.error == 400,
         "the same channel to another peer: 400 (RFC 8656 11.2)", r)
    r = c.channel_bind(0x4001, ("127.0.0.1", 9))
    t.ok(r.cls == tc.ERROR and r.error == 400,
         "another channel to the same peer: 400 (RFC 8656 11.2)", r)
    r = c.channel_bind(0x4000, ("127.0.0.1", 9))
    t.ok(r.ok, "the same binding again (refresh): success", r)
    release(c)


def relay_flow(t, transport, label):
    peer = EchoPeer()
    other = EchoPeer("127.0.0.2", echo=False)
    c = client(transport=transport)
    try:
        r = c.allocate()
        t.ok(r.ok, "%s: Allocate" % label, r)
        relayed = c.relayed[0]
        r = c.create_permission([peer.addr])
        t.ok(r.ok, "%s: CreatePermission for the peer" % label, r)
        c.send_indication(peer.addr, b"hello-send")
        peer.wait(1)
        t.ok(peer.got[:1] == [(b"hello-send", relayed)],
             "%s: Send indication: the peer gets the data from the relayed address" % label,
             "peer got %r, relayed %s" % (peer.got, relayed))
        ev = c.recv(3.0)
        t.eq(ev, ("data", peer.addr, b"echo:hello-send"),
             "%s: the echo comes back as a Data indication from the peer" % label)

        # Send to a peer without a permission (127.0.0.2): dropped.
        c.send_indication(other.addr, b"no-permission")
        time.sleep(0.3)
        t.eq(other.got, [], "%s: Send indication to a peer without permission is dropped (RFC 8656 10.2)"
             % label)

        # A peer without a permission (127.0.0.2): nothing is delivered.
        other.sock.sendto(b"intruder", relayed)
        time.sleep(0.3)
        peer.sock.sendto(b"direct", relayed)
        ev = c.recv(3.0)
        t.eq(ev, ("data", peer.addr, b"direct"),
             "%s: data from a peer without permission is dropped, the permitted peer's arrives" % label)

        r = c.channel_bind(0x4000, peer.addr)
        t.ok(r.ok, "%s: ChannelBind 0x4000 to the peer" % label, r)
        n = len(peer.got)
        c.send_channeldata(0x4000, b"hello-chan")   # 10 bytes: padded on TCP
        peer.wait(n + 1)
        t.ok(peer.got[n:n + 1] == [(b"hello-chan", relayed)],
             "%s: ChannelData reaches the peer from the relayed address" % label,
             "peer got %r" % peer.got[n:])
        ev = c.recv(3.0)
        t.eq(ev, ("channel", 0x4000, b"echo:hello-chan"),
             "%s: the echo comes back as ChannelData on 0x4000" % label)
        n = len(peer.got)
        c.send_channeldata(0x4000, b"x")            # 1 byte: 3 bytes of padding
        c.send_channeldata(0x4000, b"yz")
        peer.wait(n + 2)
        t.ok([d for d, _ in peer.got[n:n + 2]] == [b"x", b"yz"],
             "%s: two short ChannelData back to back reach the peer" % label,
             "peer got %r" % peer.got[n:])
        evs = [c.recv(3.0), c.recv(3.0)]
        t.eq(evs, [("channel", 0x4000, b"echo:x"), ("channel", 0x4000, b"echo:yz")],
             "%s: both echoes come back as ChannelData" % label)
        # Still usable as STUN after the ChannelData (framing intact).
        r = c.refresh(600)
        t.ok(r.ok, "%s: Refresh after ChannelData" % label, r)
    finally:
        peer.close()
        other.close()
    return c


def t_relay_udp(t):
    c = relay_flow(t, "udp", "UDP")
    release(c)


def t_relay_v6(t):
    peer = EchoPeer("::1")
    c = client(server=S6)
    try:
        r = c.allocate(family="ipv6")
        t.ok(r.ok and c.relayed and c.relayed[0][0] == "::1", "IPv6: Allocate over IPv6 for an IPv6 relay",
             "%r %s" % (r, c.relayed))
        r = c.create_permission([peer.addr])
        t.ok(r.ok, "IPv6: CreatePermission for [::1] (XOR with the transaction id)", r)
        c.send_indication(peer.addr, b"hello6")
        peer.wait(1)
        t.ok(peer.got[:1] == [(b"hello6", c.relayed[0] if c.relayed else None)],
             "IPv6: Send indication reaches the peer from the relayed address", peer.got)
        t.eq(c.recv(3.0), ("data", peer.addr, b"echo:hello6"),
             "IPv6: the echo comes back as a Data indication with the peer's XOR-PEER-ADDRESS")
        r = c.channel_bind(0x4ABC, peer.addr)
        t.ok(r.ok, "IPv6: ChannelBind 0x4ABC to [::1]", r)
        c.send_channeldata(0x4ABC, b"chan6")
        t.eq(c.recv(3.0), ("channel", 0x4ABC, b"echo:chan6"), "IPv6: ChannelData round trip")
    finally:
        peer.close()
    release(c)


def t_relay_tcp(t):
    c = relay_flow(t, "tcp", "TCP")
    if chorus_only(t, "closing the TCP connection frees its allocation",
                   "no /metrics"):
        before = metric('chorus_turn_allocations{transport="tcp"}')
        c.close()
        after = before
        for _ in range(50):
            after = metric('chorus_turn_allocations{transport="tcp"}')
            if after == 0:
                break
            time.sleep(0.1)
        t.ok(before == 1 and after == 0,
             "closing the TCP connection frees its allocation (allocations{tcp} %s -> %s)"
             % (before, after))
    else:
        c.close()


def t_sha256(t):
    probe = client()
    r = probe.challenge()
    probe.close()
    pa = r.msg.get(tc.PASSWORD_ALGORITHMS)
    if pa is None:
        reason = "the server offers no PASSWORD-ALGORITHMS"
        for d in ("Allocate with PASSWORD-ALGORITHM SHA-256", "response has MESSAGE-INTEGRITY-SHA256",
                  "Refresh with SHA-256", "PASSWORD-ALGORITHMS differing from the server's: 400",
                  "PASSWORD-ALGORITHM not in PASSWORD-ALGORITHMS: 400"):
            t.skip(d, reason)
        return
    c = client(sha256=True)
    r = c.allocate()
    t.ok(r.ok, "Allocate with PASSWORD-ALGORITHM SHA-256 and MESSAGE-INTEGRITY-SHA256 (RFC 8489 9.2.4)", r)
    t.eq(r.integrity, "sha256", "the response carries a valid MESSAGE-INTEGRITY-SHA256")
    r = c.refresh(600)
    t.ok(r.ok and r.integrity == "sha256", "Refresh with SHA-256", r)
    release(c)

    # Bid-down: a PASSWORD-ALGORITHMS that is not the server's.
    algs = tc.parse_password_algorithms(pa)
    c = client()
    c.challenge()
    c.pa_override = tc.encode_password_algorithms([tc.ALG_MD5])
    if c.pa_override == pa:
        c.pa_override = tc.encode_password_algorithms([tc.ALG_MD5, tc.ALG_SHA256])
    r = c.send_once(tc.ALLOCATE, [(tc.REQUESTED_TRANSPORT, b"\x11\0\0\0")])
    t.ok(r.cls == tc.ERROR and r.error == 400,
         "PASSWORD-ALGORITHMS differing from the server's (bid-down): 400 (RFC 8489 9.2.4)", r)
    # PASSWORD-ALGORITHM not among those offered.
    c.pa_override = pa
    c2 = c
    m = tc.Message(tc.ALLOCATE, tc.REQUEST)
    m.add(tc.REQUESTED_TRANSPORT, b"\x11\0\0\0")
    m.add(tc.USERNAME, b"alice").add(tc.REALM, c2.realm.encode()).add(tc.NONCE, c2.nonce.encode())
    m.add(tc.PASSWORD_ALGORITHMS, pa).add(tc.PASSWORD_ALGORITHM, struct.pack("!HH", 0x0003, 0))
    raw = m.encode(key=tc.long_term_key("alice", c2.realm, USERS["alice"]))
    r = c2.exchange(raw, m.tid, authed=True)
    t.ok(r.cls == tc.ERROR and r.error == 400,
         "PASSWORD-ALGORITHM not in PASSWORD-ALGORITHMS: 400 (RFC 8489 9.2.4)",
         "%r (offered %s)" % (r, algs))
    c.close()


def t_quota(t):
    cs = [tc.TurnClient(Q4, "udp", "carol", USERS["carol"]) for _ in range(3)]
    clients.extend(cs)
    r1, r2 = cs[0].allocate(), cs[1].allocate()
    t.ok(r1.ok and r2.ok, "user-quota 2: carol's first two allocations succeed", "%r %r" % (r1, r2))
    r = cs[2].allocate()
    t.ok(r.cls == tc.ERROR and r.error == 486,
         "carol's third allocation: 486 (RFC 8656 7.2)", r)
    d = tc.TurnClient(Q4, "udp", "dave", USERS["dave"])
    e = tc.TurnClient(Q4, "udp", "erin", USERS["erin"])
    clients.extend([d, e])
    r = d.allocate()
    t.ok(r.ok, "total-quota 3: dave's allocation (the third) succeeds", r)
    r = e.allocate()
    t.ok(r.cls == tc.ERROR and r.error == 508,
         "erin's (the fourth): 508 Insufficient Capacity (RFC 8656 7.2)", r)
    release(cs[0])
    for _ in range(10):
        r = e.allocate()
        if r.ok:
            break
        time.sleep(0.3)
    t.ok(r.ok, "after carol releases one, erin's allocation succeeds", r)
    release(cs[1], d, e)


def t_integrity(t):
    bad = [v for c in clients for v in c.violations]
    t.ok(not bad, "every response to an authenticated request that passed the checks "
         "carries MESSAGE-INTEGRITY (RFC 8489 9.2.4)", "\n".join(bad))


SECTIONS = [
    ("nonce reuse", 1, t_nonce_reuse),
    ("binding", 4, t_binding),
    ("challenge", 9, t_challenge),
    ("nonce", 4, t_nonce),
    ("allocate", 14, t_allocate),
    ("allocate errors", 10, t_allocate_errors),
    ("wrong credentials", 3, t_wrong_credentials),
    ("address families", 7, t_families),
    ("even port", 5, t_even_port),
    ("channel errors", 10, t_channel_errors),
    ("relay udp", 12, t_relay_udp),
    ("relay tcp", 13, t_relay_tcp),
    ("relay ipv6", 6, t_relay_v6),
    ("sha256", 5, t_sha256),
    ("quota", 5, t_quota),
    ("integrity", 1, t_integrity),
]


def main():
    t = tc.Tap(sum(n for _, n, _ in SECTIONS))
    t.diag("server: %s, port %d, quota port %d" % (SERVER, PORT, PORT2))
    only = os.environ.get("TURN_ONLY")
    for name, n, fn in SECTIONS:
        if only and only != name:
            for _ in range(n):
                t.skip(name, "TURN_ONLY=%s" % only)
            continue
        with t.section(name, n):
            fn(t)
    for c in clients:
        try:
            c.t.close()
        except Exception:
            pass
    return t.done()


if __name__ == "__main__":
    sys.exit(main())
