#!/usr/bin/env python3
"""turnclient.py - a minimal, independent STUN/TURN client (RFC 8489, RFC 8656).

Standard library only.  Used by the integration tests (turn_proto.py,
turn_policy.py) to check that a server answers as the RFCs say, and usable
by hand:

    python3 turnclient.py [--tcp] [-u USER -p PASS] HOST PORT binding
    python3 turnclient.py -u alice -p secret 127.0.0.1 3478 allocate

The client is deliberately strict about what the server sends: every
response must be well formed, match the transaction, and, when the request
was authenticated, carry a MESSAGE-INTEGRITY (or -SHA256) that verifies
(RFC 8489 section 9.2.4); a FINGERPRINT, when present, must verify.  A
violation raises ProtocolError.
"""

import binascii
import hashlib
import hmac
import ipaddress
import os
import socket
import struct
import sys
import time

MAGIC = 0x2112A442
MAGIC_BYTES = struct.pack("!I", MAGIC)
FP_XOR = 0x5354554E
NONCE_COOKIE = "obMatJos2"

# Classes (RFC 8489 section 5).
REQUEST, INDICATION, SUCCESS, ERROR = 0, 1, 2, 3
CLASS_NAMES = {0: "request", 1: "indication", 2: "success", 3: "error"}

# Methods (RFC 8489, RFC 8656).
BINDING = 0x001
ALLOCATE = 0x003
REFRESH = 0x004
SEND = 0x006
DATA = 0x007
CREATE_PERMISSION = 0x008
CHANNEL_BIND = 0x009
METHOD_NAMES = {1: "Binding", 3: "Allocate", 4: "Refresh", 6: "Send",
                7: "Data", 8: "CreatePermission", 9: "ChannelBind"}

# Attributes.
MAPPED_ADDRESS = 0x0001
USERNAME = 0x0006
MESSAGE_INTEGRITY = 0x0008
ERROR_CODE = 0x0009
UNKNOWN_ATTRIBUTES = 0x000A
CHANNEL_NUMBER = 0x000C
LIFETIME = 0x000D
XOR_PEER_ADDRESS = 0x0012
DATA_ATTR = 0x0013
REALM = 0x0014
NONCE = 0x0015
XOR_RELAYED_ADDRESS = 0x0016
REQUESTED_ADDRESS_FAMILY = 0x0017
EVEN_PORT = 0x0018
REQUESTED_TRANSPORT = 0x0019
DONT_FRAGMENT = 0x001A
MESSAGE_INTEGRITY_SHA256 = 0x001C
PASSWORD_ALGORITHM = 0x001D
USERHASH = 0x001E
XOR_MAPPED_ADDRESS = 0x0020
RESERVATION_TOKEN = 0x0022
ADDITIONAL_ADDRESS_FAMILY = 0x8000
ADDRESS_ERROR_CODE = 0x8001
PASSWORD_ALGORITHMS = 0x8002
SOFTWARE = 0x8022
FINGERPRINT = 0x8028

ALG_MD5 = 0x0001
ALG_SHA256 = 0x0002

FAMILY_V4 = 0x01
FAMILY_V6 = 0x02

PROTO_UDP = 17
PROTO_TCP = 6


class ProtocolError(Exception):
    """The server sent something the RFCs do not allow."""


class Timeout(Exception):
    """No answer in time."""


# --- message type ---------------------------------------------------------

def msg_type(method, cls):
    return (((method & 0xF80) << 2) | ((method & 0x070) << 1) |
            (method & 0x00F) | ((cls & 1) << 4) | ((cls & 2) << 7))


def split_type(t):
    method = (t & 0x000F) | ((t & 0x00E0) >> 1) | ((t & 0x3E00) >> 2)
    cls = ((t >> 4) & 1) | ((t >> 7) & 2)
    return method, cls


def pad4(n):
    return (n + 3) & ~3


# --- addresses ------------------------------------------------------------

def _ip(host):
    return ipaddress.ip_address(host)


