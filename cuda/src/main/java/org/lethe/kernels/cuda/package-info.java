/**
 * The CUDA backend: {@link org.lethe.kernels.cuda.CudaBackend} runs every primitive of
 * {@link org.lethe.kernels.Backend} as one of Lethe's own kernels ({@code src/main/cuda}, shipped as
 * PTX and compiled by the driver for the GPU it finds), launched through JCuda's driver-API binding
 * on one stream, with device memory from a caching allocator and matrix products on cuBLAS where
 * it loads. {@link org.lethe.kernels.cuda.CudaBackendProvider} registers it with
 * {@link java.util.ServiceLoader} behind a probe that never throws: without a driver or a suitable
 * GPU the probe says why in one line and the CPU backend runs instead.
 *
 * <p>This package lives in its own module (lethe-cuda) so that the kernels module and the engine keep
 * no runtime dependency; the command line and the benchmarks depend on it.
 */
package org.lethe.kernels.cuda;
