#!/usr/bin/env bash
# Checks the Windows (IOCP) backend's native side as far as Linux allows, with mingw-w64 and wine:
#   1. builds ffi-iocp/src/test/c/layout.c against bindings/src/main/headers/windows_x86_64.h, runs it
#      under wine and compares its output with the committed table
#      ffi-iocp/src/test/resources/windows-layout.txt (which WindowsLayoutTest checks the Java side
#      against on every build); --update rewrites the table instead;
#   2. builds and runs ffi-iocp/src/test/c/afd_rehearsal.c: the AFD polling protocol, call for call
#      as IocpSelector makes it, then WindowsOs.pipe's loopback socket pair; one pass/FAIL line per step.
#
#   scripts/check-windows.sh [--install] [--update]
#
# --install installs what is missing (Debian: gcc-mingw-w64-x86-64, mingw-w64-x86-64-dev, wine, wine64;
# needs root). Exits non-zero if anything differs or fails.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
install=false update=false
for arg in "$@"; do
  case "$arg" in
    --install) install=true ;;
    --update) update=true ;;
    *) echo "check-windows: unknown option $arg" >&2; exit 2 ;;
  esac
done

cc=x86_64-w64-mingw32-gcc
if ! command -v "$cc" >/dev/null || ! command -v wine >/dev/null; then
  if $install; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq gcc-mingw-w64-x86-64 mingw-w64-x86-64-dev wine wine64 >/dev/null
  else
    echo "check-windows: needs $cc and wine (Debian: gcc-mingw-w64-x86-64 mingw-w64-x86-64-dev wine wine64; or pass --install)" >&2
    exit 1
  fi
fi

work=$(mktemp -d)
trap 'wineserver -k 2>/dev/null; rm -rf "$work"' EXIT
# A private wine prefix: nothing of the user's is touched, and a first run sets it up (~10 s).
export WINEPREFIX="$work/wine" WINEDEBUG=-all
src="$root/ffi-iocp/src/test/c"
headers="$root/bindings/src/main/headers"
table="$root/ffi-iocp/src/test/resources/windows-layout.txt"

"$cc" -std=c11 -Wall -Werror -O1 -I"$headers" -o "$work/layout.exe" "$src/layout.c"
"$cc" -std=gnu11 -Wall -Werror -O1 -I"$headers" -o "$work/afd_rehearsal.exe" "$src/afd_rehearsal.c" -lws2_32 -lntdll

wine "$work/layout.exe" 2>/dev/null | tr -d '\r' > "$work/layout.txt"
if $update; then
  cp "$work/layout.txt" "$table"
  echo "check-windows: wrote ${table#$root/} ($(grep -c . "$table") lines)"
elif diff -u "$table" "$work/layout.txt"; then
  echo "check-windows: layout table matches mingw-w64 under wine ($(grep -vc '^#' "$table") entries)"
else
  echo "check-windows: the committed layout table differs from what mingw-w64 prints (diff above); rerun with --update if the header changed on purpose" >&2
  exit 1
fi

echo "check-windows: AFD protocol rehearsal under wine ($(wine --version 2>/dev/null))"
# pipefail: a failing rehearsal fails this script.
wine "$work/afd_rehearsal.exe" 2>/dev/null | tr -d '\r' | sed 's/^/  /'
