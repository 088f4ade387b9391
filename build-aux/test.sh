#!/bin/sh
# Sets everything up on a fresh Debian 12 machine, builds Meanwhile and runs the whole
# test suite: engine tests against loopback servers, data validators, and window tests
# under Xvfb with a private session bus; then, when run without arguments, every fuzz
# harness for a few seconds (build-aux/fuzz.sh). Extra arguments go to `meson test`.
set -eu
cd "$(dirname "$0")/.."

./build-aux/deps.sh
./build-aux/build.sh

dbus-run-session -- xvfb-run -a -s "-screen 0 1600x1200x24" \
  meson test -C _build --print-errorlogs "$@"

if [ $# -eq 0 ]; then
  ./build-aux/fuzz.sh 10
fi
