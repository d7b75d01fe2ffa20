package dev.pollux.ffi.epoll;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.foreign.MemoryLayout.PathElement;
import org.junit.jupiter.api.Test;

/**
 * The generated {@code struct epoll_event} layouts match glibc's sys/epoll.h (2.36): packed
 * ({@code __EPOLL_PACKED}) on x86_64, naturally aligned on aarch64.
 */
class EpollEventLayoutTest {
    @Test
    void x86_64EventIsPackedTo12Bytes() {
        var layout = dev.pollux.bindings.linux.epoll_event.layout();
        assertEquals(12, layout.byteSize());
        assertEquals(0, layout.byteOffset(PathElement.groupElement("events")));
        assertEquals(4, layout.byteOffset(PathElement.groupElement("data")));
    }

    @Test
    void aarch64EventIsAlignedTo16Bytes() {
        var layout = dev.pollux.bindings.linux.aarch64.epoll_event.layout();
        assertEquals(16, layout.byteSize());
        assertEquals(0, layout.byteOffset(PathElement.groupElement("events")));
        assertEquals(8, layout.byteOffset(PathElement.groupElement("data")));
    }

    @Test
    void thisMachineUsesItsArchitecturesLayout() {
        switch (System.getProperty("os.arch")) {
            case "amd64", "x86_64" -> assertEquals(12, Epoll.EVENT_SIZE);
            case "aarch64" -> assertEquals(16, Epoll.EVENT_SIZE);
            default -> { }
        }
    }

    @Test
    void errnoNamesComeFromTheHeaders() {
        assertEquals("EAGAIN", Errno.name(Errno.EAGAIN));
        assertEquals("EBADF", Errno.name(9));
        assertEquals("errno 4000", Errno.name(4000));
        assertEquals("errno -1", Errno.name(-1));
    }
}
