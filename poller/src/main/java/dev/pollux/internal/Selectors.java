package dev.pollux.internal;

import dev.pollux.Backend;
import dev.pollux.internal.epoll.EpollSelector;
import dev.pollux.internal.iocp.IocpSelector;
import dev.pollux.internal.kqueue.KqueueSelector;
import dev.pollux.internal.uring.IoUringSelector;
import java.io.IOException;
import java.util.Locale;

/** Opens the {@link Selector} for a backend, or says clearly why it cannot. */
public final class Selectors {
    private Selectors() {}

    public static Selector open(Backend backend) throws IOException {
        String os = System.getProperty("os.name", "");
        return switch (backend) {
            case EPOLL -> {
                if (!os.toLowerCase(Locale.ROOT).startsWith("linux")) {
                    throw new UnsupportedOperationException("the epoll backend needs Linux; this is " + os);
                }
                NativeAccess.check(dev.pollux.ffi.epoll.Epoll.class);
                yield EpollSelector.open();
            }
            case KQUEUE -> {
                NativeAccess.check(dev.pollux.ffi.kqueue.Kqueue.class);
                yield KqueueSelector.open();
            }
            case IO_URING -> {
                if (!os.toLowerCase(Locale.ROOT).startsWith("linux")) {
                    throw new UnsupportedOperationException("the io_uring backend needs Linux; this is " + os);
                }
                NativeAccess.check(dev.pollux.ffi.epoll.Epoll.class);
                yield IoUringSelector.open();
            }
            case IOCP -> {
                if (!os.toLowerCase(Locale.ROOT).startsWith("windows")) {
                    throw new UnsupportedOperationException("the iocp backend needs Windows; this is " + os);
                }
                NativeAccess.check(dev.pollux.ffi.iocp.Iocp.class);
                yield IocpSelector.open();
            }
        };
    }
}
