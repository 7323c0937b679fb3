#!/usr/bin/env python3
"""Compare received audio with what was sent.

Usage: audiocmp.py REF.wav GOT.wav [--min-corr X]
       audiocmp.py --self-test

Both files are 16-bit mono WAVs at the same rate.  GOT is aligned to REF
at the lag (up to 2 s either way) where their cross-correlation (by FFT)
peaks; then, over the samples where REF is active (its 20 ms frames
within 40 dB of its loudest) and GOT overlaps it, prints one JSON line:

  {"lag_ms": L, "corr": C, "snr_db": S}

lag_ms is how much later GOT plays REF (negative: earlier), corr the
normalized correlation there (0 if GOT is silent), snr_db the ratio of
REF to what is left of it after subtracting GOT scaled by the least
squares gain (capped at 100).  Exits 0 if corr >= X (default 0.6), 1 if
not, 2 if a file cannot be read.  --self-test checks the comparison on
synthetic signals (TAP output; exit 0 if all pass).
"""
import argparse
import json
import os
import sys
import tempfile
import wave

try:
    import numpy as np
except ImportError:
    # Debian's python3-numpy belongs to /usr/bin/python3, which a python3
    # earlier on PATH (pyenv, a venv) may not see: try it once.
    SYSTEM_PYTHON = "/usr/bin/python3"
    if (os.environ.get("AUDIOCMP_REEXEC") is None and
            os.path.exists(SYSTEM_PYTHON) and
            os.path.realpath(sys.executable) !=
            os.path.realpath(SYSTEM_PYTHON)):
        os.environ["AUDIOCMP_REEXEC"] = "1"
        os.execv(SYSTEM_PYTHON, [SYSTEM_PYTHON] + sys.argv)
    print("audiocmp.py: needs numpy (python3-numpy)", file=sys.stderr)
    sys.exit(2)

MAX_LAG_SECS = 2.0
DEFAULT_MIN_CORR = 0.6
FRAME_SECS = 0.020      # activity is judged per 20 ms frame
ACTIVE_DB = 40.0        # active: within this of the loudest frame
SNR_CAP_DB = 100.0


def read_wav(path):
    """(rate, samples as float64) of a 16-bit mono PCM WAV."""
    try:
        with wave.open(path, "rb") as w:
            if w.getnchannels() != 1 or w.getsampwidth() != 2:
                raise ValueError("%s: not 16-bit mono" % path)
            if w.getcomptype() != "NONE":
                raise ValueError("%s: not PCM" % path)
            rate = w.getframerate()
            data = w.readframes(w.getnframes())
    except (OSError, EOFError, wave.Error) as e:
        raise ValueError("%s: not a readable WAV file (%s)" %
                         (path, str(e) or type(e).__name__))
    return rate, np.frombuffer(data, dtype="<i2").astype(np.float64)


