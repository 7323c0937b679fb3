#!/bin/sh
# Replays the conf fuzz corpus through the target (no libFuzzer needed).
exec "$top_builddir/tests/fuzz/fuzz_conf" "$top_srcdir/tests/fuzz/corpus/conf"
