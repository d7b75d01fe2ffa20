package dev.pollux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pollux.unix.Pipe;
import java.nio.ByteBuffer;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class SmokeTest {
    @Test
    void pipeBecomesReadable() throws Exception {
        try (Poll poll = Poll.open(); Pipe pipe = Pipe.open()) {
            Events events = Events.withCapacity(8);
            poll.registry().register(pipe.receiver(), 7, Interest.READABLE);
            assertEquals(0, poll.poll(events, Duration.ZERO));
            pipe.sender().write(ByteBuffer.wrap(new byte[] {1, 2, 3}));
            assertEquals(1, poll.poll(events, Duration.ofSeconds(1)));
            assertEquals(7, events.token(0));
            assertTrue(events.isReadable(0));
            ByteBuffer buf = ByteBuffer.allocate(10);
            assertEquals(3, pipe.receiver().read(buf));
            assertEquals(0, pipe.receiver().read(buf));
        }
    }
}
