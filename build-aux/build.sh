#!/bin/sh
# Configures (once) and builds Meanwhile with warnings as errors.
#   build-aux/build.sh                      the normal build, in _build/
#   build-aux/build.sh DIR [OPTION...]      another build directory with its own meson
#                                           options, e.g. _build-asan -Db_sanitize=...
set -eu
cd "$(dirname "$0")/.."

dir="${1:-_build}"
[ $# -gt 0 ] && shift

if [ -f "$dir/build.ninja" ]; then
  meson setup --reconfigure -Dwerror=true "$@" "$dir" >/dev/null
else
  meson setup -Dwerror=true "$@" "$dir"
fi
ninja -C "$dir"
