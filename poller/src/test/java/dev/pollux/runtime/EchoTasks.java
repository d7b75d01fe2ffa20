package dev.pollux.runtime;

import dev.pollux.net.TcpStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

/** Hand-written state machines for the echo tests: the server side and a verifying client. */
final class EchoTasks {
    private EchoTasks() {}

    /** Echoes every byte until the peer closes: the handler the README shows. */
    static final class Echo implements Async<Void> {
        private final AsyncStream<TcpStream> stream;
        private final ByteBuffer buf = ByteBuffer.allocateDirect(8192);
        private boolean writing;

        Echo(AsyncStream<TcpStream> stream) {
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
                        return null; // the peer closed: done
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

    /**
     * Connects, sends {@code total} pattern bytes while reading the echo back, checks every byte,
     * closes; completes with the number of bytes checked.
     */
    static final class Client implements Async<Long> {
        private final long id;
        private final long total;
        private final Async<AsyncStream<TcpStream>> connect;
        private final ByteBuffer out = ByteBuffer.allocateDirect(4096).flip();
        private final ByteBuffer in = ByteBuffer.allocateDirect(4096);
        private AsyncStream<TcpStream> stream;
        private long sent;
        private long received;

        Client(long id, long total, InetSocketAddress server) {
            this.id = id;
            this.total = total;
            this.connect = AsyncStream.connect(server);
        }

        @Override
        @SuppressWarnings("unchecked")
        public Object poll(Context cx) throws IOException {
            if (stream == null) {
                Object r;
                try {
                    r = connect.poll(cx);
                } catch (Exception e) {
                    throw new IOException("client " + id + " connect", e);
                }
                if (r == PENDING) {
                    return PENDING;
                }
                stream = (AsyncStream<TcpStream>) r;
            }
            while (true) {
                boolean progress = false;
                if (sent < total) {
                    if (!out.hasRemaining()) {
                        out.clear();
                        long end = Math.min(total, sent + out.capacity());
                        for (long k = sent; k < end; k++) {
                            out.put(RuntimeTestSupport.pattern(id, k));
                        }
                        out.flip();
                    }
                    int n = stream.pollWrite(cx, out);
                    if (n != Async.PENDING_COUNT) {
                        sent += n;
                        progress = true;
                    }
                }
                int n = stream.pollRead(cx, in.clear());
                if (n == -1) {
                    throw new EOFException("client " + id + ": end of stream after " + received + " of " + total);
                }
                if (n > 0) {
                    for (int i = 0; i < n; i++) {
                        byte expected = RuntimeTestSupport.pattern(id, received + i);
                        if (in.get(i) != expected) {
                            throw new IOException("client " + id + ": byte " + (received + i) + " is " + in.get(i)
                                    + ", sent " + expected);
                        }
                    }
                    received += n;
                    progress = true;
                }
                if (received == total) {
                    stream.close();
                    return received;
                }
                if (!progress) {
                    return PENDING;
                }
            }
        }

        @Override
        public void onCancel() {
            if (stream != null) {
                Combinators.closeQuietly(stream);
            } else {
                connect.onCancel();
            }
        }
    }
}
