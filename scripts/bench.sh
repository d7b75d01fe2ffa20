#!/usr/bin/env bash
# Builds and runs the benchmark suite: JMH (Pollux vs JDK NIO, with -prof gc), the C floor
# programs, the cross-thread wake round trip with both threads pinned to one CPU and to two,
# interleaved with its C floor, and the TCP echo comparison (Pollux, Pollux on the executor,
# JDK NIO, Netty epoll, C floor) driven by the C epoll load generator. Where io_uring opens,
# Pollux also runs on it in the same run (-Dpollux.backend=io_uring): a second JMH run of its
# backend-dependent benchmarks (table "io_uring beside epoll (same run)"), a third run in each
# round of the pinned wake round trip, and the echo servers pollux-io_uring, runtime-io_uring and
# runtime-completion (the executor's completion-based streams, -Dpollux.io_uring.completion_streams=true).
# Prints one Markdown report on stdout (paste it into bench/RESULTS.md); progress goes to stderr;
# the report is also kept in bench/target/suite/report-<mode>.md.
#
#   scripts/bench.sh            quick mode (the default): a few minutes, usable ratios
#   scripts/bench.sh --full     publishable figures (longer runs, two JMH forks)
#   scripts/bench.sh --smoke    seconds; checks that everything runs (CI), figures meaningless
#   scripts/bench.sh --plot     also draws the report's figures as SVG files beside it
#                               (scripts/plot-report.sh, gnuplot)
#   scripts/bench.sh --plot-from REPORT.md
#                               only draws the figures of a saved report (bench/RESULTS.md too)
#
# Other arguments go to dev.pollux.bench.suite.Suite, for instance --servers pollux,netty,c
# (all: pollux,pollux-io_uring,runtime,runtime-io_uring,runtime-completion,nio,netty,c), --skip-micro, --skip-echo,
# --skip-wake, --wake-only (the pinned wake round trip alone), --skip-io-uring (epoll only; also
# what happens, with a line saying why, where the kernel refuses io_uring),
# --connections 32 --depth 1 --size 64.
set -euo pipefail
cd "$(dirname "$0")/.."

mode=quick
suite_args=()
for arg in "$@"; do
    if [[ -n ${plot_from:-} ]]; then
        exec scripts/plot-report.sh "$arg"
    fi
    case "$arg" in
        --quick) mode=quick ;;
        --full) mode=full ;;
        --smoke) mode=smoke ;;
        --no-build) no_build=1 ;;
        --plot) plot=1 ;;
        --plot-from=*) exec scripts/plot-report.sh "${arg#--plot-from=}" ;;
        --plot-from) plot_from=1 ;;
        -h|--help) sed -n '2,24p' "$0"; exit 0 ;;
        *) suite_args+=("$arg") ;;
    esac
done

[[ -z ${plot_from:-} ]] || { echo "--plot-from needs a report file" >&2; exit 2; }
if [[ -n ${plot:-} ]] && ! command -v gnuplot >/dev/null; then
    echo "--plot needs gnuplot: install gnuplot (Debian: apt-get install -y gnuplot-nox, or scripts/ensure-tools.sh --plot)" >&2
    exit 1
fi
if [[ -z "${no_build:-}" ]]; then
    echo "building bench/target/benchmarks.jar" >&2
    ./mvnw -B -q package -pl bench -am -DskipTests -Dmaven.javadoc.skip -Dmaven.source.skip >&2
fi

# The C floor and the load generator, compiled with this machine's gcc on every run.
cdir=bench/target/c
mkdir -p "$cdir"
if command -v "${CC:-gcc}" >/dev/null; then
    for program in pipe_pingpong wake_roundtrip echo_server echo_client; do
        "${CC:-gcc}" -O2 -Wall -Wextra -pthread -o "$cdir/$program" "bench/src/main/c/$program.c"
    done
else
    echo "no C compiler (gcc): the C floor and the echo benchmark are skipped; install gcc" >&2
fi

# Headroom for many sockets (the poll K-of-M benchmark opens 10,000 per JVM); where the limit cannot be raised it stays.
ulimit -Hn 65536 2>/dev/null || true
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

# Run on the JDK 25 that ./mvnw built with.
. scripts/java-home.sh

report="bench/target/suite/report-$mode.md"
mkdir -p "$(dirname "$report")"
"$java" --enable-native-access=ALL-UNNAMED -cp bench/target/benchmarks.jar dev.pollux.bench.suite.Suite \
    --mode "$mode" --c-dir "$cdir" --command "scripts/bench.sh $*" "${suite_args[@]}" | tee "$report"
if [[ -n ${plot:-} ]]; then
    echo "figures:" >&2
    scripts/plot-report.sh "$report" >&2
fi
