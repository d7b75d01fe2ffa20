package dev.pollux.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pollux.OpenFds;
import dev.pollux.net.TcpStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.RejectedExecutionException;
import org.junit.jupiter.api.Test;

class ShutdownTest {
    @Test
    void gracefulShutdownLetsShortTasksFinishCancelsTheRestAndLeavesNothingBehind() throws Exception {
        long fds = OpenFds.count();
        EventLoopGroup group = EventLoopGroup.open(2);
        TcpServer server = group.serve(new InetSocketAddress("127.0.0.1", 0), EchoTasks.Echo::new);
        // Idle connections held open by clients on the group itself, a waiting blocking task,
        // a task that finishes within the grace period and one that never would.
        for (int i = 0; i < 10; i++) {
            group.loop(i % 2).spawn(AsyncStream.connect(server.localAddress())
                    .then(s -> Async.using(s, s.read(ByteBuffer.allocate(8)))));
        }
        TaskHandle<Object> quick = group.spawn(Timers.sleep(Duration.ofMillis(50)).map(v -> "finished"));
        TaskHandle<Void> forever = group.spawn(Timers.sleep(Duration.ofHours(1)));
        TaskHandle<Object> blocking = group.loop(0).spawnBlocking(() -> Blocking.await(Timers.sleep(Duration.ofHours(1))));
        long deadline = System.nanoTime() + RuntimeTestSupport.LIVENESS.toNanos();
        while (server.acceptedConnections() < 10 && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertEquals(10, server.acceptedConnections());

        server.close();
        group.shutdown(Duration.ofMillis(500));
        assertTrue(group.awaitTermination(RuntimeTestSupport.LIVENESS));
        assertEquals("finished", quick.join());
        assertThrows(CancellationException.class, forever::join);
        assertThrows(CancellationException.class, blocking::join);
        for (int i = 0; i < group.size(); i++) {
            assertTrue(group.loop(i).isTerminated());
            assertEquals(0, group.loop(i).registrations());
            assertEquals(0, group.loop(i).taskCount());
        }
        assertThrows(RejectedExecutionException.class, () -> group.spawn(Async.ready(1)));
        group.close(); // idempotent
        OpenFds.assertBackTo(fds, "a graceful shutdown");
        RuntimeTestSupport.assertNoRuntimeThreads();
    }

    @Test
    void closeCancelsAtOnceAndClosesStreamsTheTasksStillHeld() throws Exception {
        RuntimeTestSupport.assumeReadAndWriteOnOneDescriptor();
        long fds = OpenFds.count();
        AsyncStream<TcpStream> kept;
        try (EventLoop loop = EventLoop.open()) {
            AsyncTcpListener listener = AsyncTcpListener.bind(loop, new InetSocketAddress("127.0.0.1", 0));
            kept = loop.blockOn(AsyncStream.connect(listener.localAddress()));
            loop.spawn(listener.accept());
        }
        assertTrue(!kept.isOpen(), "the loop closed the stream nobody closed");
        OpenFds.assertBackTo(fds, "a close with tasks still running");
        RuntimeTestSupport.assertNoRuntimeThreads();
    }

    @Test
    void aTaskCanCloseItsOwnLoop() throws Exception {
        EventLoop loop = EventLoop.open();
        loop.spawn(cx -> {
            loop.close(); // on the loop thread: only requests the shutdown
            return null;
        });
        assertTrue(loop.awaitTermination(RuntimeTestSupport.LIVENESS));
        RuntimeTestSupport.assertNoRuntimeThreads();
    }
}
