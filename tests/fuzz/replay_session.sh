#!/bin/sh
# Replays the session fuzz corpus through the target (no libFuzzer needed).
exec "$top_builddir/tests/fuzz/fuzz_session" "$top_srcdir/tests/fuzz/corpus/session"
