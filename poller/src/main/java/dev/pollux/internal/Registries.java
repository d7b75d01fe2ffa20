package dev.pollux.internal;

import dev.pollux.Registry;
import java.util.Objects;

/**
 * Gives Pollux's own sources (in other packages) the {@link Selector} behind a public
 * {@link Registry}, without putting it on the public API. {@code Registry} installs the accessor
 * when its class initialises, which happens before any instance can exist.
 */
public final class Registries {
    /** Reads the selector of a registry. */
    public interface Accessor {
        Selector selector(Registry registry);
    }

    private static volatile Accessor accessor;

    private Registries() {}

    /** Called once, by {@code Registry}. */
    public static void install(Accessor a) {
        if (accessor != null) {
            throw new IllegalStateException("registry accessor already installed");
        }
        accessor = a;
    }

    /** The selector behind {@code registry}. */
    public static Selector selector(Registry registry) {
        return accessor.selector(Objects.requireNonNull(registry, "registry"));
    }
}
