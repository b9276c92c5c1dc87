package org.lethe.engine;

/**
 * Whether operations record the graph that {@link Tensor#backward()} walks, per thread. Use
 * {@code try (var g = GradMode.noGrad()) { ... }} for evaluation and parameter updates.
 */
public final class GradMode {
    private static final ThreadLocal<boolean[]> ENABLED = ThreadLocal.withInitial(() -> new boolean[] {true});

    private GradMode() {
    }

    /** Whether graph recording is on for this thread. */
    public static boolean isEnabled() {
        return ENABLED.get()[0];
    }

    /** Turns recording off until the returned guard is closed. */
    public static Guard noGrad() {
        return set(false);
    }

    /** Turns recording on until the returned guard is closed. */
    public static Guard enableGrad() {
        return set(true);
    }

    private static Guard set(boolean on) {
        boolean[] state = ENABLED.get();
        Guard g = new Guard(state, state[0]);
        state[0] = on;
        return g;
    }

    /** Restores the previous mode when closed. */
    public static final class Guard implements AutoCloseable {
        private final boolean[] state;
        private final boolean previous;

        private Guard(boolean[] state, boolean previous) {
            this.state = state;
            this.previous = previous;
        }

        @Override
        public void close() {
            state[0] = previous;
        }
    }
}
