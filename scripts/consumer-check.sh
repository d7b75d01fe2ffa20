#!/usr/bin/env bash
# Uses Pollux the way a user does: installs it in the local Maven repository, creates a new Maven
# project outside this tree (mktemp -d) that depends on dev.pollux:pollux-poller, builds the
# README's quick-start snippets in it (the <dependency> block and Echo.java, read from README.md
# so that the README stays true) plus an echo server on the executor, compiles them twice (module
# path with `requires dev.pollux;`, and plain class path) and runs each with the README's exact
# native-access flag, checking that a line sent over TCP comes back. Then runs the class-path
# build without the flag and checks what a user sees: Pollux's one-line warning naming the flag,
# and no stack trace.
#
#   scripts/consumer-check.sh              install the library modules (tests skipped: CI has run them), then check
#   scripts/consumer-check.sh --no-install check against what is already installed
#
# The consumer project is built with the Maven the wrapper downloaded (~/.m2/wrapper) on the JDK
# ./mvnw uses, with the default local repository.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

install=1
for arg in "$@"; do
    case "$arg" in
        --no-install) install= ;;
        -h|--help) sed -n '2,15p' "$0"; exit 0 ;;
        *) echo "unknown option $arg" >&2; exit 2 ;;
    esac
done

if [[ -n $install ]]; then
    echo "installing Pollux in the local repository" >&2
    ./mvnw -B -q install -DskipTests -pl poller -am >&2
fi

. scripts/java-home.sh
export JAVA_HOME=${java%/bin/java}
version=$(sed -n 's|^distributionUrl=.*/apache-maven-\([0-9.]*\)-bin.zip|\1|p' .mvn/wrapper/maven-wrapper.properties)
mvn=$(ls -d "${MAVEN_USER_HOME:-$HOME/.m2}"/wrapper/dists/apache-maven-"$version"/*/bin/mvn 2>/dev/null | head -n 1)
[[ -x $mvn ]] || { echo "no Maven $version under ~/.m2/wrapper: run ./mvnw once" >&2; exit 1; }
# The JVM options ./mvnw gives Maven (quiets Maven's own warnings on JDK 25).
export MAVEN_OPTS="${MAVEN_OPTS:-} $(cat .mvn/jvm.config)"

# The exact flags the README gives (checked below to be there, word for word).
flag_mp=--enable-native-access=dev.pollux.bindings,dev.pollux.ffi.epoll,dev.pollux.ffi.kqueue,dev.pollux.ffi.iocp
flag_cp=--enable-native-access=ALL-UNNAMED

# The fenced block that follows the README line `<!-- consumer-check: NAME ... -->`.
snippet() {
    awk -v name="$1" '
        index($0, "<!-- consumer-check: " name) == 1 { found = 1; next }
        found && /^```/ { if (inside) exit; inside = 1; next }
        inside { print }' README.md
}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
dependency=$(snippet dependency)
[[ -n $dependency ]] || { echo "README.md has no consumer-check dependency block" >&2; exit 1; }
echo_source=$(snippet Echo.java)
[[ -n $echo_source ]] || { echo "README.md has no consumer-check Echo.java block" >&2; exit 1; }

# One consumer project: the README's Echo.java, and TaskEcho.java (the same server on the
# executor, a task per connection). $2 = "module" adds a module-info.java.
make_project() {
    local dir=$1 layout=$2
    mkdir -p "$dir/src/main/java/echo"
    cat >"$dir/pom.xml" <<EOF
<?xml version="1.0" encoding="UTF-8"?>
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>example</groupId>
  <artifactId>pollux-consumer-$layout</artifactId>
  <version>1</version>
  <properties>
    <maven.compiler.release>25</maven.compiler.release>
    <project.build.sourceEncoding>UTF-8</project.build.sourceEncoding>
  </properties>
  <dependencies>
$dependency
  </dependencies>
</project>
EOF
    printf '%s\n' "$echo_source" >"$dir/src/main/java/echo/Echo.java"
    cat >"$dir/src/main/java/echo/TaskEcho.java" <<'EOF'
package echo;

import dev.pollux.net.TcpStream;
import dev.pollux.runtime.AsyncStream;
import dev.pollux.runtime.Blocking;
import dev.pollux.runtime.EventLoopGroup;
import dev.pollux.runtime.TcpServer;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;

/** The echo server on the executor: one event loop, a virtual thread per connection. */
public class TaskEcho {
    public static void main(String[] args) throws Exception {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 7000;
        try (EventLoopGroup loops = EventLoopGroup.open(1)) {
            TcpServer server = loops.serve(new InetSocketAddress("127.0.0.1", port), (AsyncStream<TcpStream> s) ->
                    s.loop().spawnBlocking(() -> {
                        ByteBuffer buf = ByteBuffer.allocate(16 * 1024);
                        while (Blocking.await(s.read(buf.clear())) > 0) {
                            Blocking.await(s.writeAll(buf.flip()));
                        }
                        return null;
                    }));
            System.out.println("task echo server on " + server.localAddress());
            loops.awaitTermination(Duration.ofDays(1));
        }
    }
}
EOF
    if [[ $layout == module ]]; then
        printf 'module app {\n    requires dev.pollux;\n}\n' >"$dir/src/main/java/module-info.java"
    fi
    (cd "$dir" && "$mvn" -B -q compile dependency:build-classpath -Dmdep.outputFile=cp.txt) >&2
}

