package dev.pollux.internal;

import dev.pollux.Backend;
import dev.pollux.internal.epoll.EpollSelector;
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
                yield EpollSelector.open();
            }
            case KQUEUE -> KqueueSelector.open();
            case IO_URING -> IoUringSelector.open();
            case IOCP -> throw new UnsupportedOperationException(
                    "the iocp backend is not implemented in this version of Pollux");
        };
    }
}
