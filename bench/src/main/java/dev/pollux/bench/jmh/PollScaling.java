package dev.pollux.bench.jmh;

import dev.pollux.Events;
import dev.pollux.Interest;
import dev.pollux.Poll;
import dev.pollux.Trigger;
import dev.pollux.net.UdpSocket;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Benchmark 3: one non-blocking poll with K sources ready out of M registered. M UDP sockets
 * (one descriptor each, so M = 10,000 fits the usual 20,000-descriptor limit) are registered
 * level-triggered for reading and K of them, spread evenly, hold a datagram, so every poll
 * returns the same K events; one operation is one poll plus reading each event's token. Events
 * per second is K divided by the time per operation. The point: the cost follows K, not M
 * (epoll keeps a ready list; nothing scans the registered set).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
@State(Scope.Thread)
public class PollScaling {
    @Param({"1", "64", "1024"})
    public int k;

    @Param({"1024", "10000"})
    public int m;

    private final List<UdpSocket> sockets = new ArrayList<>();
    private final List<DatagramChannel> channels = new ArrayList<>();
    private Poll poll;
    private Events events;
    private Selector selector;
    private long sum;
    private final Consumer<SelectionKey> action = key -> sum += key.readyOps();

    /** Which of the M sources hold a byte: K of them, evenly spread. */
    private boolean ready(int i) {
        int step = m / k;
        return i % step == 0 && i / step < k;
    }

    @Setup(Level.Trial)
    public void open(org.openjdk.jmh.infra.BenchmarkParams params) throws IOException {
        if (k > m) {
            throw new IllegalArgumentException("k > m");
        }
        ByteBuffer one = ByteBuffer.allocateDirect(1);
        InetSocketAddress loopback = new InetSocketAddress("127.0.0.1", 0);
        try (DatagramChannel sender = DatagramChannel.open()) {
            if (params.getBenchmark().endsWith("pollux")) {
                poll = Poll.open();
                events = Events.withCapacity(1024);
                for (int i = 0; i < m; i++) {
                    UdpSocket s = UdpSocket.bind(loopback);
                    sockets.add(s);
                    poll.registry().register(s, i, Interest.READABLE, Trigger.LEVEL);
                    if (ready(i)) {
                        sender.send(one.clear(), s.localAddress());
                    }
                }
            } else {
                selector = Selector.open();
                for (int i = 0; i < m; i++) {
                    DatagramChannel c = DatagramChannel.open().bind(loopback);
                    channels.add(c);
                    c.configureBlocking(false);
                    c.register(selector, SelectionKey.OP_READ);
                    if (ready(i)) {
                        sender.send(one.clear(), c.getLocalAddress());
                    }
                }
            }
        } catch (IOException e) {
            throw new IOException("could not open " + m + " UDP sockets; raise the limit with ulimit -n", e);
        }
    }

    @TearDown(Level.Trial)
    public void close() throws IOException {
        for (UdpSocket s : sockets) {
            s.close();
        }
        for (DatagramChannel c : channels) {
            c.close();
        }
        sockets.clear();
        channels.clear();
        if (poll != null) {
            poll.close();
        }
        if (selector != null) {
            selector.close();
        }
    }

    @Benchmark
    public long pollux() throws IOException {
        int n = poll.poll(events, Duration.ZERO);
        long s = 0;
        for (int i = 0; i < n; i++) {
            s += events.token(i);
        }
        if (n != k) {
            throw new IllegalStateException("expected " + k + " events, got " + n);
        }
        return s;
    }

    @Benchmark
    public long nio() throws IOException {
        sum = 0;
        int n = selector.selectNow(action);
        if (n != k) {
            throw new IllegalStateException("expected " + k + " events, got " + n);
        }
        return sum;
    }
}
