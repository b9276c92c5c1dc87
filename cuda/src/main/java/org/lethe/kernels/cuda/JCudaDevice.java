package org.lethe.kernels.cuda;

import static jcuda.driver.JCudaDriver.cuCtxSetCurrent;
import static jcuda.driver.JCudaDriver.cuDeviceGet;
import static jcuda.driver.JCudaDriver.cuDeviceGetAttribute;
import static jcuda.driver.JCudaDriver.cuDeviceGetCount;
import static jcuda.driver.JCudaDriver.cuDeviceGetName;
import static jcuda.driver.JCudaDriver.cuDevicePrimaryCtxRetain;
import static jcuda.driver.JCudaDriver.cuDeviceTotalMem;
import static jcuda.driver.JCudaDriver.cuDriverGetVersion;
import static jcuda.driver.JCudaDriver.cuInit;
import static jcuda.driver.JCudaDriver.cuLaunchKernel;
import static jcuda.driver.JCudaDriver.cuMemAlloc;
import static jcuda.driver.JCudaDriver.cuMemFree;
import static jcuda.driver.JCudaDriver.cuMemcpyDtoH;
import static jcuda.driver.JCudaDriver.cuMemcpyHtoD;
import static jcuda.driver.JCudaDriver.cuMemsetD32Async;
import static jcuda.driver.JCudaDriver.cuModuleGetFunction;
import static jcuda.driver.JCudaDriver.cuModuleLoadData;
import static jcuda.driver.JCudaDriver.cuStreamCreate;
import static jcuda.driver.JCudaDriver.cuStreamDestroy;
import static jcuda.driver.JCudaDriver.cuStreamSynchronize;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import jcuda.Pointer;
import jcuda.driver.CUcontext;
import jcuda.driver.CUdevice;
import jcuda.driver.CUdevice_attribute;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUfunction;
import jcuda.driver.CUjit_option;
import jcuda.driver.CUmodule;
import jcuda.driver.CUresult;
import jcuda.driver.CUstream;
import jcuda.driver.JCudaDriver;
import jcuda.driver.JITOptions;
import org.lethe.kernels.BackendProvider.Availability;

/**
 * {@link DeviceApi} over the CUDA driver API through JCuda: the device's primary context (shared
 * with cuBLAS, which works in it), one blocking stream per instance, the PTX modules loaded once
 * per process with {@code cuModuleLoadData} (the driver compiles them for the device, and caches
 * the result in ~/.nv/ComputeCache). Only this class and {@link JCublasLibrary} name JCuda types,
 * so the rest of the backend loads where JCuda's native libraries do not.
 *
 * <p>The context is made current on every thread that calls in (the engine may be driven from
 * several threads; a buffer may be closed from the cleaner's thread).
 */
final class JCudaDevice implements DeviceApi {
    private static final System.Logger LOG = System.getLogger("org.lethe.kernels.cuda");

    /** The base of raw addresses outside any allocation of this process (none are expected). */
    private static final CUdeviceptr NULL = new CUdeviceptr();

    /** Every live allocation by its address, so that an address becomes its block's pointer plus an offset. */
    private static final java.util.TreeMap<Long, AllocatedPointer> BLOCKS = new java.util.TreeMap<>();

    /** Process-wide: the primary context of each device used and the functions loaded into it. */
    private static final Map<Integer, Loaded> LOADED = new HashMap<>();

    private record Loaded(CUdevice device, CUcontext context, Map<String, CUfunction> functions, String description,
                          int multiprocessors) {
    }

    /** Reads the address JCuda stored into a pointer that cuMemAlloc filled. */
    private static final class AllocatedPointer extends CUdeviceptr {
        long bytes;

        long address() {
            return getNativePointer() + getByteOffset();
        }
    }

    private final Loaded loaded;
    private final CUstream stream = new CUstream();
    private final ThreadLocal<Boolean> current = ThreadLocal.withInitial(() -> Boolean.FALSE);
    private final boolean syncEachLaunch = Boolean.getBoolean("lethe.cuda.sync");
    private final BlasLibrary blas;
    private String lastLaunch = "none";
    private boolean closed;

