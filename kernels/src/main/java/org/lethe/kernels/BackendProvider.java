package org.lethe.kernels;

/**
 * Service-provider interface through which backends are found with {@link java.util.ServiceLoader}.
 * A provider is cheap to construct; {@link #probe()} checks whether its device and native libraries
 * can be used here without throwing, and {@link #create()} builds the backend.
 */
public interface BackendProvider {

    /** The name users select it by, e.g. {@code cpu} or {@code cuda}. */
    String name();

    /** Higher wins when no backend is named explicitly; the CPU backend has priority 0. */
    int priority();

    /** Whether this backend can run here, and if not, why (one line). Must not throw. */
    Availability probe();

    /** Creates the backend; called only after a successful probe. */
    Backend create();

    /** The result of a probe. */
    record Availability(boolean available, String reason) {
        public static Availability yes(String detail) {
            return new Availability(true, detail);
        }

        public static Availability no(String reason) {
            return new Availability(false, reason);
        }
    }
}
