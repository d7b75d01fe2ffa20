package dev.pollux.bench.soak;

import dev.pollux.bench.soak.Tally.Failure;
import dev.pollux.bench.soak.Tally.Kind;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The soak's clients: {@code clients} threads, each opening one loopback connection after another
 * until the deadline, of a kind drawn from the mix (echo rounds, half-close, reset, connect and
 * close; the first {@code slowReaders} threads are slow readers only, every third of whose
 * connections resets part way). Every echoed byte is
 * checked against {@link Pattern}; every connection has a deadline after which a watchdog closes
 * its socket and counts it as stalled. Written on the JDK's blocking sockets, not on Pollux, so
 * that the load does not share the bugs it is looking for.
 *
 * <p>Bounded: no connection starts after the deadline and each one ends by its own deadline, so
 * {@link #run()} returns at most one connection timeout after the soak's deadline.
 */
final class Load {
    private static final int MAX_CHUNK = 64 * 1024;
    private static final int SLOW_RECEIVE_BUFFER = 16 * 1024;

    private final InetSocketAddress server;
    private final int clients;
    private final int slowReaders;
    private final long timeoutMillis;
    private final Tally tally = new Tally();
    private final ScheduledThreadPoolExecutor watchdog = new ScheduledThreadPoolExecutor(1, r -> {
        Thread t = new Thread(r, "soak-watchdog");
        t.setDaemon(true);
        return t;
    });
    private volatile long deadline;

    Load(InetSocketAddress server, int clients, int slowReaders, long timeoutMillis) {
        if (clients < 1 || slowReaders < 0 || slowReaders >= clients) {
            throw new IllegalArgumentException("clients must be >= 1 and more than slow readers: " + clients + ", "
                    + slowReaders);
        }
        this.server = server;
        this.clients = clients;
        this.slowReaders = slowReaders;
        this.timeoutMillis = timeoutMillis;
        watchdog.setRemoveOnCancelPolicy(true);
    }

    Tally tally() {
        return tally;
    }

    /** Makes every client stop after its current connection (the server has died, say). */
    void stop() {
        deadline = System.nanoTime();
    }

    /** Runs the clients until {@code nanos} from now and returns when the last connection has ended. */
    void run(long nanos) throws InterruptedException {
        deadline = System.nanoTime() + nanos;
        List<Thread> threads = new ArrayList<>();
        SplittableRandom seeds = new SplittableRandom();
        for (int i = 0; i < clients; i++) {
            boolean slow = i < slowReaders;
            SplittableRandom random = seeds.split();
            threads.add(Thread.ofVirtual().name("soak-client-" + i).start(() -> client(slow, random)));
        }
        for (Thread t : threads) {
            t.join();
        }
        watchdog.shutdownNow();
    }

    private void client(boolean slow, SplittableRandom random) {
        byte[] buf = new byte[MAX_CHUNK];
        for (long i = 0; System.nanoTime() - deadline < 0; i++) {
            // Every third slow reader resets: by count, not chance, so that a short run has some.
            Kind kind = slow ? (i % 3 == 2 ? Kind.SLOW_RESET : Kind.SLOW_READER) : pick(random);
            connection(kind, random, buf);
        }
    }

    /** The mix of the ordinary clients: 40% echo, 25% half-close, 20% reset, 15% connect and close. */
    private static Kind pick(SplittableRandom random) {
        int r = random.nextInt(100);
        return r < 40 ? Kind.ECHO : r < 65 ? Kind.HALF_CLOSE : r < 85 ? Kind.RESET : Kind.CONNECT_CLOSE;
    }

    private void connection(Kind kind, SplittableRandom random, byte[] buf) {
        Conn c = new Conn(new Socket(), random.nextInt(Pattern.PERIOD));
        ScheduledFuture<?> alarm = watchdog.schedule(c::stall, timeoutMillis, TimeUnit.MILLISECONDS);
        try {
            if (kind == Kind.SLOW_READER || kind == Kind.SLOW_RESET) {
                c.socket.setReceiveBufferSize(SLOW_RECEIVE_BUFFER); // so the server's writes fill up and wait
            }
            c.socket.connect(server, (int) timeoutMillis);
            c.socket.setTcpNoDelay(true);
            switch (kind) {
                case ECHO -> echo(c, random, buf, 1 + random.nextInt(20));
                case HALF_CLOSE -> stream(c, random, random.nextInt(20) == 0 ? 0 : logUniform(random, 1 << 20), 0,
                        -1);
                case RESET -> reset(c, random, buf);
                case CONNECT_CLOSE -> { } // closed below
                case SLOW_READER -> stream(c, random, (1 << 20) + random.nextInt(3 << 20), 4 * 1024, -1);
                case SLOW_RESET -> stream(c, random, 4 << 20, 4 * 1024, random.nextInt(1 << 20));
            }
            c.socket.close();
            tally.done(kind);
        } catch (IOException | InterruptedException | RuntimeException e) {
            tally.failed(kind, classify(c, e), e);
        } finally {
            alarm.cancel(false);
            c.closeQuietly();
        }
    }

    private static Failure classify(Conn c, Exception e) {
        if (c.stalled) {
            return Failure.STALL;
        }
        if (e instanceof ConnectException) {
            return Failure.REFUSED;
        }
        if (e instanceof WrongBytes) {
            return Failure.WRONG_BYTES;
        }
        if (e instanceof EOFException) {
            return Failure.EARLY_EOF;
        }
        if (e instanceof SocketException && String.valueOf(e.getMessage()).toLowerCase().contains("reset")) {
            return Failure.PEER_RESET;
        }
        return Failure.OTHER;
    }

    /** Request/response rounds of 1 B to 16 KiB (log-uniform, so small messages are common). */
    private void echo(Conn c, SplittableRandom random, byte[] buf, int rounds) throws IOException {
        for (int i = 0; i < rounds; i++) {
            int size = logUniform(random, 16 * 1024);
            c.send(buf, size);
            c.expect(buf, size, size);
        }
    }

    /** A few rounds, then maybe up to 32 KiB sent and not read, then an RST instead of a FIN. */
    private void reset(Conn c, SplittableRandom random, byte[] buf) throws IOException {
        echo(c, random, buf, random.nextInt(4));
        if (random.nextBoolean()) {
            c.send(buf, logUniform(random, 32 * 1024)); // the echo is left in flight, or unread
        }
        c.socket.setSoLinger(true, 0);
        c.socket.close();
        tally.resetSent();
    }

    /**
     * One thread writes {@code total} bytes and shuts its output while this one reads the echo
     * ({@code readSize} bytes at a time with a pause after each when it is a slow reader, else as
     * fast as it comes), then the server's end of stream: the server must echo everything a
     * half-closed client sent, then close. With {@code resetAt >= 0}, the reader instead resets
     * the connection once it has read that many bytes, with the rest of the echo still on its way.
     */
    private void stream(Conn c, SplittableRandom random, int total, int readSize, int resetAt)
            throws IOException, InterruptedException {
        IOException[] writeFailure = new IOException[1];
        Thread writer = Thread.ofVirtual().name("soak-writer").start(() -> {
            byte[] out = new byte[MAX_CHUNK];
            try {
                int left = total;
                while (left > 0) {
                    int n = Math.min(left, MAX_CHUNK);
                    c.send(out, n);
                    left -= n;
                }
                c.socket.shutdownOutput();
            } catch (IOException e) {
                writeFailure[0] = e;
            }
        });
        try {
            byte[] in = new byte[MAX_CHUNK];
            long left = total;
            while (left > 0) {
                if (resetAt >= 0 && total - left >= resetAt) {
                    c.socket.setSoLinger(true, 0);
                    c.socket.close(); // the writer fails: expected, not reported
                    writer.join();
                    tally.resetSent();
                    return;
                }
                int n = (int) Math.min(left, readSize > 0 ? readSize : MAX_CHUNK);
                int got = c.expect(in, n, 1);
                left -= got;
                if (readSize > 0) {
                    Thread.sleep(0, 200_000 + random.nextInt(800_000)); // 0.2-1 ms: the server's writes fill up
                }
            }
            c.expectEnd(in);
        } finally {
            if (writer.isAlive()) {
                c.closeQuietly(); // the reader failed: end the writer too
            }
            writer.join();
        }
        if (writeFailure[0] != null) {
            throw writeFailure[0];
        }
    }

    /** 1 to max, uniform in the logarithm. */
    private static int logUniform(SplittableRandom random, int max) {
        int bits = 32 - Integer.numberOfLeadingZeros(max);
        int size = 1 + random.nextInt(1 << random.nextInt(bits));
        return Math.min(size, max);
    }

    /** One connection: its socket, where its pattern starts, how far it has sent and read. */
    private final class Conn {
        final Socket socket;
        final int start;
        volatile long sent; // written by a stream's writer thread, read in the reader's messages
        long received;
        volatile boolean stalled;

        Conn(Socket socket, int start) {
            this.socket = socket;
            this.start = start;
        }

        void stall() {
            stalled = true;
            closeQuietly();
        }

        /** Sends the next {@code n} bytes of the pattern ({@code n <= buf.length}). */
        void send(byte[] buf, int n) throws IOException {
            Pattern.fill(buf, 0, n, start, sent);
            OutputStream out = socket.getOutputStream();
            out.write(buf, 0, n);
            sent += n;
        }

        /**
         * Reads at least {@code min} and at most {@code n} bytes of the echo and checks each one;
         * returns how many came.
         */
        int expect(byte[] buf, int n, int min) throws IOException {
            InputStream in = socket.getInputStream();
            int got = 0;
            while (got < min) {
                int r = in.read(buf, got, n - got);
                if (r < 0) {
                    throw new EOFException("end of stream after " + received + " of " + sent + " bytes echoed");
                }
                int bad = Pattern.mismatch(buf, got, r, start, received);
                if (bad >= 0) {
                    long at = received + bad;
                    throw new WrongBytes("byte " + at + " of the echo is " + (buf[got + bad] & 0xff) + ", sent "
                            + Pattern.expected(start, at));
                }
                got += r;
                received += r;
                tally.echoed(r);
            }
            return got;
        }

        /** Reads the server's end of stream: nothing more may come back. */
        void expectEnd(byte[] buf) throws IOException {
            int r = socket.getInputStream().read(buf, 0, buf.length);
            if (r >= 0) {
                throw new WrongBytes(r + " bytes more than the " + sent + " sent came back");
            }
        }

        void closeQuietly() {
            try {
                socket.close();
            } catch (IOException e) {
                // Closing only to release it: nothing to report.
            }
        }
    }

    /** An echoed byte differs from the byte sent at its position, or more came back than was sent. */
    static final class WrongBytes extends IOException {
        WrongBytes(String message) {
            super(message);
        }
    }
}
