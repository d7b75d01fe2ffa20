package dev.pollux.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pollux.net.TcpStream;
import java.io.EOFException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

/** Sequential task code on virtual threads awaiting Pollux futures. */
class BlockingTest {
    @Test
    void virtualThreadsEchoThroughAwait() throws Exception {
        RuntimeTestSupport.assumeReadAndWriteOnOneDescriptor();
        try (EventLoop loop = EventLoop.open()) {
            AsyncTcpListener listener = AsyncTcpListener.bind(loop, new InetSocketAddress("127.0.0.1", 0));
            loop.spawnBlocking(() -> {
                while (true) {
                    AsyncStream<TcpStream> s = Blocking.await(listener.accept());
                    loop.spawnBlocking(() -> {
                        try (s) {
                            ByteBuffer buf = ByteBuffer.allocate(1024);
                            while (Blocking.await(s.read(buf.clear())) > 0) {
                                Blocking.await(s.writeAll(buf.flip()));
                            }
                        }
                        return null;
                    });
                }
            });
            List<TaskHandle<byte[]>> clients = new ArrayList<>();
            for (int c = 0; c < 50; c++) {
                int id = c;
                clients.add(loop.spawnBlocking(() -> {
                    try (AsyncStream<TcpStream> s = Blocking.await(AsyncStream.connect(listener.localAddress()))) {
                        byte[] sent = new byte[10_000 + id];
                        for (int i = 0; i < sent.length; i++) {
                            sent[i] = RuntimeTestSupport.pattern(id, i);
                        }
                        ByteBuffer back = ByteBuffer.allocate(sent.length);
                        // Write and read concurrently: two awaits in one select would do, but a
                        // second virtual thread is the sequential way.
                        TaskHandle<Object> writer = loop.spawnBlocking(() -> Blocking.await(s.writeAll(ByteBuffer.wrap(sent))));
                        Blocking.await(s.readFully(back));
                        Blocking.await(writer);
                        assertArrayEquals(sent, back.array());
                        return back.array();
                    }
                }));
            }
            for (TaskHandle<byte[]> h : clients) {
                h.join(RuntimeTestSupport.LIVENESS);
            }
            listener.close();
        }
        RuntimeTestSupport.assertNoRuntimeThreads();
    }

    @Test
    void awaitRethrowsTheFailureAsThrown() throws Exception {
        RuntimeTestSupport.assumeReadAndWriteOnOneDescriptor();
        try (EventLoop loop = EventLoop.open()) {
            AsyncTcpListener listener = AsyncTcpListener.bind(loop, new InetSocketAddress("127.0.0.1", 0));
            TaskHandle<Object> h = loop.spawnBlocking(() -> {
                AsyncStream<TcpStream> c = Blocking.await(AsyncStream.connect(listener.localAddress()));
                AsyncStream<TcpStream> s = Blocking.await(listener.accept());
                c.close();
                try (s) {
                    return Blocking.await(s.readFully(ByteBuffer.allocate(10)));
                }
            });
            CompletionException e = assertThrows(CompletionException.class, h::join);
            assertTrue(e.getCause() instanceof EOFException, e.toString());
            listener.close();
        }
    }

    @Test
    void cancellingABlockingTaskInterruptsItsAwait() throws Exception {
        try (EventLoop loop = EventLoop.open()) {
            java.util.concurrent.atomic.AtomicReference<Throwable> seen = new java.util.concurrent.atomic.AtomicReference<>();
            java.util.concurrent.CountDownLatch ended = new java.util.concurrent.CountDownLatch(1);
            TaskHandle<Object> h = loop.spawnBlocking(() -> {
                try {
                    return Blocking.await(Timers.sleep(Duration.ofHours(1)));
                } catch (InterruptedException e) {
                    seen.set(e);
                    throw e;
                } finally {
                    ended.countDown();
                }
            });
            Thread.sleep(20);
            assertTrue(h.cancel());
            assertThrows(CancellationException.class, h::join);
            assertTrue(ended.await(30, java.util.concurrent.TimeUnit.SECONDS));
            assertTrue(seen.get() instanceof InterruptedException);
            assertEquals(0, loop.<Integer>blockOn(cx -> loop.pendingTimers()), "the awaited timer was cancelled");
        }
    }

    @Test
    void awaitNeedsALoop() throws Exception {
        assertThrows(IllegalStateException.class, () -> Blocking.await(Async.ready(1)));
        try (EventLoop loop = EventLoop.open()) {
            int five = Blocking.await(loop, Timers.sleep(Duration.ofMillis(5)).map(v -> 5));
            assertEquals(5, five);
        }
    }
}
