package dev.pollux.runtime;

/** The type of {@link Async#PENDING}; its one instance is only ever compared by identity. */
final class PendingMarker {
    static final PendingMarker INSTANCE = new PendingMarker();

    private PendingMarker() {}

    @Override
    public String toString() {
        return "PENDING";
    }
}
