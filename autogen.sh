#!/bin/sh
# Regenerates the build system from configure.ac and Makefile.am.
set -e
cd "$(dirname "$0")"
autoreconf -fi
# The TAP test driver is not installed by --add-missing; take automake's.
cp -f "$(automake --print-libdir)/tap-driver.sh" build-aux/tap-driver.sh
