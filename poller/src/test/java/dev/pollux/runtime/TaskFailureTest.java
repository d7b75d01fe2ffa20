package dev.pollux.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;

class TaskFailureTest {
    @Test
    void aThrowingTaskFailsItsHandleAndTheLoopServesTheOthers() throws Exception {
        try (EventLoop loop = EventLoop.open()) {
            TaskHandle<Object> slow = loop.spawn(Timers.sleep(Duration.ofMillis(30)).map(v -> "survived"));
            TaskHandle<Object> bad = loop.spawn(cx -> {
                throw new IOException("boom");
            });
            TaskHandle<Object> worse = loop.spawn(cx -> {
                throw new StackOverflowError("deep");
            });
            CompletionException e = assertThrows(CompletionException.class, bad::join);
            assertInstanceOf(IOException.class, e.getCause());
            assertEquals("boom", e.getCause().getMessage());
            assertInstanceOf(StackOverflowError.class, assertThrows(CompletionException.class, worse::join).getCause());
            assertEquals("survived", slow.join());
            assertEquals(7, loop.<Integer>blockOn(cx -> 7));
            IOException thrown = assertThrows(IOException.class, () -> loop.blockOn(cx -> {
                throw new IOException("as thrown");
            }));
            assertEquals("as thrown", thrown.getMessage());
        }
    }

    @Test
    void theCompletableFutureViewCompletesExceptionally() throws Exception {
        try (EventLoop loop = EventLoop.open()) {
            TaskHandle<Object> bad = loop.spawn(cx -> {
                throw new IllegalStateException("nope");
            });
            ExecutionException e = assertThrows(ExecutionException.class, () -> bad.toCompletableFuture().get());
            assertInstanceOf(IllegalStateException.class, e.getCause());
        }
    }

    @Test
    void blockingCallsOnTheLoopThreadAreRefused() throws Exception {
        try (EventLoop loop = EventLoop.open()) {
            TaskHandle<Void> other = loop.spawn(Timers.sleep(Duration.ofHours(1)));
            TaskHandle<Object> h = loop.spawn(cx -> {
                other.join();
                return "joined";
            });
            CompletionException e = assertThrows(CompletionException.class, h::join);
            assertInstanceOf(IllegalStateException.class, e.getCause());
            assertTrue(e.getCause().getMessage().contains("would block"));
            TaskHandle<Object> viaAwait = loop.spawn(cx -> Blocking.await(loop, Async.ready(1)));
            assertInstanceOf(IllegalStateException.class, assertThrows(CompletionException.class, viaAwait::join).getCause());
            other.cancel();
        }
    }
}
