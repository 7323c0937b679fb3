#!/bin/sh
# Replays the stun fuzz corpus through the target (no libFuzzer needed).
exec "$top_builddir/tests/fuzz/fuzz_stun" "$top_srcdir/tests/fuzz/corpus/stun"
