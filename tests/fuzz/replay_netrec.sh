#!/bin/sh
# Replays the netrec fuzz corpus through the target (no libFuzzer needed).
exec "$top_builddir/tests/fuzz/fuzz_netrec" "$top_srcdir/tests/fuzz/corpus/netrec"
