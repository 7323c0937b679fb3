#!/usr/bin/env python3
"""Tones for the mixed-room tests: make them, and find them in a recording.

Usage: tones.py gen OUT.wav FREQ SECONDS [--amplitude A] [--lead S]
       tones.py check GOT.wav --present F,F,... [--absent F,...]
                 [--min-db D] [--max-clip P] [--skip S]
       tones.py --self-test

gen writes a 48 kHz mono 16-bit WAV: LEAD seconds of silence (default
0.3), then a sine of FREQ Hz and peak A (0..1 of full scale, default
0.25) for SECONDS, faded in and out over 10 ms.

check looks at the recording after its first SKIP seconds (default 0.5)
where it is not silent, in 100 ms windows (Hann), and sums the power of
each window's spectrum in a +-15 Hz band around each frequency.  A
tone's level is its band power over the median power of a 30 Hz band
elsewhere in 100..4000 Hz (the noise floor, and never less than 70 dB
under the whole spectrum), in dB.  It prints one JSON
line {"levels": {F: dB, ...}, "clipped": fraction, "peak": n, "seconds":
s} and exits 0 if every present tone is at least D dB (default 20) above
the floor, every absent one is at least D dB below the weakest present
one, and the fraction of samples at +-32767 or -32768 is at most P
(default 0.001); 1 if not; 2 if the file cannot be read.  A missing
tone, a tone that should not be there, silence, noise and hard
clipping all fail it.
"""
import argparse
import json
import os
import sys

# audiocmp.py's WAV helpers; importing it also finds numpy (re-running
# this script under Debian's python3 if the first one has none).
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from audiocmp import read_wav, write_wav  # noqa: E402
import numpy as np  # noqa: E402

RATE = 48000
WIN = RATE // 10            # 100 ms
BAND = 15.0                 # Hz either side of a tone


def tone(freq, seconds, amplitude=0.25, lead=0.3):
    n = int(seconds * RATE)
    t = np.arange(n) / RATE
    x = amplitude * 32767 * np.sin(2 * np.pi * freq * t)
    ramp = int(0.01 * RATE)
    env = np.ones(n)
    env[:ramp] = np.linspace(0, 1, ramp)
    env[-ramp:] = np.linspace(1, 0, ramp)
    return np.concatenate([np.zeros(int(lead * RATE)), x * env])


def analyse(x, freqs, skip=0.5):
    """Tone levels over the floor (dB), clipped fraction, peak, seconds."""
    x = x[int(skip * RATE):]
    clipped = float(np.mean(np.abs(x) >= 32767)) if len(x) else 0.0
    peak = int(np.max(np.abs(x))) if len(x) else 0
    win = np.hanning(WIN)
    spec = None
    used = 0
    for i in range(0, len(x) - WIN + 1, WIN):
        seg = x[i:i + WIN]
        if np.sqrt(np.mean(seg ** 2)) < 30:      # silence: not counted
            continue
        p = np.abs(np.fft.rfft(seg * win)) ** 2
        spec = p if spec is None else spec + p
        used += 1
    levels = {f: -200.0 for f in freqs}
    if spec is None:
        return levels, clipped, peak, 0.0
    hz = np.fft.rfftfreq(WIN, 1 / RATE)

    def band(lo, hi):
        return float(np.sum(spec[(hz >= lo) & (hz <= hi)]))
    floors = []
    for c in np.arange(100, 4000, 30.0):
        if all(abs(c - f) > 4 * BAND for f in freqs):
            floors.append(band(c - BAND, c + BAND))
    # Never under 70 dB below the whole: synthetic input has no floor.
    floor = max(float(np.median(floors)), float(np.sum(spec)) * 1e-7)
    for f in freqs:
        levels[f] = 10 * np.log10(max(band(f - BAND, f + BAND), 1e-12) /
                                  floor)
    return levels, clipped, peak, used * WIN / RATE


def check(levels, present, absent, min_db):
    if any(levels[f] < min_db for f in present):
        return False
    weakest = min(levels[f] for f in present)
    return all(levels[f] <= weakest - min_db for f in absent)


def self_test():
    n = 0
    bad = 0

    def ok(cond, what):
        nonlocal n, bad
        n += 1
        if not cond:
            bad += 1
        print(("ok" if cond else "not ok") + " %d - %s" % (n, what))
    fs = [400.0, 700.0, 1100.0]
    mix = tone(400, 2) + tone(700, 2) + tone(1100, 2)
    lv_mix, _, _, _ = analyse(mix, fs)
    ok(check(lv_mix, fs, [], 20), "three tones found in their sum")
    lv, _, _, _ = analyse(tone(400, 2) + tone(700, 2), fs)
    ok(check(lv, fs[:2], fs[2:], 20), "two of three: the third is absent")
    ok(not check(lv, fs, [], 20), "... and a check for all three fails")
    ok(not check(lv_mix, fs[:2], fs[2:], 20), "an extra tone fails")
    quiet = tone(400, 2) + tone(700, 2) + tone(1100, 2, amplitude=0.06)
    lv, _, _, _ = analyse(quiet, fs)
    ok(not check(lv, fs[:2], fs[2:], 20),
       "... and so does one 12 dB under the others")
    lv, _, _, _ = analyse(np.zeros(RATE * 2), fs)
    ok(not check(lv, fs, [], 20), "silence fails")
    rng = np.random.default_rng(1)
    lv, _, _, _ = analyse(rng.normal(0, 3000, RATE * 2), fs)
    ok(not check(lv, fs, [], 20), "noise fails")
    hard = np.clip(3 * mix, -32768, 32767)
    _, c, _, _ = analyse(hard, fs)
    ok(c > 0.001, "hard clipping is seen (%.3f of samples)" % c)
    print("1..%d" % n)
    return 0 if bad == 0 else 1


def main():
    if len(sys.argv) > 1 and sys.argv[1] == "--self-test":
        return self_test()
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    g = sub.add_parser("gen")
    g.add_argument("out")
    g.add_argument("freq", type=float)
    g.add_argument("seconds", type=float)
    g.add_argument("--amplitude", type=float, default=0.25)
    g.add_argument("--lead", type=float, default=0.3)
    c = sub.add_parser("check")
    c.add_argument("got")
    c.add_argument("--present", required=True)
    c.add_argument("--absent", default="")
    c.add_argument("--min-db", type=float, default=20.0)
    c.add_argument("--max-clip", type=float, default=0.001)
    c.add_argument("--skip", type=float, default=0.5)
    a = ap.parse_args()
    if a.cmd == "gen":
        write_wav(a.out, RATE, tone(a.freq, a.seconds, a.amplitude, a.lead))
        return 0
    present = [float(f) for f in a.present.split(",") if f]
    absent = [float(f) for f in a.absent.split(",") if f]
    try:
        rate, x = read_wav(a.got)
        if rate != RATE:
            raise ValueError("%s: %d Hz, not %d" % (a.got, rate, RATE))
    except ValueError as e:
        print("tones.py: %s" % e, file=sys.stderr)
        return 2
    lv, clipped, peak, secs = analyse(x, present + absent, a.skip)
    print(json.dumps({"levels": {"%g" % f: round(v, 1)
                                 for f, v in lv.items()},
                      "clipped": round(clipped, 5), "peak": peak,
                      "seconds": round(secs, 2)}))
    return 0 if (check(lv, present, absent, a.min_db) and
                 clipped <= a.max_clip) else 1


if __name__ == "__main__":
    sys.exit(main())
