package dev.pollux.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.fail;

import dev.pollux.Events;
import dev.pollux.Interest;
import dev.pollux.KqueueSupport;
import dev.pollux.OpenFds;
import dev.pollux.Poll;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Many connections registered READABLE and WRITABLE at once, polled with an {@link Events} far
 * smaller than the number of ready filters: every readiness edge must reach the loop, sooner or
 * later. On kqueue each ready direction is its own event, so 64 such connections make up to 128
 * events, and libkqueue (2.4 to 2.7 at least) used to throw away what did not fit in the caller's
 * list - edge-triggered, so those connections were never reported again.
 */
class TwoWayReadinessTest {
    private static final int CONNECTIONS = 64;
    private static final int ROUNDS = 20;
    /** Far below the 64 writable plus 64 readable filters that are ready at once. */
    private static final int CAPACITY = 5;
    /** How long a round may go without any event before it is called stalled (not a speed bound). */
    private static final Duration STALL = Duration.ofSeconds(5);

    @Test
    void everyEchoCompletesWithASmallEventsAndBothDirectionsRegistered() {
        KqueueSupport.assumeLibkqueueWithoutPre24Bugs(KqueueSupport.READ_WRITE_BUG);
        assertTimeoutPreemptively(Duration.ofSeconds(120), () -> {
            int before = OpenFds.count();
            List<NetSupport.Pair> pairs = new ArrayList<>();
            try (Poll poll = Poll.open(); TcpListener listener = TcpListener.bind(NetSupport.ANY_LOCAL)) {
                for (int i = 0; i < CONNECTIONS; i++) {
                    NetSupport.Pair pair = NetSupport.connectedPair(listener);
                    pairs.add(pair);
                    poll.registry().register(pair.server(), i, Interest.READABLE.add(Interest.WRITABLE));
                }
                Events events = Events.withCapacity(CAPACITY);
                ByteBuffer buffer = ByteBuffer.allocateDirect(64);
                for (int round = 0; round < ROUNDS; round++) {
                    // Every client sends one byte; the loop echoes it back from the server side.
                    for (int i = 0; i < CONNECTIONS; i++) {
                        NetSupport.writeAll(pairs.get(i).client(), new byte[] {(byte) (round * CONNECTIONS + i)});
                    }
                    boolean[] echoed = new boolean[CONNECTIONS];
                    int done = 0;
                    long stalledAt = System.nanoTime() + STALL.toNanos();
                    while (done < CONNECTIONS) {
                        if (System.nanoTime() > stalledAt) {
                            fail("round " + round + ": " + done + " of " + CONNECTIONS
                                    + " echoes completed, the others' readiness never came");
                        }
                        if (poll.poll(events, Duration.ofMillis(100)) > 0) {
                            stalledAt = System.nanoTime() + STALL.toNanos();
                        }
                        for (int e = 0; e < events.size(); e++) {
                            if (!events.isReadable(e)) {
                                continue;
                            }
                            int i = (int) events.token(e);
                            TcpStream server = pairs.get(i).server();
                            // Edge-triggered: drain until the read would block.
                            while (true) {
                                buffer.clear();
                                int n = server.read(buffer);
                                if (n <= 0) {
                                    break;
                                }
                                buffer.flip();
                                byte[] got = new byte[n];
                                buffer.get(got);
                                NetSupport.writeAll(server, got);
                                if (!echoed[i]) {
                                    echoed[i] = true;
                                    done++;
                                }
                            }
                        }
                    }
                    for (int i = 0; i < CONNECTIONS; i++) {
                        assertArrayEquals(new byte[] {(byte) (round * CONNECTIONS + i)},
                                NetSupport.readExactly(pairs.get(i).client(), 1), "echo of connection " + i);
                    }
                }
            } finally {
                for (NetSupport.Pair pair : pairs) {
                    pair.close();
                }
            }
            OpenFds.assertBackTo(before, CONNECTIONS + " two-way connections closed");
        });
    }
}
