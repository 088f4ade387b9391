#!/bin/sh
# Installs what building, running and testing Meanwhile needs on Debian 12 (bookworm) or
# later. Runs apt-get as root, through sudo for anyone else; installs only what is missing.
set -eu

packages="
  meson ninja-build pkg-config gcc gettext
  libglib2.0-dev libglib2.0-bin libgtk-4-dev libadwaita-1-dev libsoup-3.0-dev
  libjson-glib-dev libxml2-dev
  glib-networking ca-certificates adwaita-icon-theme
  desktop-file-utils appstream flatpak-builder
  xvfb xauth dbus dbus-x11 python3 xdotool at-spi2-core
  clang
"
# The fuzz harnesses (build-aux/fuzz.sh): clang with libFuzzer and the sanitizer runtimes.
packages="$packages
  clang libclang-rt-dev
"
# The benchmarks (meson test --benchmark) compare against these on a loopback nginx.
packages="$packages
  nginx-light curl wget libxml2-utils python3-feedparser time
"

missing=""
for p in $packages; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing="$missing $p"
  fi
done

if [ -z "$missing" ]; then
  exit 0
fi

if [ "$(id -u)" -eq 0 ]; then
  sudo=""
else
  sudo="sudo"
fi

echo "Installing:$missing"
$sudo apt-get update -q
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends $missing
