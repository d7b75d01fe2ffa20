package dev.pollux.bench;

import com.sun.management.ThreadMXBean;
import dev.pollux.Events;
import dev.pollux.Interest;
import dev.pollux.Poll;
import dev.pollux.unix.Pipe;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.time.Duration;

/**
 * Counts the heap bytes one thread allocates per iteration of a poll loop (write a byte with a
 * direct buffer, poll, read the events by index, read the byte into a heap buffer), in rounds of
 * a million iterations, so the JIT's steady state shows. A check until the JMH suite's
 * {@code -prof gc} lands; the loop should allocate nothing once compiled.
 *
 * <p>Run with {@code ./mvnw -B -q -Pexample verify -DskipTests -Dexample.main=dev.pollux.bench.AllocationCheck}.
 */
public final class AllocationCheck {
    private static final int ITERATIONS = 1_000_000;

    private AllocationCheck() {}

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
        try (Poll poll = Poll.open(); Pipe pipe = Pipe.open()) {
            Events events = Events.withCapacity(64);
            poll.registry().register(pipe.receiver(), 1, Interest.READABLE);
            ByteBuffer direct = ByteBuffer.allocateDirect(1);
            ByteBuffer heap = ByteBuffer.allocate(1);
            long checksum = 0;
            for (int round = 0; round < rounds; round++) {
                long before = threads.getCurrentThreadAllocatedBytes();
                for (int i = 0; i < ITERATIONS; i++) {
                    pipe.sender().write(direct.clear());
                    poll.poll(events, Duration.ZERO);
                    for (int e = 0; e < events.size(); e++) {
                        checksum += events.token(e) + (events.isReadable(e) ? 1 : 0);
                    }
                    pipe.receiver().read(heap.clear());
                }
                long allocated = threads.getCurrentThreadAllocatedBytes() - before;
                System.out.printf("%s round %d: %.3f bytes allocated per iteration%n",
                        poll.backend().propertyValue(), round, (double) allocated / ITERATIONS);
            }
            if (checksum != 2L * rounds * ITERATIONS) {
                throw new IllegalStateException("lost events: checksum " + checksum);
            }
        }
    }
}
