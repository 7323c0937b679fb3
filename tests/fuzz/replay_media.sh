#!/bin/sh
# Replays the media fuzz corpus through the target (no libFuzzer needed).
exec "$top_builddir/tests/fuzz/fuzz_media" "$top_srcdir/tests/fuzz/corpus/media"