def norm_addr(addr):
    """(host, port) with a canonical host string (sockets give 4-tuples)."""
    return (str(_ip(addr[0])), int(addr[1]))


def encode_address(addr, tid=None, xor=True):
    host, port = addr[0], addr[1]
    ip = _ip(host)
    raw = ip.packed
    fam = FAMILY_V4 if ip.version == 4 else FAMILY_V6
    if xor:
        port ^= MAGIC >> 16
        key = MAGIC_BYTES + (tid if fam == FAMILY_V6 else b"")
        raw = bytes(a ^ b for a, b in zip(raw, key))
    return struct.pack("!BBH", 0, fam, port) + raw


def decode_address(value, tid=None, xor=True):
    if len(value) < 4:
        raise ProtocolError("address attribute too short")
    _, fam, port = struct.unpack("!BBH", value[:4])
    raw = value[4:]
    if fam == FAMILY_V4:
        if len(raw) != 4:
            raise ProtocolError("IPv4 address attribute of length %d" % len(value))
    elif fam == FAMILY_V6:
        if len(raw) != 16:
            raise ProtocolError("IPv6 address attribute of length %d" % len(value))
    else:
        raise ProtocolError("address family 0x%02x" % fam)
    if xor:
        port ^= MAGIC >> 16
        key = MAGIC_BYTES + (tid if fam == FAMILY_V6 else b"")
        raw = bytes(a ^ b for a, b in zip(raw, key))
    return (str(ipaddress.ip_address(raw)), port)


def decode_error(value):
    if len(value) < 4:
        raise ProtocolError("ERROR-CODE too short")
    cls = value[2] & 0x07
    num = value[3]
    if not 3 <= cls <= 6 or num > 99:
        raise ProtocolError("ERROR-CODE class %d number %d" % (cls, num))
    return cls * 100 + num, value[4:].decode("utf-8", "replace")


