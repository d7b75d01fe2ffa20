package dev.pollux.ffi.kqueue;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/**
 * Every {@code struct kevent} offset and constant Pollux uses, checked against the platforms'
 * headers:
 * <ul>
 *   <li>macOS: apple-oss-distributions/xnu tag xnu-11417.121.6 (a1e26a70f38d), bsd/sys/event.h:
 *       {@code struct kevent} under {@code #pragma pack(4)}, 32 bytes on LP64; EVFILT_USER (-10).
 *   <li>FreeBSD 12+: sys/sys/event.h as carried by freebsd-src forks (13-era 8d12d988fcf6,
 *       14/15-era f30bcb15894c) and rust-lang/libc 2eda1e52fe2e (freebsd12..15 {@code kevent}
 *       with {@code int64_t data} and {@code uint64_t ext[4]}): 64 bytes; EVFILT_USER (-11).
 *   <li>libkqueue: the bindings jextract generated from libkqueue-dev 2.3.1's sys/event.h
 *       (identical for these values to mheily/libkqueue v2.7.0 4e26305ec1b5, include/sys/event.h).
 * </ul>
 */
class KqueuePlatformTest {
    @Test
    void macosKeventIs32BytesWithUserFilterMinus10() {
        assertLayout(KqueuePlatform.MACOS.layout(), 32);
        assertConstants(KqueuePlatform.MACOS.constants(), (short) -10);
    }

    @Test
    void freebsdKeventIs64BytesWithUserFilterMinus11() {
        assertLayout(KqueuePlatform.FREEBSD.layout(), 64);
        assertConstants(KqueuePlatform.FREEBSD.constants(), (short) -11);
    }

    @Test
    void libkqueueFollowsFreebsdNumberingWithThe32ByteLayout() {
        assertLayout(KqueuePlatform.LIBKQUEUE.layout(), 32);
        assertConstants(KqueuePlatform.LIBKQUEUE.constants(), (short) -11);
    }

    private static void assertLayout(KeventLayout layout, long size) {
        assertEquals(size, layout.size(), "sizeof(struct kevent)");
        assertEquals(0, layout.ident(), "ident");
        assertEquals(8, layout.filter(), "filter");
        assertEquals(10, layout.flags(), "flags");
        assertEquals(12, layout.fflags(), "fflags");
        assertEquals(16, layout.data(), "data");
        assertEquals(24, layout.udata(), "udata");
    }

    private static void assertConstants(KqueueConstants c, short evfiltUser) {
        assertEquals(-1, c.evfiltRead(), "EVFILT_READ");
        assertEquals(-2, c.evfiltWrite(), "EVFILT_WRITE");
        assertEquals(evfiltUser, c.evfiltUser(), "EVFILT_USER");
        assertEquals(0x0001, c.evAdd(), "EV_ADD");
        assertEquals(0x0002, c.evDelete(), "EV_DELETE");
        assertEquals(0x0004, c.evEnable(), "EV_ENABLE");
        assertEquals(0x0008, c.evDisable(), "EV_DISABLE");
        assertEquals(0x0010, c.evOneshot(), "EV_ONESHOT");
        assertEquals(0x0020, c.evClear(), "EV_CLEAR");
        assertEquals(0x0040, c.evReceipt(), "EV_RECEIPT");
        assertEquals(0x0080, c.evDispatch(), "EV_DISPATCH");
        assertEquals(0x4000, c.evError(), "EV_ERROR");
        assertEquals((short) 0x8000, c.evEof(), "EV_EOF");
        assertEquals(0x01000000, c.noteTrigger(), "NOTE_TRIGGER");
    }
}
