package dev.pollux.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class CombinatorTest {
    private EventLoop loop;

    @BeforeEach
    void open() throws Exception {
        loop = EventLoop.open();
    }

    @AfterEach
    void close() {
        loop.close();
    }

    private static Async<String> after(int ms, String value) {
        return Timers.sleep(Duration.ofMillis(ms)).map(v -> value);
    }

    /** A future that never completes and counts its cancellations. */
    private static Async<String> never(AtomicInteger cancels) {
        return new Async<>() {
            @Override
            public Object poll(Context cx) {
                return PENDING;
            }

            @Override
            public void onCancel() {
                cancels.incrementAndGet();
            }
        };
    }

    @Test
    void mapAndThenSequence() throws Exception {
        Async<Integer> length = after(5, "four").map(String::length);
        assertEquals("4!", loop.blockOn(length.then(n -> after(5, n + "!"))));
        int eight = loop.blockOn(Async.ready(4).flatMap(n -> Async.ready(n * 2)));
        assertEquals(8, eight);
    }

    @Test
    void allWaitsForEveryPartInOrder() throws Exception {
        List<String> results = loop.blockOn(Async.all(after(30, "a"), after(10, "b"), Async.ready("c")));
        assertEquals(List.of("a", "b", "c"), results);
    }

    @Test
    void allFailsWithTheFirstFailureAndCancelsTheOthers() throws Exception {
        AtomicInteger cancels = new AtomicInteger();
        IOException e = assertThrows(IOException.class, () -> loop.blockOn(Async.all(
                never(cancels), Timers.sleep(Duration.ofMillis(5)).then(v -> Async.failed(new IOException("part failed"))))));
        assertEquals("part failed", e.getMessage());
        assertEquals(1, cancels.get());
    }

    @Test
    void selectTakesTheFirstAndCancelsTheOthers() throws Exception {
        AtomicInteger cancels = new AtomicInteger();
        assertEquals("fast", loop.blockOn(Async.select(never(cancels), after(5, "fast"), never(cancels))));
        assertEquals(2, cancels.get());
        assertThrows(IllegalArgumentException.class, () -> Async.select(List.of()));
    }

    @Test
    void awaitingAnotherTaskFromATask() throws Exception {
        TaskHandle<String> other = loop.spawn(after(10, "other"));
        assertEquals("other done", loop.blockOn(other.map(s -> s + " done")));
        TaskHandle<Object> failing = loop.spawn(Timers.sleep(Duration.ofMillis(5)).then(v -> Async.failed(new IOException("x"))));
        assertInstanceOf(IOException.class, assertThrows(Exception.class, () -> loop.blockOn(failing)));
    }

    @Test
    void usingClosesTheResourceOnCompletion() throws Exception {
        AtomicInteger closed = new AtomicInteger();
        assertEquals("v", loop.blockOn(Async.using(closed::incrementAndGet, after(1, "v"))));
        assertEquals(1, closed.get());
        assertThrows(IOException.class, () -> loop.blockOn(Async.using(closed::incrementAndGet, Async.failed(new IOException()))));
        assertEquals(2, closed.get());
        assertTrue(Async.isPending(Async.PENDING));
    }
}
