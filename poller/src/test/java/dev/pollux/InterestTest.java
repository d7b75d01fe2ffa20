package dev.pollux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Ports of mio's {@code tests/interest.rs}, plus Pollux's remove and interning. */
class InterestTest {
    /** mio: is_tests. */
    @Test
    void isTests() {
        assertTrue(Interest.READABLE.isReadable());
        assertFalse(Interest.READABLE.isWritable());
        assertFalse(Interest.READABLE.isPriority());
        assertFalse(Interest.WRITABLE.isReadable());
        assertTrue(Interest.WRITABLE.isWritable());
        assertFalse(Interest.WRITABLE.isPriority());
        assertFalse(Interest.PRIORITY.isReadable());
        assertFalse(Interest.PRIORITY.isWritable());
        assertTrue(Interest.PRIORITY.isPriority());
    }

    /** mio: bit_or and add. */
    @Test
    void add() {
        Interest rw = Interest.READABLE.add(Interest.WRITABLE);
        assertTrue(rw.isReadable());
        assertTrue(rw.isWritable());
        assertFalse(rw.isPriority());
        Interest all = rw.add(Interest.PRIORITY);
        assertTrue(all.isReadable() && all.isWritable() && all.isPriority());
        // Adding is idempotent and commutative; instances are interned.
        assertSame(Interest.READABLE, Interest.READABLE.add(Interest.READABLE));
        assertSame(rw, Interest.WRITABLE.add(Interest.READABLE));
        assertSame(all, Interest.PRIORITY.add(Interest.WRITABLE).add(Interest.READABLE));
        assertThrows(NullPointerException.class, () -> Interest.READABLE.add(null));
    }

    /** mio: fmt_debug. */
    @Test
    void toStringNamesTheFlags() {
        assertEquals("READABLE", Interest.READABLE.toString());
        assertEquals("WRITABLE", Interest.WRITABLE.toString());
        assertEquals("PRIORITY", Interest.PRIORITY.toString());
        assertEquals("READABLE | WRITABLE", Interest.READABLE.add(Interest.WRITABLE).toString());
        assertEquals("READABLE | WRITABLE", Interest.WRITABLE.add(Interest.READABLE).toString());
        assertEquals("WRITABLE | PRIORITY", Interest.WRITABLE.add(Interest.PRIORITY).toString());
        assertEquals("READABLE | WRITABLE | PRIORITY",
                Interest.READABLE.add(Interest.WRITABLE).add(Interest.PRIORITY).toString());
    }

    /** mio's Interest::remove: returns what is left, or nothing (null) when it would be empty. */
    @Test
    void remove() {
        Interest rw = Interest.READABLE.add(Interest.WRITABLE);
        assertSame(Interest.READABLE, rw.remove(Interest.WRITABLE));
        assertSame(Interest.WRITABLE, rw.remove(Interest.READABLE));
        // Removing something not present changes nothing.
        assertSame(Interest.READABLE, Interest.READABLE.remove(Interest.WRITABLE));
        assertSame(rw, rw.remove(Interest.PRIORITY));
        Interest all = rw.add(Interest.PRIORITY);
        assertSame(Interest.PRIORITY, all.remove(rw));
    }

    @Test
    void removeToNothingIsNull() {
        assertNull(Interest.READABLE.remove(Interest.READABLE));
        assertNull(Interest.WRITABLE.remove(Interest.WRITABLE));
        Interest rw = Interest.READABLE.add(Interest.WRITABLE);
        assertNull(rw.remove(rw));
        assertNull(Interest.READABLE.remove(rw));
        assertNull(rw.remove(Interest.READABLE).remove(Interest.WRITABLE));
    }

    @Test
    void equalityIsIdentity() {
        Interest a = Interest.READABLE.add(Interest.WRITABLE);
        Interest b = Interest.WRITABLE.add(Interest.READABLE);
        assertEquals(a, b);
        assertSame(a, b);
        assertEquals(a.hashCode(), b.hashCode());
    }
}
