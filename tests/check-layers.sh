#!/bin/sh
# Fails when a source file includes a header of ours by a path ("../x.h", "feed/x.h"):
# the layers of src/ (README: Layout) are kept apart by their include directories, and a
# path would step around them.
set -eu
cd "$1"

status=0
for f in $(find src tests -name '*.c' -o -name '*.h' | sort); do
  if grep -n '^[[:space:]]*#[[:space:]]*include[[:space:]]*"[^"]*/' "$f"; then
    echo "$f includes a header by its path; include it by name from a layer it may use"
    status=1
  fi
done
exit $status
