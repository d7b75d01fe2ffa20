package dev.pollux.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pollux.MioPortSupport;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/** Helpers for the Unix socket tests (mio's {@code tests/util/mod.rs} socket checks). */
final class UnixTestSupport {
    /** O_NONBLOCK and O_CLOEXEC as /proc/self/fdinfo reports them (octal flags). */
    private static final int O_NONBLOCK = 04000;
    private static final int O_CLOEXEC = 02000000;
    /** Linux {@code sizeof(sun_path)}: a name takes at most 107 bytes. */
    static final int MAX_NAME_BYTES = 107;

    private UnixTestSupport() {}

    /** The descriptor of a Pollux socket (the tests share its package). */
    static int fdOf(NetSource socket) {
        return socket.io.fd();
    }

    /** mio's assert_socket_non_blocking and assert_socket_close_on_exec, read from /proc/self/fdinfo. */
    static void assertNonBlockingCloseOnExec(NetSource socket) throws IOException {
        int fd = fdOf(socket);
        int flags = -1;
        for (String line : Files.readAllLines(Path.of("/proc/self/fdinfo/" + fd))) {
            if (line.startsWith("flags:")) {
                flags = Integer.parseInt(line.substring("flags:".length()).trim(), 8);
            }
        }
        assertTrue(flags >= 0, "no flags line for fd " + fd);
        assertTrue((flags & O_NONBLOCK) != 0, "fd " + fd + " is not non-blocking: " + Integer.toOctalString(flags));
        assertTrue((flags & O_CLOEXEC) != 0, "fd " + fd + " is not close-on-exec: " + Integer.toOctalString(flags));
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** A path in {@code dir} whose UTF-8 form is exactly {@code bytes} long. */
    static Path pathOfLength(Path dir, int bytes) {
        String prefix = dir.toString() + "/";
        int nameLength = bytes - prefix.getBytes(StandardCharsets.UTF_8).length;
        assertTrue(nameLength > 0 && nameLength < 250, "temporary directory too long: " + prefix);
        char[] name = new char[nameLength];
        Arrays.fill(name, 'x');
        Path p = dir.resolve(new String(name));
        assertEquals(bytes, p.toString().getBytes(StandardCharsets.UTF_8).length);
        return p;
    }

    /** A Linux abstract name unique to this run. */
    static String uniqueAbstractName(String test) {
        return "pollux-test-" + test + "-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
    }

    static ByteBuffer direct(byte[] bytes) {
        ByteBuffer b = ByteBuffer.allocateDirect(bytes.length);
        b.put(bytes).flip();
        return b;
    }

    /** The bytes between position 0 and the position of {@code b}. */
    static byte[] written(ByteBuffer b) {
        byte[] out = new byte[b.position()];
        b.get(0, out);
        return out;
    }

    static final long MUST_COME_MILLIS = MioPortSupport.MUST_COME.toMillis();
}
