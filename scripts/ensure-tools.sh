#!/usr/bin/env bash
# Installs what scripts/bench.sh and scripts/trace.sh need beyond the JDK and Maven, if missing:
# gcc (the C floor and the load generator) and strace; with --plot also gnuplot (bench.sh --plot,
# plot-report.sh). Debian/Ubuntu only; needs root.
set -euo pipefail
missing=()
command -v gcc >/dev/null || missing+=(gcc libc6-dev)
command -v strace >/dev/null || missing+=(strace)
if [[ ${1:-} == --plot ]]; then
    command -v gnuplot >/dev/null || missing+=(gnuplot-nox)
fi
if ((${#missing[@]})); then
    if ! command -v apt-get >/dev/null || [[ $(id -u) != 0 ]]; then
        echo "please install: ${missing[*]}" >&2
        exit 1
    fi
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi
