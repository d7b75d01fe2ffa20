package dev.pollux;

import dev.pollux.internal.EventFormat;
import dev.pollux.internal.Readiness;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Objects;

/**
 * The events one {@link Poll#poll} returned, kept in native memory in the backend's own layout
 * and decoded in place: the poll loop allocates nothing.
 *
 * <p>Read them by index ({@link #token(int)}, {@link #isReadable(int)}, ... for
 * {@code 0 <= i < size()}), which never allocates, or as {@link Event} views through
 * {@link #get(int)} or iteration. Views and indexes are valid until the next {@code poll} or
 * {@link #clear()}; after that they describe the new contents. An index outside
 * {@code [0, size())} throws {@link IndexOutOfBoundsException}.
 *
 * <p>Not thread-safe: it belongs to the thread that polls. Its native buffer is allocated on the
 * first poll (in the layout of that Poll's backend) and freed by the garbage collector with this
 * object.
 */
public final class Events implements Iterable<Event> {
    /** Upper bound that keeps the native buffer well inside what one wait call accepts. */
    private static final int MAX_CAPACITY = 1 << 24;

    private final int capacity;
    private final Event[] views;
    private EventFormat format;
    private MemorySegment buffer;
    private int size;

    private Events(int capacity) {
        this.capacity = capacity;
        this.views = new Event[capacity];
    }

    /**
     * Room for {@code capacity} events per poll; a poll with more ready sources returns the rest
     * on the next call.
     *
     * @throws IllegalArgumentException if {@code capacity} is below 1 or above 16,777,216
     */
    public static Events withCapacity(int capacity) {
        if (capacity < 1 || capacity > MAX_CAPACITY) {
            throw new IllegalArgumentException("capacity must be between 1 and " + MAX_CAPACITY + ": " + capacity);
        }
        return new Events(capacity);
    }

    /** How many events one poll can return. */
    public int capacity() {
        return capacity;
    }

    /** How many events the last poll returned. */
    public int size() {
        return size;
    }

    /** Whether the last poll returned no events. */
    public boolean isEmpty() {
        return size == 0;
    }

    /** Forgets the events; {@link #size()} becomes 0. */
    public void clear() {
        size = 0;
    }

    /** A view of event {@code index}; the same instance for the same index every time. */
    public Event get(int index) {
        Objects.checkIndex(index, size);
        Event view = views[index];
        if (view == null) {
            view = new Event(this, index);
            views[index] = view;
        }
        return view;
    }

    /** The token of event {@code index}. */
    public long token(int index) {
        return format.token(buffer, Objects.checkIndex(index, size));
    }

    /** Whether event {@code index} reports readable readiness. */
    public boolean isReadable(int index) {
        return has(index, Readiness.READABLE);
    }

    /** Whether event {@code index} reports writable readiness. */
    public boolean isWritable(int index) {
        return has(index, Readiness.WRITABLE);
    }

    /** Whether event {@code index} reports an error on the source (read it with the source's error call). */
    public boolean isError(int index) {
        return has(index, Readiness.ERROR);
    }

    /** Whether event {@code index} reports that the read side closed (peer shut down or hung up). */
    public boolean isReadClosed(int index) {
        return has(index, Readiness.READ_CLOSED);
    }

    /** Whether event {@code index} reports that the write side closed. */
    public boolean isWriteClosed(int index) {
        return has(index, Readiness.WRITE_CLOSED);
    }

    /** Whether event {@code index} reports priority (out-of-band) readiness. */
    public boolean isPriority(int index) {
        return has(index, Readiness.PRIORITY);
    }

    private boolean has(int index, int bit) {
        return (format.readiness(buffer, Objects.checkIndex(index, size)) & bit) != 0;
    }

    @Override
    public Iterator<Event> iterator() {
        return new Iterator<>() {
            private int next;

            @Override
            public boolean hasNext() {
                return next < size;
            }

            @Override
            public Event next() {
                if (next >= size) {
                    throw new NoSuchElementException();
                }
                return get(next++);
            }
        };
    }

    /** Clears the events and returns a buffer in {@code f}'s layout for the next wait call. */
    MemorySegment prepare(EventFormat f) {
        size = 0;
        if (format != f) {
            buffer = Arena.ofAuto().allocate(f.eventSize() * capacity, f.alignment());
            format = f;
        }
        return buffer;
    }

    /** Records how many events the wait call wrote. */
    void filled(int count) {
        size = count;
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder("Events[size=").append(size).append(", capacity=").append(capacity);
        for (int i = 0; i < size; i++) {
            s.append(i == 0 ? ": " : ", ").append(get(i));
        }
        return s.append(']').toString();
    }
}
