#!/bin/sh
# Replays the invite link fuzz corpus through the target (no libFuzzer needed).
exec "$top_builddir/tests/fuzz/fuzz_room" "$top_srcdir/tests/fuzz/corpus/room"
