#!/bin/bash
# Runs the whole test suite again against Debian 13's (trixie's) libraries: GTK 4.18,
# libadwaita 1.7, GLib 2.84, libsoup 3.6. The newer branches of src/ui/mw-compat.c, which
# a Debian 12 build never compiles, are built and exercised there, window tests included.
#
#   test-debian13.sh [MESON TEST ARGUMENT...]
#
# It needs root (through sudo for anyone else) and debootstrap (build-aux/deps.sh
# installs it). In a private mount namespace:
#  1. makes a minimal Debian 13 root with debootstrap in _debian13/root, once: a root
#     that was completed is reused, one that was not is made again;
#  2. mounts /proc, /sys, /dev, /dev/pts and a fresh /dev/shm into it, unmounted on exit
#     whatever happens;
#  3. copies the files git knows of (committed or not, untracked ones too unless ignored)
#     into /meanwhile in the root, beside the build folder of the last run;
#  4. in the root: build-aux/deps.sh (without what only the fuzzers, the benchmarks and
#     this script need), build-aux/build.sh, then `meson test --setup full` under
#     dbus-run-session and xvfb-run, with the arguments given.
# The packages come from the Debian mirror the system's apt uses (build-aux/debian-mirror.sh;
# MW_DEBIAN_MIRROR overrides it). Delete _debian13/ to start again from nothing.
set -eu
set -o pipefail
cd "$(dirname "$0")/.."
tree=$PWD

if [ "$(id -u)" -ne 0 ]; then
  exec sudo --preserve-env=MW_DEBIAN_MIRROR,CI "$0" "$@"
fi

# Mounts made in a mount namespace of our own never reach the rest of the system, and
# vanish with the last process in it even if this script is killed.
if [ -z "${MW_DEBIAN13_NAMESPACE:-}" ] && unshare --mount --propagation private true 2>/dev/null; then
  MW_DEBIAN13_NAMESPACE=1 exec unshare --mount --propagation private "$0" "$@"
fi

suite=trixie
keyring=/usr/share/keyrings/debian-archive-keyring.gpg
cache="$tree/_debian13"
root="$cache/root"
complete="$root/.meanwhile-root-complete"

say () {
  echo "test-debian13: $*"
}

for tool in debootstrap chroot git tar; do
  if ! command -v "$tool" >/dev/null; then
    say "$tool is missing (build-aux/deps.sh installs what this script needs)" >&2
    exit 1
  fi
done
if [ ! -f "$keyring" ]; then
  say "$keyring is missing (install debian-archive-keyring)" >&2
  exit 1
fi
mirror=$(./build-aux/debian-mirror.sh)

mkdir -p "$cache"
exec 9>"$cache/lock"
if ! flock -n 9; then
  say "waiting for another run that uses $cache"
  flock 9
fi

# The mount points under the root, deepest first.
mounts_under_root () {
  awk -v root="$root" '$5 == root || index ($5, root "/") == 1 { print $5 }' /proc/self/mountinfo |
    sort -r
}

mounted=""
unmount_all () {
  local point
  for point in $mounted $(mounts_under_root); do
    umount "$point" 2>/dev/null || umount -l "$point" 2>/dev/null || true
  done
  mounted=""
}
trap unmount_all EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Deletes the root, never what might still be mounted into it.
remove_root () {
  unmount_all
  if [ -n "$(mounts_under_root)" ]; then
    say "something is still mounted under $root; not deleting it" >&2
    exit 1
  fi
  rm -rf --one-file-system "$root"
}

if [ ! -f "$complete" ]; then
  if [ -e "$root" ]; then
    say "$root was not completed; making it again"
    remove_root
  fi
  say "making a Debian 13 ($suite) root in $root from $mirror"
  debootstrap --variant=minbase --keyring="$keyring" "$suite" "$root" "$mirror"
  # A root that only this script uses: packages install without syncing every file, and
  # none of them starts a service.
  echo force-unsafe-io > "$root/etc/dpkg/dpkg.cfg.d/meanwhile-unsafe-io"
  printf '#!/bin/sh\nexit 101\n' > "$root/usr/sbin/policy-rc.d"
  chmod +x "$root/usr/sbin/policy-rc.d"
  echo 'Acquire::Languages "none";' > "$root/etc/apt/apt.conf.d/99meanwhile"
  date -u +%Y-%m-%dT%H:%M:%SZ > "$complete"
