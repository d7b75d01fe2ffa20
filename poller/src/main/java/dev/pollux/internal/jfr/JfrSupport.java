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
 *
 * <p>The executor's events ({@link TaskRunEvent}, {@link TaskWakeEvent}) use the same flags. A
 * guard on {@code EventType.getEventType(...).isEnabled()} would also see late recordings, but
 * looking up the type when the guarding class loads initialises JFR's metadata in every program
 * that runs a task (about 150 ms and 300 classes at startup, measured on JDK 25); this class only
 * looks types up once JFR is running.
 */
public final class JfrSupport {
    private static volatile boolean poll;
    private static volatile boolean registration;
    private static volatile boolean taskRun;
    private static volatile boolean taskWake;

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

    /** Whether the executor's task-run event is enabled in some running recording. */
    public static boolean taskRunEnabled() {
        return taskRun;
    }

    /** Whether the executor's task-wake event is enabled in some running recording. */
    public static boolean taskWakeEnabled() {
        return taskWake;
    }

    private static void refresh() {
        // Only reached once JFR is initialised, so looking up the event types costs nothing
        // for programs that never record.
        poll = EventType.getEventType(PollEvent.class).isEnabled();
        registration = EventType.getEventType(RegistrationEvent.class).isEnabled();
        taskRun = EventType.getEventType(TaskRunEvent.class).isEnabled();
        taskWake = EventType.getEventType(TaskWakeEvent.class).isEnabled();
    }
}
