#!/usr/bin/env bash
# Regenerates the committed jextract bindings from the wrapper headers and argument files.
#
#   scripts/generate-bindings.sh [linux linux_aarch64 kqueue ...]   (default: every target this OS can generate)
#
# The kqueue target is generated on Linux from libkqueue's <sys/event.h> as Debian's libkqueue-dev
# installs it (scripts/install-libkqueue.sh), so it comes out the same on every such machine.
# The windows_x86_64 target is generated on Linux from the mingw-w64 headers (Debian's
# mingw-w64-x86-64-dev) with a Windows clang target. jextract declares C_LONG in the header class
# from the canonical layout of the machine it runs on, as an OfLong, which would not load on
# Windows (where `long` is 32 bits); the header keeps `long` out of every generated struct and
# function, and this script then rewrites that one declaration to Windows's 32-bit `long`.
# A target may have bindings/src/main/jextract/<target>.clang-flags: extra clang options (one per
# line, e.g. a cross --target), handed to jextract as its compile_flags.txt.
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
    Linux) targets=(linux linux_aarch64 kqueue io_uring windows_x86_64) ;;
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

  flags="$root/bindings/src/main/jextract/$target.clang-flags"
  if [[ "$target" == kqueue && ! -f /usr/include/kqueue/sys/event.h ]]; then
    echo "generate-bindings: kqueue needs libkqueue's headers in /usr/include/kqueue: run scripts/install-libkqueue.sh" >&2
    exit 1
  fi
  if [[ "$target" == windows_x86_64 && ! -f /usr/share/mingw-w64/include/winsock2.h ]]; then
    echo "generate-bindings: windows_x86_64 needs the mingw-w64 headers: apt-get install mingw-w64-x86-64-dev" >&2
    exit 1
  fi

  # Only this package's own files: another target may generate into a subpackage.
  mkdir -p "$pkgdir" && find "$pkgdir" -maxdepth 1 -type f -delete
  # jextract reads compile_flags.txt from its working directory: run it in a scratch copy of the
  # headers so each target gets its own flags (relative paths keep machine paths out of the output).
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
  cp "$root"/bindings/src/main/headers/*.h "$work/"
  [[ -f "$flags" ]] && cp "$flags" "$work/compile_flags.txt"
  (cd "$work" && "$jextract" --output "$out" "@$args" "$target.h")
  rm -rf "$work"

  if [[ "$target" == windows_x86_64 ]]; then
    shared="$pkgdir/$(awk '$1 == "--header-class-name" { print $2 }' "$args")\$shared.java"
    if grep -l 'C_LONG\b' "$pkgdir"/*.java | grep -vqF "$shared"; then
      echo "generate-bindings: windows_x86_64: a generated struct or function uses C_LONG (a Windows long):" >&2
      grep -n 'C_LONG\b' "$pkgdir"/*.java | grep -vF "$shared" >&2
      exit 1
    fi
    sed -i 's|public static final ValueLayout.OfLong C_LONG = (ValueLayout.OfLong) Linker.nativeLinker().canonicalLayouts().get("long");|public static final ValueLayout.OfInt C_LONG = ValueLayout.JAVA_INT; // Windows: 32 bits (rewritten by generate-bindings.sh)|' "$shared"
    grep -q 'C_LONG = ValueLayout.JAVA_INT' "$shared" || { echo "generate-bindings: could not rewrite C_LONG in $shared" >&2; exit 1; }
  fi

  {
    echo "# Written by scripts/generate-bindings.sh; describes how the sources in this package were made."
    echo "target=$target"
    echo "jextract=$("$jextract" --version 2>&1 | grep -m1 -i '^jextract' || true)"
    echo "jextract-revision=${JEXTRACT_REVISION:-unrecorded (set JEXTRACT_REVISION to the jextract commit)}"
    echo "clang=$("$jextract" --version 2>&1 | grep -m1 -i 'clang version' | sed 's/^ *//' || true)"
    echo "machine=$(uname -s) $(uname -m)"
    [[ -f "$flags" ]] && echo "clang-flags=$(tr '\n' ' ' < "$flags")"
    if [[ "$target" == linux_aarch64 ]]; then
      echo "glibc-headers=$(dpkg-query -W -f='${Version}' libc6-dev-arm64-cross 2>/dev/null || echo unknown)"
    fi
    if [[ "$target" == kqueue ]]; then
      echo "libkqueue-headers=$(dpkg-query -W -f='${Package} ${Version}' libkqueue-dev 2>/dev/null || echo unknown)"
      echo "glibc-headers=$(dpkg-query -W -f='${Version}' libc6-dev 2>/dev/null || echo unknown)"
    fi
    if [[ "$target" == windows_x86_64 ]]; then
      echo "mingw-w64-headers=$(dpkg-query -W -f='${Package} ${Version}' mingw-w64-x86-64-dev 2>/dev/null || echo unknown)"
    fi
    if [[ "$target" == linux || "$target" == io_uring ]]; then
      echo "glibc-headers=$(dpkg-query -W -f='${Version}' libc6-dev 2>/dev/null || echo unknown)"
      echo "kernel-headers=$(dpkg-query -W -f='${Version}' linux-libc-dev 2>/dev/null || echo unknown)"
    fi
  } > "$pkgdir/jextract.stamp"
  echo "generated $package into ${pkgdir#$root/}"
done
