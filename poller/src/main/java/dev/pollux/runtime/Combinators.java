package dev.pollux.runtime;

import java.util.Arrays;
import java.util.List;
import java.util.function.Function;

/**
 * The implementations behind {@link Async}'s combinators. Each polls its parts with the caller's
 * {@link Context}, so any part's wake re-polls the whole combinator (the parts poll again
 * cheaply and return {@code PENDING} when nothing changed for them).
 */
final class Combinators {
    private Combinators() {}

    static final class Map<T, U> implements Async<U> {
        private final Async<T> inner;
        private final Function<? super T, ? extends U> f;

        Map(Async<T> inner, Function<? super T, ? extends U> f) {
            this.inner = inner;
            this.f = f;
        }

        @Override
        public Object poll(Context cx) throws Exception {
            Object r = inner.poll(cx);
            if (r == PENDING) {
                return PENDING;
            }
            @SuppressWarnings("unchecked")
            T value = (T) r;
            return f.apply(value);
        }

        @Override
        public void onCancel() {
            inner.onCancel();
        }
    }

    static final class Then<T, U> implements Async<U> {
        private final Function<? super T, ? extends Async<U>> next;
        private Async<T> first;
        private Async<U> second;

        Then(Async<T> first, Function<? super T, ? extends Async<U>> next) {
            this.first = first;
            this.next = next;
        }

        @Override
        public Object poll(Context cx) throws Exception {
            if (second == null) {
                Object r = first.poll(cx);
                if (r == PENDING) {
                    return PENDING;
                }
                first = null;
                @SuppressWarnings("unchecked")
                T value = (T) r;
                second = java.util.Objects.requireNonNull(next.apply(value), "then: the function returned null");
            }
            return second.poll(cx);
        }

        @Override
        public void onCancel() {
            if (second != null) {
                second.onCancel();
            } else if (first != null) {
                first.onCancel();
            }
        }
    }

    static final class All<T> implements Async<List<T>> {
        private final List<? extends Async<? extends T>> parts;
        private final Object[] results;
        private final boolean[] done;
        private int remaining;

        All(List<? extends Async<? extends T>> parts) {
            this.parts = parts;
            this.results = new Object[parts.size()];
            this.done = new boolean[parts.size()];
            this.remaining = parts.size();
        }

        @Override
        public Object poll(Context cx) throws Exception {
            for (int i = 0; i < results.length && remaining > 0; i++) {
                if (done[i]) {
                    continue;
                }
                Object r;
                try {
                    r = parts.get(i).poll(cx);
                } catch (Exception | Error e) {
                    done[i] = true;
                    onCancel();
                    throw e;
                }
                if (r != PENDING) {
                    results[i] = r;
                    done[i] = true;
                    remaining--;
                }
            }
            if (remaining > 0) {
                return Async.PENDING;
            }
            return Arrays.asList(results);
        }

        @Override
        public void onCancel() {
            for (int i = 0; i < results.length; i++) {
                if (!done[i]) {
                    done[i] = true;
                    parts.get(i).onCancel();
                }
            }
            remaining = 0;
        }
    }

    static final class Select<T> implements Async<T> {
        private final List<? extends Async<? extends T>> parts;
        private boolean finished;

        Select(List<? extends Async<? extends T>> parts) {
            this.parts = parts;
        }

        @Override
        public Object poll(Context cx) throws Exception {
            for (int i = 0; i < parts.size(); i++) {
                Object r;
                try {
                    r = parts.get(i).poll(cx);
                } catch (Exception | Error e) {
                    cancelOthers(i);
                    throw e;
                }
                if (r != PENDING) {
                    cancelOthers(i);
                    return r;
                }
            }
            return Async.PENDING;
        }

        private void cancelOthers(int winner) {
            finished = true;
            for (int i = 0; i < parts.size(); i++) {
                if (i != winner) {
                    parts.get(i).onCancel();
                }
            }
        }

        @Override
        public void onCancel() {
            if (!finished) {
                cancelOthers(-1);
            }
        }
    }

    static final class Using<T> implements Async<T> {
        private final AutoCloseable resource;
        private final Async<T> body;

        Using(AutoCloseable resource, Async<T> body) {
            this.resource = resource;
            this.body = body;
        }

        @Override
        public Object poll(Context cx) throws Exception {
            Object r;
            try {
                r = body.poll(cx);
            } catch (Exception | Error e) {
                try {
                    resource.close();
                } catch (Exception suppressed) {
                    e.addSuppressed(suppressed);
                }
                throw e;
            }
            if (r != PENDING) {
                resource.close();
            }
            return r;
        }

        @Override
        public void onCancel() {
            try {
                body.onCancel();
            } finally {
                closeQuietly(resource);
            }
        }
    }

    /** Closes {@code resource} during cancellation, where nobody could receive the failure. */
    static void closeQuietly(AutoCloseable resource) {
        try {
            resource.close();
        } catch (Exception e) {
            // Cancellation has no caller to report to; the resource is released as far as it can be.
        }
    }

}
