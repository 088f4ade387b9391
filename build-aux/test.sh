#!/bin/sh
# Sets everything up on a fresh Debian 12 machine, builds Meanwhile and runs the whole
# test suite three times: in the normal build; in a second build with AddressSanitizer
# and UndefinedBehaviorSanitizer (_build-asan); and in a Debian 13 root, against the newer
# GTK, libadwaita, GLib and libsoup there (build-aux/test-debian13.sh, as root). The suite
# holds engine tests against loopback servers, data validators, and window tests under
# Xvfb with a private session bus. Then, when run without arguments, every fuzz harness
# for a few seconds (build-aux/fuzz.sh). Extra arguments go to `meson test` in all three.
set -eu
cd "$(dirname "$0")/.."

./build-aux/deps.sh

suite() {
  dbus-run-session -- xvfb-run -a -s "-screen 0 1600x1200x24" \
    meson test --setup full --print-errorlogs "$@"
}

# Runs a phase and says how long it took; the last line sums them up.
timings=""
phase() {
  name=$1
  shift
  start=$(date +%s)
  "$@"
  took=$(($(date +%s) - start))
  took=$(printf '%dm%02ds' $((took / 60)) $((took % 60)))
  echo "test.sh: $name took $took"
  timings="$timings${timings:+, }$name $took"
}

# The newer-SDK check (suite compat) compiles the tree against Debian 13's headers; the
# Debian 13 phase below builds and runs it there, which says more, so it is left out here.
normal() {
  ./build-aux/build.sh
  suite -C _build --no-suite compat "$@"
}
phase "the normal build" normal "$@"

# Sanitizers slow the window tests several times over, hence the longer time limits.
asan() {
  ./build-aux/build.sh _build-asan -Db_sanitize=address,undefined -Db_lundef=false
  suite -C _build-asan --timeout-multiplier 4 "$@"
}
phase "the sanitizer build" asan "$@"

phase "Debian 13" ./build-aux/test-debian13.sh "$@"

if [ $# -eq 0 ]; then
  phase "the fuzzers" ./build-aux/fuzz.sh 10
fi
echo "test.sh: all passed ($timings)"
