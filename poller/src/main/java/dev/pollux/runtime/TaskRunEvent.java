package dev.pollux.runtime;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Enabled;
import jdk.jfr.EventType;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/**
 * JFR: one poll of an executor task's {@link Async} (a duration event). Off unless a recording
 * enables {@code dev.pollux.runtime.TaskRun}; the executor checks {@link #TYPE} first, so
 * nothing is allocated while it is off.
 */
@Name("dev.pollux.runtime.TaskRun")
@Label("Task Run")
@Category({"Pollux", "Runtime"})
@Description("One poll of an executor task")
@Enabled(false)
@StackTrace(false)
final class TaskRunEvent extends jdk.jfr.Event {
    /** This event's type, whose {@code isEnabled()} is the cheap guard. */
    static final EventType TYPE = EventType.getEventType(TaskRunEvent.class);

    @Label("Task Id")
    long taskId;

    @Label("Event Loop")
    String loop;

    @Label("Outcome")
    @Description("pending, completed, failed or cancelled")
    String outcome;
}