    private JCudaDevice(Loaded loaded) {
        this.loaded = loaded;
        makeCurrent();
        check(cuStreamCreate(stream, 0), "cuStreamCreate");
        this.blas = Boolean.getBoolean("lethe.cuda.nocublas") ? null : JCublasLibrary.tryCreate(stream);
    }

    /**
     * The JCuda pointer for a device address: the pointer cuMemAlloc returned for the block that holds
     * it, moved by {@link CUdeviceptr#withByteOffset} (the documented way to address inside a block).
     */
    static CUdeviceptr at(long address) {
        synchronized (BLOCKS) {
            java.util.Map.Entry<Long, AllocatedPointer> e = BLOCKS.floorEntry(address);
            if (e != null && address - e.getKey() < Math.max(1, e.getValue().bytes)) {
                return address == e.getKey() ? e.getValue() : e.getValue().withByteOffset(address - e.getKey());
            }
        }
        return NULL.withByteOffset(address);
    }

    static void check(int result, String call) {
        if (result != CUresult.CUDA_SUCCESS) {
            if (result == CUresult.CUDA_ERROR_OUT_OF_MEMORY) {
                throw new OutOfDeviceMemoryException(call + ": " + CUresult.stringFor(result));
            }
            throw new CudaException(call + " failed: " + CUresult.stringFor(result));
        }
    }

    // ---- probe and open ------------------------------------------------------------------------

    /**
     * Whether device {@code ordinal} can run Lethe's kernels: the driver library loads, a device is
     * present, the driver is at least as new as the CUDA release that wrote the PTX, and the device's
     * compute capability is at least the PTX's target. Never throws.
     */
    static Availability probe(int ordinal) {
        try {
            JCudaDriver.setExceptionsEnabled(false);
        } catch (LinkageError e) {
            return Availability.no(CudaBackendProvider.nativeLibraryProblem(e));
        }
        int r = cuInit(0);
        if (r != CUresult.CUDA_SUCCESS) {
            return Availability.no(r == CUresult.CUDA_ERROR_NO_DEVICE ? "no CUDA device (cuInit: CUDA_ERROR_NO_DEVICE)"
                    : "the CUDA driver did not initialise (cuInit: " + CUresult.stringFor(r) + ")");
        }
        int[] version = new int[1];
        cuDriverGetVersion(version);
        int needed = Ptx.cudaRelease();
        if (version[0] < needed) {
            return Availability.no("the NVIDIA driver supports CUDA " + Ptx.release(version[0]) + "; Lethe's kernels are PTX from CUDA "
                    + Ptx.release(needed) + " and need a driver for CUDA " + Ptx.release(needed) + " or newer");
        }
        int[] count = new int[1];
        r = cuDeviceGetCount(count);
        if (r != CUresult.CUDA_SUCCESS || count[0] == 0) {
            return Availability.no("no CUDA device" + (r == CUresult.CUDA_SUCCESS ? "" : " (" + CUresult.stringFor(r) + ")"));
        }
        if (ordinal < 0 || ordinal >= count[0]) {
            return Availability.no("lethe.cuda.device=" + ordinal + " but there " + (count[0] == 1 ? "is 1 device" : "are " + count[0]
                    + " devices"));
        }
        CUdevice dev = new CUdevice();
        check(cuDeviceGet(dev, ordinal), "cuDeviceGet");
        int cc = attribute(dev, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR) * 10
                + attribute(dev, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR);
        int target = Ptx.targetArchitecture();
        if (cc < target) {
            return Availability.no(deviceName(dev) + " has compute capability " + cc / 10 + "." + cc % 10
                    + "; Lethe's kernels need " + target / 10 + "." + target % 10 + " or newer");
        }
        return Availability.yes(deviceName(dev) + " (sm_" + cc + "), driver for CUDA " + Ptx.release(version[0]));
    }

    private static int attribute(CUdevice dev, int attribute) {
        int[] v = new int[1];
        check(cuDeviceGetAttribute(v, attribute, dev), "cuDeviceGetAttribute");
        return v[0];
    }

    private static String deviceName(CUdevice dev) {
        byte[] name = new byte[256];
        check(cuDeviceGetName(name, name.length, dev), "cuDeviceGetName");
        int n = 0;
        while (n < name.length && name[n] != 0) {
            n++;
        }
        return new String(name, 0, n, StandardCharsets.US_ASCII);
    }

