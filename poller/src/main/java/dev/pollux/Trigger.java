package dev.pollux;

/**
 * When a registration reports readiness.
 *
 * <ul>
 *   <li>{@link #EDGE} (the default, as in mio): an event when the source <em>becomes</em> ready.
 *       After an event, keep doing I/O until it would block (returns 0 or {@code null}); only a new
 *       change of state produces the next event.
 *   <li>{@link #LEVEL}: an event on every poll for as long as the source is ready.
 *   <li>{@link #ONESHOT}: at most one event, then the registration is disarmed (it stays
 *       registered) until {@link Registry#reregister} arms it again; re-arming a source that is
 *       still ready reports it at once.
 * </ul>
 */
public enum Trigger {
    EDGE,
    LEVEL,
    ONESHOT
}
