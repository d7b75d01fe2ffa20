package dev.pollux.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pollux.Events;
import dev.pollux.Poll;
import dev.pollux.internal.jfr.JfrSupport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;

class JfrEventsTest {
    private static List<RecordedEvent> record(boolean enable) throws Exception {
        Path file = Files.createTempFile("pollux-runtime", ".jfr");
        try (Recording recording = new Recording(); EventLoop loop = EventLoop.open()) {
            if (enable) {
                recording.enable("dev.pollux.runtime.TaskRun");
                recording.enable("dev.pollux.runtime.TaskWake");
            }
            recording.start();
            loop.blockOn(Timers.sleep(Duration.ofMillis(5)));
            recording.stop();
            recording.dump(file);
            return RecordingFile.readAllEvents(file).stream()
                    .filter(e -> e.getEventType().getName().startsWith("dev.pollux.runtime."))
                    .toList();
        } finally {
            Files.deleteIfExists(file);
        }
    }

    @Test
    void taskRunsAndWakesAreRecordedWhenEnabled() throws Exception {
        List<RecordedEvent> events = record(true);
        List<RecordedEvent> runs = events.stream().filter(e -> e.getEventType().getName().equals("dev.pollux.runtime.TaskRun")).toList();
        List<RecordedEvent> wakes = events.stream().filter(e -> e.getEventType().getName().equals("dev.pollux.runtime.TaskWake")).toList();
        assertTrue(runs.size() >= 2, "a pending poll and the completing poll: " + runs);
        assertTrue(runs.stream().anyMatch(e -> "completed".equals(e.getString("outcome"))));
        assertTrue(runs.stream().anyMatch(e -> "pending".equals(e.getString("outcome"))));
        assertTrue(wakes.size() >= 1, "the timer's wake: " + wakes);
        assertEquals(List.of("Pollux", "Runtime"), runs.get(0).getEventType().getCategoryNames());
    }

    @Test
    void nothingIsRecordedByDefault() throws Exception {
        assertEquals(List.of(), record(false));
    }

    private static boolean anyGuardOn() {
        return JfrSupport.pollEnabled() || JfrSupport.taskRunEnabled() || JfrSupport.taskWakeEnabled();
    }

    private static long count(List<RecordedEvent> events, String name) {
        return events.stream().filter(e -> e.getEventType().getName().equals(name)).count();
    }

    /**
     * Both kinds of guarded code (the poller's poll event, the executor's task events) see a
     * recording that starts after their classes have loaded and run, as one started with
     * {@code jcmd PID JFR.start} would, and stop recording when it stops.
     */
    @Test
    void aRecordingStartedLaterRecordsPollsRunsAndWakes() throws Exception {
        Path file = Files.createTempFile("pollux-late", ".jfr");
        try (EventLoop loop = EventLoop.open(); Poll poll = Poll.open()) {
            Events events = Events.withCapacity(4);
            loop.blockOn(Timers.sleep(Duration.ofMillis(1)));
            poll.poll(events, Duration.ZERO);
            assertFalse(anyGuardOn(), "no recording yet");
            try (Recording recording = new Recording()) {
                recording.enable("dev.pollux.Poll");
                recording.enable("dev.pollux.runtime.TaskRun");
                recording.enable("dev.pollux.runtime.TaskWake");
                recording.start();
                assertTrue(JfrSupport.pollEnabled() && JfrSupport.taskRunEnabled() && JfrSupport.taskWakeEnabled());
                // Long enough to be pending when the loop first runs it, also on a loaded machine:
                // the loop must poll (and the task be woken) for the events below to exist.
                loop.blockOn(Timers.sleep(Duration.ofMillis(50)));
                poll.poll(events, Duration.ZERO);
                recording.stop();
                assertFalse(anyGuardOn(), "the recording has stopped");
                recording.dump(file);
            }
            loop.blockOn(Timers.sleep(Duration.ofMillis(1))); // not recorded: nothing is running
            List<RecordedEvent> recorded = RecordingFile.readAllEvents(file);
            assertTrue(count(recorded, "dev.pollux.Poll") >= 2, "the loop's polls and ours");
            assertTrue(count(recorded, "dev.pollux.runtime.TaskRun") >= 2, "a pending and a completing poll");
            assertTrue(count(recorded, "dev.pollux.runtime.TaskWake") >= 1, "the timer's wake");
        } finally {
            Files.deleteIfExists(file);
        }
    }

    /** A recording that does not enable Pollux's events leaves every guard off and records none of them. */
    @Test
    void aRecordingWithoutPolluxEventsLeavesTheGuardsOff() throws Exception {
        Path file = Files.createTempFile("pollux-other", ".jfr");
        try (EventLoop loop = EventLoop.open(); Poll poll = Poll.open(); Recording recording = new Recording()) {
            recording.enable("jdk.ThreadSleep");
            recording.start();
            assertFalse(anyGuardOn());
            loop.blockOn(Timers.sleep(Duration.ofMillis(5)));
            poll.poll(Events.withCapacity(4), Duration.ZERO);
            recording.stop();
            recording.dump(file);
            assertEquals(0, RecordingFile.readAllEvents(file).stream()
                    .filter(e -> e.getEventType().getName().startsWith("dev.pollux")).count());
        } finally {
            Files.deleteIfExists(file);
        }
    }
}
