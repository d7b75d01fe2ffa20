package dev.pollux.bench.soak;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * What the soak's clients did so far: connections completed by kind, bytes echoed and verified,
 * the resets the clients sent on purpose (expected), and every unexpected failure by kind with the
 * first few messages. Updated by every client thread, read by the sampler: thread-safe.
 */
final class Tally {
    /** What a client does with its connection. */
    enum Kind {
        /** Request/response rounds of random sizes, then an ordinary close. */
        ECHO("echo"),
        /** Streams a payload, shuts its output, reads the whole echo and the server's end of stream. */
        HALF_CLOSE("half-close"),
        /** A few rounds, maybe bytes left unread, then a close with SO_LINGER 0: an RST. */
        RESET("reset"),
        /** Connects and closes at once. */
        CONNECT_CLOSE("connect-close"),
        /** Streams megabytes while reading the echo a few KiB at a time with pauses. */
        SLOW_READER("slow reader"),
        /** A slow reader that resets its connection part way, while the server has writes waiting. */
        SLOW_RESET("slow reader reset");

        final String label;

        Kind(String label) {
            this.label = label;
        }
    }

    /** An unexpected failure: no client of the mix should ever see one. */
    enum Failure {
        REFUSED("refused"),
        PEER_RESET("reset by server"),
        EARLY_EOF("early end of stream"),
        WRONG_BYTES("wrong bytes"),
        STALL("stalled"),
        OTHER("other");

        final String label;

        Failure(String label) {
            this.label = label;
        }
    }

    private static final int KEPT_MESSAGES = 10;

    private final Map<Kind, LongAdder> done = new EnumMap<>(Kind.class);
    private final Map<Failure, LongAdder> failures = new EnumMap<>(Failure.class);
    private final LongAdder bytes = new LongAdder();
    private final LongAdder resetsSent = new LongAdder();
    private final AtomicInteger kept = new AtomicInteger();
    private final List<String> messages = Collections.synchronizedList(new ArrayList<>());

    Tally() {
        for (Kind k : Kind.values()) {
            done.put(k, new LongAdder());
        }
        for (Failure f : Failure.values()) {
            failures.put(f, new LongAdder());
        }
    }

    void done(Kind kind) {
        done.get(kind).increment();
    }

    void echoed(long n) {
        bytes.add(n);
    }

    void resetSent() {
        resetsSent.increment();
    }

    void failed(Kind kind, Failure failure, Exception e) {
        failures.get(failure).increment();
        if (kept.getAndIncrement() < KEPT_MESSAGES) {
            messages.add(kind.label + ": " + failure.label + ": " + e);
        }
    }

    Snapshot snapshot() {
        Map<Kind, Long> d = new EnumMap<>(Kind.class);
        done.forEach((k, v) -> d.put(k, v.sum()));
        Map<Failure, Long> f = new EnumMap<>(Failure.class);
        failures.forEach((k, v) -> f.put(k, v.sum()));
        return new Snapshot(d, f, bytes.sum(), resetsSent.sum());
    }

    /** The first few failure messages, in the order they happened. */
    List<String> messages() {
        synchronized (messages) {
            return List.copyOf(messages);
        }
    }

    /** The counters at one moment. */
    record Snapshot(Map<Kind, Long> done, Map<Failure, Long> failures, long bytes, long resetsSent) {
        long connections() {
            return done.values().stream().mapToLong(Long::longValue).sum();
        }

        long unexpected() {
            return failures.values().stream().mapToLong(Long::longValue).sum();
        }

        /** "0", or the total with its kinds: "3 (stalled 2, early end of stream 1)". */
        String unexpectedText() {
            long total = unexpected();
            if (total == 0) {
                return "0";
            }
            StringBuilder s = new StringBuilder().append(total).append(" (");
            String sep = "";
            for (Map.Entry<Failure, Long> e : failures.entrySet()) {
                if (e.getValue() > 0) {
                    s.append(sep).append(e.getKey().label).append(' ').append(e.getValue());
                    sep = ", ";
                }
            }
            return s.append(')').toString();
        }
    }
}
