package dev.pollux.bench.trace;

import dev.pollux.Events;
import dev.pollux.Interest;
import dev.pollux.Poll;
import dev.pollux.Waker;
import dev.pollux.net.TcpListener;
import dev.pollux.net.TcpStream;
import dev.pollux.runtime.Async;
import dev.pollux.runtime.AsyncStream;
import dev.pollux.runtime.Context;
import dev.pollux.runtime.TaskHandle;
import dev.pollux.runtime.TaskWaker;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The workloads {@code scripts/trace.sh} runs under strace, for Pollux on {@code Poll}, Pollux's
 * executor ({@code dev.pollux.runtime}), JDK NIO and Netty epoll, each as the library's users
 * would write it:
 *
 * <ul>
 *   <li>{@code ping-pong}: one thread passes one byte back and forth over a loopback TCP
 *       connection; one operation is one hop (wait, read, write). On the executor, one task per
 *       end echoes what it reads and reads again until the read would block (the reactor
 *       clears readiness only then).
 *   <li>{@code wake}: two threads wake each other ({@link Waker}, {@code Selector.wakeup()},
 *       {@code EventLoop.execute}; on the executor, a task on each of two event loops wakes the
 *       other's {@link TaskWaker}); one operation is one round trip.
 * </ul>
 *
 * <p>Runs {@code warmup} operations (JIT), then marks the trace ({@link Markers}), runs
 * {@code ops} operations and marks the end.
 *
 * <p>{@code java -cp benchmarks.jar dev.pollux.bench.trace.TraceWorkload pollux|runtime|nio|netty ping-pong|wake OPS WARMUP}
 */
public final class TraceWorkload {
    private TraceWorkload() {}

    public static void main(String[] args) throws Exception {
        if (args.length != 4) {
            throw new IllegalArgumentException("usage: TraceWorkload pollux|runtime|nio|netty ping-pong|wake OPS WARMUP");
        }
        int ops = Integer.parseInt(args[2]);
        int warmup = Integer.parseInt(args[3]);
        switch (args[0] + " " + args[1]) {
            case "pollux ping-pong" -> polluxPingPong(ops, warmup);
            case "runtime ping-pong" -> runtimePingPong(ops, warmup);
            case "nio ping-pong" -> nioPingPong(ops, warmup);
            case "netty ping-pong" -> nettyPingPong(ops, warmup);
            case "pollux wake" -> polluxWake(ops, warmup);
            case "runtime wake" -> runtimeWake(ops, warmup);
            case "nio wake" -> nioWake(ops, warmup);
            case "netty wake" -> nettyWake(ops, warmup);
            default -> throw new IllegalArgumentException("unknown implementation or workload: " + args[0] + " " + args[1]);
        }
        System.out.println(args[0] + " " + args[1] + ": " + ops + " operations traced");
    }

    // ---- ping-pong --------------------------------------------------------------------------

    private static void polluxPingPong(int ops, int warmup) throws IOException {
        try (Poll poll = Poll.open();
                TcpListener listener = TcpListener.bind(new InetSocketAddress("127.0.0.1", 0))) {
            TcpStream a = TcpStream.connect(listener.localAddress());
            TcpStream b;
            while ((b = listener.accept()) == null) {
                Thread.onSpinWait();
            }
            TcpStream[] ends = {a, b};
            for (int i = 0; i < 2; i++) {
                ends[i].setOption(StandardSocketOptions.TCP_NODELAY, true);
                poll.registry().register(ends[i], i, Interest.READABLE);
            }
            Events events = Events.withCapacity(16);
            ByteBuffer buf = ByteBuffer.allocateDirect(64);
            Markers.hotThread();
            while (a.write(ByteBuffer.allocateDirect(1)) == 0) {
                Thread.onSpinWait(); // the connect is still completing
            }
            polluxHops(poll, events, ends, buf, warmup);
            Markers.begin();
            polluxHops(poll, events, ends, buf, ops);
            Markers.end();
            a.close();
            b.close();
        }
    }

    private static void polluxHops(Poll poll, Events events, TcpStream[] ends, ByteBuffer buf, int hops)
            throws IOException {
        int done = 0;
        while (done < hops) {
            poll.poll(events, null);
            for (int i = 0; i < events.size(); i++) {
                int token = (int) events.token(i);
                // A short read means the socket is drained: no extra read to see EAGAIN.
                int n = ends[token].read(buf.clear());
                if (n > 0) {
                    ends[1 - token].write(buf.flip());
                    done++;
                }
            }
        }
    }

    private static void runtimePingPong(int ops, int warmup) throws Exception {
        try (dev.pollux.runtime.EventLoop loop = dev.pollux.runtime.EventLoop.open("trace-loop");
                TcpListener listener = TcpListener.bind(new InetSocketAddress("127.0.0.1", 0))) {
            TcpStream a = TcpStream.connect(listener.localAddress());
            TcpStream b;
            while ((b = listener.accept()) == null) {
                Thread.onSpinWait();
            }
            a.setOption(StandardSocketOptions.TCP_NODELAY, true);
            b.setOption(StandardSocketOptions.TCP_NODELAY, true);
            AsyncStream<TcpStream> sa = AsyncStream.of(loop, a);
            AsyncStream<TcpStream> sb = AsyncStream.of(loop, b);
            loop.blockOn(cx -> {
                Markers.hotThread();
                return null;
            });
            CompletableFuture<Void> finished = new CompletableFuture<>();
            int[] hops = {0};
            loop.spawn(new TaskBouncer(sa, hops, warmup, ops + warmup, finished));
            loop.spawn(new TaskBouncer(sb, hops, warmup, ops + warmup, finished));
            ByteBuffer first = ByteBuffer.allocateDirect(1);
            loop.blockOn(cx -> sa.pollWrite(cx, first) == Async.PENDING_COUNT ? Async.PENDING : null);
            finished.join();
        } // closing the loop cancels the other bouncer and closes both streams
    }

    /**
     * The executor: one task per end that echoes each byte it reads and reads again until the
     * read would block, counting hops on the loop's thread; the task making the last hop marks
     * the end and completes {@code finished}.
     */
    private static final class TaskBouncer implements Async<Void> {
        private final AsyncStream<TcpStream> stream;
        private final int[] hops;
        private final int warmup;
        private final int total;
        private final CompletableFuture<Void> finished;
        private final ByteBuffer buf = ByteBuffer.allocateDirect(64);
        private boolean writing;

        TaskBouncer(AsyncStream<TcpStream> stream, int[] hops, int warmup, int total, CompletableFuture<Void> finished) {
            this.stream = stream;
            this.hops = hops;
            this.warmup = warmup;
            this.total = total;
            this.finished = finished;
        }

        @Override
        public Object poll(Context cx) throws IOException {
            while (true) {
                if (!writing) {
                    int n = stream.pollRead(cx, buf.clear());
                    if (n == Async.PENDING_COUNT) {
                        return PENDING;
                    }
                    if (n < 0) {
                        return null;
                    }
                    if (++hops[0] == warmup) {
                        Markers.begin();
                    }
                    if (hops[0] == total) {
                        Markers.end();
                        finished.complete(null);
                        return null;
                    }
                    buf.flip();
                    writing = true;
                }
                if (stream.pollWrite(cx, buf) == Async.PENDING_COUNT) {
                    return PENDING;
                }
                writing = buf.hasRemaining();
            }
        }
    }

    private static void nioPingPong(int ops, int warmup) throws IOException {
        try (Selector selector = Selector.open();
                ServerSocketChannel listener = ServerSocketChannel.open().bind(new InetSocketAddress("127.0.0.1", 0))) {
            SocketChannel a = SocketChannel.open(listener.getLocalAddress());
            SocketChannel b = listener.accept();
            SocketChannel[] ends = {a, b};
            for (int i = 0; i < 2; i++) {
                ends[i].setOption(StandardSocketOptions.TCP_NODELAY, true);
                ends[i].configureBlocking(false);
                ends[i].register(selector, SelectionKey.OP_READ, i);
            }
            ByteBuffer buf = ByteBuffer.allocateDirect(64);
            int[] done = {0};
            java.util.function.Consumer<SelectionKey> hop = key -> {
                try {
                    int token = (Integer) key.attachment();
                    if (ends[token].read(buf.clear()) > 0) {
                        ends[1 - token].write(buf.flip());
                        done[0]++;
                    }
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            };
            Markers.hotThread();
            a.write(ByteBuffer.allocateDirect(1));
            while (done[0] < warmup) {
                selector.select(hop);
            }
            Markers.begin();
            done[0] = 0;
            while (done[0] < ops) {
                selector.select(hop);
            }
            Markers.end();
            a.close();
            b.close();
        }
    }

    private static void nettyPingPong(int ops, int warmup) throws Exception {
        MultiThreadIoEventLoopGroup group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
        try {
            EventLoop loop = group.next();
            loop.submit(Markers::hotThread).sync();
            Bouncer bouncer = new Bouncer();
            Channel server = new ServerBootstrap().group(group).channel(EpollServerSocketChannel.class)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childHandler(new ChannelInitializer<>() {
                        @Override
                        protected void initChannel(Channel ch) {
                            ch.pipeline().addLast(bouncer);
                        }
                    })
                    .bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
            Channel client = new Bootstrap().group(group).channel(EpollSocketChannel.class)
                    .option(ChannelOption.TCP_NODELAY, true)
                    .handler(bouncer)
                    .connect(server.localAddress()).sync().channel();
            bouncer.run(client, warmup);
            Markers.begin();
            bouncer.run(client, ops);
            Markers.end();
            client.close().sync();
            server.close().sync();
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
    }

    /** Netty handler for both ends: bounce each byte back until the count is reached. */
    @io.netty.channel.ChannelHandler.Sharable
    private static final class Bouncer extends ChannelInboundHandlerAdapter {
        private int remaining;
        private volatile CountDownLatch done;

        void run(Channel client, int hops) throws InterruptedException {
            CountDownLatch latch = new CountDownLatch(1);
            client.eventLoop().execute(() -> {
                remaining = hops;
                done = latch;
                client.writeAndFlush(client.alloc().directBuffer(1).writeByte(1));
            });
            latch.await();
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf buf = (ByteBuf) msg;
            if (--remaining > 0) {
                ctx.writeAndFlush(buf);
            } else {
                buf.release();
                done.countDown();
            }
        }
    }

    // ---- wake -------------------------------------------------------------------------------

    private static void polluxWake(int ops, int warmup) throws Exception {
        try (Poll pollA = Poll.open(); Poll pollB = Poll.open()) {
            Waker wakeA = new Waker(pollA.registry(), 1);
            Waker wakeB = new Waker(pollB.registry(), 2);
            Events eventsA = Events.withCapacity(4);
            Events eventsB = Events.withCapacity(4);
            int total = ops + warmup;
            Thread b = Thread.ofPlatform().start(() -> {
                try {
                    Markers.hotThread();
                    for (int i = 0; i < total; i++) {
                        while (pollB.poll(eventsB, null) == 0) {
                            // a signal: wait again
                        }
                        wakeA.wake();
                    }
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            });
            Markers.hotThread();
            for (int i = 0; i < total; i++) {
                if (i == warmup) {
                    Markers.begin();
                }
                wakeB.wake();
                while (pollA.poll(eventsA, Duration.ofSeconds(10)) == 0) {
                    // a signal: wait again
                }
            }
            Markers.end();
            b.join();
        }
    }

    private static void runtimeWake(int ops, int warmup) throws Exception {
        try (dev.pollux.runtime.EventLoop loopA = dev.pollux.runtime.EventLoop.open("trace-loop-a");
                dev.pollux.runtime.EventLoop loopB = dev.pollux.runtime.EventLoop.open("trace-loop-b")) {
            for (dev.pollux.runtime.EventLoop loop : new dev.pollux.runtime.EventLoop[] {loopA, loopB}) {
                loop.blockOn(cx -> {
                    Markers.hotThread();
                    return null;
                });
            }
            Rally rally = new Rally(warmup, ops + warmup);
            loopB.spawn(rally.b);
            while (rally.wakerB == null) {
                Thread.onSpinWait(); // B has run once and published its waker
            }
            TaskHandle<Void> a = loopA.spawn(rally);
            a.join();
        } // closing loop B cancels its task
    }

    /** The executor: task A (on loop A) and task B (on loop B) wake each other; A counts the round trips. */
    private static final class Rally implements Async<Void> {
        private final int warmup;
        private final int total;
        private int rounds;
        volatile TaskWaker wakerA;
        volatile TaskWaker wakerB;

        final Async<Void> b = cx -> {
            if (wakerB == null) {
                wakerB = cx.waker();
            } else {
                wakerA.wake();
            }
            return Async.PENDING;
        };

        Rally(int warmup, int total) {
            this.warmup = warmup;
            this.total = total;
        }

        @Override
        public Object poll(Context cx) {
            if (wakerA == null) {
                wakerA = cx.waker();
            }
            if (rounds == warmup) {
                Markers.begin();
            }
            if (rounds == total) {
                Markers.end();
                return null;
            }
            rounds++;
            wakerB.wake();
            return PENDING;
        }
    }

    private static void nioWake(int ops, int warmup) throws Exception {
        try (Selector selA = Selector.open(); Selector selB = Selector.open()) {
            int total = ops + warmup;
            Thread b = Thread.ofPlatform().start(() -> {
                try {
                    Markers.hotThread();
                    for (int i = 0; i < total; i++) {
                        selB.select();
                        selA.wakeup();
                    }
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            });
            Markers.hotThread();
            for (int i = 0; i < total; i++) {
                if (i == warmup) {
                    Markers.begin();
                }
                selB.wakeup();
                selA.select();
            }
            Markers.end();
            b.join();
        }
    }

    private static void nettyWake(int ops, int warmup) throws Exception {
        MultiThreadIoEventLoopGroup group = new MultiThreadIoEventLoopGroup(2, EpollIoHandler.newFactory());
        try {
            EventLoop a = group.next();
            EventLoop b = group.next();
            a.submit(Markers::hotThread).sync();
            b.submit(Markers::hotThread).sync();
            new Volley(a, b, warmup).play();
            Markers.begin();
            new Volley(a, b, ops).play();
            Markers.end();
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
    }

    /** Netty: a task hops from loop A to loop B and back, {@code rounds} times. */
    private static final class Volley {
        private final EventLoop a;
        private final EventLoop b;
        private final CountDownLatch done = new CountDownLatch(1);
        private int remaining;
        private final Runnable onA = this::onA;
        private final Runnable onB = this::onB;

        Volley(EventLoop a, EventLoop b, int rounds) {
            this.a = a;
            this.b = b;
            this.remaining = rounds;
        }

        void play() throws InterruptedException {
            a.execute(onA);
            done.await();
        }

        private void onA() {
            if (remaining-- == 0) {
                done.countDown();
            } else {
                b.execute(onB);
            }
        }

        private void onB() {
            a.execute(onA);
        }
    }
}
