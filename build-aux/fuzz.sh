#!/bin/sh
# Builds the fuzz harnesses of tests/fuzz/ with clang, libFuzzer, AddressSanitizer and
# UndefinedBehaviorSanitizer in _build-fuzz/, then runs each for SECONDS (15 unless told),
# one after the other. Usage: build-aux/fuzz.sh [SECONDS [NAME...]]
#
# Each corpus grows in _build-fuzz/corpus/NAME/, starting from the seeds the targets file
# names and the inputs of tests/fuzz/crashes/NAME/; the source tree is only read. A crash,
# leak, undefined behaviour, failed check, timeout or runaway memory stops that harness
# with the input saved in _build-fuzz/artifacts/NAME/, and the script fails at the end.
set -eu
cd "$(dirname "$0")/.."

seconds=${1:-15}
if [ $# -gt 0 ]; then
  shift
fi
case "$seconds" in
  '' | *[!0-9]* | 0)
    echo "Usage: $0 [SECONDS [NAME...]], with SECONDS a whole number above 0" >&2
    exit 2
    ;;
esac
only="$*"

if [ ! -f _build-fuzz/build.ninja ]; then
  CC=clang meson setup -Dfuzzing=true -Dwerror=true _build-fuzz >/dev/null
fi
# Quiet when it builds; the compiler's words when it does not.
if ! ninja -C _build-fuzz >_build-fuzz/ninja.log 2>&1; then
  grep -v '^\[' _build-fuzz/ninja.log | head -n 40 >&2
  echo "fuzz.sh: the fuzz harnesses did not build (log: _build-fuzz/ninja.log)" >&2
  exit 1
fi

# GLib's slice allocator would hide use-after-free and leaks from AddressSanitizer.
export G_SLICE=always-malloc
export G_DEBUG=gc-friendly
export ASAN_OPTIONS="detect_leaks=1:strict_string_checks=1:detect_stack_use_after_return=1"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"

failed=""
targets=$(grep -v '^[[:space:]]*#' tests/fuzz/targets | grep -v '^[[:space:]]*$')
while read -r name max_len dict seeds; do
  if [ -n "$only" ] && ! printf ' %s ' "$only" | grep -q " $name "; then
    continue
  fi

  corpus="_build-fuzz/corpus/$name"
  artifacts="_build-fuzz/artifacts/$name"
  log="_build-fuzz/fuzz-$name.log"
  mkdir -p "$corpus" "$artifacts"
  for seed in $seeds "tests/fuzz/crashes/$name"; do
    if [ -d "$seed" ]; then
      find "$seed" -maxdepth 1 -type f ! -name '.*' -exec cp {} "$corpus"/ \;
    elif [ -f "$seed" ]; then
      cp "$seed" "$corpus"/
    fi
  done

  dict_arg=""
  if [ "$dict" != "-" ]; then
    dict_arg="-dict=tests/fuzz/dicts/$dict"
  fi

  # shellcheck disable=SC2086 # dict_arg is empty or one word
  if "_build-fuzz/tests/fuzz/fuzz-$name" \
       -max_total_time="$seconds" -max_len="$max_len" -timeout=10 -rss_limit_mb=2048 \
       -artifact_prefix="$artifacts/" -print_final_stats=1 $dict_arg \
       "$corpus" >"$log" 2>&1; then
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
    cov=$(grep -o 'cov: [0-9]*' "$log" | tail -n 1)
    echo "$name: $runs inputs in ${seconds} s, $cov, corpus $(ls "$corpus" | wc -l)"
  else
    echo "$name: FAILED, input kept in $artifacts/ (log: $log)"
    grep -E 'ERROR|SUMMARY|check failed|runtime error' "$log" | head -n 5 | sed 's/^/  /'
    failed="$failed $name"
  fi
done <<TARGETS
$targets
TARGETS

if [ -n "$failed" ]; then
  echo "Fuzzing failed:$failed"
  exit 1
fi
