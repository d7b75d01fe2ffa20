package dev.pollux.internal;

import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Says, once and in one message, how to enable native access for the Pollux modules that make
 * restricted FFM calls (the generated bindings and the ffi module of the backend or system-call
 * layer about to be used), before their first restricted call.
 *
 * <p>JDK 25 lets restricted calls from a module without native access through, with a warning
 * per module that names only that module; a future JDK will refuse them. Pollux does not refuse
 * (the JDK does not yet): it logs one warning, through {@code System.Logger} {@code dev.pollux},
 * that names the exact flag for the way Pollux was loaded (the module list on the module path,
 * {@code ALL-UNNAMED} on the class path) and the manifest attribute for executable jars, so a
 * user fixes it in one step. The module {@code dev.pollux} itself makes no restricted call.
 *
 * <p>Called when a {@code Poll} opens and when the system-call layer is first used; it costs a
 * few module look-ups there and nothing on any I/O path. Thread-safe.
 */
public final class NativeAccess {
    /** The modules that make restricted calls, in the order the flag lists them. */
    public static final List<String> MODULES =
            List.of("dev.pollux.bindings", "dev.pollux.ffi.epoll", "dev.pollux.ffi.kqueue", "dev.pollux.ffi.iocp");

    private static final String BINDINGS = "dev.pollux.bindings";

    /** Module sets already warned about, so each missing set is reported once per process. */
    private static final Set<String> WARNED = ConcurrentHashMap.newKeySet();

    private NativeAccess() {}

    /**
     * Logs the warning if native access is not enabled for the module of {@code ffiClass} (a class
     * of the ffi module about to be used; naming it does not initialize it) or for the bindings.
     */
    public static void check(Class<?> ffiClass) {
        List<Module> disabled = disabled(ffiClass.getModule());
        if (!disabled.isEmpty() && WARNED.add(disabled.toString())) {
            System.getLogger("dev.pollux").log(Level.WARNING, message(disabled));
        }
    }

    /** The modules among {@code ffi} and the bindings whose native access is not enabled. */
    static List<Module> disabled(Module ffi) {
        List<Module> disabled = new ArrayList<>();
        if (!ffi.isNativeAccessEnabled()) {
            disabled.add(ffi);
        }
        // On the module path the bindings are a module of their own; on the class path they share
        // the unnamed module with the ffi classes.
        if (ffi.isNamed() && ffi.getLayer() != null) {
            ffi.getLayer().findModule(BINDINGS)
                    .filter(bindings -> !bindings.isNativeAccessEnabled())
                    .ifPresent(bindings -> disabled.add(0, bindings));
        }
        return disabled;
    }

    /** The warning for {@code disabled}: the exact flag, and the manifest attribute for jars. */
    static String message(List<Module> disabled) {
        boolean named = disabled.stream().allMatch(Module::isNamed);
        String flag = "--enable-native-access=" + (named ? String.join(",", MODULES) : "ALL-UNNAMED");
        String where = named
                ? "modules " + String.join(", ", disabled.stream().map(Module::getName).toList())
                : "the class path (the unnamed module)";
        return "Pollux calls the OS through the FFM API, and native access is not enabled for " + where
                + ": the JDK warns about it now and a future JDK will refuse it. Run java with " + flag
                + (named ? " (Pollux on the module path)" : " (Pollux on the class path)")
                + ", or put 'Enable-Native-Access: ALL-UNNAMED' in the manifest of an executable jar.";
    }
}
