#!/bin/bash
# Compiles every C file of the tree against the newer libraries of Debian 13 (trixie):
# GTK 4.18, libadwaita 1.7, GLib 2.84, libsoup 3.6, close to what the Flatpak runtime
# has. It proves that the branches for GTK >= 4.10 and libadwaita >= 1.4 build, which a
# Debian 12 build never compiles.
#
#   check-newer-sdk.sh BUILD_DIR
#
# BUILD_DIR is a configured and built tree: its compile_commands.json gives each file's
# flags (warnings, version pins, defines) and its generated headers are used as they are.
# Trixie's -dev packages are fetched from the Debian mirror the system's apt uses (or
# MW_DEBIAN_MIRROR; see debian-mirror.sh) with a private apt configuration (nothing else
# of the system's apt is read or written) and unpacked into BUILD_DIR/newer-sdk, which
# later runs reuse; delete that folder to fetch them again.
#
# Three passes, each with -fsyntax-only:
#  1. the project's flags and pins, newer branches, -Werror: any diagnostic fails;
#  2. pins raised to trixie's levels, newer branches: lists APIs deprecated upstream that
#     every build uses, the classes named in .ui templates included;
#  3. pins raised, the Debian 12 branches forced (MW_COMPAT_OLDEST_API): lists the APIs
#     deprecated upstream that only the Debian 12 build still uses.
# Passes 2 and 3 fail on errors other than deprecations, and only print the lists.
set -eu
set -o pipefail

if [ $# -ne 1 ]; then
  echo "usage: $0 BUILD_DIR" >&2
  exit 2
fi

build_dir=$(cd "$1" && pwd)
source_root=$(cd "$(dirname "$0")/.." && pwd)
cache="$build_dir/newer-sdk"
mirror=""
suite=trixie
keyring=/usr/share/keyrings/debian-archive-keyring.gpg
# The packages whose headers the code includes; their -dev dependencies are added.
roots="libgtk-4-dev libadwaita-1-dev libglib2.0-dev libsoup-3.0-dev libjson-glib-dev libxml2-dev"
# pkg-config files that live in packages not named -dev.
extra="shared-mime-info krb5-multidev"
modules="gtk4 libadwaita-1 glib-2.0 gio-2.0 gio-unix-2.0 libsoup-3.0 json-glib-1.0 libxml-2.0"

for tool in apt-get apt-cache dpkg dpkg-deb pkg-config python3 flock; do
  if ! command -v "$tool" >/dev/null; then
    echo "check-newer-sdk: $tool is needed (this check runs on Debian)" >&2
    exit 1
  fi
done
if [ ! -f "$build_dir/compile_commands.json" ]; then
  echo "check-newer-sdk: $build_dir has no compile_commands.json; configure it with meson first" >&2
  exit 1
fi

mkdir -p "$cache"
exec 9>"$cache/lock"
flock 9

arch=$(dpkg --print-architecture)
multiarch=$(${CC:-cc} -print-multiarch)
sysroot="$cache/sysroot"
apt_root="$cache/apt"

# apt reads the file APT_CONFIG names before anything else, and this one points every
# folder it would read or write into the cache.
write_apt_config () {
  mkdir -p "$apt_root/etc/apt.conf.d" "$apt_root/etc/preferences.d" "$apt_root/etc/sources.list.d" \
           "$apt_root/state/lists/partial" "$apt_root/cache/archives/partial"
  : > "$apt_root/state/status"
  echo "deb [signed-by=$keyring] $mirror $suite main" > "$apt_root/etc/sources.list"
  cat > "$apt_root/apt.conf" <<EOF
Dir::Etc "$apt_root/etc";
Dir::Etc::main "$apt_root/etc/apt.conf";
Dir::Etc::parts "$apt_root/etc/apt.conf.d";
Dir::Etc::sourcelist "$apt_root/etc/sources.list";
Dir::Etc::sourceparts "$apt_root/etc/sources.list.d";
Dir::Etc::preferences "$apt_root/etc/preferences";
Dir::Etc::preferencesparts "$apt_root/etc/preferences.d";
Dir::Etc::trusted "$apt_root/etc/trusted.gpg";
Dir::Etc::trustedparts "$apt_root/etc/trusted.gpg.d";
Dir::State "$apt_root/state";
Dir::State::status "$apt_root/state/status";
Dir::Cache "$apt_root/cache";
APT::Architecture "$arch";
APT::Architectures { "$arch"; };
APT::Sandbox::User "$(id -un)";
Acquire::Languages "none";
Acquire::Retries "3";
quiet "2";
EOF
}
export APT_CONFIG="$apt_root/apt.conf"

# Runs a download step ($2…, which fetches $1) up to three times, waiting longer each time.
retry () {
  local what=$1 attempt
  shift
  for attempt in 1 2 3; do
    if "$@"; then
      return 0
    fi
    if [ "$attempt" -lt 3 ]; then
      echo "check-newer-sdk: fetching $what failed (attempt $attempt), trying again in $((attempt * 10)) s" >&2
      sleep $((attempt * 10))
    fi
  done
  echo "check-newer-sdk: could not fetch $what from $mirror" >&2
  return 1
}

# apt-get update only warns when an index cannot be fetched; here that is a failure.
fetch_index () {
  apt-get -o APT::Update::Error-Mode=any update &&
    compgen -G "$apt_root/state/lists/*_Packages*" >/dev/null
}

# The roots and, repeatedly, the -dev packages they depend on: every header a root's
# headers include, and every pkg-config file their .pc files require. The C library and
# compiler headers stay the system's.
dev_closure () {
  local seen="" todo="$roots $extra" new p
  while [ -n "$todo" ]; do
    seen="$seen $todo"
    new=$(apt-cache depends --no-recommends --no-suggests --no-conflicts \
            --no-breaks --no-replaces --no-enhances $todo |
          awk '/^ *\|?Depends: </ { virtual = 1; next }
               /^ *\|?Depends: / { virtual = 0; print $2; next }
               /^    [^ ]/ && virtual { print $1; virtual = 0; next }
               { virtual = 0 }' |
          grep -E -- 'dev$' |
          grep -v -E '^(gir1\.2-|libc6-dev|libc-dev|linux-libc-dev|libgcc|libstdc\+\+|libcrypt-dev)' |
          sort -u) || true
    todo=""
    for p in $new; do
      case " $seen " in
        *" $p "*) ;;
        *) todo="$todo $p" ;;
      esac
    done
  done
  echo $seen | tr ' ' '\n' | sort -u
}

