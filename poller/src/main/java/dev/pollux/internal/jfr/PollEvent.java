package dev.pollux.internal.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Enabled;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;
import jdk.jfr.Timespan;

/**
 * One {@code Poll.poll}: how long the wait call took and how many events it returned.
 *
 * <p>Off by default, and without stack traces: a busy loop polls hundreds of thousands of times a
 * second. A recording turns it on with {@code dev.pollux.Poll#enabled=true} (see
 * {@code scripts/pollux.jfc}). The poll path only creates an instance while
 * {@link JfrSupport#pollEnabled()} says a recording wants it.
 */
@Name("dev.pollux.Poll")
@Label("Poll")
@Category("Pollux")
@Description("One Poll.poll call: the wait and the events it returned")
@Enabled(false)
@StackTrace(false)
public final class PollEvent extends Event {
    @Label("Backend")
    public String backend;

    @Label("Events Returned")
    public int events;

    @Label("Capacity")
    @Description("How many events the Events buffer can hold (a count, not bytes)")
    public int capacity;

    @Label("Timeout")
    @Timespan(Timespan.NANOSECONDS)
    @Description("The timeout asked for; -1 waits until an event")
    public long timeout;
}