# Starts `java ARGS... 0` (port 0), waits for its "echo server on HOST:PORT" line, sends a line over
# TCP and checks that it comes back, stops the server; the server's output goes to $1.
check_echo() {
    local log=$1 pid port reply
    shift
    "$java" "$@" 0 >"$log" 2>&1 &
    pid=$!
    for _ in $(seq 150); do
        grep -q "echo server on" "$log" && break
        kill -0 "$pid" 2>/dev/null || { cat "$log" >&2; echo "FAIL: the server exited" >&2; return 1; }
        sleep 0.2
    done
    port=$(sed -n 's/.*echo server on [^ ]*:\([0-9]*\).*/\1/p' "$log" | head -n 1)
    [[ -n $port ]] || { cat "$log" >&2; kill "$pid"; echo "FAIL: no 'echo server on' line" >&2; return 1; }
    exec 3<>"/dev/tcp/127.0.0.1/$port"
    printf 'hello pollux\n' >&3
    IFS= read -r -t 20 reply <&3 || true
    exec 3<&- 3>&-
    kill "$pid"
    wait "$pid" 2>/dev/null || true
    if [[ $reply != "hello pollux" ]]; then
        cat "$log" >&2
        echo "FAIL: sent 'hello pollux', got '$reply'" >&2
        return 1
    fi
    echo "ok: $(grep "echo server on" "$log") echoed 'hello pollux'"
}

for flag in "$flag_cp" "$flag_mp"; do
    grep -qF -- "$flag" README.md || { echo "FAIL: README.md does not give $flag" >&2; exit 1; }
done

make_project "$work/classpath" classpath
make_project "$work/module" module
cp_classpath="$work/classpath/target/classes:$(cat "$work/classpath/cp.txt")"
cp_module="$work/module/target/classes:$(cat "$work/module/cp.txt")"

# --illegal-native-access=deny makes any restricted call the flag does not cover fail, so these
# runs prove the flags are sufficient, not only that they silence warnings.
strict=--illegal-native-access=deny
echo "class path, $flag_cp"
check_echo "$work/cp-poll.log" "$flag_cp" "$strict" -cp "$cp_classpath" echo.Echo
check_echo "$work/cp-task.log" "$flag_cp" "$strict" -cp "$cp_classpath" echo.TaskEcho
echo "module path, $flag_mp"
check_echo "$work/mp-poll.log" "$flag_mp" "$strict" -p "$cp_module" -m app/echo.Echo
check_echo "$work/mp-task.log" "$flag_mp" "$strict" -p "$cp_module" -m app/echo.TaskEcho
for log in "$work"/cp-*.log "$work"/mp-*.log; do
    if grep -q WARNING "$log"; then
        cat "$log" >&2
        echo "FAIL: a warning with the flag given ($log)" >&2
        exit 1
    fi
done

# Without the flag: the program still runs (JDK 25 allows restricted calls with a warning), and
# the user sees Pollux's warning with the exact flag, not a stack trace.
for layout in classpath module; do
    if [[ $layout == classpath ]]; then
        args=(-cp "$cp_classpath" echo.Echo) expected=$flag_cp
    else
        args=(-p "$cp_module" -m app/echo.Echo) expected=$flag_mp
    fi
    echo "$layout without the flag: what the user sees"
    check_echo "$work/$layout-noflag.log" "${args[@]}"
    sed 's/^/    /' "$work/$layout-noflag.log"
    grep -q "WARNING: Pollux calls the OS through the FFM API.*Run java with $expected " "$work/$layout-noflag.log" \
        || { echo "FAIL: no Pollux warning naming $expected" >&2; exit 1; }
    if grep -qE '^\s+at |Exception' "$work/$layout-noflag.log"; then
        echo "FAIL: a stack trace without the flag" >&2
        exit 1
    fi
done
echo "consumer check passed: Pollux as a dependency, on the class path and the module path, through Poll and the executor"