fetch_sysroot () {
  local packages
  rm -rf "$apt_root" "$cache/debs" "$sysroot.new"
  mkdir -p "$cache/debs" "$sysroot.new"
  if [ ! -f "$keyring" ]; then
    echo "check-newer-sdk: $keyring is missing (install debian-archive-keyring)" >&2
    return 1
  fi
  # The system's sources, not the private configuration APT_CONFIG names.
  mirror=$(env -u APT_CONFIG "$source_root/build-aux/debian-mirror.sh") || return 1
  write_apt_config

  echo "check-newer-sdk: fetching $suite's package index"
  retry "$suite's package index" fetch_index
  packages=$(dev_closure)
  echo "check-newer-sdk: fetching $(echo $packages | wc -w) packages"
  (cd "$cache/debs" && retry "$suite's packages" apt-get download $packages)

  for deb in "$cache/debs"/*.deb; do
    dpkg-deb -x "$deb" "$sysroot.new"
    dpkg-deb -f "$deb" Package Version | paste -sd' ' >> "$sysroot.new/.packages"
  done
  # Only headers and pkg-config files are read.
  find "$sysroot.new" -name '*.a' -delete
  rm -rf "$sysroot.new/usr/share/doc" "$sysroot.new/usr/share/man" "$sysroot.new/usr/share/gir-1.0" \
         "$sysroot.new/usr/share/gtk-doc" "$sysroot.new/usr/share/vala" "$sysroot.new/usr/bin"
  echo "$suite $roots $extra" > "$sysroot.new/.roots"
  rm -rf "$sysroot" "$cache/debs" "$apt_root"
  mv "$sysroot.new" "$sysroot"
}

if [ ! -f "$sysroot/.roots" ] || [ "$(cat "$sysroot/.roots")" != "$suite $roots $extra" ]; then
  fetch_sysroot
else
  echo "check-newer-sdk: using the packages in $sysroot"
fi

export PKG_CONFIG_SYSROOT_DIR="$sysroot"
export PKG_CONFIG_LIBDIR="$sysroot/usr/lib/$multiarch/pkgconfig:$sysroot/usr/share/pkgconfig:$sysroot/usr/lib/pkgconfig"
unset PKG_CONFIG_PATH
read -r -a sdk_cflags <<< "$(pkg-config --cflags $modules)"

# The API level each library's version macros name: 4.18.6 is GDK_VERSION_4_18.
level () {
  pkg-config --modversion "$1" | awk -F. -v prefix="$2" '{ print prefix "_" $1 "_" $2 }'
}
glib_level=$(level glib-2.0 GLIB_VERSION)
soup_level=$(level libsoup-3.0 SOUP_VERSION)
gdk_level=$(level gtk4 GDK_VERSION)
adw_level=$(level libadwaita-1 ADW_VERSION)
echo "check-newer-sdk: compiling against $(for m in $modules; do printf '%s %s, ' "$m" "$(pkg-config --modversion "$m")"; done | sed 's/, $//')"

if ! pkg-config --atleast-version=4.10 gtk4 || ! pkg-config --atleast-version=1.5 libadwaita-1; then
  echo "check-newer-sdk: $suite's GTK or libadwaita is older than the newer branches need" >&2
  exit 1
fi

# Each translation unit of the build: its folder, file and command, one a line.
mapfile -t units < <(python3 -c '
import json, sys
for entry in json.load(open(sys.argv[1])):
    print(entry["directory"] + "\t" + entry["file"] + "\t" + entry["command"])
' "$build_dir/compile_commands.json")

# The GTK and libadwaita classes the .ui templates name, as a C file that calls each
# one's get_type function at the template's line: compiled with the raised pins, it shows
# the classes deprecated upstream. Not part of the first pass, which has no pins for it.
python3 - "$source_root" > "$cache/ui-classes.c" <<'EOF'
import pathlib, re, sys
root = pathlib.Path(sys.argv[1])
print("#include <adwaita.h>")
print("void mw_ui_classes (void);")
print("void mw_ui_classes (void) {")
for path in sorted(root.glob("src/**/*.ui")):
    for number, line in enumerate(path.read_text().splitlines(), 1):
        for name in re.findall(r'class="((?:Gtk|Adw)[A-Za-z0-9]+)"', line):
            function = re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", name).lower() + "_get_type"
            print(f'#line {number} "{path.relative_to(root)}"')
            print(f"(void) {function} ();")
print("}")
EOF
ui_unit=${#units[@]}
units+=("$build_dir"$'\t'"$cache/ui-classes.c"$'\t'"${CC:-cc} -std=gnu11 $cache/ui-classes.c")

# Prints the command line for one unit and one pass, NUL-separated: the build's own
# flags without the system's include folders and output options, then trixie's.
unit_command () {
  local pass=$1 directory=$2 file=$3 command=$4 arg skip=""
  local -a out=()
  eval "set -- $command"
  out+=("$1")
  shift
  for arg in "$@"; do
    if [ -n "$skip" ]; then
      skip=""
      continue
    fi
    case "$arg" in
      -o|-MQ|-MF|-MT|-isystem|-idirafter) skip=1; continue ;;
      -c|-MD|-MMD|-fdiagnostics-color=*|"$file") continue ;;
      -I/*)
        case "${arg#-I}" in
          "$build_dir"*|"$source_root"*) ;;
          *) continue ;;
        esac ;;
      -D*_VERSION_MIN_REQUIRED=*|-D*_VERSION_MAX_ALLOWED=*)
        [ "$pass" = 1 ] || continue ;;
    esac
    out+=("$arg")
  done
  out+=("${sdk_cflags[@]}" -fsyntax-only -fdiagnostics-color=never -Werror)
  if [ "$pass" != 1 ]; then
    local lib level
    for lib in GLIB:$glib_level SOUP:$soup_level GDK:$gdk_level ADW:$adw_level; do
      level=${lib#*:}
      out+=("-D${lib%%:*}_VERSION_MIN_REQUIRED=$level" "-D${lib%%:*}_VERSION_MAX_ALLOWED=$level")
    done
    out+=(-Wno-error=deprecated-declarations)
  fi
  if [ "$pass" = 3 ]; then
    out+=(-DMW_COMPAT_OLDEST_API)
  fi
  out+=("$file")
  printf '%s\0' "${out[@]}"
}

log_dir="$cache/logs"
rm -rf "$log_dir"
mkdir -p "$log_dir"

compile_unit () {
  local pass=$1 index=$2 directory file command status=0
  IFS=$'\t' read -r directory file command <<< "${units[$index]}"
  local -a cmd
  mapfile -d '' -t cmd < <(unit_command "$pass" "$directory" "$file" "$command")
  (cd "$directory" && LC_ALL=C "${cmd[@]}") > "$log_dir/$pass-$index.log" 2>&1 || status=$?
  echo "$status" > "$log_dir/$pass-$index.status"
}

run_pass () {
  local pass=$1 index jobs
  jobs=$(nproc)
  for index in "${!units[@]}"; do
    if [ "$pass" = 1 ] && [ "$index" = "$ui_unit" ]; then
      continue
    fi
    while [ "$(jobs -rp | wc -l)" -ge "$jobs" ]; do
      wait -n || true
    done
    compile_unit "$pass" "$index" &
  done
  wait
}

# The deprecated names that a pass's logs mention and that are not in the file $2, one a
# line: the name, the files using it, the replacement the headers give.
deprecations () {
  cat "$log_dir/$1"-*.log |
    sed -n "s/^\([^:]*\):[0-9]*:[0-9]*: warning: '\([^']*\)' is deprecated\(: \(.*\)\)\? \[-Wdeprecated-declarations\]$/\2\t\4\t\1/p" |
    sed 's|\t\(\.\./\)*\([^\t]*\)$|\t\2|' |
    sort -u |
    awk -F'\t' -v exclude="$2" '
      BEGIN { while ((getline name < exclude) > 0) skip[name] = 1 }
      $1 in skip { next }
      $1 in files { files[$1] = files[$1] ", " $3; next }
      { files[$1] = $3; hint[$1] = $2 }
      END { for (name in files) printf "%s\t%s\t%s\n", name, files[name], hint[name] }' |
    sort
}

show () {
  if [ -z "$1" ]; then
    echo "  none"
  else
    echo "$1" | awk -F'\t' '{ printf "  %s in %s%s\n", $1, $2, $3 == "" ? "" : " (" $3 ")" }'
  fi
}

failed=0
for pass in 1 2 3; do
  run_pass "$pass"
  for index in "${!units[@]}"; do
    if [ "$pass" = 1 ] && [ "$index" = "$ui_unit" ]; then
      continue
    fi
    IFS=$'\t' read -r _ file _ <<< "${units[$index]}"
    status=$(cat "$log_dir/$pass-$index.status")
    # In the first pass even a warning that -Werror let through is a failure.
    if [ "$pass" = 1 ] && [ -s "$log_dir/$pass-$index.log" ]; then
      status="${status} (with diagnostics)"
    fi
    if [ "$status" != 0 ]; then
      echo "check-newer-sdk: pass $pass: ${file#../} does not compile cleanly:" >&2
      cat "$log_dir/$pass-$index.log" >&2
      failed=1
    fi
  done
  if [ "$failed" = 0 ]; then
    echo "check-newer-sdk: pass $pass: $(ls "$log_dir/$pass"-*.status | wc -l) files compiled"
  fi
done

if [ "$failed" = 0 ]; then
  everywhere=$(deprecations 2 /dev/null)
  echo "$everywhere" | cut -f1 > "$log_dir/everywhere"
  oldest_only=$(deprecations 3 "$log_dir/everywhere")
  echo
  echo "APIs deprecated as of $glib_level, $soup_level, $gdk_level, $adw_level"
  echo "that every build uses:"
  show "$everywhere"
  echo "that only the Debian 12 build uses (its libraries lack the replacements):"
  show "$oldest_only"
fi
exit "$failed"
