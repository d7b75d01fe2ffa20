package dev.pollux.internal.jfr;

import jdk.jfr.EventType;
import jdk.jfr.FlightRecorder;
import jdk.jfr.FlightRecorderListener;
import jdk.jfr.Recording;

/**
 * Whether a JFR recording currently wants Pollux's events, as plain static flags that the hot
 * paths read before creating an event.
 *
 * <p>Why not just {@code new PollEvent()} and {@code shouldCommit()}: that relies on escape
 * analysis to remove the allocation when JFR is off, and the poll loop must allocate nothing
 * even where the JIT does not manage that. The flags are recomputed whenever a recording starts
 * or stops (a {@link FlightRecorderListener}) and once when this class loads, so a recording
 * started on the command line is seen too. A setting changed on a recording that is already
 * running takes effect at the next start or stop of a recording.
 */
public final class JfrSupport {
    private static volatile boolean poll;
    private static volatile boolean registration;

    static {
        try {
            FlightRecorder.addListener(new FlightRecorderListener() {
                @Override
                public void recorderInitialized(FlightRecorder recorder) {
                    refresh();
                }

                @Override
                public void recordingStateChanged(Recording recording) {
                    refresh();
                }
            });
        } catch (RuntimeException | LinkageError e) {
            // A JVM without JFR (or one that forbids it): the events simply stay off.
        }
    }

    private JfrSupport() {}

    /** Whether the poll event is enabled in some running recording. */
    public static boolean pollEnabled() {
        return poll;
    }

    /** Whether the registration event is enabled in some running recording. */
    public static boolean registrationEnabled() {
        return registration;
    }

    private static void refresh() {
        // Only reached once JFR is initialised, so looking up the event types costs nothing
        // for programs that never record.
        poll = EventType.getEventType(PollEvent.class).isEnabled();
        registration = EventType.getEventType(RegistrationEvent.class).isEnabled();
    }
}
