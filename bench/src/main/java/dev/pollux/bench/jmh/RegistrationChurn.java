package dev.pollux.bench.jmh;

import dev.pollux.Interest;
import dev.pollux.Poll;
import dev.pollux.unix.Pipe;
import java.io.IOException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.concurrent.TimeUnit;
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
 * Benchmark 4: registration throughput. {@code *RegisterDeregister} adds a pipe's read end and
 * removes it again; {@code *Reregister} flips its interest between two sets. Pollux's calls take
 * effect at once (one {@code epoll_ctl} each). NIO defers both to the next select, so its
 * operations include the {@code selectNow()} calls that apply them (one per change, as a loop that
 * registers and deregisters between selects pays), and NIO cannot register a channel again before
 * a select has flushed its cancelled key.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
@State(Scope.Thread)
public class RegistrationChurn {
    private static final Interest READ = Interest.READABLE;
    private static final Interest BOTH = Interest.READABLE.add(Interest.WRITABLE);

    private Poll poll;
    private Pipe pipe;
    private Selector selector;
    private java.nio.channels.Pipe nioPipe;
    private SelectionKey key;
    private boolean flip;

    @Setup(Level.Trial)
    public void open() throws IOException {
        poll = Poll.open();
        pipe = Pipe.open();
        poll.registry().register(pipe.receiver(), 7, READ);
        selector = Selector.open();
        nioPipe = java.nio.channels.Pipe.open();
        nioPipe.source().configureBlocking(false);
        key = nioPipe.source().register(selector, SelectionKey.OP_READ);
    }

    @TearDown(Level.Trial)
    public void close() throws IOException {
        pipe.close();
        poll.close();
        nioPipe.source().close();
        nioPipe.sink().close();
        selector.close();
    }

    @Benchmark
    public void polluxRegisterDeregister() throws IOException {
        // The trial's registration is taken away first and put back at the end of each call,
        // so every operation is one register and one deregister.
        poll.registry().deregister(pipe.receiver());
        poll.registry().register(pipe.receiver(), 7, READ);
    }

    @Benchmark
    public void polluxReregister() throws IOException {
        flip = !flip;
        poll.registry().reregister(pipe.receiver(), 7, flip ? BOTH : READ);
    }

    @Benchmark
    public void nioRegisterDeregister() throws IOException {
        // Each selectNow() applies the change before it: without the first one NIO would fold the
        // register and the cancel together and never reach epoll at all.
        key.cancel();
        selector.selectNow();
        key = nioPipe.source().register(selector, SelectionKey.OP_READ);
        selector.selectNow();
    }

    @Benchmark
    public void nioReregister() throws IOException {
        flip = !flip;
        // A pipe source only supports OP_READ; 0 and OP_READ are the two interest sets.
        key.interestOps(flip ? 0 : SelectionKey.OP_READ);
        selector.selectNow();
    }
}
