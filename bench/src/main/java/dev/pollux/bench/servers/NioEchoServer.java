package dev.pollux.bench.servers;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The JDK NIO peer of {@link PollEchoServer}: the same echo loop on
 * {@link java.nio.channels.Selector}, written the way a careful NIO user would (one direct buffer
 * per loop, {@code select(Consumer)} with a reused action instead of the selected-key set,
 * {@code OP_WRITE} only while bytes wait to be written, {@code SO_REUSEPORT} listeners per loop).
 */
public final class NioEchoServer {
    private static final String NAME = "NioEchoServer";

    private NioEchoServer() {}

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

    private static final class Loop implements EchoLoops.Loop {
        private final Selector selector;
        private final ServerSocketChannel listener;
        private final ByteBuffer buffer = ByteBuffer.allocateDirect(64 * 1024);
        private final Consumer<SelectionKey> action = this::handle;
        private volatile boolean running = true;

        Loop(int port) throws IOException {
            selector = Selector.open();
            listener = ServerSocketChannel.open();
            listener.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            listener.setOption(StandardSocketOptions.SO_REUSEPORT, true);
            listener.bind(new InetSocketAddress("127.0.0.1", port), 1024);
            listener.configureBlocking(false);
            listener.register(selector, SelectionKey.OP_ACCEPT);
        }

        int port() throws IOException {
            return ((InetSocketAddress) listener.getLocalAddress()).getPort();
        }

        @Override
        public void stop() {
            running = false;
            selector.wakeup();
        }

        @Override
        public void run() throws IOException {
            try {
                while (running) {
                    selector.select(action);
                }
            } finally {
                for (SelectionKey key : selector.keys()) {
                    key.channel().close();
                }
                selector.close();
            }
        }

        private void handle(SelectionKey key) {
            try {
                if (key.isAcceptable()) {
                    accept();
                    return;
                }
                SocketChannel channel = (SocketChannel) key.channel();
                ByteBuffer pending = (ByteBuffer) key.attachment();
                if (pending != null) {
                    channel.write(pending);
                    if (pending.hasRemaining()) {
                        return;
                    }
                    key.attach(null);
                    key.interestOps(SelectionKey.OP_READ);
                }
                if (key.isReadable() || pending != null) {
                    echo(key, channel);
                }
            } catch (IOException e) {
                // Reset by the peer, or any other failure of this one connection.
                close(key);
            }
        }

        private void accept() throws IOException {
            SocketChannel channel;
            while ((channel = listener.accept()) != null) {
                channel.configureBlocking(false);
                channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
                channel.register(selector, SelectionKey.OP_READ);
            }
        }

        private void echo(SelectionKey key, SocketChannel channel) throws IOException {
            // Level-triggered: one read per readiness is enough, the next select reports the rest.
            int n = channel.read(buffer.clear());
            if (n < 0) {
                close(key);
                return;
            }
            buffer.flip();
            channel.write(buffer);
            if (buffer.hasRemaining()) {
                ByteBuffer pending = ByteBuffer.allocateDirect(buffer.remaining());
                pending.put(buffer).flip();
                key.attach(pending);
                key.interestOps(SelectionKey.OP_WRITE);
            }
        }

        private static void close(SelectionKey key) {
            key.cancel();
            try {
                key.channel().close();
            } catch (IOException e) {
                // Already reset: nothing left to release.
            }
        }
    }
}
