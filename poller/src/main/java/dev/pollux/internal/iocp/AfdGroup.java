package dev.pollux.internal.iocp;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The AFD helper handles of one selector, each shared by up to {@value #MAX_MEMBERS} sockets as
 * in mio: opening a handle per socket would cost a kernel object each, one handle for all would
 * funnel every poll request through one file object. A handle is closed when its last socket's
 * state is freed (after that socket's last completion). Guarded by the selector's lock.
 */
final class AfdGroup {
    static final int MAX_MEMBERS = 32;

    /** One helper handle and how many socket states use it. */
    static final class Afd {
        final long handle;
        int members;

        Afd(long handle) {
            this.handle = handle;
        }
    }

    private final IocpDriver driver;
    private final long port;
    private final List<Afd> handles = new ArrayList<>();

    AfdGroup(IocpDriver driver, long port) {
        this.driver = driver;
        this.port = port;
    }

    /** A handle with room for one more socket, opening a new one when the newest is full. */
    Afd acquire() throws IOException {
        Afd last = handles.isEmpty() ? null : handles.getLast();
        if (last == null || last.members >= MAX_MEMBERS) {
            last = new Afd(driver.openAfd(port));
            handles.add(last);
        }
        last.members++;
        return last;
    }

    /** One socket state using {@code afd} is gone; closes the handle if it was the last. */
    void release(Afd afd) throws IOException {
        if (--afd.members == 0) {
            handles.remove(afd);
            driver.closeHandle(afd.handle);
        }
    }

    /** Open helper handles. */
    int size() {
        return handles.size();
    }

    /** Closes every handle still open (the selector is closing). */
    void closeAll() throws IOException {
        IOException failure = null;
        for (Afd afd : handles) {
            try {
                driver.closeHandle(afd.handle);
            } catch (IOException e) {
                failure = e;
            }
        }
        handles.clear();
        if (failure != null) {
            throw failure;
        }
    }
}