else
  say "reusing the Debian 13 root made on $(cat "$complete") in $root"
fi

# Name resolution for apt and the newer-sdk check, as the system has it.
if [ -f /etc/resolv.conf ]; then
  cp -L /etc/resolv.conf "$root/etc/resolv.conf"
fi
if ! grep -q localhost "$root/etc/hosts" 2>/dev/null; then
  printf '127.0.0.1\tlocalhost\n::1\t\tlocalhost ip6-localhost ip6-loopback\n' > "$root/etc/hosts"
fi

bind () {
  mount --bind "$1" "$2"
  mounted="$2 $mounted"
  mount --make-private "$2"
}
# The root is a mount point of its own, as / is on a real system: the tests that give a
# process private mounts (test-hostile's disk faults) make / private first.
bind "$root" "$root"
mount -t proc proc "$root/proc"
mounted="$root/proc $mounted"
mount -t sysfs sysfs "$root/sys"
mounted="$root/sys $mounted"
bind /dev "$root/dev"
bind /dev/pts "$root/dev/pts"
mount -t tmpfs -o mode=1777,nosuid,nodev tmpfs "$root/dev/shm"
mounted="$root/dev/shm $mounted"

# The tree as git sees it, uncommitted changes included; the build folder stays, so that
# a later run builds only what changed (tar keeps the files' times).
dest="$root/meanwhile"
mkdir -p "$dest"
find "$dest" -mindepth 1 -maxdepth 1 ! -name _build -exec rm -rf --one-file-system {} +
find "$root/tmp" -mindepth 1 -maxdepth 1 -exec rm -rf --one-file-system {} +
git ls-files -z --cached --others --exclude-standard |
  while IFS= read -r -d '' file; do
    if [ -e "$file" ] || [ -L "$file" ]; then
      printf '%s\0' "$file"
    fi
  done |
  tar --null --no-recursion -T - -cf - |
  tar -xf - --no-same-owner -C "$dest"
say "copied the tree into $dest"

# Inside the root. The display is one no X server of the system uses either: the root has
# a /tmp of its own, where xvfb-run looks for lock files, but shares the abstract socket
# names of the system's X servers.
inside='
set -eu
cd /meanwhile
./build-aux/deps.sh --without fuzz --without bench --without debian13
./build-aux/build.sh

versions () {
  printf "test-debian13: Debian %s: " "$(cat /etc/debian_version)"
  printf "GTK %s, libadwaita %s, GLib %s, libsoup %s, json-glib %s, libxml2 %s; " \
    $(pkg-config --modversion gtk4 libadwaita-1 glib-2.0 libsoup-3.0 json-glib-1.0 libxml-2.0)
  printf "gcc %s, clang %s, meson %s\n" "$(gcc -dumpfullversion)" \
    "$(clang -dumpversion)" "$(meson --version)"
}
versions

display=99
while grep -q "/tmp/\.X11-unix/X$display\$" /proc/net/unix || [ -e "/tmp/.X$display-lock" ]; do
  display=$((display + 1))
done
status=0
dbus-run-session -- xvfb-run -a -n "$display" -s "-screen 0 1600x1200x24" \
  meson test -C _build --setup full --print-errorlogs "$@" || status=$?
versions
exit "$status"
'

environment=(PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/root
             LANG=C.UTF-8 TERM="${TERM:-dumb}" MW_DEBIAN_MIRROR="$mirror")
if [ -n "${CI:-}" ]; then
  environment+=(CI="$CI")
fi
say "building and testing inside the root"
status=0
chroot "$root" /usr/bin/env -i "${environment[@]}" /bin/sh -c "$inside" sh "$@" || status=$?
exit "$status"
