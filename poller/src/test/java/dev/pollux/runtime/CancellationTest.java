package dev.pollux.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pollux.OpenFds;
import dev.pollux.net.TcpStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class CancellationTest {
    private static void awaitRegistrations(EventLoop loop, int expected) throws InterruptedException {
        long deadline = System.nanoTime() + RuntimeTestSupport.LIVENESS.toNanos();
        while (loop.registrations() != expected && System.nanoTime() < deadline) {
            Thread.sleep(1);
        }
        assertEquals(expected, loop.registrations());
    }

    @Test
    void cancellingATaskDeregistersAndClosesTheStreamItOwns() throws Exception {
        RuntimeTestSupport.assumeReadAndWriteOnOneDescriptor();
        long fds = OpenFds.count();
        try (EventLoop loop = EventLoop.open()) {
            AsyncTcpListener listener = AsyncTcpListener.bind(loop, new InetSocketAddress("127.0.0.1", 0));
            AsyncStream<TcpStream> client = loop.blockOn(AsyncStream.connect(listener.localAddress()));
            AsyncStream<TcpStream> server = loop.blockOn(listener.accept());
            assertEquals(3, loop.registrations());
            TaskHandle<Integer> reading = loop.spawn(Async.using(server, server.read(ByteBuffer.allocate(16))));
            Thread.sleep(20); // let it wait for data that never comes
            assertFalse(reading.isDone());
            assertTrue(reading.cancel());
            assertThrows(CancellationException.class, reading::join);
            awaitRegistrations(loop, 2);
            long deadline = System.nanoTime() + RuntimeTestSupport.LIVENESS.toNanos();
            while (server.isOpen() && System.nanoTime() < deadline) {
                Thread.sleep(1);
            }
            assertFalse(server.isOpen(), "the stream the task owned is closed");
            assertFalse(reading.cancel(), "a second cancel reports that nothing was cancelled");
            // The peer sees the close.
            assertEquals(-1, loop.blockOn(client.read(ByteBuffer.allocate(1))));
            client.close();
            listener.close();
            assertEquals(0, loop.registrations());
        }
        OpenFds.assertBackTo(fds, "a cancelled task and its stream");
    }

    @Test
    void closingAStreamWakesItsWaiterWithClosedChannelException() throws Exception {
        RuntimeTestSupport.assumeReadAndWriteOnOneDescriptor();
        try (EventLoop loop = EventLoop.open()) {
            AsyncTcpListener listener = AsyncTcpListener.bind(loop, new InetSocketAddress("127.0.0.1", 0));
            AsyncStream<TcpStream> client = loop.blockOn(AsyncStream.connect(listener.localAddress()));
            TaskHandle<Integer> reading = loop.spawn(client.read(ByteBuffer.allocate(16)));
            Thread.sleep(20);
            client.close();
            CompletionException e = assertThrows(CompletionException.class, () -> reading.join());
            assertInstanceOf(ClosedChannelException.class, e.getCause());
            listener.close();
            assertEquals(0, loop.registrations());
        }
    }

    @Test
    void cancelCallsOnCancelOnTheLoopThread() throws Exception {
        try (EventLoop loop = EventLoop.open()) {
            AtomicBoolean onLoop = new AtomicBoolean();
            java.util.concurrent.CountDownLatch called = new java.util.concurrent.CountDownLatch(1);
            TaskHandle<Object> h = loop.spawn(new Async<Object>() {
                @Override
                public Object poll(Context cx) {
                    return PENDING;
                }

                @Override
                public void onCancel() {
                    onLoop.set(loop.inLoop());
                    called.countDown();
                }
            });
            Thread.sleep(10);
            h.cancel();
            assertTrue(called.await(30, java.util.concurrent.TimeUnit.SECONDS));
            assertTrue(onLoop.get());
            assertTrue(h.isCancelled());
            assertThrows(CancellationException.class, () -> h.toCompletableFuture().join());
        }
    }

    @Test
    void selectCancelsTheLosers() throws Exception {
        RuntimeTestSupport.assumeReadAndWriteOnOneDescriptor();
        try (EventLoop loop = EventLoop.open()) {
            AsyncTcpListener listener = AsyncTcpListener.bind(loop, new InetSocketAddress("127.0.0.1", 0));
            AsyncStream<TcpStream> client = loop.blockOn(AsyncStream.connect(listener.localAddress()));
            AsyncStream<TcpStream> server = loop.blockOn(listener.accept());
            Object r = loop.blockOn(Async.select(
                    Async.using(server, server.read(ByteBuffer.allocate(4))),
                    Timers.sleep(Duration.ofMillis(10)).map(v -> "timer")));
            assertEquals("timer", r);
            assertFalse(server.isOpen(), "the losing read owned the stream and was cancelled");
            client.close();
            listener.close();
        }
    }
}
