package org.latent4j.tensor;

/**
 * Whether ops record the graph for reverse-mode autodiff on this thread. Evaluation code runs inside
 * {@code try (var ng = GradMode.disabled()) { ... }} so that no graph is built and no gradient kept.
 */
public final class GradMode {
    private static final ThreadLocal<boolean[]> ENABLED = ThreadLocal.withInitial(() -> new boolean[] {true});

    private GradMode() {}

    /** {@return whether ops record their backward on this thread} */
    public static boolean isEnabled() {
        return ENABLED.get()[0];
    }

    /**
     * Disables recording until the returned scope is closed; scopes nest.
     *
     * @return the scope to close
     */
    public static Guard disabled() {
        return set(false);
    }

    /**
     * Re-enables recording inside a disabled region until the returned scope is closed.
     *
     * @return the scope to close
     */
    public static Guard enabled() {
        return set(true);
    }

    private static Guard set(boolean value) {
        boolean[] cell = ENABLED.get();
        boolean previous = cell[0];
        cell[0] = value;
        return () -> cell[0] = previous;
    }

    /** A scope that restores the previous mode; close() throws nothing. */
    public interface Guard extends AutoCloseable {
        @Override
        void close();
    }
}
