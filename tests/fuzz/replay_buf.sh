#!/bin/sh
# Replays the buf fuzz corpus through the target (no libFuzzer needed).
exec "$top_builddir/tests/fuzz/fuzz_buf" "$top_srcdir/tests/fuzz/corpus/buf"
