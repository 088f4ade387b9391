#!/bin/sh
# Sets everything up on a fresh Debian 12 machine, builds Meanwhile and runs the whole
# test suite twice: in the normal build, then in a second build with AddressSanitizer
# and UndefinedBehaviorSanitizer (_build-asan). The suite holds engine tests against
# loopback servers, data validators, and window tests under Xvfb with a private session
# bus. Then, when run without arguments, every fuzz harness for a few seconds
# (build-aux/fuzz.sh). Extra arguments go to `meson test`.
set -eu
cd "$(dirname "$0")/.."

./build-aux/deps.sh

suite() {
  dbus-run-session -- xvfb-run -a -s "-screen 0 1600x1200x24" \
    meson test --setup full --print-errorlogs "$@"
}

./build-aux/build.sh
suite -C _build "$@"

# Sanitizers slow the window tests several times over, hence the longer time limits.
./build-aux/build.sh _build-asan -Db_sanitize=address,undefined -Db_lundef=false
suite -C _build-asan --timeout-multiplier 4 "$@"

if [ $# -eq 0 ]; then
  ./build-aux/fuzz.sh 10
fi
