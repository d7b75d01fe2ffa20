#!/usr/bin/env bash
# Compares echo servers' CPU per message on a machine whose speed drifts (a shared VM): starts
# every server at once (an idle server costs nothing), warms each up, then drives them in turn
# with the C load generator in short slices, so that a slow minute of the host falls on all of
# them. Prints each server's total server CPU (utime + stime from /proc) per message and its
# rate, and writes every slice to bench/target/echo-interleaved.txt.
#
#   scripts/echo-interleaved.sh [--cycles N] [--slice SECONDS] NAME=MAINCLASS[:JVMFLAG,JVMFLAG...] ...
#
# MAINCLASS is a server in dev.pollux.bench.servers (PollEchoServer, RuntimeEchoServer, ...), one
# event loop each, 32 connections x 1 in flight x 64 B. Needs bench/target/benchmarks.jar
# (./mvnw -B package -pl bench -am -DskipTests) and gcc. For example, the executor on epoll, on
# io_uring readiness and on io_uring completion-based streams:
#   scripts/echo-interleaved.sh epoll=RuntimeEchoServer:-Dpollux.backend=epoll \
#       uring=RuntimeEchoServer:-Dpollux.backend=io_uring \
#       completion=RuntimeEchoServer:-Dpollux.backend=io_uring,-Dpollux.io_uring.completion_streams=true
set -euo pipefail
cd "$(dirname "$0")/.."
cycles=12
slice=2
servers=()
while (($#)); do
    case "$1" in
        --cycles) cycles=$2; shift 2 ;;
        --slice) slice=$2; shift 2 ;;
        *=*) servers+=("$1"); shift ;;
        *) sed -n '2,16p' "$0"; exit 2 ;;
    esac
done
((${#servers[@]})) || { sed -n '2,16p' "$0"; exit 2; }
. scripts/java-home.sh
mkdir -p bench/target/c
gcc -O2 -Wall -pthread -o bench/target/c/echo_client bench/src/main/c/echo_client.c
client=bench/target/c/echo_client
slices=bench/target/echo-interleaved.txt
: >"$slices"
declare -A pid port cpu msgs
names=()
trap 'for p in "${pid[@]}"; do kill "$p" 2>/dev/null || true; done' EXIT
for spec in "${servers[@]}"; do
    name=${spec%%=*}
    rest=${spec#*=}
    class=${rest%%:*}
    flags=()
    [[ $rest == *:* ]] && IFS=, read -ra flags <<<"${rest#*:}"
    log=bench/target/echo-interleaved-$name.log
    "$java" --enable-native-access=ALL-UNNAMED "${flags[@]}" -cp bench/target/benchmarks.jar \
        "dev.pollux.bench.servers.$class" --port 0 --threads 1 >"$log" 2>&1 &
    pid[$name]=$!
    names+=("$name")
    for _ in $(seq 300); do grep -q ready "$log" && break; sleep 0.1; done
    port[$name]=$(grep ready "$log" | grep -o 'port [0-9]*' | head -1 | cut -d' ' -f2)
    "$client" --port "${port[$name]}" --duration 3 --connections 32 --depth 1 --size 64 >/dev/null
    cpu[$name]=0
    msgs[$name]=0
done
ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
hz=$(getconf CLK_TCK)
for c in $(seq "$cycles"); do
    for name in "${names[@]}"; do
        t0=$(ticks "${pid[$name]}")
        result=$("$client" --port "${port[$name]}" --duration "$slice" --connections 32 --depth 1 --size 64)
        t1=$(ticks "${pid[$name]}")
        m=$(grep -o 'messages=[0-9]*' <<<"$result" | cut -d= -f2)
        cpu[$name]=$((cpu[$name] + t1 - t0))
        msgs[$name]=$((msgs[$name] + m))
        awk -v c="$c" -v n="$name" -v t=$((t1 - t0)) -v m="$m" -v hz="$hz" \
            'BEGIN { printf "cycle %d %s %.3f us/msg %d messages\n", c, n, t * 1e6 / hz / m, m }' >>"$slices"
    done
done
for name in "${names[@]}"; do
    awk -v n="$name" -v t="${cpu[$name]}" -v m="${msgs[$name]}" -v hz="$hz" -v s=$((cycles * slice)) \
        'BEGIN { printf "%-12s %7.3f us/msg %9.0f msg/s\n", n, t * 1e6 / hz / m, m / s }'
done
