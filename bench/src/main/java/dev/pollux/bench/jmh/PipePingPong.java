package dev.pollux.bench.jmh;

import dev.pollux.Events;
import dev.pollux.Interest;
import dev.pollux.Poll;
import dev.pollux.unix.Pipe;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Benchmark 1: token passing through a pipe on one thread. One operation writes one byte into
 * the pipe, waits for readiness (a blocking wait that returns at once) and reads the byte back:
 * one write, one wait, one read, the least a readiness loop can do. The C floor
 * ({@code bench/src/main/c/pipe_pingpong.c}) runs the same loop on epoll.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class PipePingPong {

    /** Pollux: a Pipe's receiver registered edge-triggered on a Poll. */
    @State(Scope.Thread)
    public static class PolluxPipe {
        Poll poll;
        Pipe pipe;
        Events events;
        final ByteBuffer one = ByteBuffer.allocateDirect(1);
        final ByteBuffer in = ByteBuffer.allocateDirect(64);

        @Setup(Level.Trial)
        public void open() throws IOException {
            poll = Poll.open();
            pipe = Pipe.open();
            events = Events.withCapacity(16);
            poll.registry().register(pipe.receiver(), 1, Interest.READABLE);
        }

        @TearDown(Level.Trial)
        public void close() throws IOException {
            pipe.close();
            poll.close();
        }
    }

    /** JDK NIO: a {@code java.nio.channels.Pipe} source on a Selector, selected with a reused action. */
    @State(Scope.Thread)
    public static class NioPipe {
        Selector selector;
        java.nio.channels.Pipe pipe;
        final ByteBuffer one = ByteBuffer.allocateDirect(1);
        final ByteBuffer in = ByteBuffer.allocateDirect(64);
        int read;
        // Selector.select(Consumer) skips the selected-key set; one action reused for every call
        // is the allocation-free way to use it.
        final Consumer<SelectionKey> action = key -> {
            try {
                in.clear();
                read += ((java.nio.channels.Pipe.SourceChannel) key.channel()).read(in);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        };

        @Setup(Level.Trial)
        public void open() throws IOException {
            selector = Selector.open();
            pipe = java.nio.channels.Pipe.open();
            pipe.source().configureBlocking(false);
            pipe.sink().configureBlocking(false);
            pipe.source().register(selector, SelectionKey.OP_READ);
        }

        @TearDown(Level.Trial)
        public void close() throws IOException {
            pipe.source().close();
            pipe.sink().close();
            selector.close();
        }
    }

    @Benchmark
    public int pollux(PolluxPipe s) throws IOException {
        s.pipe.sender().write(s.one.clear());
        s.poll.poll(s.events, null);
        int read = 0;
        for (int i = 0; i < s.events.size(); i++) {
            if (s.events.token(i) == 1) {
                // A short read of a pipe means it is empty: no second read to see EAGAIN.
                read += s.pipe.receiver().read(s.in.clear());
            }
        }
        return read;
    }

    @Benchmark
    public int nio(NioPipe s) throws IOException {
        s.pipe.sink().write(s.one.clear());
        s.read = 0;
        s.selector.select(s.action);
        return s.read;
    }
}
