package dev.pollux.bench.jmh;

import dev.pollux.Events;
import dev.pollux.Interest;
import dev.pollux.Poll;
import dev.pollux.unix.Pipe;
import java.io.IOException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Benchmark 4: registration throughput, as an event loop changes registrations between two polls.
 * Each invocation changes the registrations of {@value #BATCH} pipes' read ends and then polls
 * once without waiting, which applies what is still pending; one operation is one change.
 * {@code *RegisterDeregister} removes a registration and adds it again; {@code *Reregister} flips
 * its interest between two sets. On epoll, Pollux's calls take effect at once (one
 * {@code epoll_ctl} each) and the poll is one {@code epoll_wait}; on io_uring they queue, and the
 * poll submits them all (a removal and a new poll request per change) in its one
 * {@code io_uring_enter}. NIO defers changes to the next select too, but cannot register a channel
 * again before a select has flushed its cancelled key: its register + deregister selects twice
 * per batch.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
@State(Scope.Thread)
public class RegistrationChurn {
    static final int BATCH = 64;
    private static final Interest READ = Interest.READABLE;
    private static final Interest BOTH = Interest.READABLE.add(Interest.WRITABLE);

    private Poll poll;
    private Events events;
    private final Pipe[] pipes = new Pipe[BATCH];
    private Selector selector;
    private final java.nio.channels.Pipe[] nioPipes = new java.nio.channels.Pipe[BATCH];
    private final SelectionKey[] keys = new SelectionKey[BATCH];
    private boolean flip;

    @Setup(Level.Trial)
    public void open() throws IOException {
        poll = Poll.open();
        events = Events.withCapacity(BATCH);
        selector = Selector.open();
        for (int i = 0; i < BATCH; i++) {
            pipes[i] = Pipe.open();
            poll.registry().register(pipes[i].receiver(), i, READ);
            nioPipes[i] = java.nio.channels.Pipe.open();
            nioPipes[i].source().configureBlocking(false);
            keys[i] = nioPipes[i].source().register(selector, SelectionKey.OP_READ);
        }
        poll.poll(events, Duration.ZERO);
        selector.selectNow();
    }

    @TearDown(Level.Trial)
    public void close() throws IOException {
        for (int i = 0; i < BATCH; i++) {
            pipes[i].close();
            nioPipes[i].source().close();
            nioPipes[i].sink().close();
        }
        poll.close();
        selector.close();
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public int polluxRegisterDeregister() throws IOException {
        // The trial's registrations are taken away and put back, so every operation is one
        // deregister and one register.
        for (int i = 0; i < BATCH; i++) {
            poll.registry().deregister(pipes[i].receiver());
            poll.registry().register(pipes[i].receiver(), i, READ);
        }
        return poll.poll(events, Duration.ZERO);
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public int polluxReregister() throws IOException {
        flip = !flip;
        Interest interest = flip ? BOTH : READ;
        for (int i = 0; i < BATCH; i++) {
            poll.registry().reregister(pipes[i].receiver(), i, interest);
        }
        return poll.poll(events, Duration.ZERO);
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public int nioRegisterDeregister() throws IOException {
        for (int i = 0; i < BATCH; i++) {
            keys[i].cancel();
        }
        selector.selectNow(); // flushes the cancelled keys: only then may the channels register again
        for (int i = 0; i < BATCH; i++) {
            keys[i] = nioPipes[i].source().register(selector, SelectionKey.OP_READ);
        }
        return selector.selectNow();
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public int nioReregister() throws IOException {
        flip = !flip;
        // A pipe source only supports OP_READ; 0 and OP_READ are the two interest sets.
        int ops = flip ? 0 : SelectionKey.OP_READ;
        for (int i = 0; i < BATCH; i++) {
            keys[i].interestOps(ops);
        }
        return selector.selectNow();
    }
}
