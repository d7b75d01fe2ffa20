package dev.pollux.internal.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Enabled;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/**
 * An executor task was scheduled by a wake (wakes that coalesce into an already scheduled run are
 * not recorded), recorded by {@code dev.pollux.runtime}. Off unless a recording enables
 * {@code dev.pollux.runtime.TaskWake}; guarded by {@link JfrSupport#taskWakeEnabled()} so that
 * nothing is allocated while it is off.
 */
@Name("dev.pollux.runtime.TaskWake")
@Label("Task Wake")
@Category({"Pollux", "Runtime"})
@Description("A task was scheduled to run by a wake")
@Enabled(false)
@StackTrace(false)
public final class TaskWakeEvent extends Event {
    @Label("Task Id")
    public long taskId;

    @Label("Event Loop")
    public String loop;

    @Label("Cross Thread")
    @Description("Whether the wake came from a thread other than the event loop's")
    public boolean crossThread;
}