def write_wav(path, rate, x):
    """Write x (clipped to 16 bits) as a mono PCM WAV."""
    pcm = np.clip(np.round(x), -32768, 32767).astype("<i2")
    with wave.open(path, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(pcm.tobytes())


def best_lag(ref, got, max_lag):
    """The lag (in samples, got later > 0) where the correlation peaks."""
    n = len(ref) + len(got) - 1
    nfft = 1 << (n - 1).bit_length()
    xc = np.fft.irfft(np.fft.rfft(got, nfft) * np.conj(np.fft.rfft(ref, nfft)),
                      nfft)
    # xc[k] = sum ref[i] got[i + k]; negative k wrap to the end.
    hi = min(max_lag, len(got) - 1)
    lo = min(max_lag, len(ref) - 1)
    lags = np.concatenate((np.arange(-lo, 0), np.arange(0, hi + 1)))
    vals = np.concatenate((xc[nfft - lo:], xc[:hi + 1]))
    return int(lags[int(np.argmax(vals))])


def active_mask(ref, rate):
    """True for the samples of REF's active 20 ms frames."""
    flen = max(1, int(rate * FRAME_SECS))
    nfr = (len(ref) + flen - 1) // flen
    padded = np.zeros(nfr * flen)
    padded[:len(ref)] = ref
    ms = np.mean(padded.reshape(nfr, flen) ** 2, axis=1)
    if ms.max() <= 0:
        return np.zeros(len(ref), dtype=bool)
    act = ms > 0
    act &= ms >= ms.max() * 10 ** (-ACTIVE_DB / 10)
    return np.repeat(act, flen)[:len(ref)]


def compare(ref, got, rate, max_lag_secs=MAX_LAG_SECS):
    """{"lag_ms", "corr", "snr_db"} of got against ref."""
    if len(ref) == 0 or len(got) == 0 or not got.any() or not ref.any():
        return {"lag_ms": 0.0, "corr": 0.0, "snr_db": 0.0}
    lag = best_lag(ref, got, int(max_lag_secs * rate))
    idx = np.arange(len(ref))
    mask = active_mask(ref, rate) & (idx + lag >= 0) & (idx + lag < len(got))
    r = ref[mask]
    g = got[idx[mask] + lag]
    rr, gg, rg = np.dot(r, r), np.dot(g, g), np.dot(r, g)
    if rr <= 0 or gg <= 0:
        corr, snr = 0.0, 0.0
    else:
        corr = rg / np.sqrt(rr * gg)
        resid = r - (rg / gg) * g
        ee = np.dot(resid, resid)
        snr = SNR_CAP_DB if ee <= 0 else min(SNR_CAP_DB,
                                             10 * np.log10(rr / ee))
    return {"lag_ms": round(lag * 1000.0 / rate, 3),
            "corr": round(float(corr), 4),
            "snr_db": round(float(snr), 2)}


def compare_files(ref_path, got_path):
    """compare() of two WAV files; ValueError if they cannot be."""
    rate, ref = read_wav(ref_path)
    grate, got = read_wav(got_path)
    if rate != grate:
        raise ValueError("sample rates differ: %d and %d" % (rate, grate))
    return compare(ref, got, rate)


def synth(rate, secs, seed):
    """Speech-like test audio: gliding voiced syllables, hiss, pauses."""
    rng = np.random.default_rng(seed)
    t = np.arange(int(rate * secs)) / rate
    f0 = 140 + 30 * np.sin(2 * np.pi * 0.8 * t) + 10 * np.sin(
        2 * np.pi * 2.3 * t)
    phase = 2 * np.pi * np.cumsum(f0) / rate
    x = np.zeros(len(t))
    for k in range(1, 25):
        x += np.sin(k * phase) / k ** 1.5
    x *= 0.5 + 0.5 * np.sin(2 * np.pi * 3 * t) ** 2
    x += 0.3 * rng.standard_normal(len(t)) * (np.sin(2 * np.pi * 1.1 * t)
                                              > 0.8)
    # Pauses of 250 ms every second, as between words.
    x[(t % 1.0) > 0.75] = 0
    return 6000 * x / np.max(np.abs(x))


def self_test():
    """Known cases through files on disk; TAP; 0 if all pass."""
    rate = 48000
    ref = synth(rate, 3.0, 1)
    rng = np.random.default_rng(2)
    rms = np.sqrt(np.mean(ref ** 2))
    noise = rng.standard_normal(len(ref)) * rms
    d300 = int(0.300 * rate)
    cases = [
        ("identical", ref,
         lambda m: m["lag_ms"] == 0 and m["corr"] > 0.999 and
         m["snr_db"] > 60, True),
        ("delayed by 300 ms", np.concatenate((np.zeros(d300), ref)),
         lambda m: m["lag_ms"] == 300.0 and m["corr"] > 0.999, True),
        ("started 100 ms late", ref[int(0.100 * rate):],
         lambda m: m["lag_ms"] == -100.0 and m["corr"] > 0.999, True),
        ("quieter, 20 dB SNR, 45 ms late",
         np.concatenate((np.zeros(int(0.045 * rate)),
                         0.25 * (ref + 0.1 * noise))),
         lambda m: m["lag_ms"] == 45.0 and abs(m["snr_db"] - 20) < 2, True),
        ("silence", np.zeros(len(ref)),
         lambda m: m["corr"] == 0, False),
        ("white noise", noise,
         lambda m: abs(m["corr"]) < 0.1, False),
        ("another signal", synth(rate, 3.0, 3)[::-1],
         lambda m: abs(m["corr"]) < 0.5, False),
    ]
    failed = 0
    print("1..%d" % (2 * len(cases)))
    with tempfile.TemporaryDirectory() as d:
        rpath = os.path.join(d, "ref.wav")
        write_wav(rpath, rate, ref)
        for i, (name, got, check, passes) in enumerate(cases):
            gpath = os.path.join(d, "got%d.wav" % i)
            write_wav(gpath, rate, got)
            m = compare_files(rpath, gpath)
            ok = check(m)
            failed += not ok
            print("%s %d - %s: %s" % ("ok" if ok else "not ok", 2 * i + 1,
                                      name, json.dumps(m)))
            ok = (m["corr"] >= DEFAULT_MIN_CORR) == passes
            failed += not ok
            print("%s %d - %s %s" % ("ok" if ok else "not ok", 2 * i + 2,
                                     name, "passes" if passes else "fails"))
    return 1 if failed else 0


def main(argv):
    if argv[1:] == ["--self-test"]:
        return self_test()
    ap = argparse.ArgumentParser(description="Compare GOT.wav with REF.wav.")
    ap.add_argument("ref")
    ap.add_argument("got")
    ap.add_argument("--min-corr", type=float, default=DEFAULT_MIN_CORR)
    args = ap.parse_args(argv[1:])
    try:
        m = compare_files(args.ref, args.got)
    except ValueError as e:
        print("audiocmp.py: %s" % e, file=sys.stderr)
        return 2
    print(json.dumps(m))
    return 0 if m["corr"] >= args.min_corr else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
