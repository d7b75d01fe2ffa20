package dev.pollux.internal.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Enabled;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;

/**
 * One registration change on a Poll: register, reregister or deregister of a descriptor, with
 * the token, interest and trigger asked for. Off by default; stack traces are on, because the
 * question this event answers is usually "who changed this registration".
 */
@Name("dev.pollux.Registration")
@Label("Registration Change")
@Category("Pollux")
@Description("A register, reregister or deregister call on a Poll's registry")
@Enabled(false)
public final class RegistrationEvent extends Event {
    @Label("Operation")
    public String operation;

    @Label("Backend")
    public String backend;

    @Label("File Descriptor")
    public int fd;

    @Label("Token")
    public long token;

    @Label("Interest")
    public String interest;

    @Label("Trigger")
    public String trigger;
}
