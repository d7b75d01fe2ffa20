package dev.pollux.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
}
