/**
 * The backend contract: {@link org.lethe.kernels.Buffer}s with explicit lifetimes, strided
 * {@link org.lethe.kernels.View}s, and the small set of primitives in {@link org.lethe.kernels.Backend}
 * from which the engine builds every operation. Backends are found through
 * {@link org.lethe.kernels.BackendProvider} and {@link java.util.ServiceLoader}; the pure-Java CPU
 * backend in {@code org.lethe.kernels.cpu} is the reference that defines what each primitive means.
 */
package org.lethe.kernels;
