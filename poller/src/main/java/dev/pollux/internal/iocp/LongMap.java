package dev.pollux.internal.iocp;

import java.util.Arrays;
import java.util.function.Consumer;

/**
 * An open-addressing map from {@code long} keys (socket numbers, addresses of poll requests) to
 * values, so that the selector's lookups on hot paths box nothing. Not thread-safe: the selector
 * guards it with its lock. {@link Long#MIN_VALUE} cannot be a key.
 */
final class LongMap<V> {
    private static final long EMPTY = Long.MIN_VALUE;
    private long[] keys;
    private Object[] values;
    private int size;

    LongMap() {
        keys = new long[16];
        Arrays.fill(keys, EMPTY);
        values = new Object[16];
    }

    int size() {
        return size;
    }

    boolean isEmpty() {
        return size == 0;
    }

    @SuppressWarnings("unchecked")
    V get(long key) {
        int mask = keys.length - 1;
        for (int i = index(key, mask); ; i = (i + 1) & mask) {
            long k = keys[i];
            if (k == key) {
                return (V) values[i];
            }
            if (k == EMPTY) {
                return null;
            }
        }
    }

    /** Puts {@code value} for {@code key}; returns the previous value. */
    @SuppressWarnings("unchecked")
    V put(long key, V value) {
        if (key == EMPTY) {
            throw new IllegalArgumentException("key " + key);
        }
        if ((size + 1) * 2 > keys.length) {
            grow();
        }
        int mask = keys.length - 1;
        for (int i = index(key, mask); ; i = (i + 1) & mask) {
            if (keys[i] == key) {
                V old = (V) values[i];
                values[i] = value;
                return old;
            }
            if (keys[i] == EMPTY) {
                keys[i] = key;
                values[i] = value;
                size++;
                return null;
            }
        }
    }

    /** Removes {@code key}; returns its value, or null. Backward-shift deletion: no tombstones. */
    @SuppressWarnings("unchecked")
    V remove(long key) {
        int mask = keys.length - 1;
        int i = index(key, mask);
        while (keys[i] != key) {
            if (keys[i] == EMPTY) {
                return null;
            }
            i = (i + 1) & mask;
        }
        V old = (V) values[i];
        size--;
        int hole = i;
        for (int j = (i + 1) & mask; keys[j] != EMPTY; j = (j + 1) & mask) {
            int home = index(keys[j], mask);
            // Move j into the hole if its home is not cyclically within (hole, j].
            if (((j - home) & mask) >= ((j - hole) & mask)) {
                keys[hole] = keys[j];
                values[hole] = values[j];
                hole = j;
            }
        }
        keys[hole] = EMPTY;
        values[hole] = null;
        return old;
    }

    @SuppressWarnings("unchecked")
    void forEach(Consumer<V> action) {
        for (int i = 0; i < keys.length; i++) {
            if (keys[i] != EMPTY) {
                action.accept((V) values[i]);
            }
        }
    }

    void clear() {
        Arrays.fill(keys, EMPTY);
        Arrays.fill(values, null);
        size = 0;
    }

    @SuppressWarnings("unchecked")
    private void grow() {
        long[] oldKeys = keys;
        Object[] oldValues = values;
        keys = new long[oldKeys.length * 2];
        Arrays.fill(keys, EMPTY);
        values = new Object[oldKeys.length * 2];
        size = 0;
        for (int i = 0; i < oldKeys.length; i++) {
            if (oldKeys[i] != EMPTY) {
                put(oldKeys[i], (V) oldValues[i]);
            }
        }
    }

    private static int index(long key, int mask) {
        long h = key * 0x9E3779B97F4A7C15L;
        return (int) (h ^ (h >>> 32)) & mask;
    }
}
