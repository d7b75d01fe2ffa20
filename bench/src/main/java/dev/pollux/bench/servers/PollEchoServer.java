package dev.pollux.bench.servers;

import dev.pollux.Events;
import dev.pollux.Interest;
import dev.pollux.Poll;
import dev.pollux.Waker;
import dev.pollux.net.TcpListener;
import dev.pollux.net.TcpStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketOption;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A TCP echo server written directly on {@link Poll}, {@link dev.pollux.Registry} and
 * {@link Events}: the "Pollux on Poll" entry of the echo benchmark.
 *
 * <p>Each event loop owns a Poll and its own listener on the same port ({@code SO_REUSEPORT}, so
 * the kernel spreads connections over the loops), accepts, and echoes every byte it reads.
 * Registrations are edge-triggered; a read that fills less than the buffer means the socket is
 * drained (stream sockets), which saves the extra read that would only return EAGAIN. Bytes
 * that cannot be written at once wait in a per-connection buffer until the socket is writable.
 * A client that disconnects or resets costs only its connection. SIGINT/SIGTERM wake every loop
 * with a {@link Waker}; each closes its sockets and its Poll.
 *
 * <p>{@code java --enable-native-access=ALL-UNNAMED -cp bench/target/benchmarks.jar
 * dev.pollux.bench.servers.PollEchoServer --port 0 --threads 1}
 */
public final class PollEchoServer {
    private static final String NAME = "PollEchoServer";

    private PollEchoServer() {}

    public static void main(String[] args) throws Exception {
        ServerOptions options = ServerOptions.parse(NAME, args);
        List<Loop> loops = new ArrayList<>();
        int port = options.port();
        for (int i = 0; i < options.threads(); i++) {
            Loop loop = new Loop(port);
            port = loop.port();
            loops.add(loop);
        }
        EchoLoops.runUntilSignalled(NAME, port, loops);
    }

    /** One event loop: a Poll, a listener, the connections it accepted. */
    private static final class Loop implements EchoLoops.Loop {
        private static final long LISTENER = 0;
        private static final long WAKER = 1;
        private static final int FIRST_CONNECTION = 2;

        private final Poll poll;
        private final TcpListener listener;
        private final Waker waker;
        private final Events events = Events.withCapacity(1024);
        private final ByteBuffer buffer = ByteBuffer.allocateDirect(64 * 1024);
        /** Connections by token - FIRST_CONNECTION; null slots are free. */
        private Connection[] connections = new Connection[256];
        private volatile boolean running = true;

        Loop(int port) throws IOException {
            Map<SocketOption<?>, ?> options = Map.of(StandardSocketOptions.SO_REUSEADDR, true,
                    StandardSocketOptions.SO_REUSEPORT, true);
            poll = Poll.open();
            listener = TcpListener.bind(new InetSocketAddress("127.0.0.1", port), TcpListener.DEFAULT_BACKLOG, options);
            poll.registry().register(listener, LISTENER, Interest.READABLE);
            waker = new Waker(poll.registry(), WAKER);
        }

        int port() throws IOException {
            return listener.localAddress().getPort();
        }

        @Override
        public void stop() {
            running = false;
            try {
                waker.wake();
            } catch (IOException | RuntimeException e) {
                // The loop has already closed its Poll.
            }
        }

        @Override
        public void run() throws IOException {
            try {
                while (running) {
                    int n = poll.poll(events, null);
                    for (int i = 0; i < n; i++) {
                        long token = events.token(i);
                        if (token == LISTENER) {
                            accept();
                        } else if (token != WAKER) {
                            serve((int) (token - FIRST_CONNECTION), events.isReadClosed(i) || events.isError(i),
                                    events.isWritable(i));
                        }
                    }
                }
            } finally {
                for (Connection c : connections) {
                    if (c != null) {
                        c.stream.close();
                    }
                }
                listener.close();
                poll.close();
            }
        }

        private void accept() throws IOException {
            TcpStream stream;
            while ((stream = listener.accept()) != null) {
                stream.setOption(StandardSocketOptions.TCP_NODELAY, true);
                int slot = freeSlot();
                connections[slot] = new Connection(stream);
                poll.registry().register(stream, slot + FIRST_CONNECTION, Interest.READABLE.add(Interest.WRITABLE));
            }
        }

        private int freeSlot() {
            for (int i = 0; i < connections.length; i++) {
                if (connections[i] == null) {
                    return i;
                }
            }
            Connection[] grown = new Connection[connections.length * 2];
            System.arraycopy(connections, 0, grown, 0, connections.length);
            int slot = connections.length;
            connections = grown;
            return slot;
        }

        private void serve(int slot, boolean closing, boolean writable) {
            Connection c = connections[slot];
            if (c == null) {
                return;
            }
            // Kept, not taken from this event alone: on kqueue the end of stream comes on a READ
            // event, which a connection with bytes pending ignores, and the WRITE event that
            // resumes it later does not repeat it. Without it, the short read after the flush
            // would look like a drained socket and the end of stream would never be read.
            c.readClosed |= closing;
            try {
                if (writable && c.pending != null && !c.flush()) {
                    return;
                }
                if (c.pending == null && !echo(c, c.readClosed)) {
                    close(slot);
                }
            } catch (IOException e) {
                // Reset by the peer, or any other failure of this one connection.
                close(slot);
            }
        }

        /** Reads and echoes until drained; false once the peer has closed. */
        private boolean echo(Connection c, boolean closing) throws IOException {
            while (true) {
                int n = c.stream.read(buffer.clear());
                if (n < 0) {
                    return false;
                }
                if (n == 0) {
                    return true;
                }
                buffer.flip();
                c.stream.write(buffer);
                if (buffer.hasRemaining()) {
                    c.keep(buffer); // resumes on the next WRITABLE event
                    return true;
                }
                if (n < buffer.capacity() && !closing) {
                    return true; // a short read drained the socket
                }
            }
        }

        private void close(int slot) {
            try {
                connections[slot].stream.close();
            } catch (IOException e) {
                // Closing a reset socket: nothing left to do for it.
            }
            connections[slot] = null;
        }
    }

    /** A connection and the bytes it still has to send back. */
    private static final class Connection {
        final TcpStream stream;
        ByteBuffer pending;
        /** An event said the peer has closed its side: read until the end of stream, not only until a short read. */
        boolean readClosed;

        Connection(TcpStream stream) {
            this.stream = stream;
        }

        void keep(ByteBuffer rest) {
            pending = ByteBuffer.allocateDirect(Math.max(rest.remaining(), 64 * 1024));
            pending.put(rest).flip();
        }

        /** Writes what is pending; true once all of it is out. */
        boolean flush() throws IOException {
            while (pending.hasRemaining() && stream.write(pending) > 0) {
                // keep writing until done or the socket is full again
            }
            if (pending.hasRemaining()) {
                return false;
            }
            pending = null;
            return true;
        }
    }
}
