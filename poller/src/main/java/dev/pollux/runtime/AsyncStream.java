package dev.pollux.runtime;

import dev.pollux.Interest;
import dev.pollux.Source;
import dev.pollux.internal.uring.CompletionStream;
import dev.pollux.net.TcpStream;
import dev.pollux.net.UnixStream;
import dev.pollux.unix.Pipe;
import java.io.EOFException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channel;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.NonReadableChannelException;
import java.nio.channels.NonWritableChannelException;
import java.nio.channels.NotYetConnectedException;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.util.Objects;

/**
 * A byte stream driven by an {@link EventLoop}: a {@link TcpStream}, {@link UnixStream} or
 * {@link Pipe} end registered with the loop's reactor (edge-triggered, once), with futures for
 * reading and writing.
 *
 * <p>Two ways to do I/O. The poll-style methods {@link #pollRead} and {@link #pollWrite} return a
 * count, or {@link Async#PENDING_COUNT} after arranging a wake: they allocate nothing, and are
 * what hand-written {@code Async} state machines use in a steady-state loop. The futures
 * {@link #read}, {@link #write}, {@link #readFully} and {@link #writeAll} wrap them for
 * combinators and {@link Blocking#await}, and allocate: one future per call, and
 * {@code read}/{@code write} box their count ({@link Integer#valueOf}: a new object above 127).
 *
 * <p>Readiness is remembered per stream: an edge that arrives before a task asks is kept, and it
 * is cleared only when a read or write actually returns would-block, or when a read returns fewer
 * bytes than asked for (the stream's OS buffer was empty then; later data makes a new edge), which
 * saves a system call per message.
 *
 * <p><b>Completion-based streams</b> (opt-in, io_uring only: a loop opened with
 * {@link EventLoop#open(String, boolean)} or {@value EventLoop#COMPLETION_STREAMS_PROPERTY}{@code =true}).
 * A {@link TcpStream} or {@link UnixStream} made into an {@code AsyncStream} on such a loop
 * (accepted, or passed to {@link #of}; not one made by {@link #connect}) is not registered for
 * readiness: it works on a duplicate of its descriptor with {@code IORING_OP_RECV} and
 * {@code IORING_OP_SEND} requests that the loop submits with its wait. A receive into the
 * stream's 16 KiB buffer is always outstanding (reads copy from it); writes copy into a 16 KiB
 * send buffer and return at once, and a send carries them out (a write waits only when that
 * buffer is full). So a write's bytes may still be in the stream's buffer when it returns, and a
 * send's failure (a reset) fails the next write; {@link #close()} lets bytes already written go
 * out before the socket closes. Pipes always use readiness. The futures and poll-style methods
 * behave the same either way; {@link #isCompletionBased()} says which this stream is.
 *
 * <p>Threading and ownership: at most one task reads and one task writes at a time (a second
 * waiter in the same direction replaces the first's wake). The {@code AsyncStream} owns the
 * channel: {@link #close()} deregisters and closes it, wakes any waiting task (whose next
 * operation fails with {@link ClosedChannelException}), and the loop closes streams still open
 * when it terminates. Options and addresses are on {@link #channel()}; do not read or write the
 * channel directly, nor deregister it.
 *
 * @param <C> the channel type
 */
public final class AsyncStream<C extends Channel & Source> implements AutoCloseable {
    private final EventLoop loop;
    private final C channel;
    private final ReadableByteChannel reader;
    private final WritableByteChannel writer;
    private final ScheduledIo io;
    /** The completion-based stream doing this stream's I/O, or null for readiness-based I/O. */
    private final CompletionStream completion;

    private AsyncStream(EventLoop loop, C channel, boolean completionAllowed) throws IOException {
        this.loop = loop;
        this.channel = channel;
        this.reader = channel instanceof ReadableByteChannel r ? r : null;
        this.writer = channel instanceof WritableByteChannel w ? w : null;
        EventLoop.CompletionIo opened = completionAllowed ? loop.openCompletionStream(channel, this) : null;
        if (opened != null) {
            this.io = opened.io();
            this.completion = opened.stream();
        } else {
            Interest interest = reader != null && writer != null ? Interest.READABLE.add(Interest.WRITABLE)
                    : reader != null ? Interest.READABLE : Interest.WRITABLE;
            this.io = loop.register(channel, interest, this);
            this.completion = null;
        }
    }

    /**
     * Registers {@code channel} with {@code loop} and takes ownership of it. If registering fails
     * the channel is closed.
     *
     * @throws IllegalArgumentException if the channel can neither read nor write bytes
     * @throws IllegalStateException if the channel is registered with a Poll already
     */
    public static <C extends Channel & Source> AsyncStream<C> of(EventLoop loop, C channel) throws IOException {
        Objects.requireNonNull(loop, "loop");
        Objects.requireNonNull(channel, "channel");
        if (!(channel instanceof ReadableByteChannel) && !(channel instanceof WritableByteChannel)) {
            throw new IllegalArgumentException("not a byte channel: " + channel);
        }
        try {
            return new AsyncStream<>(loop, channel, true);
        } catch (IOException | RuntimeException e) {
            Combinators.closeQuietly(channel);
            throw e;
        }
    }

