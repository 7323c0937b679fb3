#!/bin/sh
# Replays the blocklist fuzz corpus through the target (no libFuzzer needed).
exec "$top_builddir/tests/fuzz/fuzz_blocklist" "$top_srcdir/tests/fuzz/corpus/blocklist"
