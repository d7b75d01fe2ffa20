#!/usr/bin/env bash
# Soak and fault run: each Pollux echo server (on Poll, then on the executor) in its own JVM under
# a mix of loopback clients for a while, failing (exit 1, with the reason) when anything leaks or
# any byte is wrong. Markdown on stdout (paste it into bench/RESULTS.md), the servers' output and
# progress on stderr; the report is also kept in bench/target/soak/report.md.
#
#   scripts/soak.sh                  2 minutes per server (the default)
#   scripts/soak.sh --minutes 10     10 minutes per server
#   scripts/soak.sh --seconds 15     a short run (CI)
#   --no-build                       reuse bench/target/benchmarks.jar
#   --servers pollux,runtime         which servers (default both)
#   --clients 16 --slow-readers 2    concurrent clients, of which slow readers (default 16, 2)
#   --timeout 30                     seconds a connection may take before it counts as stalled
#   --threads 1                      event loops per server
#   --server-option -Dpollux.backend=kqueue    a JVM option for the servers (repeatable)
#
# The clients (Java, blocking JDK sockets, 127.0.0.1 only, each loop bounded by the deadline):
# echo rounds of 1 B-16 KiB, half-close (stream up to 1 MiB, shutdownOutput, read the whole echo
# and the server's end of stream), reset (a few rounds, maybe bytes left unread, SO_LINGER 0 close,
# an RST), connect-and-close, and slow readers (1-4 MiB read 4 KiB at a time with pauses through
# a 16 KiB receive buffer; every third resets part way while the server has writes waiting).
# Every echoed byte is checked against the position it was sent at (a random pattern with a prime
# period). Every few seconds a row: time, connections, MiB echoed, resets sent (expected),
# unexpected errors by kind, the server's open descriptors (/proc/PID/fd) and RSS (VmRSS).
#
# The server runs with -Xms64m -Xmx64m -XX:+AlwaysPreTouch: a heap leak ends in OutOfMemoryError,
# and RSS after warm-up moves only with native memory. A server fails when:
#   - any client saw a wrong byte, an early end of stream, a refusal, a reset it did not cause, or
#     a connection took longer than --timeout (stalled);
#   - a kind of client in the mix completed no connection;
#   - descriptors: once the load is over (after up to 10 s for the last closes), any above the
#     idle count before it (each connection's descriptor must be closed; an idle JVM opens none on
#     its own); under load, the median of the last 3 samples more than (clients + 4) above the
#     median of the first 3 after warm-up (each client holds one connection at most);
#   - RSS: the median of the last 3 samples more than 16 MiB + 10% above the median of the first 3
#     after warm-up (warm-up: a quarter of the run, 5 s to 60 s; C2's code cache, metaspace and
#     malloc arenas still creep a few MiB after it; direct buffers are capped by -Xmx);
#   - it dies during the run, or does not exit within 15 s of SIGTERM.
set -euo pipefail
cd "$(dirname "$0")/.."

command="scripts/soak.sh $*"
seconds=120
soak_args=()
while (($#)); do
    case "$1" in
        --minutes) seconds=$((${2:?--minutes needs a number} * 60)); shift ;;
        --seconds) seconds=${2:?--seconds needs a number}; shift ;;
        --no-build) no_build=1 ;;
        -h|--help) sed -n '2,38p' "$0"; exit 0 ;;
        *) soak_args+=("$1") ;;
    esac
    shift
done

if [[ -z "${no_build:-}" ]]; then
    echo "building bench/target/benchmarks.jar" >&2
    ./mvnw -B -q package -pl bench -am -DskipTests -Dmaven.javadoc.skip -Dmaven.source.skip >&2
fi

# Run on the JDK 25 that ./mvnw built with.
. scripts/java-home.sh

report=bench/target/soak/report.md
mkdir -p "$(dirname "$report")"
set +e
"$java" --enable-native-access=ALL-UNNAMED -cp bench/target/benchmarks.jar dev.pollux.bench.soak.Soak \
    --seconds "$seconds" --command "$command" "${soak_args[@]}" | tee "$report"
status=${PIPESTATUS[0]}
set -e
exit "$status"
