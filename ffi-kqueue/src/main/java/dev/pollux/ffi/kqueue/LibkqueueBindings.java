package dev.pollux.ffi.kqueue;

import dev.pollux.bindings.kqueue.Kqueue;
import dev.pollux.bindings.kqueue.kevent;
import java.lang.foreign.GroupLayout;
import java.lang.foreign.MemoryLayout.PathElement;

/**
 * libkqueue's {@code struct kevent} layout and constants, read from the bindings jextract
 * generated from libkqueue's {@code sys/event.h} (no symbol is looked up here).
 */
final class LibkqueueBindings {
    private LibkqueueBindings() {}

    static KeventLayout layout() {
        GroupLayout l = kevent.layout();
        return new KeventLayout(l.byteSize(), l.byteAlignment(), offset(l, "ident"), offset(l, "filter"),
                offset(l, "flags"), offset(l, "fflags"), offset(l, "data"), offset(l, "udata"));
    }

    static KqueueConstants constants() {
        return new KqueueConstants(
                (short) Kqueue.EVFILT_READ(), (short) Kqueue.EVFILT_WRITE(), (short) Kqueue.EVFILT_USER(),
                (short) Kqueue.EV_ADD(), (short) Kqueue.EV_DELETE(), (short) Kqueue.EV_ENABLE(),
                (short) Kqueue.EV_DISABLE(), (short) Kqueue.EV_ONESHOT(), (short) Kqueue.EV_CLEAR(),
                (short) Kqueue.EV_RECEIPT(), (short) Kqueue.EV_DISPATCH(), (short) Kqueue.EV_ERROR(),
                (short) Kqueue.EV_EOF(), Kqueue.NOTE_TRIGGER());
    }

    private static long offset(GroupLayout layout, String field) {
        return layout.byteOffset(PathElement.groupElement(field));
    }
}
