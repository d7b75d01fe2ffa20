package dev.pollux.runtime;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * A computation that completes later: the runtime's future. {@link #poll(Context)} either returns
 * the result or the shared {@link #PENDING} marker; when it returns {@code PENDING} it has
 * arranged for {@link Context#waker() cx.waker()} to be woken once polling again may make
 * progress (an I/O readiness, a timer, another task finishing).
 *
 * <pre>{@code
 * Async<Integer> n = stream.read(buffer).map(count -> count * 2);
 * TaskHandle<Integer> handle = loop.spawn(n);
 * }</pre>
 *
 * <p>Contract, as for Rust's futures: an {@code Async} is polled by one thread at a time (the
 * thread running its task), may be polled spuriously (it must then check again and return
 * {@code PENDING} if still not ready), must not be polled again after it returned a result,
 * and is told through {@link #onCancel()} when it will never be polled again before it finished,
 * so that it can release timers, registrations or resources it owns. Throwing from {@code poll}
 * completes the task (or the enclosing combinator) exceptionally.
 *
 * <p>Results: {@code poll} returns the result (a {@code T}, possibly {@code null} as for
 * {@code Async<Void>}) or the identity {@link #PENDING}, hence its {@code Object} return type:
 * Java inserts a cast to the declared type wherever a generic sentinel would be returned as a
 * {@code T}, so a typed {@code PENDING} cannot exist; the type parameter is checked where
 * results are consumed ({@link #map}, {@link TaskHandle#join()}, {@link Blocking#await}).
 * Compare with {@code ==} or {@link #isPending(Object)}.
 * The poll-style I/O methods that return counts ({@link AsyncStream#pollRead}) use the int
 * {@link #PENDING_COUNT} instead, so the zero-allocation path boxes nothing.
 *
 * @param <T> the result type
 */
@FunctionalInterface
public interface Async<T> {
    /** The marker {@link #poll(Context)} returns when the result is not ready yet. */
    Object PENDING = PendingMarker.INSTANCE;

    /** What poll-style methods returning a count ({@code pollRead}, {@code pollWrite}) return when not ready. */
    int PENDING_COUNT = Integer.MIN_VALUE;

    /**
     * Makes progress: returns the result (a {@code T}), or {@link #PENDING} after arranging a
     * wake of {@code cx.waker()}.
     *
     * @throws Exception the failure of the computation; it completes the task exceptionally
     */
    Object poll(Context cx) throws Exception;

    /**
     * Called at most once, on the thread that polls this future, when it will not be polled again
     * although it has not finished (its task was cancelled, it lost a {@link #select}, a
     * {@link Timers#timeout} expired, the event loop shut down). Release timers and resources
     * here. The default does nothing.
     */
    default void onCancel() {}

    /** Whether a value returned by {@link #poll} is the {@link #PENDING} marker. */
    static boolean isPending(Object result) {
        return result == PENDING;
    }

    /** An {@code Async} that is ready at once with {@code value} (which may be null). */
    static <T> Async<T> ready(T value) {
        return cx -> value;
    }

    /** An {@code Async} that fails at once with {@code failure}. */
    static <T> Async<T> failed(Exception failure) {
        Objects.requireNonNull(failure, "failure");
        return cx -> {
            throw failure;
        };
    }

    /** This computation's result passed through {@code f} (run on the polling thread). */
    default <U> Async<U> map(Function<? super T, ? extends U> f) {
        return new Combinators.Map<>(this, Objects.requireNonNull(f, "f"));
    }

    /**
     * Sequencing: when this completes, {@code next} makes the next computation from its result,
     * and the returned {@code Async} completes with that one's result.
     */
    default <U> Async<U> then(Function<? super T, ? extends Async<U>> next) {
        return new Combinators.Then<>(this, Objects.requireNonNull(next, "next"));
    }

    /** The same as {@link #then}, under the name Java's {@code Optional} and streams use. */
    default <U> Async<U> flatMap(Function<? super T, ? extends Async<U>> next) {
        return then(next);
    }

    /** This computation, failing with {@link java.util.concurrent.TimeoutException} (and cancelled through {@link #onCancel()}) if it takes longer than {@code limit}. */
    default Async<T> timeout(Duration limit) {
        return Timers.timeout(this, limit);
    }

    /**
     * Waits for all of {@code parts}: completes with their results in order, or fails with the
     * first failure (cancelling the others).
     */
    static <T> Async<List<T>> all(List<? extends Async<? extends T>> parts) {
        return new Combinators.All<>(List.copyOf(parts));
    }

    /** {@link #all(List)} for a fixed number of computations. */
    @SafeVarargs
    static <T> Async<List<T>> all(Async<? extends T>... parts) {
        return all(List.of(parts));
    }

    /**
     * The first of {@code parts} to complete wins: its result (or failure) is the result; the
     * others are {@link #onCancel() cancelled}. Parts are polled in order, so on a tie the first
     * listed wins.
     *
     * @throws IllegalArgumentException if {@code parts} is empty
     */
    static <T> Async<T> select(List<? extends Async<? extends T>> parts) {
        if (parts.isEmpty()) {
            throw new IllegalArgumentException("select of nothing");
        }
        return new Combinators.Select<>(List.copyOf(parts));
    }

    /** {@link #select(List)} for a fixed number of computations. */
    @SafeVarargs
    static <T> Async<T> select(Async<? extends T>... parts) {
        return select(List.of(parts));
    }

    /**
     * {@code body}, closing {@code resource} when it completes, fails or is cancelled: how a task
     * owns a stream, so that cancelling the task deregisters and closes it.
     */
    static <T> Async<T> using(AutoCloseable resource, Async<T> body) {
        return new Combinators.Using<>(Objects.requireNonNull(resource, "resource"), Objects.requireNonNull(body, "body"));
    }
}
