package dev.pollux;

import java.io.IOException;

/**
 * Anything a {@link Registry} can watch: Pollux's pipes and sockets, a raw descriptor wrapped in
 * {@link dev.pollux.unix.SourceFd}, or a user type that delegates to one of those.
 *
 * <p>Users call {@link Registry#register}, {@link Registry#reregister} and
 * {@link Registry#deregister}, which call these methods; a type composed of other sources
 * implements them by delegating, as in mio.
 *
 * <p>Pollux's own sources track their registration and throw {@link IllegalStateException} when
 * registered twice, used with a second {@code Poll} while registered, or reregistered or
 * deregistered while not registered. {@code SourceFd} passes the OS's own answer through as an
 * {@link OsException} ({@code EEXIST}, {@code ENOENT}, {@code EBADF}).
 */
public interface Source {
    /** Starts watching this source for {@code interest}, reporting {@code token}. */
    void register(Registry registry, long token, Interest interest, Trigger trigger) throws IOException;

    /** Replaces the token, interest and trigger of an existing registration (and re-arms a oneshot). */
    void reregister(Registry registry, long token, Interest interest, Trigger trigger) throws IOException;

    /** Stops watching this source; no event for it is returned by a poll that starts afterwards. */
    void deregister(Registry registry) throws IOException;
}
