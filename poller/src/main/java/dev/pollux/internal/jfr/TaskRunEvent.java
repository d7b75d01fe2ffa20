package dev.pollux.internal.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Enabled;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/**
 * One poll of an executor task's {@code Async} (a duration event), recorded by
 * {@code dev.pollux.runtime}. Off unless a recording enables {@code dev.pollux.runtime.TaskRun};
 * the executor creates an instance only while {@link JfrSupport#taskRunEnabled()} says a
 * recording wants it, so nothing is allocated while it is off.
 */
@Name("dev.pollux.runtime.TaskRun")
@Label("Task Run")
@Category({"Pollux", "Runtime"})
@Description("One poll of an executor task")
@Enabled(false)
@StackTrace(false)
public final class TaskRunEvent extends Event {
    @Label("Task Id")
    public long taskId;

    @Label("Event Loop")
    public String loop;

    @Label("Outcome")
    @Description("pending, completed, failed or cancelled")
    public String outcome;
}
