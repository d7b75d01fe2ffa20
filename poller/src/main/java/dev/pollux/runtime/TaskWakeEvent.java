package dev.pollux.runtime;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Enabled;
import jdk.jfr.EventType;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/**
 * JFR: an executor task was scheduled by a wake (wakes that coalesce into an already scheduled
 * run are not recorded). Off unless a recording enables {@code dev.pollux.runtime.TaskWake};
 * guarded by {@link #TYPE} so nothing is allocated while it is off.
 */
@Name("dev.pollux.runtime.TaskWake")
@Label("Task Wake")
@Category({"Pollux", "Runtime"})
@Description("A task was scheduled to run by a wake")
@Enabled(false)
@StackTrace(false)
final class TaskWakeEvent extends jdk.jfr.Event {
    /** This event's type, whose {@code isEnabled()} is the cheap guard. */
    static final EventType TYPE = EventType.getEventType(TaskWakeEvent.class);

    @Label("Task Id")
    long taskId;

    @Label("Event Loop")
    String loop;

    @Label("Cross Thread")
    @Description("Whether the wake came from a thread other than the event loop's")
    boolean crossThread;
}
