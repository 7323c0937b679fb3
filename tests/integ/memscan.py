#!/usr/bin/env python3
"""memscan.py LINK PID|CORE: derive a room's keys from its invite link
(doc/PROTOCOL.md "Key schedule", "End-to-end media frames") and look for
them in a node's memory: a core file, or the live process through
/proc/PID/mem.  Prints one line per key, "KEY found|absent", and exits 0.
Only rooms without a password (the test makes one)."""
import base64, hashlib, hmac, re, struct, sys


def b32(s):
    return base64.b32decode(s.upper() + "=" * (-len(s) % 8))


def hkdf(salt, ikm, info, n=32):
    prk = hmac.new(salt, ikm, hashlib.sha256).digest()
    out, t, i = b"", b"", 1
    while len(out) < n:
        t = hmac.new(prk, t + info + bytes([i]), hashlib.sha256).digest()
        out += t
        i += 1
    return out[:n]


def keys(link):
    q = dict(re.findall(r"(room|s)=([a-z2-7]{52})", link))
    room, secret = b32(q["room"]), b32(q["s"])
    k = {"secret": secret,
         "join_key": hkdf(room, secret, b"chorus join key v1"),
         "media_key": hkdf(room, secret, b"chorus media key v1")}
    for m in (1, 2, 3):
        k["sender_key_%d" % m] = hkdf(struct.pack(">H", 0), k["media_key"],
                                      b"chorus media sender v1" +
                                      struct.pack(">I", m))
    return k


CHUNK = 64 << 20
BIG = 1 << 30   # larger mappings are reservations (sanitizer shadow)


def regions(pid):
    """The readable mappings of a live process, as byte strings."""
    with open("/proc/%s/maps" % pid) as maps, \
            open("/proc/%s/mem" % pid, "rb", 0) as mem:
        for line in maps:
            f = line.split()
            a, b = (int(x, 16) for x in f[0].split("-"))
            if "r" not in f[1] or b - a > BIG:
                continue
            try:
                mem.seek(a)
                yield mem.read(b - a)
            except (OSError, ValueError, OverflowError):
                pass


def chunks(path):
    """A file in overlapping pieces, so no key is cut in two."""
    with open(path, "rb") as f:
        tail = b""
        while True:
            b = f.read(CHUNK)
            if not b:
                return
            yield tail + b
            tail = b[-64:]


def main():
    link, target = sys.argv[1], sys.argv[2]
    want = keys(link)
    found = {name: False for name in want}
    total = 0
    for buf in (regions(target) if target.isdigit() else chunks(target)):
        total += len(buf)
        for name, k in want.items():
            if not found[name] and k in buf:
                found[name] = True
    print("scanned %d bytes" % total)
    for name in want:
        print(name, "found" if found[name] else "absent")


main()