    /** {@link #of} for a stream that waits for readiness whatever the loop's mode: a connect in progress. */
    private static AsyncStream<TcpStream> readinessStream(EventLoop loop, TcpStream channel) throws IOException {
        try {
            return new AsyncStream<>(loop, channel, false);
        } catch (IOException | RuntimeException e) {
            Combinators.closeQuietly(channel);
            throw e;
        }
    }

    /**
     * Connects to {@code address} on the event loop of the task that polls the future: completes
     * with the connected stream, or fails with the connect error (such as
     * {@link ConnectException}).
     */
    public static Async<AsyncStream<TcpStream>> connect(InetSocketAddress address) {
        Objects.requireNonNull(address, "address");
        return new Connect(null, address);
    }

    /** {@link #connect(InetSocketAddress)} on {@code loop} whichever task polls it. */
    public static Async<AsyncStream<TcpStream>> connect(EventLoop loop, InetSocketAddress address) {
        Objects.requireNonNull(loop, "loop");
        Objects.requireNonNull(address, "address");
        return new Connect(loop, address);
    }

    /** The channel, for its options and addresses. */
    public C channel() {
        return channel;
    }

    /** The loop this stream is registered with. */
    public EventLoop loop() {
        return loop;
    }

    /**
     * Reads into {@code dst}: bytes read (0 only when {@code dst} is full), -1 at end of stream,
     * or {@link Async#PENDING_COUNT} when nothing has arrived (a wake of {@code cx.waker()} is
     * arranged). Allocation-free.
     *
     * @throws NonReadableChannelException for a pipe's write end
     */
    public int pollRead(Context cx, ByteBuffer dst) throws IOException {
        if (reader == null) {
            throw new NonReadableChannelException();
        }
        if (!dst.hasRemaining()) {
            return 0;
        }
        if (completion != null) {
            return completionRead(cx, dst);
        }
        while (true) {
            long snapshot = io.pollReady(cx, ScheduledIo.READ_DIRECTION);
            if (snapshot < 0) {
                return Async.PENDING_COUNT;
            }
            int requested = dst.remaining();
            int n = reader.read(dst);
            if (n > 0 && n < requested) {
                // A short read of a stream emptied the OS buffer at that moment, and data that
                // comes later makes a new edge (a newer tick), so readability can go now: this
                // saves the read that would only say would-block (tokio does the same on Unix).
                // Only READABLE goes: an end of stream or error already seen stays ready.
                io.clearReadiness(snapshot, ScheduledIo.READABLE);
            }
            if (n != 0) {
                return n;
            }
            io.clearReadiness(snapshot, ScheduledIo.READ_DIRECTION);
        }
    }

    /**
     * Writes from {@code src}: bytes written (0 only when {@code src} is empty), or
     * {@link Async#PENDING_COUNT} when the OS buffer is full (a wake is arranged).
     * Allocation-free.
     *
     * @throws NonWritableChannelException for a pipe's read end
     */
    public int pollWrite(Context cx, ByteBuffer src) throws IOException {
        if (writer == null) {
            throw new NonWritableChannelException();
        }
        if (!src.hasRemaining()) {
            return 0;
        }
        if (completion != null) {
            return completionWrite(cx, src);
        }
        while (true) {
            long snapshot = io.pollReady(cx, ScheduledIo.WRITE_DIRECTION);
            if (snapshot < 0) {
                return Async.PENDING_COUNT;
            }
            int n = writer.write(src);
            if (n != 0) {
                io.wroteSome();
                return n;
            }
            io.clearReadiness(snapshot, ScheduledIo.WRITE_DIRECTION);
            io.needWriteEvent();
        }
    }

    /**
     * A completion-based read: what the last receive brought, or a wait for the receive that is
     * outstanding (a readable event from the loop's poll is its completion).
     */
    private int completionRead(Context cx, ByteBuffer dst) throws IOException {
        while (true) {
            int n = completion.read(dst);
            if (n != CompletionStream.PENDING) {
                return n;
            }
            long snapshot = io.pollReady(cx, ScheduledIo.READ_DIRECTION);
            if (snapshot < 0) {
                return Async.PENDING_COUNT;
            }
            // An event recorded before the receive that is outstanding now: try once more.
            io.clearReadiness(snapshot, ScheduledIo.READ_DIRECTION);
        }
    }

