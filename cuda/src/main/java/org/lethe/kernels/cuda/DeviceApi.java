package org.lethe.kernels.cuda;

/**
 * The few driver operations the CUDA backend uses, on one device, one context and one stream:
 * memory, copies, kernel launches by name, and the optional cuBLAS products. {@link JCudaDevice} is
 * the implementation over the CUDA driver (JCuda); the tests also run the backend over an
 * emulator of the CUDA execution model that executes the same kernel sources on the host.
 *
 * <p>Ordering: kernels, memsets and cuBLAS calls are queued on the stream in call order; the
 * copies between host and device are synchronous and ordered after everything queued before them
 * (the stream is a blocking stream and the copies go through the legacy default stream), so a
 * host array may be reused as soon as a copy returns.
 */
interface DeviceApi extends AutoCloseable {

    /** One line: the device, its compute capability and memory, the driver. */
    String describe();

    /** Number of streaming multiprocessors (sizes grids). */
    int multiprocessors();

    /** Allocates {@code bytes} of device memory; {@link OutOfDeviceMemoryException} when there is none left. */
    long malloc(long bytes);

    void free(long address);

    /** Queues {@code count} 32-bit words at {@code address} set to {@code value}. */
    void memsetD32(long address, int value, long count);

    void copyToDevice(long dst, float[] src, int srcOffset, int count);

    void copyToDevice(long dst, double[] src, int srcOffset, int count);

    void copyToDevice(long dst, int[] src, int srcOffset, int count);

    void copyToHost(long src, float[] dst, int dstOffset, int count);

    void copyToHost(long src, double[] dst, int dstOffset, int count);

    /** Queues a kernel of a 2-D or 3-D grid of one-dimensional blocks of {@code block} threads. */
    void launch(String kernel, int gridX, int gridY, int gridZ, int block, KernelArgs args);

    /** cuBLAS on this device and stream, or null where it does not load. */
    BlasLibrary blas();

    /** Waits for everything queued; reports an asynchronous kernel failure as a {@link CudaException}. */
    void synchronize();

    @Override
    void close();
}
