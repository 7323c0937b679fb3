#!/bin/sh
# Replays the noise fuzz corpus through the target (no libFuzzer needed).
exec "$top_builddir/tests/fuzz/fuzz_noise" "$top_srcdir/tests/fuzz/corpus/noise"
