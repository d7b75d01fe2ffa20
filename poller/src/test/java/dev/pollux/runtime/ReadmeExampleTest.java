package dev.pollux.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.pollux.net.TcpStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

/** The README's two echo servers, as written there (port 0 instead of 7000), served to a plain socket. */
class ReadmeExampleTest {
    /** The README's state machine, the same as RuntimeEchoServer's. */
    static final class Echo implements Async<Void> {
        private final AsyncStream<TcpStream> stream;
        private final ByteBuffer buf = ByteBuffer.allocateDirect(16 * 1024);
        private boolean writing;

        Echo(AsyncStream<TcpStream> stream) { this.stream = stream; }

        @Override
        public Object poll(Context cx) throws IOException {
            while (true) {
                if (!writing) {
                    int n = stream.pollRead(cx, buf.clear());
                    if (n == Async.PENDING_COUNT) return PENDING;
                    if (n < 0) return null;
                    buf.flip();
                    writing = true;
                }
                if (stream.pollWrite(cx, buf) == Async.PENDING_COUNT) return PENDING;
                writing = buf.hasRemaining();
            }
        }
    }

    private static void echoOnce(InetSocketAddress address) throws IOException {
        byte[] sent = new byte[100_000];
        for (int i = 0; i < sent.length; i++) {
            sent[i] = RuntimeTestSupport.pattern(1, i);
        }
        try (Socket socket = new Socket(address.getAddress(), address.getPort())) {
            OutputStream out = socket.getOutputStream();
            Thread writer = Thread.ofVirtual().start(() -> {
                try {
                    out.write(sent);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            InputStream in = socket.getInputStream();
            assertArrayEquals(sent, in.readNBytes(sent.length));
            try {
                writer.join();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    @Test
    void theStateMachineEchoServer() throws Exception {
        try (EventLoopGroup loops = EventLoopGroup.open()) {
            TcpServer server = loops.serve(new InetSocketAddress("127.0.0.1", 0), Echo::new);
            echoOnce(server.localAddress());
            server.close();
        }
    }

    @Test
    void theVirtualThreadEchoServer() throws Exception {
        try (EventLoopGroup loops = EventLoopGroup.open()) {
            InetSocketAddress address = new InetSocketAddress("127.0.0.1", 0);
            TcpServer server = loops.serve(address, s -> s.loop().spawnBlocking(() -> {
                ByteBuffer buf = ByteBuffer.allocate(16 * 1024);
                while (Blocking.await(s.read(buf.clear())) > 0) Blocking.await(s.writeAll(buf.flip()));
                return null;
            }));
            echoOnce(server.localAddress());
            server.close();
        }
    }
}
