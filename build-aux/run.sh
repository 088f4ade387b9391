#!/bin/sh
# Sets everything up on a fresh Debian 12 machine, builds Meanwhile and starts it from
# the build tree with its built-in demo (sample files served on 127.0.0.1). Arguments
# replace --demo and go to meanwhile (for example a URL to download).
set -eu
cd "$(dirname "$0")/.."

./build-aux/deps.sh
./build-aux/build.sh

export GSETTINGS_SCHEMA_DIR="$PWD/_build/data"
if [ $# -eq 0 ]; then
  set -- --demo
fi
exec ./_build/src/meanwhile "$@"
