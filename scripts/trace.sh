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
# rt-io_uring, where io_uring_enter is the wait; for echo also completion, the executor with
# completion-based streams, -Dpollux.io_uring.completion_streams=true),
# --jfr (also run Pollux on Poll and the executor with Pollux's JFR events on, scripts/pollux.jfc,
# and summarise the recordings), --no-build.
# Output files are kept in bench/target/trace/.
#
# Any program, such as your own jar:
#   scripts/trace.sh run [--seconds N] [--no-build] -- COMMAND...
#                                runs COMMAND (in the current directory) under strace until it
#                                exits, or stops it with SIGTERM after N seconds
#   scripts/trace.sh --pid P [--seconds N] [--no-build]
#                                attaches to the running process P for N seconds (default 10)
# and prints, per poller thread (a thread that waits in epoll_wait, kevent or io_uring_enter:
# Pollux's event loops, a thread calling Poll.poll), the system calls per loop iteration with
# their errors (EAGAIN, EINTR, ...), the slowest calls and the raw trace of one iteration, then
# one line for every other thread, with thread names. For example, the README's quick start:
#   scripts/trace.sh run --seconds 20 -- java --enable-native-access=ALL-UNNAMED -cp "target/classes:$(cat cp.txt)" echo.Echo
set -euo pipefail
caller=$PWD
cd "$(dirname "$0")/.."

require_strace() {
    if ! command -v strace >/dev/null; then
        echo "strace is not installed: install strace (Debian: apt-get install -y strace, or scripts/ensure-tools.sh)" >&2
        exit 1
    fi
}

# Builds bench/target/benchmarks.jar (the report code) unless --no-build, and sets $java.
build_bench() {
    if [[ -z "${no_build:-}" ]]; then
        echo "building bench/target/benchmarks.jar" >&2
        ./mvnw -B -q package -pl bench -am -DskipTests -Dmaven.javadoc.skip -Dmaven.source.skip >&2
    fi
    . scripts/java-home.sh
}

# trace.sh run -- COMMAND... / trace.sh --pid P: any program (see the top of this file).
trace_program() {
    local pid= seconds= command=()
    while (($#)); do
        case "$1" in
            --pid) pid=$2; shift 2 ;;
            --pid=*) pid=${1#--pid=}; shift ;;
            --seconds) seconds=$2; shift 2 ;;
            --seconds=*) seconds=${1#--seconds=}; shift ;;
            --no-build) no_build=1; shift ;;
            --) shift; command=("$@"); break ;;
            *) echo "unknown option $1 (the command goes after --)" >&2; exit 2 ;;
        esac
    done
    if [[ -z $pid && ${#command[@]} == 0 ]]; then
        echo "usage: scripts/trace.sh run [--seconds N] -- COMMAND... | scripts/trace.sh --pid P [--seconds N]" >&2
        exit 2
    fi
    require_strace
    build_bench
    local out=$PWD/bench/target/trace trace names target strace_pid
    mkdir -p "$out"
    trace=$out/program.strace
    names=$out/program.names
    rm -f "$trace" "$names"
    local strace_args=(-f -qq -tt -T -e signal=none -o "$trace")
    if [[ -n $pid ]]; then
        kill -0 "$pid" 2>/dev/null || { echo "no process $pid" >&2; exit 1; }
        echo "tracing process $pid for ${seconds:=10} s" >&2
        strace "${strace_args[@]}" -p "$pid" &
        strace_pid=$!
        target=$pid
    else
        echo "tracing: ${command[*]}" >&2
        (cd "$caller" && exec strace "${strace_args[@]}" -- "${command[@]}") &
        strace_pid=$!
        target=
        for _ in $(seq 100); do
            target=$(head -n 1 "$trace" 2>/dev/null | grep -o '^[0-9]*' || true)
            [[ -n $target ]] && break
            sleep 0.1
        done
    fi
    # Thread names, read while the program runs (threads that start later name themselves with
    # prctl(PR_SET_NAME), which the trace shows).
    (
        while kill -0 "$strace_pid" 2>/dev/null; do
            for task in /proc/"$target"/task/*; do
                name=$(cat "$task/comm" 2>/dev/null) && [[ -n $name ]] && echo "${task##*/} $name"
            done
            sleep 0.2
        done >>"$names" 2>/dev/null
    ) &
    local sampler=$!
    if [[ -n $seconds ]]; then
        sleep "$seconds"
        if [[ -n $pid ]]; then
            kill -INT "$strace_pid" 2>/dev/null || true     # detach; the process runs on
        else
            kill -TERM "$target" 2>/dev/null || true        # stop the command
        fi
    fi
    wait "$strace_pid" || true
    wait "$sampler" 2>/dev/null || true
    "$java" -cp bench/target/benchmarks.jar dev.pollux.bench.trace.ProgramReport "$trace" "$names" \
        | tee "$out/program-report.txt"
}

workload=${1:-}
case "$workload" in
    ping-pong|wake|echo) shift ;;
    run) shift; trace_program "$@"; exit ;;
    --pid|--pid=*) trace_program "$@"; exit ;;
    -h|--help|"") sed -n '2,32p' "$0"; exit 2 ;;
    *) echo "unknown workload '$workload': use ping-pong, wake, echo, run -- COMMAND, or --pid P" >&2; exit 2 ;;
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

require_strace
build_bench
jar=bench/target/benchmarks.jar
out=bench/target/trace
mkdir -p "$out"
run_java=("$java" --enable-native-access=ALL-UNNAMED -XX:TieredStopAtLevel=4 -cp "$jar")
impls=(pollux runtime nio netty)
[[ -n "${io_uring:-}" ]] && impls+=(io_uring rt-io_uring)
[[ -n "${io_uring:-}" && $workload == echo ]] && impls+=(completion)
# The io_uring columns run Pollux's own classes with -Dpollux.backend=io_uring.
declare -A base_impl=([io_uring]=pollux [rt-io_uring]=runtime [completion]=runtime)
declare -A server_class=([pollux]=dev.pollux.bench.servers.PollEchoServer
                         [runtime]=dev.pollux.bench.servers.RuntimeEchoServer
                         [io_uring]=dev.pollux.bench.servers.PollEchoServer
                         [rt-io_uring]=dev.pollux.bench.servers.RuntimeEchoServer
                         [completion]=dev.pollux.bench.servers.RuntimeEchoServer
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
    [[ $impl == completion ]] && backend+=(-Dpollux.io_uring.completion_streams=true)
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
