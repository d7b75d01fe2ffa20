package dev.pollux.unix;

import dev.pollux.Interest;
import dev.pollux.internal.ChannelIo;
import dev.pollux.internal.Check;
import dev.pollux.internal.IoSource;
import dev.pollux.internal.Os;
import java.io.Closeable;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.GatheringByteChannel;
import java.nio.channels.ScatteringByteChannel;
import java.util.Objects;

/**
 * A unidirectional, non-blocking OS pipe: bytes written to the {@link Sender} are read from the
 * {@link Receiver}. Both ends are created non-blocking and close-on-exec: in one call
 * ({@code pipe2}) on Linux and FreeBSD; on macOS, which has no {@code pipe2}, by {@code pipe} and
 * then {@code fcntl} on each end. mio's {@code unix::pipe}.
 *
 * <p>On Windows a Pipe is a loopback TCP socket pair, not an OS pipe (unverified: never run on
 * Windows): a connection to a listener on 127.0.0.1 made and accepted at open, the listener
 * then closed, the accepted end the receiver, both ends non-blocking and not inheritable. An
 * accepted connection that is not from our own connecting socket (another local process
 * connecting first) is refused. Reads and writes are {@code recv} and {@code send}; once the
 * receiver is closed a write fails with WSAECONNRESET or WSAECONNABORTED instead of EPIPE, and
 * possibly only after a first write has succeeded.
 *
 * <p>Each end is a {@link dev.pollux.Source} and a NIO channel: {@code read} returns -1 at end of stream
 * (the sender closed) and 0 when it would block; {@code write} returns 0 when it would block and
 * fails with {@code OsException} EPIPE once the receiver is closed. Heap and direct buffers and
 * {@link MemorySegment}s all work without an intermediate copy.
 *
 * <p>Ownership: each end owns its descriptor; closing an end deregisters it and closes the
 * descriptor; {@link #close()} closes both. Use after close throws
 * {@link java.nio.channels.ClosedChannelException}. Threading: ends are thread-safe; concurrent
 * reads (or writes) on one end interleave at the OS's discretion.
 */
public final class Pipe implements Closeable {
    private final Sender sender;
    private final Receiver receiver;

    private Pipe(Sender sender, Receiver receiver) {
        this.sender = sender;
        this.receiver = receiver;
    }

    /** Creates a pipe. */
    public static Pipe open() throws IOException {
        int[] fds = new int[2];
        Check.check("pipe", Os.current().pipe(fds));
        return new Pipe(new Sender(IoSource.ofFile(fds[1])), new Receiver(IoSource.ofFile(fds[0])));
    }

    /** The write end. */
    public Sender sender() {
        return sender;
    }

    /** The read end. */
    public Receiver receiver() {
        return receiver;
    }

    /** Closes both ends. Idempotent. */
    @Override
    public void close() throws IOException {
        try {
            sender.close();
        } finally {
            receiver.close();
        }
    }

    /** The write end of a {@link Pipe}. Readiness: {@link Interest#WRITABLE}. */
    public static final class Sender extends PipeEnd implements GatheringByteChannel {
        private Sender(IoSource io) {
            super(io);
        }

        @Override
        public int write(ByteBuffer src) throws IOException {
            return ChannelIo.write(io, src);
        }

        @Override
        public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
            return ChannelIo.write(io, srcs, offset, length);
        }

        @Override
        public long write(ByteBuffer[] srcs) throws IOException {
            return ChannelIo.write(io, srcs, 0, Objects.requireNonNull(srcs, "srcs").length);
        }

        /** Writes from {@code src}: bytes written, 0 when it would block. */
        public long write(MemorySegment src) throws IOException {
            return ChannelIo.write(io, src);
        }

        /** Deregisters and closes this end; the receiver then reads end of stream. Idempotent. */
        @Override
        public void close() throws IOException {
            io.close();
        }

        @Override
        public String toString() {
            return "Pipe.Sender[" + io + "]";
        }
    }

    /** The read end of a {@link Pipe}. Readiness: {@link Interest#READABLE}. */
    public static final class Receiver extends PipeEnd implements ScatteringByteChannel {
        private Receiver(IoSource io) {
            super(io);
        }

        @Override
        public int read(ByteBuffer dst) throws IOException {
            return ChannelIo.read(io, dst);
        }

        @Override
        public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
            return ChannelIo.read(io, dsts, offset, length);
        }

        @Override
        public long read(ByteBuffer[] dsts) throws IOException {
            return ChannelIo.read(io, dsts, 0, Objects.requireNonNull(dsts, "dsts").length);
        }

        /** Reads into {@code dst}: bytes read, -1 at end of stream, 0 when it would block. */
        public long read(MemorySegment dst) throws IOException {
            return ChannelIo.read(io, dst);
        }

        /** Deregisters and closes this end; the sender's writes then fail with EPIPE. Idempotent. */
        @Override
        public void close() throws IOException {
            io.close();
        }

        @Override
        public String toString() {
            return "Pipe.Receiver[" + io + "]";
        }
    }
}
