#!/usr/bin/env bash
# Regenerates the committed jextract bindings from the wrapper headers and argument files.
#
#   scripts/generate-bindings.sh [linux ...]     (default: every target this OS can generate)
#
# Needs an installed jextract (on PATH, or $JEXTRACT pointing at its launcher). Generated code is
# never edited by hand: change bindings/src/main/headers/<target>.h or
# bindings/src/main/jextract/<target>.args and run this script again, then commit its output
# together with the stamp file it writes next to the sources.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
jextract=${JEXTRACT:-$(command -v jextract || true)}
if [[ -z "$jextract" || ! -x "$jextract" ]]; then
  echo "generate-bindings: no jextract found: put it on PATH or set JEXTRACT=/path/to/bin/jextract" >&2
  exit 1
fi

targets=("$@")
if [[ ${#targets[@]} -eq 0 ]]; then
  case "$(uname -s)" in
    Linux) targets=(linux) ;;
    *) echo "generate-bindings: name the targets to generate on $(uname -s)" >&2; exit 1 ;;
  esac
fi

for target in "${targets[@]}"; do
  header="$root/bindings/src/main/headers/$target.h"
  args="$root/bindings/src/main/jextract/$target.args"
  [[ -f "$header" && -f "$args" ]] || { echo "generate-bindings: unknown target '$target'" >&2; exit 1; }
  package=$(awk '$1 == "--target-package" { print $2 }' "$args")
  out="$root/bindings/src/main/java"
  pkgdir="$out/${package//.//}"

  rm -rf "$pkgdir"
  # Relative paths keep the generated sources free of machine-specific directories.
  (cd "$root/bindings/src/main/headers" && "$jextract" --output "$out" "@$args" "$target.h")

  {
    echo "# Written by scripts/generate-bindings.sh; describes how the sources in this package were made."
    echo "target=$target"
    echo "jextract=$("$jextract" --version 2>&1 | grep -m1 -i '^jextract' || true)"
    echo "jextract-revision=${JEXTRACT_REVISION:-unrecorded (set JEXTRACT_REVISION to the jextract commit)}"
    echo "clang=$("$jextract" --version 2>&1 | grep -m1 -i 'clang version' | sed 's/^ *//' || true)"
    echo "machine=$(uname -s) $(uname -m)"
    if [[ "$target" == linux ]]; then
      echo "glibc-headers=$(dpkg-query -W -f='${Version}' libc6-dev 2>/dev/null || echo unknown)"
      echo "kernel-headers=$(dpkg-query -W -f='${Version}' linux-libc-dev 2>/dev/null || echo unknown)"
    fi
  } > "$pkgdir/jextract.stamp"
  echo "generated $package into ${pkgdir#$root/}"
done
