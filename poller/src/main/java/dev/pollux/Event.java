package dev.pollux;

/**
 * A view of one event in an {@link Events} buffer: a token and the readiness reported for it.
 *
 * <p>Valid until the next poll into (or {@link Events#clear() clear} of) its buffer; after that
 * it describes whatever event is then at its index. Copy what you need to keep. Readiness is a
 * hint, as in mio: spurious events are possible, and a readable event may come with
 * {@link #isReadClosed()} set. Not thread-safe, like its buffer.
 */
public final class Event {
    private final Events events;
    private final int index;

    Event(Events events, int index) {
        this.events = events;
        this.index = index;
    }

    /** The token the source was registered with. */
    public long token() {
        return events.token(index);
    }

    /** Readable: read (or accept) until it would block. */
    public boolean isReadable() {
        return events.isReadable(index);
    }

    /** Writable: write until it would block; a non-blocking connect has finished. */
    public boolean isWritable() {
        return events.isWritable(index);
    }

    /** An error is pending on the source. */
    public boolean isError() {
        return events.isError(index);
    }

    /** The read side closed: the peer shut down its writing half, or hung up. */
    public boolean isReadClosed() {
        return events.isReadClosed(index);
    }

    /** The write side closed: the peer is gone or the descriptor hung up. */
    public boolean isWriteClosed() {
        return events.isWriteClosed(index);
    }

    /** Priority (out-of-band) data is available. */
    public boolean isPriority() {
        return events.isPriority(index);
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder("Event[token=").append(token());
        if (isReadable()) {
            s.append(", readable");
        }
        if (isWritable()) {
            s.append(", writable");
        }
        if (isError()) {
            s.append(", error");
        }
        if (isReadClosed()) {
            s.append(", read-closed");
        }
        if (isWriteClosed()) {
            s.append(", write-closed");
        }
        if (isPriority()) {
            s.append(", priority");
        }
        return s.append(']').toString();
    }
}
