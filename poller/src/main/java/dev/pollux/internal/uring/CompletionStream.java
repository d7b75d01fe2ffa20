package dev.pollux.internal.uring;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;

/**
 * A connected stream socket whose reads and writes are io_uring requests ({@code IORING_OP_RECV}
 * and {@code IORING_OP_SEND}) submitted by the polling thread with its wait, instead of system
 * calls made after a readiness event: the completion-based path of the executor's streams, opened
 * by {@link IoUringSelector#openStream}.
 *
 * <p><b>Reading.</b> One receive is always outstanding while the stream is open and its buffer is
 * empty: {@link #read} copies what the last receive brought, and once the buffer is drained queues
 * the next receive (which the next poll submits). A completed receive is reported by the poll as
 * a readable event for the stream's token.
 *
 * <p><b>Writing.</b> {@link #write} copies bytes into the stream's send buffer and returns how
 * many it took (0 only for an empty source); a send request carries them to the kernel
 * ({@code MSG_WAITALL}: the kernel sends all or fails), and bytes written while a send is in
 * flight wait in the buffer for the next one. When the buffer is full, {@link #write} returns
 * {@link #PENDING} and the poll reports a writable event once a send completes. A send that fails
 * (the peer reset the connection) fails the next {@link #write}; its bytes are lost, as bytes
 * written before a reset are.
 *
 * <p><b>Ownership.</b> The stream works on a duplicate of the caller's descriptor that it owns,
 * so that a request never meets a descriptor number the caller has closed and the OS has handed
 * out again. {@link #close} cancels the outstanding receive, lets bytes already written go out
 * (until sent, or until the peer resets the connection or the selector closes: the socket stays
 * open until then), and closes the duplicate once the kernel holds no request of the stream; the
 * buffers go back to the selector's pool then. Closing the selector closes every stream.
 *
 * <p>Thread-safe: every method takes the selector's lock. Reads and writes after {@link #close}
 * or after the selector closed throw {@link java.nio.channels.ClosedChannelException}.
 */
public final class CompletionStream {
    /** What {@link #read} and {@link #write} return when they must wait for a completion. */
    public static final int PENDING = -2;

    static final byte IDLE = 0;
    /** Waiting in the selector's queue: the next flush writes the request. */
    static final byte QUEUED = 1;
    /** Submitted (or written to the submission ring): the kernel holds it. */
    static final byte IN_FLIGHT = 2;

    final IoUringSelector selector;
    /** The stream's own descriptor (a duplicate), closed by the selector. */
    final int fd;
    final long token;
    final int slot;
    /** The receive buffer followed by the send buffer: one block of the selector's pool. */
    final MemorySegment buffers;
    final MemorySegment readBuffer;
    final MemorySegment writeBuffer;
    /** Views of the two buffers for copying to and from the caller's buffers without allocating. */
    final ByteBuffer readView;
    final ByteBuffer writeView;

    // Guarded by the selector's lock.
    byte recvState;
    byte sendState;
    /** Received bytes not yet read: readBuffer[readStart, readEnd). */
    int readStart;
    int readEnd;
    /** The last receive left data in the socket: the next receive tries at once instead of polling first. */
    boolean moreData = true;
    boolean endOfStream;
    IOException readFailure;
    /** In flight: writeBuffer[sendStart, sendEnd); written since: [sendEnd, fill). */
    int sendStart;
    int sendEnd;
    int fill;
    IOException writeFailure;
    /** A write found the buffer full: the send that makes room is reported. */
    boolean writerWaits;
    boolean closed;
    /** A cancel of the outstanding receive is queued or submitted. */
    boolean cancelQueued;
    /** In the selector's queue of streams with requests to write. */
    boolean queued;
    /** Events completed and not yet reported ({@code EPOLLIN}, {@code EPOLLOUT}), 0 if none. */
    int doneMask;
    /** The selector closed, or the stream was closed and its buffers returned. */
    boolean released;

    CompletionStream(IoUringSelector selector, int fd, long token, int slot, MemorySegment buffers, int readCapacity) {
        this.selector = selector;
        this.fd = fd;
        this.token = token;
        this.slot = slot;
        this.buffers = buffers;
        this.readBuffer = buffers.asSlice(0, readCapacity);
        this.writeBuffer = buffers.asSlice(readCapacity);
        this.readView = readBuffer.asByteBuffer();
        this.writeView = writeBuffer.asByteBuffer();
    }

    /**
     * Copies received bytes into {@code dst}: the count (0 only when {@code dst} is full), -1 at
     * end of stream, or {@link #PENDING} when nothing has arrived (a receive is outstanding).
     *
     * @throws IOException the receive's failure (a reset connection), once; end of stream after
     */
    public int read(ByteBuffer dst) throws IOException {
        return selector.streamRead(this, dst);
    }

    /**
     * Copies bytes from {@code src} into the send buffer: the count (0 only when {@code src} is
     * empty), or {@link #PENDING} when the buffer is full.
     *
     * @throws IOException a failed send's error (the connection is broken)
     */
    public int write(ByteBuffer src) throws IOException {
        return selector.streamWrite(this, src);
    }

    /**
     * Bytes written and not yet handed to the kernel's socket buffer (0 once every write has been
     * sent).
     */
    public int unsent() {
        return selector.streamUnsent(this);
    }

    /** Cancels the receive, lets written bytes go out, then closes the duplicate descriptor. Idempotent. */
    public void close() throws IOException {
        selector.closeStream(this);
    }

    /** Whether the kernel holds, or is about to be given, a request of this stream. Under the lock. */
    boolean busy() {
        return recvState != IDLE || sendState != IDLE;
    }

    @Override
    public String toString() {
        return "CompletionStream[fd=" + fd + ", token=" + Long.toHexString(token) + "]";
    }
}
