#!/bin/sh
# Replays the wire fuzz corpus through the target (no libFuzzer needed).
exec "$top_builddir/tests/fuzz/fuzz_wire" "$top_srcdir/tests/fuzz/corpus/wire"
