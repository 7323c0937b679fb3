#!/bin/sh
# Replays the frame fuzz corpus through the target (no libFuzzer needed).
exec "$top_builddir/tests/fuzz/fuzz_frame" "$top_srcdir/tests/fuzz/corpus/frame"
