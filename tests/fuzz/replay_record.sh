#!/bin/sh
# Replays the record fuzz corpus through the target (no libFuzzer needed).
exec "$top_builddir/tests/fuzz/fuzz_record" "$top_srcdir/tests/fuzz/corpus/record"
