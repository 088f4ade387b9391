#!/bin/sh
# Fails when a source file with translatable strings is missing from po/POTFILES.in, or
# when POTFILES.in names a file that does not exist.
set -eu
cd "$1"

status=0
for f in $(grep -l -E '\b(N_|_|ngettext|C_) ?\(|translatable="yes"' $(find src -name "*.c" -o -name "*.ui" | sort) 2>/dev/null); do
  if ! grep -qx "$f" po/POTFILES.in; then
    echo "$f has translatable strings but is not in po/POTFILES.in"
    status=1
  fi
done
for f in $(grep -v '^#' po/POTFILES.in | grep -v '^$'); do
  if [ ! -f "$f" ]; then
    echo "po/POTFILES.in names $f, which does not exist"
    status=1
  fi
done
exit $status
