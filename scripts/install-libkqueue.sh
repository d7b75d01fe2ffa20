#!/usr/bin/env bash
# Installs libkqueue (a userspace kqueue over epoll) on Debian, so the kqueue backend can be built,
# regenerated and tested on Linux: the packages libkqueue0t64 (libkqueue.so.0) and libkqueue-dev
# (<kqueue/sys/event.h>, which scripts/generate-bindings.sh reads for the kqueue target).
#
#   scripts/install-libkqueue.sh
#
# Debian ships libkqueue (2.3.1) only in its experimental suite, which no machine has configured.
# The script does not add that suite to the machine: it copies the machine's own Debian archive
# entry (from /etc/apt/sources.list.d/*.sources or /etc/apt/sources.list) into a private apt
# configuration in a temporary directory, changes only the suite, downloads the two packages
# with it and installs the downloaded files with the machine's ordinary apt. Nothing but
# libkqueue packages is installed (it stops if apt wants anything else). Nothing in /etc/apt is
# changed, and the temporary directory is removed afterwards.
#
# Does nothing and exits 0 when libkqueue.so.0 and libkqueue's sys/event.h are already there,
# and on systems with a native kqueue (macOS, the BSDs). Prints nothing but a line naming what
# it installed, or apt's output when it fails. LIBKQUEUE_SUITE picks another suite
# (default: experimental).
set -euo pipefail

suite=${LIBKQUEUE_SUITE:-experimental}
packages=(libkqueue0t64 libkqueue-dev)
header=/usr/include/kqueue/sys/event.h

[[ "$(uname -s)" == Linux ]] || exit 0   # native kqueue: nothing to install

if /sbin/ldconfig -p 2>/dev/null | grep 'libkqueue\.so\.0 ' >/dev/null && [[ -f "$header" ]]; then
  exit 0
fi

die() { echo "install-libkqueue: $*" >&2; exit 1; }
command -v apt-get >/dev/null || die "needs apt-get (Debian or a derivative)"
apt=(env DEBIAN_FRONTEND=noninteractive apt-get -q)
if [[ $(id -u) -ne 0 ]]; then
  command -v sudo >/dev/null || die "needs root (or sudo) to install packages"
  apt=(sudo "${apt[@]}")
fi

codename=$(. /etc/os-release && echo "${VERSION_CODENAME:-}")
[[ -n "$codename" ]] || die "cannot tell the Debian release from /etc/os-release"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
chmod 755 "$tmp"
mkdir -p "$tmp/sources.list.d" "$tmp/lists/partial" "$tmp/cache/archives/partial" "$tmp/debs"
log="$tmp/log"

# The machine's Debian archive entry (the deb822 stanza whose Suites has the release's own
# codename, not its -updates/-security suites), with Suites and Components replaced.
entry="$tmp/sources.list.d/libkqueue.sources"
shopt -s nullglob
for f in /etc/apt/sources.list.d/*.sources; do
  awk -v codename="$codename" -v suite="$suite" '
    function flush() {
      if (stanza != "" && deb && ours && enabled) { printf "%s", stanza; found = 1; exit }
      stanza = ""; deb = 0; ours = 0; enabled = 1; skip = 0
    }
    BEGIN { enabled = 1 }
    /^[ \t]*#/ { next }
    /^[ \t]*$/ { flush(); next }
    /^[ \t]/ {                                  # continuation of the field before
      if (field == "suites:") for (i = 1; i <= NF; i++) if ($i == codename) ours = 1
      if (!skip) stanza = stanza $0 "\n"
      next
    }
    {
      field = tolower($1); skip = 0
      if (field == "types:") { for (i = 2; i <= NF; i++) if ($i == "deb") deb = 1 }
      if (field == "suites:") { for (i = 2; i <= NF; i++) if ($i == codename) ours = 1
                                stanza = stanza "Suites: " suite "\n"; skip = 1; next }
      if (field == "components:") { stanza = stanza "Components: main\n"; skip = 1; next }
      if (field == "types:") { stanza = stanza "Types: deb\n"; skip = 1; next }
      if (field == "enabled:" && tolower($2) == "no") enabled = 0
      stanza = stanza $0 "\n"
    }
    END { if (!found) flush() }
  ' "$f" > "$entry"
  [[ -s "$entry" ]] && break
done
if [[ ! -s "$entry" && -f /etc/apt/sources.list ]]; then
  # One-line format: deb [options] URI suite components...
  awk -v codename="$codename" -v suite="$suite" '
    $1 == "deb" { i = 2; opts = ""
                  if ($2 ~ /^\[/) { while ($i !~ /\]$/) opts = opts $(i++) " "; opts = opts $(i++) " " }
                  if ($(i + 1) == codename) { print "deb " opts $i " " suite " main"; exit } }
  ' /etc/apt/sources.list > "$tmp/sources.list.d/libkqueue.list"
  [[ -s "$tmp/sources.list.d/libkqueue.list" ]] || rm -f "$tmp/sources.list.d/libkqueue.list"
  rm -f "$entry"
fi
[[ -n "$(ls -A "$tmp/sources.list.d")" ]] || die "found no Debian archive entry for '$codename' in /etc/apt"

private=(-o Dir::Etc::SourceList=/dev/null -o "Dir::Etc::SourceParts=$tmp/sources.list.d"
         -o "Dir::State::Lists=$tmp/lists" -o "Dir::Cache=$tmp/cache")
run() { "$@" >>"$log" 2>&1 || { cat "$log" >&2; die "failed: $*"; }; }

# apt downloads as the user _apt where it exists; let it write there.
chown _apt "$tmp/lists/partial" "$tmp/debs" 2>/dev/null || true
run "${apt[@]}" "${private[@]}" update
(cd "$tmp/debs" && run "${apt[@]}" "${private[@]}" download "${packages[@]}")
debs=("$tmp"/debs/*.deb)
[[ ${#debs[@]} -eq ${#packages[@]} ]] || { cat "$log" >&2; die "could not download ${packages[*]} from $suite"; }

# Refuse when apt would install, upgrade or remove anything besides libkqueue packages.
plan=$("${apt[@]}" -s --no-install-recommends install "${debs[@]}" 2>&1) \
  || { echo "$plan" >&2; die "apt cannot install ${packages[*]} here"; }
others=$(awk '$1 == "Inst" || $1 == "Remv" { print $2 }' <<<"$plan" | grep -v '^libkqueue' || true)
[[ -z "$others" ]] || die "installing libkqueue would also change: $(tr '\n' ' ' <<<"$others")"

run "${apt[@]}" -y --no-install-recommends install "${debs[@]}"
echo "install-libkqueue: installed $(dpkg-query -W -f='${Package} ${Version}, ' "${packages[@]}")from $suite"
