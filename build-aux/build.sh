#!/bin/sh
# Configures (once) and builds Meanwhile in _build/ with warnings as errors.
set -eu
cd "$(dirname "$0")/.."

if [ -f _build/build.ninja ]; then
  meson setup --reconfigure -Dwerror=true _build >/dev/null
else
  meson setup -Dwerror=true _build
fi
ninja -C _build
