#!/bin/sh
# Runs every fuzz harness of the normal build over its seeds and over each input in
# tests/fuzz/crashes/NAME/, printing TAP. Usage: replay.sh SOURCE_ROOT BUILD_DIR
set -u
source_root=$1
build_dir=$2
cd "$source_root"

targets=$(grep -v '^[[:space:]]*#' tests/fuzz/targets | grep -v '^[[:space:]]*$')
echo "1..$(printf '%s\n' "$targets" | wc -l)"

i=0
failed=0
while read -r name max_len dict seeds; do
  i=$((i + 1))
  crashes=""
  if [ -d "tests/fuzz/crashes/$name" ]; then
    crashes="tests/fuzz/crashes/$name"
  fi
  # shellcheck disable=SC2086 # the seeds are words
  if output=$("$build_dir/fuzz-$name" $seeds $crashes 2>&1); then
    echo "ok $i - $name: $output"
  else
    echo "not ok $i - $name"
    printf '%s\n' "$output" | sed 's/^/# /'
    failed=1
  fi
done <<TARGETS
$targets
TARGETS

exit $failed