def encode_error(code, reason=""):
    return struct.pack("!HBB", 0, code // 100, code % 100) + reason.encode()


def decode_unknown(value):
    if len(value) % 2:
        raise ProtocolError("UNKNOWN-ATTRIBUTES of odd length")
    return [struct.unpack("!H", value[i:i + 2])[0]
            for i in range(0, len(value), 2)]


def family_value(fam):
    if fam in (4, "ipv4", "IPv4", FAMILY_V4):
        fam = FAMILY_V4
    elif fam in (6, "ipv6", "IPv6", FAMILY_V6):
        fam = FAMILY_V6
    return struct.pack("!B3x", fam)


def u32(v):
    return struct.pack("!I", v)


# --- messages -------------------------------------------------------------

class Message:
    """A STUN message: method, class, transaction id, attributes in order."""

    def __init__(self, method, cls, tid=None, attrs=None):
        self.method = method
        self.cls = cls
        self.tid = tid if tid is not None else os.urandom(12)
        self.attrs = list(attrs or [])
        self.raw = None
        self.offsets = []       # offset of each attribute (decoded messages)

    def add(self, atype, value):
        self.attrs.append((atype, bytes(value)))
        return self

    def get(self, atype):
        for t, v in self.attrs:
            if t == atype:
                return v
        return None

    def get_all(self, atype):
        return [v for t, v in self.attrs if t == atype]

    def has(self, atype):
        return any(t == atype for t, _ in self.attrs)

    def offset_of(self, atype):
        for (t, _), off in zip(self.attrs, self.offsets):
            if t == atype:
                return off
        return None

    # Typed accessors.
    def address(self, atype):
        v = self.get(atype)
        if v is None:
            return None
        return decode_address(v, self.tid, atype != MAPPED_ADDRESS)

    def addresses(self, atype):
        return [decode_address(v, self.tid, atype != MAPPED_ADDRESS)
                for v in self.get_all(atype)]

    def error(self):
        v = self.get(ERROR_CODE)
        return decode_error(v) if v is not None else (None, None)

    def u32(self, atype):
        v = self.get(atype)
        if v is None:
            return None
        if len(v) != 4:
            raise ProtocolError("attribute 0x%04x of length %d" % (atype, len(v)))
        return struct.unpack("!I", v)[0]

    def text(self, atype):
        v = self.get(atype)
        return None if v is None else v.decode("utf-8", "replace")

    def encode(self, key=None, key256=None, fingerprint=True, after_integrity=()):
        """Bytes on the wire.  key: MESSAGE-INTEGRITY (HMAC-SHA1) key;
        key256: MESSAGE-INTEGRITY-SHA256 key; after_integrity: attributes
        put after the integrity (which a receiver must ignore)."""
        def tlv(t, v):
            return struct.pack("!HH", t, len(v)) + v + b"\0" * (pad4(len(v)) - len(v))
        body = b"".join(tlv(t, v) for t, v in self.attrs)
        mtype = msg_type(self.method, self.cls)

        def header(length):
            return struct.pack("!HHI", mtype, length, MAGIC) + self.tid

        if key is not None:
            mac = hmac.new(key, header(len(body) + 24) + body, hashlib.sha1).digest()
            body += struct.pack("!HH", MESSAGE_INTEGRITY, 20) + mac
        if key256 is not None:
            mac = hmac.new(key256, header(len(body) + 36) + body, hashlib.sha256).digest()
            body += struct.pack("!HH", MESSAGE_INTEGRITY_SHA256, 32) + mac
        for t, v in after_integrity:
            body += tlv(t, bytes(v))
        if fingerprint:
            crc = binascii.crc32(header(len(body) + 8) + body) ^ FP_XOR
            body += struct.pack("!HHI", FINGERPRINT, 4, crc & 0xFFFFFFFF)
        self.raw = header(len(body)) + body
        return self.raw

    @staticmethod
    def decode(data):
        if len(data) < 20:
            raise ProtocolError("message shorter than 20 bytes")
        mtype, length, cookie = struct.unpack("!HHI", data[:8])
        if mtype & 0xC000:
            raise ProtocolError("top two bits of the type are not zero")
        if cookie != MAGIC:
            raise ProtocolError("bad magic cookie 0x%08x" % cookie)
        if length % 4:
            raise ProtocolError("length %d is not a multiple of 4" % length)
        if 20 + length != len(data):
            raise ProtocolError("length %d but %d bytes" % (length, len(data) - 20))
        method, cls = split_type(mtype)
        m = Message(method, cls, data[8:20])
        m.raw = bytes(data)
        off = 20
        while off < len(data):
            if off + 4 > len(data):
                raise ProtocolError("truncated attribute header")
            t, ln = struct.unpack("!HH", data[off:off + 4])
            if off + 4 + pad4(ln) > len(data):
                raise ProtocolError("attribute 0x%04x overruns the message" % t)
            m.attrs.append((t, data[off + 4:off + 4 + ln]))
            m.offsets.append(off)
            off += 4 + pad4(ln)
        return m

    def describe(self):
        parts = ["%s %s" % (METHOD_NAMES.get(self.method, hex(self.method)),
                            CLASS_NAMES[self.cls])]
        for t, v in self.attrs:
            parts.append("0x%04x(%d)" % (t, len(v)))
        return " ".join(parts)


def check_fingerprint(m):
    """None if no FINGERPRINT; True/False otherwise.  It must be last."""
    off = m.offset_of(FINGERPRINT)
    if off is None:
        return None
    if off + 8 != len(m.raw):
        return False
    v = m.get(FINGERPRINT)
    if len(v) != 4:
        return False
    crc = (binascii.crc32(m.raw[:off]) ^ FP_XOR) & 0xFFFFFFFF
    return struct.unpack("!I", v)[0] == crc


def check_integrity(m, key, atype=MESSAGE_INTEGRITY):
    """None if the attribute is absent; True/False otherwise."""
    off = m.offset_of(atype)
    if off is None:
        return None
    algo, size = (hashlib.sha1, 20) if atype == MESSAGE_INTEGRITY else (hashlib.sha256, 32)
    v = m.get(atype)
    if len(v) != size:
        return False
    hdr = bytearray(m.raw[:20])
    struct.pack_into("!H", hdr, 2, off + 4 + size - 20)
    mac = hmac.new(key, bytes(hdr) + m.raw[20:off], algo).digest()
    return hmac.compare_digest(mac, v)


def long_term_key(user, realm, password, algorithm=ALG_MD5):
    s = ("%s:%s:%s" % (user, realm, password)).encode("utf-8")
    if algorithm == ALG_SHA256:
        return hashlib.sha256(s).digest()
    return hashlib.md5(s).digest()


def parse_password_algorithms(value):
    algs = []
    off = 0
    while off + 4 <= len(value):
        alg, ln = struct.unpack("!HH", value[off:off + 4])
        algs.append(alg)
        off += 4 + pad4(ln)
    return algs


def encode_password_algorithms(algs):
    return b"".join(struct.pack("!HH", a, 0) for a in algs)


# --- transports -----------------------------------------------------------

class UdpTransport:
    def __init__(self, server, bind=None):
        self.server = server
        fam = socket.AF_INET6 if _ip(server[0]).version == 6 else socket.AF_INET
        self.sock = socket.socket(fam, socket.SOCK_DGRAM)
        if bind:
            self.sock.bind(bind)
        self.sock.connect(server)
        self.proto = PROTO_UDP

    def send(self, data):
        self.sock.send(data)

    def send_channeldata(self, number, data):
        self.sock.send(struct.pack("!HH", number, len(data)) + data)

    def recv_frame(self, timeout):
        self.sock.settimeout(max(timeout, 0.001))
        try:
            return self.sock.recv(65536)
        except socket.timeout:
            return None
        except ConnectionRefusedError:
            raise ProtocolError("ICMP port unreachable from the server")

    def local(self):
        return norm_addr(self.sock.getsockname())

    def close(self):
        self.sock.close()


class TcpTransport:
    def __init__(self, server, bind=None):
        self.server = server
        fam = socket.AF_INET6 if _ip(server[0]).version == 6 else socket.AF_INET
        self.sock = socket.socket(fam, socket.SOCK_STREAM)
        if bind:
            self.sock.bind(bind)
        self.sock.settimeout(5)
        self.sock.connect(server)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.buf = b""
        self.proto = PROTO_TCP
        self.eof = False

    def send(self, data):
        self.sock.sendall(data)

    def send_channeldata(self, number, data):
        frame = struct.pack("!HH", number, len(data)) + data
        self.sock.sendall(frame + b"\0" * (pad4(len(frame)) - len(frame)))

    def _frame_len(self):
        """Length of the first frame in buf, with padding; None if unknown."""
        if len(self.buf) < 4:
            return None
        first = self.buf[0]
        ln = struct.unpack("!H", self.buf[2:4])[0]
        if first < 0x40:
            return 20 + ln
        if 0x40 <= first < 0x80:
            return pad4(4 + ln)
        raise ProtocolError("stream frame starting with 0x%02x" % first)

    def recv_frame(self, timeout):
        deadline = time.monotonic() + timeout
        while True:
            n = self._frame_len()
            if n is not None and len(self.buf) >= n:
                frame = self.buf[:n]
                self.buf = self.buf[n:]
                if frame[0] >= 0x40:    # strip ChannelData padding
                    frame = frame[:4 + struct.unpack("!H", frame[2:4])[0]]
                return frame
            if self.eof:
                return None
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            self.sock.settimeout(left)
            try:
                chunk = self.sock.recv(65536)
            except socket.timeout:
                return None
            except ConnectionResetError:
                chunk = b""
            if not chunk:
                self.eof = True
                continue
            self.buf += chunk

    def local(self):
        return norm_addr(self.sock.getsockname())

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass


def make_transport(server, transport="udp", bind=None):
    if transport == "tcp":
        return TcpTransport(server, bind)
    return UdpTransport(server, bind)


# --- the client -----------------------------------------------------------

class Response:
    """Iterates as (cls, msg, error_code); msg has the attributes."""

    def __init__(self, msg, request_raw):
        self.msg = msg
        self.cls = msg.cls
        self.attrs = msg
        self.error, self.reason = msg.error() if msg.cls == ERROR else (None, None)
        self.request_raw = request_raw
        self.integrity = None       # "sha1", "sha256" or None
        self.violations = []

    def __iter__(self):
        return iter((self.cls, self.attrs, self.error))

    @property
    def ok(self):
        return self.cls == SUCCESS

    def __repr__(self):
        if self.cls == SUCCESS:
            return "<success %s>" % self.msg.describe()
        return "<%s %s %s: %s>" % (CLASS_NAMES[self.cls], self.error,
                                   self.reason, self.msg.describe())


class TurnClient:
    """One client 5-tuple: a socket to the server plus credentials."""

    def __init__(self, server, transport="udp", user=None, password=None,
                 timeout=3.0, sha256=False, bind=None):
        self.server = (server[0], int(server[1]))
        self.transport_name = transport
        self.t = make_transport(self.server, transport, bind)
        self.user = user
        self.password = password
        self.timeout = timeout
        self.sha256 = sha256            # use PASSWORD-ALGORITHM SHA-256
        self.realm = None
        self.nonce = None
        self.password_algorithms = None   # raw value from the last 401/438
        self.pa_override = None           # raw PASSWORD-ALGORITHMS to send instead
        self.fingerprint = True
        self.strict = True
        self.pending = []                 # indications and ChannelData seen
        self.relayed = []
        self.mapped = None
        self.lifetime = None
        self.last_request_raw = None
        self.last_tid = None
        self.violations = []

    # Credentials.
    def algorithm(self):
        return ALG_SHA256 if self.sha256 else ALG_MD5

    def key(self):
        return long_term_key(self.user, self.realm, self.password, self.algorithm())

    def _auth_attrs(self):
        attrs = [(USERNAME, self.user.encode()), (REALM, self.realm.encode()),
                 (NONCE, self.nonce.encode())]
        if self.pa_override is not None:
            attrs.append((PASSWORD_ALGORITHMS, self.pa_override))
            attrs.append((PASSWORD_ALGORITHM, struct.pack("!HH", self.algorithm(), 0)))
        elif self.sha256:
            if self.password_algorithms is None:
                raise ProtocolError("SHA-256 asked but the server offered no PASSWORD-ALGORITHMS")
            attrs.append((PASSWORD_ALGORITHMS, self.password_algorithms))
            attrs.append((PASSWORD_ALGORITHM, struct.pack("!HH", ALG_SHA256, 0)))
        return attrs

    def local(self):
        return self.t.local()

    # Low level.
    def build(self, method, attrs, auth=True, tid=None, cls=REQUEST, after_integrity=()):
        m = Message(method, cls, tid)
        for a in attrs:
            m.add(*a)
        key = key256 = None
        if auth:
            for a in self._auth_attrs():
                m.add(*a)
            if self.sha256:
                key256 = self.key()
            else:
                key = self.key()
        return m, m.encode(key=key, key256=key256, fingerprint=self.fingerprint,
                           after_integrity=after_integrity)

    def _stash(self, frame):
        """Keep an indication or ChannelData for recv()."""
        self.pending.append(frame)

    def exchange(self, raw, tid, authed=False, timeout=None):
        """Send raw (a request with transaction id tid); the response."""
        timeout = self.timeout if timeout is None else timeout
        self.last_request_raw = raw
        self.last_tid = tid
        tries = 3 if isinstance(self.t, UdpTransport) else 1
        rto = timeout / tries
        for _ in range(tries):
            self.t.send(raw)
            deadline = time.monotonic() + rto
            while True:
                left = deadline - time.monotonic()
                if left <= 0:
                    break
                frame = self.t.recv_frame(left)
                if frame is None:
                    break
                if frame[0] >= 0x40:
                    self._stash(frame)
                    continue
                m = Message.decode(frame)
                if m.cls in (REQUEST, INDICATION):
                    self._stash(frame)
                    continue
                if m.tid != tid:
                    continue        # a late answer to an old transaction
                return self._check_response(m, raw, authed)
        raise Timeout("no response to %s" % Message.decode(raw).describe())

    def _violation(self, text, hard=True):
        """A response the RFCs do not allow.  Hard ones raise (when strict);
        soft ones (a missing MESSAGE-INTEGRITY on an error) are only listed
        in self.violations and in the response's, for the caller to judge."""
        self.violations.append(text)
        if hard and self.strict:
            raise ProtocolError(text)

    def _check_response(self, m, raw, authed):
        req = Message.decode(raw)
        r = Response(m, raw)
        if m.method != req.method:
            self._violation("response method %d to a request of method %d" % (m.method, req.method))
        fp = check_fingerprint(m)
        if fp is False:
            self._violation("bad FINGERPRINT in %r" % r)
        if m.cls == ERROR and m.get(ERROR_CODE) is None:
            self._violation("error response without ERROR-CODE")
        if authed and m.has(MESSAGE_INTEGRITY_SHA256):
            ok = check_integrity(m, self.key(), MESSAGE_INTEGRITY_SHA256)
            if not ok:
                self._violation("bad MESSAGE-INTEGRITY-SHA256 in %r" % r)
            r.integrity = "sha256"
        elif authed and m.has(MESSAGE_INTEGRITY):
            if self.sha256:
                self._violation("MESSAGE-INTEGRITY (SHA-1) in answer to a SHA-256 request: %r" % r)
            ok = check_integrity(m, self.key(), MESSAGE_INTEGRITY)
            if not ok:
                self._violation("bad MESSAGE-INTEGRITY in %r" % r)
            r.integrity = "sha1"
        # RFC 8489 section 9.2.4: a response to a request that passed the
        # authentication checks carries the integrity of that request.  The
        # errors of the checks themselves (400, 401, 438) cannot.
        if authed and r.integrity is None and not (m.cls == ERROR and r.error in (400, 401, 438)):
            text = "no MESSAGE-INTEGRITY in %r to an authenticated request" % r
            r.violations.append(text)
            self._violation(text, hard=m.cls == SUCCESS)
        if authed and self.sha256 and r.integrity == "sha1":
            self._violation("SHA-1 integrity in answer to a SHA-256 request")
        return r

    def _learn(self, r):
        realm = r.msg.text(REALM)
        nonce = r.msg.text(NONCE)
        if realm is not None:
            self.realm = realm
        if nonce is not None:
            self.nonce = nonce
        pa = r.msg.get(PASSWORD_ALGORITHMS)
        if pa is not None:
            self.password_algorithms = pa

    def request(self, method, attrs=(), auth=True, tid=None):
        """A request; with auth, the 401 dance and one retry on 438.

        attrs is a list of (type, value), or a function of the transaction
        id giving one (XOR addresses of IPv6 peers depend on it).  tid, if
        given, is the transaction id of the first request sent."""
        make = attrs if callable(attrs) else (lambda _tid, a=list(attrs): a)
        if not auth or self.nonce is None:
            tid = tid or os.urandom(12)
            m, raw = self.build(method, make(tid), auth=False, tid=tid)
            r = self.exchange(raw, tid)
            if not auth or not (r.cls == ERROR and r.error == 401):
                return r
            self._learn(r)
            if self.realm is None or self.nonce is None:
                self._violation("401 without REALM and NONCE")
                return r
            tid = None
        for attempt in range(2):
            t = tid or os.urandom(12)
            tid = None
            m, raw = self.build(method, make(t), auth=True, tid=t)
            r = self.exchange(raw, t, authed=True)
            if r.cls == ERROR and r.error == 438 and attempt == 0:
                self._learn(r)
                continue
            break
        return r

    def challenge(self):
        """An unauthenticated Allocate, to learn REALM and NONCE; the 401."""
        m, raw = self.build(ALLOCATE, [(REQUESTED_TRANSPORT, struct.pack("!B3x", PROTO_UDP))],
                            auth=False)
        r = self.exchange(raw, m.tid)
        if r.cls == ERROR and r.error == 401:
            self._learn(r)
        return r

    def send_once(self, method, attrs, auth=True, tid=None):
        """One request, no retries of any kind; the response."""
        m, raw = self.build(method, list(attrs), auth=auth, tid=tid)
        return self.exchange(raw, m.tid, authed=auth)

    def retransmit(self):
        """Send the last request's exact bytes again; its response."""
        return self.exchange(self.last_request_raw, self.last_tid, authed=True)

    # TURN.
    def allocate(self, lifetime=None, family=None, additional_family=None,
                 even_port=None, token=None, dont_fragment=False,
                 transport=PROTO_UDP, extra=(), requested_transport=True):
        attrs = []
        if requested_transport:
            attrs.append((REQUESTED_TRANSPORT, struct.pack("!B3x", transport)))
        if lifetime is not None:
            attrs.append((LIFETIME, u32(lifetime)))
        if family is not None:
            attrs.append((REQUESTED_ADDRESS_FAMILY, family_value(family)))
        if additional_family is not None:
            attrs.append((ADDITIONAL_ADDRESS_FAMILY, family_value(additional_family)))
        if even_port is not None:
            attrs.append((EVEN_PORT, bytes([0x80 if even_port else 0])))
        if token is not None:
            attrs.append((RESERVATION_TOKEN, token))
        if dont_fragment:
            attrs.append((DONT_FRAGMENT, b""))
        attrs.extend(extra)
        r = self.request(ALLOCATE, attrs)
        if r.ok:
            self.relayed = r.msg.addresses(XOR_RELAYED_ADDRESS)
            self.mapped = r.msg.address(XOR_MAPPED_ADDRESS)
            self.lifetime = r.msg.u32(LIFETIME)
        return r

    def refresh(self, lifetime=None, family=None):
        attrs = []
        if lifetime is not None:
            attrs.append((LIFETIME, u32(lifetime)))
        if family is not None:
            attrs.append((REQUESTED_ADDRESS_FAMILY, family_value(family)))
        r = self.request(REFRESH, attrs)
        if r.ok and lifetime == 0:
            self.relayed = []
        return r

    def create_permission(self, peers):
        return self.request(CREATE_PERMISSION, lambda tid: [
            (XOR_PEER_ADDRESS, encode_address(p, tid)) for p in peers])

    def channel_bind(self, number, peer):
        return self.request(CHANNEL_BIND, lambda tid: [
            (CHANNEL_NUMBER, struct.pack("!HH", number, 0)),
            (XOR_PEER_ADDRESS, encode_address(peer, tid))])

    def send_indication(self, peer, data, extra=()):
        tid = os.urandom(12)
        m = Message(SEND, INDICATION, tid)
        m.add(XOR_PEER_ADDRESS, encode_address(peer, tid))
        m.add(DATA_ATTR, data)
        for a in extra:
            m.add(*a)
        self.t.send(m.encode(fingerprint=self.fingerprint))

    def send_channeldata(self, number, data):
        self.t.send_channeldata(number, data)

    def recv(self, timeout=None):
        """('data', peer, payload), ('channel', number, payload), or None."""
        timeout = self.timeout if timeout is None else timeout
        deadline = time.monotonic() + timeout
        while True:
            if self.pending:
                frame = self.pending.pop(0)
            else:
                left = deadline - time.monotonic()
                if left <= 0:
                    return None
                frame = self.t.recv_frame(left)
                if frame is None:
                    return None
            if frame[0] >= 0x40:
                number, ln = struct.unpack("!HH", frame[:4])
                if len(frame) < 4 + ln:
                    raise ProtocolError("short ChannelData")
                return ("channel", number, frame[4:4 + ln])
            m = Message.decode(frame)
            if m.method == DATA and m.cls == INDICATION:
                peer = m.address(XOR_PEER_ADDRESS)
                data = m.get(DATA_ATTR)
                if peer is None or data is None:
                    raise ProtocolError("Data indication without XOR-PEER-ADDRESS or DATA")
                if check_fingerprint(m) is False:
                    raise ProtocolError("bad FINGERPRINT in a Data indication")
                return ("data", peer, data)
            # anything else (stray responses) is ignored

    def close(self, release=False):
        if release and self.relayed:
            try:
                self.refresh(0)
            except Exception:
                pass
        self.t.close()


def binding(server, transport="udp", fingerprint=False):
    """One Binding request; (response, local address, request bytes)."""
    c = TurnClient(server, transport)
    c.fingerprint = fingerprint
    try:
        m, raw = c.build(BINDING, [], auth=False)
        r = c.exchange(raw, m.tid)
        return r, c.local(), raw
    finally:
        c.close()


# --- TAP ------------------------------------------------------------------

class Tap:
    """TAP output; every check is numbered in order."""

    def __init__(self, planned):
        self.n = 0
        self.failed = 0
        self.planned = planned
        print("1..%d" % planned, flush=True)

    def ok(self, cond, desc, diag=None):
        self.n += 1
        if cond:
            print("ok %d - %s" % (self.n, desc), flush=True)
        else:
            self.failed += 1
            print("not ok %d - %s" % (self.n, desc), flush=True)
            if diag:
                for line in str(diag).splitlines():
                    print("#   %s" % line, flush=True)
        return bool(cond)

    def eq(self, got, want, desc):
        return self.ok(got == want, desc, "got %r, want %r" % (got, want))

    def skip(self, desc, reason):
        self.n += 1
        print("ok %d - %s # SKIP %s" % (self.n, desc, reason), flush=True)

    def diag(self, text):
        for line in str(text).splitlines():
            print("# %s" % line, flush=True)

    def section(self, name, count):
        """with tap.section(NAME, N): exactly N checks; an exception in the
        block fails the checks not yet made (and is reported)."""
        return _Section(self, name, count)

    def done(self):
        if self.n != self.planned:
            print("# planned %d tests but ran %d" % (self.planned, self.n), flush=True)
            self.failed += 1
        return 1 if self.failed else 0


class _Section:
    def __init__(self, tap, name, count):
        self.tap, self.name, self.count = tap, name, count

    def __enter__(self):
        self.start = self.tap.n
        return self

    def __exit__(self, et, ev, tb):
        done = self.tap.n - self.start
        if et is not None:
            self.tap.diag("%s: %s: %s" % (self.name, et.__name__, ev))
        elif done != self.count:
            self.tap.diag("%s: made %d checks, planned %d" % (self.name, done, self.count))
        for _ in range(done, self.count):
            self.tap.ok(False, "%s (not reached)" % self.name)
        return et is None or issubclass(et, Exception)


# --- CLI ------------------------------------------------------------------

def main(argv):
    import argparse
    ap = argparse.ArgumentParser(description="minimal STUN/TURN client")
    ap.add_argument("--tcp", action="store_true")
    ap.add_argument("--sha256", action="store_true")
    ap.add_argument("-u", "--user")
    ap.add_argument("-p", "--password")
    ap.add_argument("--peer", help="HOST:PORT for permission / send")
    ap.add_argument("host")
    ap.add_argument("port", type=int)
    ap.add_argument("action", choices=["binding", "allocate", "send"])
    a = ap.parse_args(argv)
    server = (a.host, a.port)
    tr = "tcp" if a.tcp else "udp"
    if a.action == "binding":
        r, local, _ = binding(server, tr)
        print("%r mapped=%s local=%s" % (r, r.msg.address(XOR_MAPPED_ADDRESS), local))
        return 0 if r.ok else 1
    c = TurnClient(server, tr, a.user, a.password, sha256=a.sha256)
    r = c.allocate()
    print("%r relayed=%s mapped=%s lifetime=%s" % (r, c.relayed, c.mapped, c.lifetime))
    if not r.ok:
        return 1
    if a.action == "send" and a.peer:
        host, _, port = a.peer.rpartition(":")
        peer = (host.strip("[]"), int(port))
        print(c.create_permission([peer]))
        c.send_indication(peer, b"hello from turnclient")
        print(c.recv(2.0))
    print(c.refresh(0))
    c.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
