package dev.pollux.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pollux.ffi.epoll.Epoll;
import dev.pollux.ffi.kqueue.Kqueue;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What Pollux says when native access is not enabled (the JVM without the flag is run by
 * {@code scripts/consumer-check.sh}); the tests run with the flag the README gives.
 */
class NativeAccessTest {
    @Test
    void theDocumentedFlagEnablesEveryModuleThatNeedsIt() {
        // Surefire passes the README's module-path flag: nothing is left to warn about.
        assertEquals(List.of(), NativeAccess.disabled(Epoll.class.getModule()));
        assertEquals(List.of(), NativeAccess.disabled(Kqueue.class.getModule()));
    }

    @Test
    void onTheModulePathTheMessageNamesTheModulesAndTheWholeFlag() {
        String message = NativeAccess.message(List.of(Epoll.class.getModule()));
        assertTrue(message.contains("modules dev.pollux.ffi.epoll:"), message);
        assertTrue(message.contains(
                "--enable-native-access=dev.pollux.bindings,dev.pollux.ffi.epoll,dev.pollux.ffi.kqueue,dev.pollux.ffi.iocp (Pollux on the module path)"),
                message);
        assertTrue(message.contains("Enable-Native-Access: ALL-UNNAMED"), message);
    }

    @Test
    void onTheClassPathTheMessageGivesAllUnnamed() {
        Module unnamed = NativeAccessTest.class.getClassLoader().getUnnamedModule();
        String message = NativeAccess.message(List.of(unnamed));
        assertTrue(message.contains("--enable-native-access=ALL-UNNAMED (Pollux on the class path)"), message);
    }
}
