package dev.pollux.bench;

import dev.pollux.bench.servers.RuntimeEchoServer;
import dev.pollux.net.TcpStream;
import dev.pollux.runtime.Async;
import dev.pollux.runtime.AsyncStream;
import dev.pollux.runtime.Blocking;
import dev.pollux.runtime.Context;
import dev.pollux.runtime.EventLoop;
import dev.pollux.runtime.EventLoopGroup;
import dev.pollux.runtime.TaskHandle;
import dev.pollux.runtime.TcpServer;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * What sequential task code on virtual threads costs against a hand-written state machine: the
 * same echo server on one event loop, written both ways, driven by ping-pong clients (64-byte
 * messages, one outstanding per connection) on a second loop. Prints round trips per second and
 * microseconds per round trip for each, alternating the two for a few rounds.
 *
 * <p>{@code VirtualThreadCost [connections=16] [seconds per round=3] [rounds=3]}. A demonstration
 * on whatever machine runs it, not a benchmark: both sides share the machine's cores.
 */
public final class VirtualThreadCost {
    private static final int MESSAGE = 64;

    private VirtualThreadCost() {}

    public static void main(String[] args) throws Exception {
        int connections = args.length > 0 ? Integer.parseInt(args[0]) : 16;
        int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        System.out.printf("echo of %d-byte messages, %d connections, %d s per round, server on 1 event loop%n",
                MESSAGE, connections, seconds);
        for (int round = 1; round <= rounds; round++) {
            for (boolean virtual : new boolean[] {false, true}) {
                long trips = run(virtual, connections, seconds);
                double perSecond = trips / (double) seconds;
                System.out.printf("round %d  %-34s %,10.0f round trips/s  %6.2f us per round trip%n", round,
                        virtual ? "virtual thread + Blocking.await" : "hand-written Async state machine",
                        perSecond, 1e6 * connections / perSecond);
            }
        }
    }

    private static long run(boolean virtual, int connections, int seconds) throws Exception {
        try (EventLoopGroup server = EventLoopGroup.open(1); EventLoop clients = EventLoop.open("cost-clients")) {
            EventLoop loop = server.loop(0);
            TcpServer echo = server.serve(new InetSocketAddress("127.0.0.1", 0),
                    virtual ? s -> loop.spawnBlocking(() -> blockingEcho(s)) : RuntimeEchoServer.Echo::new);
            long end = System.nanoTime() + seconds * 1_000_000_000L;
            List<TaskHandle<Long>> handles = new ArrayList<>();
            for (int i = 0; i < connections; i++) {
                handles.add(clients.spawn(new PingPong(echo.localAddress(), end)));
            }
            long trips = 0;
            for (TaskHandle<Long> h : handles) {
                trips += h.join();
            }
            echo.close();
            return trips;
        }
    }

    /** The virtual-thread echo: sequential code, one await per read and per write. */
    private static Void blockingEcho(AsyncStream<TcpStream> s) throws Exception {
        ByteBuffer buf = ByteBuffer.allocateDirect(16 * 1024);
        while (Blocking.await(s.read(buf.clear())) > 0) {
            Blocking.await(s.writeAll(buf.flip()));
        }
        return null;
    }

    /** A client that sends one message, waits for its echo, and repeats until the deadline. */
    private static final class PingPong implements Async<Long> {
        private final Async<AsyncStream<TcpStream>> connect;
        private final long end;
        private final ByteBuffer out = ByteBuffer.allocateDirect(MESSAGE);
        private final ByteBuffer in = ByteBuffer.allocateDirect(MESSAGE);
        private AsyncStream<TcpStream> stream;
        private long trips;
        private boolean reading;

        PingPong(InetSocketAddress server, long end) {
            this.connect = AsyncStream.connect(server);
            this.end = end;
        }

        @Override
        @SuppressWarnings("unchecked")
        public Object poll(Context cx) throws Exception {
            if (stream == null) {
                Object r = connect.poll(cx);
                if (r == PENDING) {
                    return PENDING;
                }
                stream = (AsyncStream<TcpStream>) r;
                stream.channel().setOption(java.net.StandardSocketOptions.TCP_NODELAY, true);
                out.clear();
            }
            while (true) {
                if (!reading) {
                    if (stream.pollWrite(cx, out) == Async.PENDING_COUNT) {
                        return PENDING;
                    }
                    if (out.hasRemaining()) {
                        continue;
                    }
                    reading = true;
                    in.clear();
                }
                int n = stream.pollRead(cx, in);
                if (n == Async.PENDING_COUNT) {
                    return PENDING;
                }
                if (n < 0) {
                    throw new EOFException("server closed");
                }
                if (in.hasRemaining()) {
                    continue;
                }
                trips++;
                reading = false;
                out.clear();
                if (System.nanoTime() - end >= 0) {
                    closeQuietly();
                    return trips;
                }
            }
        }

        private void closeQuietly() {
            try {
                stream.close();
            } catch (IOException e) {
                // measuring only
            }
        }
    }
}
