package dev.pollux.bench;

import dev.pollux.Events;
import dev.pollux.Interest;
import dev.pollux.Poll;
import dev.pollux.Waker;
import dev.pollux.unix.Pipe;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;

/**
 * A runnable tour of the API until the JMH suite lands: one thread passes a byte back and forth
 * through a pipe pair on one Poll (the classic ping-pong), then a second thread stops the loop
 * with a {@link Waker}. Prints what it did and how long a round trip took on this machine; it is
 * a demonstration, not a benchmark (no warm-up control, no statistics).
 *
 * <p>Run with {@code ./mvnw -B -q -Pexample verify -DskipTests}.
 */
public final class PipeExample {
    private static final long PING = 1;
    private static final long PONG = 2;
    private static final long STOP = 3;

    private PipeExample() {}

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
        try (Poll poll = Poll.open(); Pipe ping = Pipe.open(); Pipe pong = Pipe.open()) {
            Events events = Events.withCapacity(16);
            poll.registry().register(ping.receiver(), PING, Interest.READABLE);
            poll.registry().register(pong.receiver(), PONG, Interest.READABLE);
            ByteBuffer one = ByteBuffer.allocateDirect(1);

            long start = System.nanoTime();
            send(ping.sender(), one);
            int done = 0;
            while (done < rounds) {
                poll.poll(events, null);
                for (int i = 0; i < events.size(); i++) {
                    // Edge-triggered: read until the pipe is empty, answering each byte.
                    Pipe.Receiver from = events.token(i) == PING ? ping.receiver() : pong.receiver();
                    Pipe.Sender to = events.token(i) == PING ? pong.sender() : ping.sender();
                    while (receive(from, one)) {
                        done++;
                        send(to, one);
                    }
                }
            }
            long elapsed = System.nanoTime() - start;
            System.out.printf("Pollux %s: %,d pipe hops on one thread in %.1f ms, %.2f us per hop%n",
                    poll.backend().propertyValue(), done, elapsed / 1e6, elapsed / 1e3 / done);

            try (Waker waker = new Waker(poll.registry(), STOP)) {
                Thread.ofPlatform().start(() -> {
                    try {
                        waker.wake();
                    } catch (IOException e) {
                        throw new RuntimeException(e);
                    }
                });
                long waited = System.nanoTime();
                while (!contains(events, STOP)) {
                    poll.poll(events, Duration.ofSeconds(5));
                }
                System.out.printf("woken from another thread after %.1f us (token %d)%n",
                        (System.nanoTime() - waited) / 1e3, STOP);
            }
        }
    }

    private static boolean contains(Events events, long token) {
        for (int i = 0; i < events.size(); i++) {
            if (events.token(i) == token) {
                return true;
            }
        }
        return false;
    }

    private static void send(Pipe.Sender to, ByteBuffer one) throws IOException {
        one.clear();
        if (to.write(one) != 1) {
            throw new IllegalStateException("pipe full");
        }
    }

    private static boolean receive(Pipe.Receiver from, ByteBuffer one) throws IOException {
        one.clear();
        return from.read(one) == 1;
    }
}
