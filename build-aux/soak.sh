#!/bin/sh
# Runs the random-sequence test (tests/test-random-sequences.c) on fresh seeds for MINUTES
# (5 unless told), one process per seed, and prints every seed that failed with the
# command that replays it. Usage: build-aux/soak.sh [MINUTES [BUILD_DIR]]
#
# Builds BUILD_DIR (_build unless told) first. The log of each failing seed is kept in
# BUILD_DIR/soak/seed-N.log; MW_STEPS and MW_RANDOM_TRY are passed on to the test.
set -eu
cd "$(dirname "$0")/.."

minutes=${1:-5}
dir=${2:-_build}
case "$minutes" in
  '' | *[!0-9]* | 0)
    echo "Usage: $0 [MINUTES [BUILD_DIR]], with MINUTES a whole number above 0" >&2
    exit 2
    ;;
esac

if [ "$dir" = _build ]; then
  ./build-aux/build.sh >/dev/null
else
  ninja -C "$dir" >/dev/null
fi
test_program="$dir/tests/test-random-sequences"
mkdir -p "$dir/soak"

# The environment meson gives the test (tests/meson.build).
export G_DEBUG=gc-friendly,fatal-warnings
export G_SLICE=always-malloc
export LC_ALL=C.UTF-8
export MALLOC_CHECK_=2

end=$(( $(date +%s) + minutes * 60 ))
runs=0
failed=""
while [ "$(date +%s)" -lt "$end" ]; do
  seed=$(od -An -N4 -tu4 /dev/urandom | tr -d ' ')
  log="$dir/soak/seed-$seed.log"
  runs=$((runs + 1))
  # A sequence takes seconds; ten minutes means it hangs, which is a failure too.
  if timeout 600 "$test_program" --seed "$seed" >"$log" 2>&1; then
    rm -f "$log"
    echo "seed $seed: passed"
  else
    echo "seed $seed: FAILED: $(grep -m 1 "^# seed $seed, step" "$log" | sed 's/^# //' || true)"
    echo "  replay: $test_program --seed $seed   (log: $log)"
    failed="$failed $seed"
  fi
done

echo "$runs seeds in $minutes minutes"
if [ -n "$failed" ]; then
  echo "Failing seeds:$failed"
  exit 1
fi
