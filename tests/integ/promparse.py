#!/usr/bin/env python3
"""Strict checker for the Prometheus text exposition format (0.0.4).

Usage: promparse.py FILE.  Exits 1 with a line-numbered reason on the first
problem: bad metric or label names, bad escaping, a value that is not a
float, HELP/TYPE given twice or after samples, a family's samples split up,
a duplicate series, a counter not named *_total, or a missing chorus_ prefix.
"""
import re
import sys

NAME = re.compile(r'[a-zA-Z_:][a-zA-Z0-9_:]*')
LABEL = re.compile(r'[a-zA-Z_][a-zA-Z0-9_]*')
TYPES = {"counter", "gauge", "histogram", "summary", "untyped"}


def fail(n, why):
    print("line %d: %s" % (n, why), file=sys.stderr)
    sys.exit(1)


def parse_labels(s, n):
    """Parse '{a="b",c="d"}' starting at s[0] == '{'; return (dict, rest)."""
    labels, i = {}, 1
    while True:
        if s[i] == '}':
            return labels, s[i + 1:]
        m = LABEL.match(s, i)
        if not m:
            fail(n, "bad label name")
        name, i = m.group(0), m.end()
        if s[i:i + 2] != '="':
            fail(n, "label %s: expected =\"" % name)
        i += 2
        val = []
        while s[i] != '"':
            if s[i] == '\\':
                if s[i + 1] not in 'n"\\':
                    fail(n, "bad escape in label %s" % name)
                val.append(s[i:i + 2])
                i += 2
            elif s[i] == '\n':
                fail(n, "newline in label value")
            else:
                val.append(s[i])
                i += 1
        i += 1
        if name in labels:
            fail(n, "label %s twice" % name)
        labels[name] = "".join(val)
        if s[i] == ',':
            i += 1
        elif s[i] != '}':
            fail(n, "expected , or } after label %s" % name)


def main():
    text = open(sys.argv[1], encoding="utf-8").read()
    if not text.endswith("\n"):
        fail(0, "missing final newline")
    help_, type_, done, series = {}, {}, set(), set()
    current = None
    nsamples = 0
    for n, line in enumerate(text.split("\n")[:-1], 1):
        if line.startswith("# HELP ") or line.startswith("# TYPE "):
            kind, rest = line[2:6], line[7:]
            fam = rest.split(" ", 1)[0]
            if not NAME.fullmatch(fam):
                fail(n, "bad family name %r" % fam)
            table = help_ if kind == "HELP" else type_
            if fam in table:
                fail(n, "second %s for %s" % (kind, fam))
            if fam in done or fam == current:
                fail(n, "%s for %s after its samples" % (kind, fam))
            if kind == "TYPE" and rest.split(" ", 1)[1] not in TYPES:
                fail(n, "bad type")
            table[fam] = rest
            continue
        if line.startswith("#") or line == "":
            continue
        m = NAME.match(line)
        if not m:
            fail(n, "bad metric name")
        name, rest = m.group(0), line[m.end():]
        labels = {}
        if rest.startswith("{"):
            labels, rest = parse_labels(rest, n)
        parts = rest.split()
        if not rest.startswith(" ") or len(parts) not in (1, 2):
            fail(n, "expected ' VALUE [TIMESTAMP]'")
        try:
            float(parts[0])
        except ValueError:
            fail(n, "value %r is not a number" % parts[0])
        fam = name
        # A histogram's samples carry suffixes on the family's name.
        for suffix in ("_bucket", "_sum", "_count"):
            base = name[:-len(suffix)]
            if name.endswith(suffix) and \
                    type_.get(base, "").endswith(" histogram"):
                fam = base
                if suffix == "_bucket" and "le" not in labels:
                    fail(n, "%s without an le label" % name)
        if fam != current:
            if fam in done:
                fail(n, "samples of %s are not together" % fam)
            if current:
                done.add(current)
            current = fam
        if fam not in type_:
            fail(n, "%s has no TYPE before its samples" % fam)
        if type_[fam].endswith(" counter") and not fam.endswith("_total"):
            fail(n, "counter %s is not named *_total" % fam)
        if not fam.startswith("chorus_"):
            fail(n, "%s lacks the chorus_ prefix" % fam)
        key = (name, tuple(sorted(labels.items())))
        if key in series:
            fail(n, "duplicate series %s%s" % (name, labels))
        series.add(key)
        nsamples += 1
    if nsamples == 0:
        fail(0, "no samples")
    print("%d samples in %d families" % (nsamples, len(type_)))


if __name__ == "__main__":
    main()
