#!/bin/sh
# Replays the stream fuzz corpus through the target (no libFuzzer needed).
exec "$top_builddir/tests/fuzz/fuzz_stream" "$top_srcdir/tests/fuzz/corpus/stream"
