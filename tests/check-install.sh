#!/bin/sh
# Installs the build into a temporary DESTDIR (never the real system) and checks the
# installed tree: every file the desktop needs is there, one catalogue per language in
# po/LINGUAS, and the tree passes `appstreamcli validate-tree`.
#
# Usage: check-install.sh BUILD_DIR
set -u

build_dir=${1:?usage: check-install.sh BUILD_DIR}
build_dir=$(cd "$build_dir" && pwd) || exit 1

app_id=io.github.meanwhileapp.Meanwhile
failures=0

fail () {
  echo "FAIL: $*" >&2
  failures=$((failures + 1))
}

tmp=$(mktemp -d "${TMPDIR:-/tmp}/meanwhile-install.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM HUP
destdir=$tmp/root

# The options as configured, read by a real JSON parser rather than pattern matching.
options=$(meson introspect "$build_dir" --buildoptions) || { echo "cannot introspect $build_dir" >&2; exit 1; }
option () {
  printf '%s' "$options" | python3 -c '
import json, sys
for o in json.load(sys.stdin):
    if o["name"] == sys.argv[1]:
        print(o["value"])
        break
' "$1"
}
prefix=$(option prefix)
datadir=$(option datadir)
bindir=$(option bindir)
localedir=$(option localedir)
profile=$(option profile)
case "$prefix" in
  /*) ;;
  *) echo "prefix '$prefix' is not absolute" >&2; exit 1 ;;
esac
# The development profile installs under a suffixed ID (the schema keeps the base one).
installed_id=$app_id
[ "$profile" = development ] && installed_id=$app_id.Devel

# DESTDIR is absolute and fresh, so everything lands under $destdir. Post-install scripts
# (schema compilation, icon cache) are skipped by meson when DESTDIR is set.
if ! DESTDIR=$destdir meson install -C "$build_dir" --no-rebuild --quiet; then
  echo "meson install into $destdir failed" >&2
  exit 1
fi

root=$destdir$prefix
under () {
  # An option may be relative to the prefix (the usual case) or absolute.
  case "$1" in
    /*) printf '%s%s' "$destdir" "$1" ;;
    *) printf '%s/%s' "$root" "$1" ;;
  esac
}
data=$(under "$datadir")

check () {
  if [ -f "$1" ] && [ -s "$1" ]; then
    echo "ok: ${1#"$destdir"}"
  else
    fail "missing or empty: ${1#"$destdir"}"
  fi
}

check "$(under "$bindir")/meanwhile"
[ -x "$(under "$bindir")/meanwhile" ] || fail "meanwhile is not executable"
check "$data/applications/$installed_id.desktop"
check "$data/metainfo/$installed_id.metainfo.xml"
check "$data/icons/hicolor/scalable/apps/$installed_id.svg"
check "$data/icons/hicolor/symbolic/apps/$installed_id-symbolic.svg"
check "$data/glib-2.0/schemas/$app_id.gschema.xml"
service=$data/dbus-1/services/$installed_id.service
check "$service"
if [ -f "$service" ]; then
  grep -qx "Name=$installed_id" "$service" || fail "the D-Bus service does not name $installed_id"
  grep -q "^Exec=$(under "$bindir" | sed "s|^$destdir||")/meanwhile " "$service" \
    || fail "the D-Bus service does not run the installed meanwhile"
fi

# One catalogue per language listed in po/LINGUAS (comments and blank lines aside),
# and none that LINGUAS does not list.
source_root=$(cd "$(dirname "$0")/.." && pwd)
languages=$(sed -e 's/#.*//' "$source_root/po/LINGUAS" | tr -s ' \t' '\n\n' | sed '/^$/d')
for lang in $languages; do
  check "$(under "$localedir")/$lang/LC_MESSAGES/meanwhile.mo"
done
for mo in "$(under "$localedir")"/*/LC_MESSAGES/meanwhile.mo; do
  [ -e "$mo" ] || continue
  lang=$(basename "$(dirname "$(dirname "$mo")")")
  echo "$languages" | grep -qx "$lang" || fail "catalogue for $lang is not in po/LINGUAS"
done
[ -n "$languages" ] || echo "note: po/LINGUAS lists no languages"

# Nothing may escape DESTDIR: every installed file is below the prefix.
stray=$(find "$destdir" -path "$root" -prune -o \( -type f -o -type l \) -print | head -n 5)
[ -z "$stray" ] || fail "files installed outside the prefix: $stray"

# The installed tree as software centres see it: metainfo, desktop file and icons together.
if ! appstreamcli validate-tree --no-net "$root"; then
  fail "appstreamcli validate-tree found errors"
fi

if [ "$failures" -ne 0 ]; then
  echo "$failures check(s) failed" >&2
  exit 1
fi
echo "installed tree is complete"