    /** Opens device {@code ordinal} (after a successful {@link #probe}). */
    static JCudaDevice open(int ordinal) {
        Loaded l;
        synchronized (LOADED) {
            l = LOADED.get(ordinal);
            if (l == null) {
                l = load(ordinal);
                LOADED.put(ordinal, l);
            }
        }
        return new JCudaDevice(l);
    }

    private static Loaded load(int ordinal) {
        long t0 = System.nanoTime();
        CUdevice dev = new CUdevice();
        check(cuDeviceGet(dev, ordinal), "cuDeviceGet");
        CUcontext ctx = new CUcontext();
        check(cuDevicePrimaryCtxRetain(ctx, dev), "cuDevicePrimaryCtxRetain");
        check(cuCtxSetCurrent(ctx), "cuCtxSetCurrent");
        Map<String, CUfunction> functions = new HashMap<>();
        for (String name : Ptx.MODULES) {
            String text = Ptx.text(name);
            CUmodule module = loadModule(name, text);
            for (String kernel : Ptx.entries(text)) {
                CUfunction f = new CUfunction();
                check(cuModuleGetFunction(f, module, kernel), "cuModuleGetFunction(" + kernel + ")");
                functions.put(kernel, f);
            }
        }
        int cc = attribute(dev, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR) * 10
                + attribute(dev, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR);
        long[] mem = new long[1];
        check(cuDeviceTotalMem(mem, dev), "cuDeviceTotalMem");
        int[] version = new int[1];
        cuDriverGetVersion(version);
        int sms = attribute(dev, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT);
        String description = deviceName(dev) + ", sm_" + cc + ", " + sms + " SMs, " + Math.round(mem[0] / 1e9) + " GB, driver for CUDA "
                + Ptx.release(version[0]);
        LOG.log(System.Logger.Level.DEBUG, () -> "cuda: loaded " + functions.size() + " kernels in "
                + (System.nanoTime() - t0) / 1_000_000 + " ms");
        return new Loaded(dev, ctx, Map.copyOf(functions), description, sms);
    }

    private static CUmodule loadModule(String name, String text) {
        byte[] ptx = (text + '\0').getBytes(StandardCharsets.US_ASCII);
        CUmodule module = new CUmodule();
        int r = cuModuleLoadData(module, ptx);
        if (r == CUresult.CUDA_SUCCESS) {
            return module;
        }
        // again with the JIT's error log, for the message
        String log = "";
        try {
            JITOptions options = new JITOptions();
            options.putBytes(CUjit_option.CU_JIT_ERROR_LOG_BUFFER, new byte[8192]);
            JCudaDriver.cuModuleLoadDataJIT(new CUmodule(), Pointer.to(ptx), options);
            log = options.getString(CUjit_option.CU_JIT_ERROR_LOG_BUFFER);
        } catch (RuntimeException | LinkageError e) {
            log = "(no JIT log: " + e + ")";
        }
        throw new CudaException("loading the PTX of " + name + ".cu failed: " + CUresult.stringFor(r)
                + (log == null || log.isBlank() ? "" : ": " + log.strip().replace('\n', ' ')));
    }

    private void makeCurrent() {
        if (!current.get()) {
            check(cuCtxSetCurrent(loaded.context()), "cuCtxSetCurrent");
            current.set(Boolean.TRUE);
        }
    }

    // ---- DeviceApi -----------------------------------------------------------------------------

    @Override
    public String describe() {
        return loaded.description();
    }

    @Override
    public int multiprocessors() {
        return loaded.multiprocessors();
    }

    @Override
    public long malloc(long bytes) {
        makeCurrent();
        AllocatedPointer p = new AllocatedPointer();
        check(cuMemAlloc(p, bytes), "cuMemAlloc(" + bytes + ")");
        p.bytes = bytes;
        long a = p.address();
        synchronized (BLOCKS) {
            BLOCKS.put(a, p);
        }
        return a;
    }

