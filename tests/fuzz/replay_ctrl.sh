#!/bin/sh
# Replays the ctrl fuzz corpus through the target (no libFuzzer needed).
exec "$top_builddir/tests/fuzz/fuzz_ctrl" "$top_srcdir/tests/fuzz/corpus/ctrl"
