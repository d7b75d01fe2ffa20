package dev.pollux.internal;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.SocketOption;
import java.net.StandardSocketOptions;
import java.util.Objects;

/**
 * {@code setOption} / {@code getOption} for every Pollux socket, through the OS's
 * {@link SocketOptionTable}: an option the OS lacks fails with
 * {@link UnsupportedOperationException} naming it; a value of the wrong type or range with
 * {@link IllegalArgumentException}; a refusal by the kernel with the OS error.
 */
public final class SocketOptionAccess {
    private SocketOptionAccess() {}

    public static <T> void set(IoSource io, int family, SocketOption<T> option, T value) throws IOException {
        if (Multicast.isInterfaceOption(option)) {
            Multicast.setInterface(io, family, value);
            return;
        }
        SocketOptionTable.Spec spec = spec(option, family);
        if (spec.readOnly()) {
            throw new UnsupportedOperationException(option.name() + " is read-only");
        }
        if (value == null) {
            // NIO's answer: the value is not an instance of the option's type.
            throw new IllegalArgumentException(option.name() + ": invalid value null");
        }
        int encoded = switch (spec.kind()) {
            case BOOLEAN -> ((Boolean) checkType(option, value, Boolean.class)) ? 1 : 0;
            case INTEGER -> {
                int v = (Integer) checkType(option, value, Integer.class);
                if (v < 0) {
                    throw new IllegalArgumentException(option.name() + " cannot be negative: " + v);
                }
                if (v > 255 && (option == StandardSocketOptions.IP_MULTICAST_TTL || option == StandardSocketOptions.IP_TOS)) {
                    // One byte in the IP header: the kernel would say EINVAL, NIO says this.
                    throw new IllegalArgumentException(option.name() + " must be 0 to 255: " + v);
                }
                yield v;
            }
            case LINGER -> (Integer) checkType(option, value, Integer.class);
        };
        Os os = Os.current();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment segment;
            if (spec.kind() == SocketOptionTable.Kind.LINGER) {
                // struct linger { int l_onoff; int l_linger; }
                segment = arena.allocate(2 * Integer.BYTES, Integer.BYTES);
                segment.set(ValueLayout.JAVA_INT, 0, encoded < 0 ? 0 : 1);
                segment.set(ValueLayout.JAVA_INT, Integer.BYTES, Math.max(encoded, 0));
            } else {
                segment = arena.allocate(ValueLayout.JAVA_INT);
                segment.set(ValueLayout.JAVA_INT, 0, encoded);
            }
            int r;
            io.begin();
            try {
                r = os.setOption(io.fd(), spec.level(), spec.name(), segment);
            } finally {
                io.end();
            }
            Check.check("setsockopt(" + option.name() + ")", r);
        }
    }

    public static <T> T get(IoSource io, int family, SocketOption<T> option) throws IOException {
        if (Multicast.isInterfaceOption(option)) {
            return option.type().cast(Multicast.getInterface(io, family));
        }
        SocketOptionTable.Spec spec = spec(option, family);
        Os os = Os.current();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment segment = arena.allocate(2 * Integer.BYTES, Integer.BYTES);
            int r;
            io.begin();
            try {
                r = os.getOption(io.fd(), spec.level(), spec.name(), segment);
            } finally {
                io.end();
            }
            Check.check("getsockopt(" + option.name() + ")", r);
            int first = segment.get(ValueLayout.JAVA_INT, 0);
            Object value = switch (spec.kind()) {
                case BOOLEAN -> first != 0;
                case INTEGER -> first;
                case LINGER -> first == 0 ? -1 : segment.get(ValueLayout.JAVA_INT, Integer.BYTES);
            };
            return option.type().cast(value);
        }
    }

    private static SocketOptionTable.Spec spec(SocketOption<?> option, int family) {
        Objects.requireNonNull(option, "option");
        SocketOptionTable table = Os.current().socketOptions();
        SocketOptionTable.Spec spec = table.find(option, family);
        if (spec == null) {
            throw new UnsupportedOperationException(option.name() + " is not supported on " + table.osName());
        }
        return spec;
    }

    private static Object checkType(SocketOption<?> option, Object value, Class<?> expected) {
        if (!expected.isInstance(value) || option.type() != expected) {
            throw new IllegalArgumentException(option.name() + " takes a " + expected.getSimpleName()
                    + ", not " + value.getClass().getSimpleName());
        }
        return value;
    }
}
