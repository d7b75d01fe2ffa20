package dev.pollux.internal.iocp;

import dev.pollux.internal.CloseGuard;
import dev.pollux.internal.SelectorWaker;
import java.io.IOException;
import java.nio.channels.ClosedSelectorException;

/**
 * Wakes the selector by posting a completion packet with the waker's token as its key and no
 * OVERLAPPED, as mio's Waker does. Unlike an eventfd, posted packets do not coalesce: each wake
 * is one packet and one event (the Waker contract allows extra events).
 */
final class IocpWaker implements SelectorWaker {
    private final IocpDriver driver;
    private final long port;
    private final long token;
    private final CloseGuard guard = new CloseGuard();

    IocpWaker(IocpDriver driver, long port, long token) {
        this.driver = driver;
        this.port = port;
        this.token = token;
    }

    @Override
    public void wake() throws IOException {
        if (!guard.enter()) {
            throw new ClosedSelectorException();
        }
        try {
            driver.post(port, IocpSelector.WAKE_PACKET, token);
        } finally {
            guard.exit();
        }
    }

    @Override
    public void close() {
        guard.close();
    }
}