    /** A completion-based write: into the send buffer, or a wait for a send to make room. */
    private int completionWrite(Context cx, ByteBuffer src) throws IOException {
        while (true) {
            int n = completion.write(src);
            if (n != CompletionStream.PENDING) {
                return n;
            }
            long snapshot = io.pollReady(cx, ScheduledIo.WRITE_DIRECTION);
            if (snapshot < 0) {
                return Async.PENDING_COUNT;
            }
            io.clearReadiness(snapshot, ScheduledIo.WRITE_DIRECTION);
        }
    }

    /** Reads once: the bytes read, -1 at end of stream (see {@link #pollRead}). */
    public Async<Integer> read(ByteBuffer dst) {
        Objects.requireNonNull(dst, "dst");
        return cx -> {
            int n = pollRead(cx, dst);
            return n == Async.PENDING_COUNT ? Async.PENDING : Integer.valueOf(n);
        };
    }

    /** Writes once: the bytes written (see {@link #pollWrite}). */
    public Async<Integer> write(ByteBuffer src) {
        Objects.requireNonNull(src, "src");
        return cx -> {
            int n = pollWrite(cx, src);
            return n == Async.PENDING_COUNT ? Async.PENDING : Integer.valueOf(n);
        };
    }

    /**
     * Reads until {@code dst} is full; completes with {@code dst}. If the stream ends first, the
     * future fails with an {@link EOFException}; the bytes read stay in {@code dst}.
     */
    public Async<ByteBuffer> readFully(ByteBuffer dst) {
        Objects.requireNonNull(dst, "dst");
        return cx -> {
            while (dst.hasRemaining()) {
                int n = pollRead(cx, dst);
                if (n == Async.PENDING_COUNT) {
                    return Async.PENDING;
                }
                if (n < 0) {
                    throw new EOFException("end of stream with " + dst.remaining() + " bytes still to read");
                }
            }
            return dst;
        };
    }

    /** Writes all of {@code src}'s remaining bytes; completes with {@code src}. */
    public Async<ByteBuffer> writeAll(ByteBuffer src) {
        Objects.requireNonNull(src, "src");
        return cx -> {
            while (src.hasRemaining()) {
                if (pollWrite(cx, src) == Async.PENDING_COUNT) {
                    return Async.PENDING;
                }
            }
            return src;
        };
    }

    /** Whether the channel is open. */
    public boolean isOpen() {
        return channel.isOpen();
    }

    /**
     * Deregisters and closes the channel, waking the tasks waiting on it. Idempotent; any thread.
     */
    @Override
    public void close() throws IOException {
        io.markClosed();
        loop.release(io);
        try {
            if (completion != null) {
                completion.close();
            }
        } finally {
            channel.close();
        }
    }

    /**
     * Whether this stream's I/O is completion-based (its loop's streams are, and it was not made
     * by {@link #connect}).
     */
    public boolean isCompletionBased() {
        return completion != null;
    }

    /** Readiness record, for tests. */
    ScheduledIo scheduledIo() {
        return io;
    }

    @Override
    public String toString() {
        return "AsyncStream[" + channel + " on " + loop.name() + "]";
    }

    /** The connect future: start, wait for writable, check SO_ERROR. */
    private static final class Connect implements Async<AsyncStream<TcpStream>> {
        private final EventLoop fixedLoop;
        private final InetSocketAddress address;
        private AsyncStream<TcpStream> stream;

        Connect(EventLoop loop, InetSocketAddress address) {
            this.fixedLoop = loop;
            this.address = address;
        }

        @Override
        public Object poll(Context cx) throws IOException {
            if (stream == null) {
                stream = readinessStream(fixedLoop != null ? fixedLoop : cx.loop(), TcpStream.connect(address));
                stream.io.clearReadiness(0, ScheduledIo.WRITE_DIRECTION); // wait for the OS, not optimism
                stream.io.needWriteEvent();
            }
            if (stream.io.pollReady(cx, ScheduledIo.WRITE_DIRECTION) < 0) {
                return Async.PENDING;
            }
            AsyncStream<TcpStream> s = stream;
            IOException error;
            try {
                error = s.channel.takeError();
                if (error == null && s.io.has(ScheduledIo.ERROR | ScheduledIo.WRITE_CLOSED)) {
                    // An error event with no error left to take (the kqueue selector keeps what
                    // libkqueue reads out of SO_ERROR, so none is known): ask the peer address.
                    s.channel.peerAddress();
                }
            } catch (NotYetConnectedException e) {
                error = new ConnectException("connect to " + address + " failed (reported by the poll)");
            } catch (IOException | RuntimeException e) {
                s.close();
                throw e;
            }
            if (error != null) {
                s.close();
                throw error;
            }
            stream = null;
            s.io.wroteSome(); // connected: the write interest is not needed until a write waits
            return s;
        }

        @Override
        public void onCancel() {
            if (stream != null) {
                Combinators.closeQuietly(stream);
                stream = null;
            }
        }
    }
}
