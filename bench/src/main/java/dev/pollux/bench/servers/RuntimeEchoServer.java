package dev.pollux.bench.servers;

import dev.pollux.net.TcpStream;
import dev.pollux.runtime.Async;
import dev.pollux.runtime.AsyncStream;
import dev.pollux.runtime.Context;
import dev.pollux.runtime.EventLoopGroup;
import dev.pollux.runtime.TcpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;

/**
 * A TCP echo server on Pollux's executor ({@code dev.pollux.runtime}):
 * {@code RuntimeEchoServer --port P --threads T}. Binds 127.0.0.1:P (0 picks a port) with T event
 * loops (1 by default; on Linux one {@code SO_REUSEPORT} listener per loop), prints one line
 * containing {@code ready} and the port, echoes every byte of every connection with a
 * hand-written {@link Async} state machine (no allocation per read or write), ends a connection
 * when its client closes or resets it, and stops cleanly on SIGINT/SIGTERM: the listeners close,
 * connections get a short grace, the loops close every descriptor.
 */
public final class RuntimeEchoServer {
    private static final String NAME = "RuntimeEchoServer";

    private RuntimeEchoServer() {}

    public static void main(String[] args) throws Exception {
        ServerOptions options = ServerOptions.parse(NAME, args);
        int threads = options.threads();
        EventLoopGroup loops = EventLoopGroup.open(threads);
        TcpServer server;
        try {
            server = loops.serve(new InetSocketAddress("127.0.0.1", options.port()), Echo::new);
        } catch (IOException | RuntimeException e) {
            loops.close();
            throw e;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            loops.shutdown(Duration.ofMillis(500));
            try {
                loops.awaitTermination(Duration.ofSeconds(5));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            stopped.countDown();
        }, NAME + "-shutdown"));
        ServerOptions.printReady(NAME, server.localAddress().getPort(), threads);
        stopped.await();
    }

    /** One connection: read, write it all back, repeat until end of stream (no allocation per iteration). */
    public static final class Echo implements Async<Void> {
        private final AsyncStream<TcpStream> stream;
        private final ByteBuffer buf = ByteBuffer.allocateDirect(16 * 1024);
        private boolean writing;

        public Echo(AsyncStream<TcpStream> stream) {
            this.stream = stream;
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
                        return null; // the client closed; the server closes the stream
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
}
