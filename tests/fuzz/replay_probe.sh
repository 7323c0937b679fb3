#!/bin/sh
# Replays the probe fuzz corpus through the target (no libFuzzer needed).
exec "$top_builddir/tests/fuzz/fuzz_probe" "$top_srcdir/tests/fuzz/corpus/probe"
