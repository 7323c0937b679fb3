#!/usr/bin/env python3
"""stun_binding.py PROTO HOST PORT [TIMEOUT]: one STUN Binding request.

PROTO is udp or tcp.  Sends a bare RFC 8489 Binding request (like
turnutils_stunclient does), checks that the answer is a success response
for the same transaction, and prints two words: the XOR-MAPPED-ADDRESS
and the client socket's own address, each as IP:PORT.  On loopback the two
must be equal.  Exits 1 if no valid answer arrives within TIMEOUT seconds
(default 2; UDP retransmits every 250 ms), 2 on a usage error.
"""
import os
import socket
import struct
import sys
import time

COOKIE = 0x2112A442


def xor_mapped(body, tid):
    i = 0
    while i + 4 <= len(body):
        atype, alen = struct.unpack("!HH", body[i:i + 4])
        val = body[i + 4:i + 4 + alen]
        if atype == 0x0020 and len(val) >= 8:
            fam = val[1]
            port = struct.unpack("!H", val[2:4])[0] ^ (COOKIE >> 16)
            if fam == 1:
                raw = bytes(a ^ b for a, b in zip(val[4:8], struct.pack("!I", COOKIE)))
                return "%s:%d" % (socket.inet_ntop(socket.AF_INET, raw), port)
            if fam == 2 and len(val) >= 20:
                key = struct.pack("!I", COOKIE) + tid
                raw = bytes(a ^ b for a, b in zip(val[4:20], key))
                return "[%s]:%d" % (socket.inet_ntop(socket.AF_INET6, raw), port)
        i += 4 + ((alen + 3) & ~3)
    return None


def check(msg, tid):
    """The mapped address if MSG is a Binding success for TID, else None."""
    if len(msg) < 20:
        return None
    mtype, mlen, cookie = struct.unpack("!HHI", msg[:8])
    if mtype != 0x0101 or cookie != COOKIE or msg[8:20] != tid:
        return None
    return xor_mapped(msg[20:20 + mlen], tid)


def recv_exact(sock, n, deadline):
    buf = b""
    while len(buf) < n:
        sock.settimeout(max(0.01, deadline - time.time()))
        chunk = sock.recv(n - len(buf))
        if not chunk:
            raise OSError("connection closed")
        buf += chunk
    return buf


def main():
    if len(sys.argv) < 4 or sys.argv[1] not in ("udp", "tcp"):
        sys.stderr.write(__doc__)
        return 2
    proto, host, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
    timeout = float(sys.argv[4]) if len(sys.argv) > 4 else 2.0
    fam = socket.AF_INET6 if ":" in host else socket.AF_INET
    tid = os.urandom(12)
    req = struct.pack("!HHI", 0x0001, 0, COOKIE) + tid
    deadline = time.time() + timeout
    mapped = None
    try:
        if proto == "udp":
            s = socket.socket(fam, socket.SOCK_DGRAM)
            s.connect((host, port))
            while mapped is None and time.time() < deadline:
                s.send(req)
                s.settimeout(min(0.25, max(0.01, deadline - time.time())))
                try:
                    mapped = check(s.recv(2048), tid)
                except socket.timeout:
                    pass
        else:
            s = socket.socket(fam, socket.SOCK_STREAM)
            s.settimeout(timeout)
            s.connect((host, port))
            s.sendall(req)
            head = recv_exact(s, 20, deadline)
            body = recv_exact(s, struct.unpack("!H", head[2:4])[0], deadline)
            mapped = check(head + body, tid)
    except OSError as e:
        sys.stderr.write("stun_binding: %s\n" % e)
        return 1
    if mapped is None:
        sys.stderr.write("stun_binding: no Binding success from %s:%d/%s\n"
                         % (host, port, proto))
        return 1
    local = s.getsockname()
    if fam == socket.AF_INET6:
        print(mapped, "[%s]:%d" % (local[0], local[1]))
    else:
        print(mapped, "%s:%d" % (local[0], local[1]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
