package dev.pollux.runtime;

import java.util.Arrays;

/**
 * One event loop's timers: a binary min-heap on deadline (ties in insertion order), O(log n) to
 * add, cancel or fire a timer; the earliest deadline gives the loop's poll timeout. Loop thread
 * only: timers set or cancelled from other threads reach it through the loop (see
 * {@link EventLoop#addTimer}).
 */
final class TimerQueue {
    /** A timer: fires once at {@code deadline} ({@link System#nanoTime()} scale) by waking {@code waker}. */
    static final class Entry {
        final long deadline;
        final long sequence;
        volatile TaskWaker waker;
        volatile boolean fired;
        /** Set by a cancel from another thread; the loop drops the entry when it reaches it. */
        volatile boolean cancelled;
        int heapIndex = -1;

        Entry(long deadline, long sequence, TaskWaker waker) {
            this.deadline = deadline;
            this.sequence = sequence;
            this.waker = waker;
        }

        boolean before(Entry other) {
            return deadline != other.deadline ? deadline - other.deadline < 0 : sequence < other.sequence;
        }
    }

    private Entry[] heap = new Entry[64];
    private int size;

    int size() {
        return size;
    }

    void add(Entry e) {
        if (e.cancelled || e.heapIndex >= 0) {
            return;
        }
        if (size == heap.length) {
            heap = Arrays.copyOf(heap, size * 2);
        }
        heap[size] = e;
        e.heapIndex = size;
        siftUp(size++);
    }

    void remove(Entry e) {
        int i = e.heapIndex;
        if (i < 0) {
            return;
        }
        e.heapIndex = -1;
        Entry last = heap[--size];
        heap[size] = null;
        if (i < size) {
            heap[i] = last;
            last.heapIndex = i;
            siftDown(i);
            siftUp(last.heapIndex);
        }
    }

    /** The earliest deadline, or {@link Long#MAX_VALUE} with no timer (drops cancelled entries first). */
    long earliest() {
        while (size > 0 && heap[0].cancelled) {
            remove(heap[0]);
        }
        return size == 0 ? Long.MAX_VALUE : heap[0].deadline;
    }

    /** Fires every timer due at {@code now}: marks it fired and wakes its waker. Returns how many fired. */
    int fireDue(long now) {
        int fired = 0;
        while (size > 0 && heap[0].deadline - now <= 0) {
            Entry e = heap[0];
            remove(e);
            if (!e.cancelled) {
                e.fired = true;
                TaskWaker w = e.waker;
                if (w != null) {
                    w.wake();
                }
                fired++;
            }
        }
        return fired;
    }

    /** Drops every timer (loop shutdown). */
    void clear() {
        for (int i = 0; i < size; i++) {
            heap[i].heapIndex = -1;
            heap[i] = null;
        }
        size = 0;
    }

    private void siftUp(int i) {
        Entry e = heap[i];
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            Entry p = heap[parent];
            if (!e.before(p)) {
                break;
            }
            heap[i] = p;
            p.heapIndex = i;
            i = parent;
        }
        heap[i] = e;
        e.heapIndex = i;
    }

    private void siftDown(int i) {
        Entry e = heap[i];
        int half = size >>> 1;
        while (i < half) {
            int child = 2 * i + 1;
            Entry c = heap[child];
            int right = child + 1;
            if (right < size && heap[right].before(c)) {
                child = right;
                c = heap[child];
            }
            if (!c.before(e)) {
                break;
            }
            heap[i] = c;
            c.heapIndex = i;
            i = child;
        }
        heap[i] = e;
        e.heapIndex = i;
    }
}
