#!/bin/sh
# Prints the address of the Debian archive mirror this machine's apt uses, for the scripts
# that fetch Debian 13 packages (check-newer-sdk.sh, test-debian13.sh); the tree names no
# mirror of its own. MW_DEBIAN_MIRROR, when set, is printed instead.
#
# It reads the sources apt reads: the one-line entries of sources.list and
# sources.list.d/*.list and the deb822 stanzas of sources.list.d/*.sources (their folders
# as apt-config gives them). The mirror is the first enabled binary ("deb") source with a
# release's own suite (bookworm, trixie, stable…; not -updates, -security or -backports)
# and an http, https or file address.
set -eu

if [ -n "${MW_DEBIAN_MIRROR:-}" ]; then
  echo "${MW_DEBIAN_MIRROR%/}"
  exit 0
fi

sourcelist=/etc/apt/sources.list
sourceparts=/etc/apt/sources.list.d/
if command -v apt-config >/dev/null; then
  eval "$(apt-config shell sourcelist Dir::Etc::sourcelist/f sourceparts Dir::Etc::sourceparts/d)"
fi

# One line for each source, in apt's order: TYPES<tab>URIS<tab>SUITES<tab>ENABLED.
sources () {
  if [ -f "$sourcelist" ]; then
    one_line "$sourcelist"
  fi
  for file in "$sourceparts"*; do
    case "$file" in
      *.list) [ -f "$file" ] && one_line "$file" ;;
      *.sources) [ -f "$file" ] && deb822 "$file" ;;
    esac
  done
  return 0
}

# deb [option=value ...] URI SUITE COMPONENT...
one_line () {
  sed -e 's/#.*//' -e 's/\[[^]]*\]//' "$1" |
    awk '$1 == "deb" && NF >= 3 { printf "deb\t%s\t%s\tyes\n", $2, $3 }'
}

# Stanzas of "Field: value" lines, separated by blank lines; lines that start with a
# space continue the field before (only Signed-By's keys do that here).
deb822 () {
  awk '
    function flush () {
      if (types != "" || uris != "")
        printf "%s\t%s\t%s\t%s\n", types, uris, suites, enabled
      types = ""; uris = ""; suites = ""; enabled = "yes"
    }
    BEGIN { enabled = "yes" }
    /^#/ { next }
    /^[ \t]*$/ { flush (); next }
    /^[ \t]/ { next }
    {
      field = tolower ($0); sub (/:.*/, "", field)
      value = $0; sub (/^[^:]*:[ \t]*/, "", value); sub (/[ \t]+$/, "", value)
      if (field == "types") types = value
      else if (field == "uris") uris = value
      else if (field == "suites") suites = value
      else if (field == "enabled") enabled = tolower (value)
    }
    END { flush () }' "$1"
}

mirror=$(sources | awk -F '\t' '
  $4 == "no" || $4 == "false" { next }
  {
    deb = 0
    n = split ($1, types, /[ \t]+/)
    for (i = 1; i <= n; i++) if (types[i] == "deb") deb = 1
    if (!deb) next
    release = 0
    n = split ($3, suites, /[ \t]+/)
    for (i = 1; i <= n; i++) if (suites[i] ~ /^[a-z]+$/) release = 1
    if (!release) next
    n = split ($2, uris, /[ \t]+/)
    for (i = 1; i <= n; i++)
      if (uris[i] ~ /^(https?:\/\/|file:\/)/) { print uris[i]; exit }
  }')

if [ -z "$mirror" ]; then
  echo "debian-mirror: no Debian mirror in $sourcelist or ${sourceparts}*.list, *.sources;" \
       "set MW_DEBIAN_MIRROR to one (the address that holds dists/ and pool/)" >&2
  exit 1
fi
echo "${mirror%/}"
