#!/usr/bin/env bash
# Runs one workload for Pollux on Poll ("pollux"), Pollux's executor ("runtime"), JDK NIO and
# Netty epoll under strace and prints, side by side, the system calls per operation of each
# one's hot loop, an excerpt of the raw trace of one Pollux loop iteration, and a flag for every
# system call in Pollux's hot loop beyond the necessary ones.
#
#   scripts/trace.sh ping-pong   one thread bounces a byte over a loopback TCP connection
#                                (executor: one task per end on one event loop)
#   scripts/trace.sh wake        two threads wake each other (Waker / Selector.wakeup / execute;
#                                executor: a task on each of two event loops wakes the other)
#   scripts/trace.sh echo        the echo servers (single loop), one connection, one message at a time
#
# Options: --ops N (operations traced; default 20000), --smoke (a few hundred: CI),
# --io-uring (also Pollux on Poll and the executor on the io_uring backend: columns io_uring and
# rt-io_uring, where io_uring_enter is the wait),
# --jfr (also run Pollux on Poll and the executor with Pollux's JFR events on, scripts/pollux.jfc,
# and summarise the recordings), --no-build.
# Output files are kept in bench/target/trace/.
set -euo pipefail
cd "$(dirname "$0")/.."

workload=${1:-}
case "$workload" in
    ping-pong|wake|echo) shift ;;
    -h|--help|"") sed -n '2,19p' "$0"; exit 2 ;;
    *) echo "unknown workload '$workload': use ping-pong, wake or echo" >&2; exit 2 ;;
esac
ops=20000
warmup=20000
jfr=
for arg in "$@"; do
    case "$arg" in
        --smoke) ops=500; warmup=500 ;;
        --jfr) jfr=1 ;;
        --io-uring) io_uring=1 ;;
        --no-build) no_build=1 ;;
        --ops=*) ops=${arg#--ops=} ;;
        *) echo "unknown option $arg" >&2; exit 2 ;;
    esac
done

if ! command -v strace >/dev/null; then
    echo "strace is not installed: install strace (Debian: apt-get install -y strace, or scripts/ensure-tools.sh)" >&2
    exit 1
fi
if [[ -z "${no_build:-}" ]]; then
    echo "building bench/target/benchmarks.jar" >&2
    ./mvnw -B -q package -pl bench -am -DskipTests >&2
fi
. scripts/java-home.sh
jar=bench/target/benchmarks.jar
out=bench/target/trace
mkdir -p "$out"
run_java=("$java" --enable-native-access=ALL-UNNAMED -XX:TieredStopAtLevel=4 -cp "$jar")
impls=(pollux runtime nio netty)
[[ -n "${io_uring:-}" ]] && impls+=(io_uring rt-io_uring)
# The io_uring columns run Pollux's own classes with -Dpollux.backend=io_uring.
declare -A base_impl=([io_uring]=pollux [rt-io_uring]=runtime)
declare -A server_class=([pollux]=dev.pollux.bench.servers.PollEchoServer
                         [runtime]=dev.pollux.bench.servers.RuntimeEchoServer
                         [io_uring]=dev.pollux.bench.servers.PollEchoServer
                         [rt-io_uring]=dev.pollux.bench.servers.RuntimeEchoServer
                         [nio]=dev.pollux.bench.servers.NioEchoServer
                         [netty]=dev.pollux.bench.servers.NettyEchoServer)

# Starts an echo server (extra JVM options first), waits for its ready line, sets $server_pid and $port.
start_server() {
    local impl=$1 log=$out/echo-$impl.server.log
    shift
    "${run_java[@]:0:1}" "$@" "${run_java[@]:1}" "${server_class[$impl]}" --port 0 --threads 1 >"$log" 2>&1 &
    server_pid=$!
    for _ in $(seq 300); do
        grep -q ready "$log" && break
        kill -0 "$server_pid" 2>/dev/null || { cat "$log" >&2; exit 1; }
        sleep 0.1
    done
    port=$(grep ready "$log" | grep -o 'port [0-9]*' | head -1 | cut -d' ' -f2)
}

stop_server() {
    kill -TERM "$server_pid"
    wait "$server_pid" 2>/dev/null || true
}

client() {
    bench/target/c/echo_client --port "$port" --connections 1 --depth 1 --size 64 --messages "$1" >/dev/null
}

if [[ $workload == echo ]]; then
    mkdir -p bench/target/c
    gcc -O2 -Wall -pthread -o bench/target/c/echo_client bench/src/main/c/echo_client.c
fi

files=()
for impl in "${impls[@]}"; do
    trace=$out/$workload-$impl.strace
    echo "tracing $impl $workload ($ops operations)" >&2
    backend=()
    [[ -n "${base_impl[$impl]:-}" ]] && backend=(-Dpollux.backend=io_uring)
    if [[ $workload == echo ]]; then
        start_server "$impl" "${backend[@]}"
        client "$warmup"
        # Attach to every thread of the warmed-up server for the measured run only.
        strace -f -qq -e signal=none -o "$trace" -p "$server_pid" &
        strace_pid=$!
        sleep 1
        client "$ops"
        sleep 0.2
        kill -INT "$strace_pid"
        wait "$strace_pid" 2>/dev/null || true
        stop_server
    else
        strace -f -qq -e signal=none -o "$trace" "${run_java[@]:0:1}" "${backend[@]}" "${run_java[@]:1}" \
            dev.pollux.bench.trace.TraceWorkload "${base_impl[$impl]:-$impl}" "$workload" "$ops" "$warmup" >&2
    fi
    files+=("$impl=$trace")
done

"${run_java[@]}" dev.pollux.bench.trace.TraceReport "$workload" "$ops" "${files[@]}" | tee "$out/$workload-report.txt"

if [[ -n $jfr ]]; then
    jfr_tool=$(dirname "$java")/jfr
    for impl in pollux runtime; do
        recording=$out/$workload-$impl.jfr
        settings=(-XX:StartFlightRecording=filename=$recording,settings=scripts/pollux.jfc)
        echo "recording Pollux's JFR events for $impl $workload into $recording" >&2
        if [[ $workload == echo ]]; then
            start_server "$impl" "${settings[@]}"
            client "$ops"
            stop_server
        else
            "$java" "${settings[@]}" --enable-native-access=ALL-UNNAMED -cp "$jar" dev.pollux.bench.trace.TraceWorkload \
                "$impl" "$workload" "$ops" "$warmup" >&2
        fi
        echo
        echo "## JFR: Pollux events in $recording"
        echo
        "$jfr_tool" summary "$recording" | grep -E "Event Type|====|dev\.pollux" || true
        echo
        "$jfr_tool" print --events dev.pollux.Poll "$recording" | head -n 12
        if [[ $impl == runtime ]]; then
            "$jfr_tool" print --events dev.pollux.runtime.TaskRun,dev.pollux.runtime.TaskWake "$recording" | head -n 14
        fi
    done
fi