    @Override
    public void free(long address) {
        makeCurrent();
        AllocatedPointer p;
        synchronized (BLOCKS) {
            p = BLOCKS.remove(address);
        }
        check(cuMemFree(p != null ? p : at(address)), "cuMemFree");
    }

    @Override
    public void memsetD32(long address, int value, long count) {
        makeCurrent();
        check(cuMemsetD32Async(at(address), value, count, stream), "cuMemsetD32Async");
    }

    @Override
    public void copyToDevice(long dst, float[] src, int srcOffset, int count) {
        makeCurrent();
        check(cuMemcpyHtoD(at(dst), Pointer.to(src).withByteOffset(4L * srcOffset), 4L * count), "cuMemcpyHtoD");
    }

    @Override
    public void copyToDevice(long dst, double[] src, int srcOffset, int count) {
        makeCurrent();
        check(cuMemcpyHtoD(at(dst), Pointer.to(src).withByteOffset(8L * srcOffset), 8L * count), "cuMemcpyHtoD");
    }

    @Override
    public void copyToDevice(long dst, int[] src, int srcOffset, int count) {
        makeCurrent();
        check(cuMemcpyHtoD(at(dst), Pointer.to(src).withByteOffset(4L * srcOffset), 4L * count), "cuMemcpyHtoD");
    }

    @Override
    public void copyToHost(long src, float[] dst, int dstOffset, int count) {
        makeCurrent();
        checkAfterWork(cuMemcpyDtoH(Pointer.to(dst).withByteOffset(4L * dstOffset), at(src), 4L * count), "cuMemcpyDtoH");
    }

    @Override
    public void copyToHost(long src, double[] dst, int dstOffset, int count) {
        makeCurrent();
        checkAfterWork(cuMemcpyDtoH(Pointer.to(dst).withByteOffset(8L * dstOffset), at(src), 8L * count), "cuMemcpyDtoH");
    }

    @Override
    public void launch(String kernel, int gridX, int gridY, int gridZ, int block, KernelArgs args) {
        makeCurrent();
        CUfunction f = loaded.functions().get(kernel);
        if (f == null) {
            throw new IllegalStateException("no kernel named " + kernel + " in the PTX modules " + Ptx.MODULES);
        }
        List<KernelArgs.Arg> list = args.list();
        Pointer[] params = new Pointer[list.size()];
        for (int i = 0; i < params.length; i++) {
            KernelArgs.Arg a = list.get(i);
            params[i] = switch (a.kind()) {
                case POINTER, LONG -> Pointer.to(new long[] {(Long) a.value()});
                case INT -> Pointer.to(new int[] {(Integer) a.value()});
                case FLOAT -> Pointer.to(new float[] {(Float) a.value()});
                case DOUBLE -> Pointer.to(new double[] {(Double) a.value()});
                case INT_STRUCT -> Pointer.to((int[]) a.value());
            };
        }
        lastLaunch = kernel;
        int r = cuLaunchKernel(f, gridX, gridY, gridZ, block, 1, 1, 0, stream, Pointer.to(params), null);
        if (r != CUresult.CUDA_SUCCESS) {
            throw new CudaException("launching " + kernel + " on a grid " + gridX + "x" + gridY + "x" + gridZ + " of " + block
                    + " threads failed: " + CUresult.stringFor(r) + "; arguments " + args);
        }
        if (syncEachLaunch) {
            checkAfterWork(cuStreamSynchronize(stream), "kernel " + kernel + args);
        }
    }

    /** A failure reported by a call that waits: it may belong to an earlier kernel. */
    private void checkAfterWork(int result, String call) {
        if (result != CUresult.CUDA_SUCCESS) {
            throw new CudaException(call + " failed: " + CUresult.stringFor(result) + " (the last kernel launched was "
                    + lastLaunch + "; -Dlethe.cuda.sync=true checks after every launch)");
        }
    }

    @Override
    public BlasLibrary blas() {
        return blas;
    }

    @Override
    public void synchronize() {
        makeCurrent();
        checkAfterWork(cuStreamSynchronize(stream), "cuStreamSynchronize");
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        makeCurrent();
        cuStreamSynchronize(stream);
        if (blas instanceof JCublasLibrary j) {
            j.close();
        }
        cuStreamDestroy(stream);
    }
}
