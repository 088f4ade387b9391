#!/bin/sh
# Installs what building, running and testing Meanwhile needs on Debian 12 (bookworm) or
# later. Runs apt-get as root, through sudo for anyone else; installs only what is missing.
#
#   deps.sh [--without PART]...
#
# One list: what the build and the test suite need, then the parts only some scripts
# need, each of which --without leaves out: fuzz (build-aux/fuzz.sh), bench (the
# benchmarks) and debian13 (build-aux/test-debian13.sh, which runs this script inside
# its Debian 13 root with all three left out).
set -eu

without=""
while [ $# -gt 0 ]; do
  case "$1" in
    --without)
      case "${2:-}" in
        fuzz|bench|debian13) without="$without $2" ;;
        *) echo "deps.sh: --without takes fuzz, bench or debian13" >&2; exit 2 ;;
      esac
      shift 2 ;;
    *)
      echo "usage: $0 [--without fuzz|bench|debian13]..." >&2
      exit 2 ;;
  esac
done
wanted () {
  case " $without " in
    *" $1 "*) return 1 ;;
  esac
  return 0
}

# librsvg2-common is the SVG loader that libadwaita's stylesheet and the symbolic icons
# need, which GTK only recommends; locales has the definitions test-locale compiles its
# German locale from.
packages="
  meson ninja-build pkg-config gcc gettext
  libglib2.0-dev libglib2.0-bin libgtk-4-dev libadwaita-1-dev libsoup-3.0-dev
  libjson-glib-dev libxml2-dev
  glib-networking ca-certificates adwaita-icon-theme librsvg2-common locales
  desktop-file-utils appstream flatpak-builder
  xvfb xauth dbus dbus-x11 python3 xdotool at-spi2-core
  clang
"
# The fuzz harnesses (build-aux/fuzz.sh): clang with libFuzzer and the sanitizer runtimes.
if wanted fuzz; then
  packages="$packages
    clang libclang-rt-dev
  "
fi
# The benchmarks (meson test --benchmark) compare against these on a loopback nginx.
if wanted bench; then
  packages="$packages
    nginx-light curl wget libxml2-utils python3-feedparser time python3-xlib uget liferea
  "
fi
# The suite against Debian 13's libraries (build-aux/test-debian13.sh) makes a Debian 13
# root with debootstrap, which checks the archive's signatures with the keyring.
if wanted debian13; then
  packages="$packages
    debootstrap debian-archive-keyring
  "
fi

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
