package org.lethe.kernels.cuda;

import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import org.lethe.kernels.AdamStep;
import org.lethe.kernels.Backend;
import org.lethe.kernels.BinaryOp;
import org.lethe.kernels.Buffer;
import org.lethe.kernels.Checks;
import org.lethe.kernels.ConvGeometry;
import org.lethe.kernels.DType;
import org.lethe.kernels.PoolGeometry;
import org.lethe.kernels.ReduceAxes;
import org.lethe.kernels.ReduceOp;
import org.lethe.kernels.UnaryOp;
import org.lethe.kernels.View;

/**
 * The CUDA backend: buffers in device memory from a {@link CachingAllocator}, every primitive a
 * kernel of {@code src/main/cuda} launched on one stream (convolutions through the contract's
 * default lowering: im2col, batched GEMM, bias and ReLU), matrix products on cuBLAS where it loads
 * and on Lethe's own tiled kernels otherwise. Primitives return once their work is queued;
 * {@link #read} and {@link #synchronize} wait for it.
 *
 * <p>The CPU backend defines what each primitive computes; this one agrees with it to rounding
 * (GEMM, reductions, transcendental functions) or bit for bit (copies, comparisons, Adam, uniform
 * random numbers, pooling, the adjoints that gather). The checks and their messages are the CPU
 * backend's.
 */
public final class CudaBackend implements Backend {
    /** Threads per block of every kernel (LETHE_THREADS in common.cuh). */
    static final int THREADS = 256;
    private static final int MAX_GRID_Z = 65535;

    /** Which matrix-product implementation runs. */
    public enum GemmMode {
        /** cuBLAS where it loads and fits the call, else Lethe's kernels. */
        AUTO,
        /** Lethe's kernels only. */
        OWN,
        /** cuBLAS wherever it fits the call (an error where cuBLAS did not load). */
        BLAS
    }

    private final DeviceApi device;
    private final CachingAllocator allocator;
    private final AtomicLong reclaimedByGc = new AtomicLong();
    private final int maxBlocks;
    private volatile GemmMode gemmMode;
    private volatile boolean closed;

    CudaBackend(DeviceApi device, GemmMode gemmMode) {
        this.device = device;
        this.allocator = new CachingAllocator(device);
        this.gemmMode = gemmMode;
        this.maxBlocks = Math.max(1, device.multiprocessors()) * 32;
    }

    /** Opens the CUDA backend on device {@code lethe.cuda.device} (default 0); call after a successful probe. */
    public static CudaBackend open() {
        return new CudaBackend(JCudaDevice.open(Integer.getInteger("lethe.cuda.device", 0)), gemmModeProperty());
    }

    static GemmMode gemmModeProperty() {
        String p = System.getProperty("lethe.cuda.gemm", "auto").trim().toUpperCase(Locale.ROOT);
        try {
            return GemmMode.valueOf(p);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("lethe.cuda.gemm must be auto, own or blas, got '" + p.toLowerCase(Locale.ROOT) + "'");
        }
    }

    @Override
    public String name() {
        return "cuda";
    }

    @Override
    public String description() {
        BlasLibrary blas = device.blas();
        String gemm = switch (gemmMode) {
            case OWN -> "own kernels";
            case BLAS, AUTO -> blas == null ? "own kernels" : blas.describe();
        };
        return "cuda (" + device.describe() + "; gemm: " + gemm + ")";
    }

    /** Chooses the matrix-product implementation (benchmarks compare them). */
    public void setGemmMode(GemmMode mode) {
        if (mode == GemmMode.BLAS && device.blas() == null) {
            String why = JCublasLibrary.unavailableReason();
            throw new IllegalStateException("cuBLAS is not available here" + (why == null ? "" : ": " + why));
        }
        this.gemmMode = mode;
    }

    public GemmMode gemmMode() {
        return gemmMode;
    }

    /** Whether cuBLAS loaded. */
    public boolean hasBlas() {
        return device.blas() != null;
    }

    /** The allocator's counters: bytes in use and cached, driver allocations, reuses; and buffers the GC returned. */
    public String memoryStats() {
        CachingAllocator.Stats s = allocator.stats();
        return "in use " + s.liveBytes() + " B in " + s.liveBlocks() + " blocks, cached " + s.cachedBytes() + " B, peak "
                + s.peakBytes() + " B, " + s.driverAllocations() + " driver allocations, " + s.reuses() + " reuses, "
                + reclaimedByGc.get() + " buffers returned by the GC";
    }

    /** Number of cuMemAlloc calls so far (a training step in steady state makes none). */
    public long driverAllocations() {
        return allocator.stats().driverAllocations();
    }

    /** Buffers returned to the cache by the garbage collector instead of {@code close()}. */
    public long buffersReclaimedByGc() {
        return reclaimedByGc.get();
    }

    // ---- memory --------------------------------------------------------------------------------

    @Override
    public Buffer allocate(DType dtype, int length) {
        CudaBuffer b = allocateBuffer(dtype, length);
        long bytes = (long) Math.max(length, 1) * dtype.bytes();
        device.memsetD32(b.address(), 0, (bytes + 3) / 4);
        return b;
    }

    @Override
    public Buffer allocateUninitialized(DType dtype, int length) {
        return allocateBuffer(dtype, length);
    }

    private CudaBuffer allocateBuffer(DType dtype, int length) {
        if (length < 0) {
            throw new IllegalArgumentException("allocate: negative length " + length);
        }
        checkOpen();
        long address = allocator.allocate((long) Math.max(length, 1) * dtype.bytes());
        return new CudaBuffer(this, dtype, length, address);
    }

    void releaseBlock(long address, boolean explicit) {
        if (!explicit) {
            reclaimedByGc.incrementAndGet();
        }
        allocator.release(address);
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("the CUDA backend was closed");
        }
    }

    CudaBuffer own(Buffer b) {
        if (!(b instanceof CudaBuffer c) || b.backend() != this) {
            throw new IllegalArgumentException("buffer " + b + " does not belong to this CUDA backend");
        }
        if (c.isClosed()) {
            throw new IllegalStateException("buffer used after it was closed");
        }
        return c;
    }

    /** The device address of a view's first element. */
    private long at(View v) {
        return own(v.buffer()).address(v.offset());
    }


    @Override
    public void write(Buffer dst, int dstOffset, double[] src, int srcOffset, int length) {
        CudaBuffer d = own(dst);
        Checks.hostRange("write", dst, dstOffset, length, src.length, srcOffset);
        if (length == 0) {
            return;
        }
        if (d.dtype() == DType.FLOAT64) {
            device.copyToDevice(d.address(dstOffset), src, srcOffset, length);
        } else {
            float[] f = new float[length];
            for (int i = 0; i < length; i++) {
                f[i] = (float) src[srcOffset + i];
            }
            device.copyToDevice(d.address(dstOffset), f, 0, length);
        }
    }

    @Override
    public void write(Buffer dst, int dstOffset, float[] src, int srcOffset, int length) {
        CudaBuffer d = own(dst);
        Checks.hostRange("write", dst, dstOffset, length, src.length, srcOffset);
        if (length == 0) {
            return;
        }
        if (d.dtype() == DType.FLOAT32) {
            device.copyToDevice(d.address(dstOffset), src, srcOffset, length);
        } else {
            double[] a = new double[length];
            for (int i = 0; i < length; i++) {
                a[i] = src[srcOffset + i];
            }
            device.copyToDevice(d.address(dstOffset), a, 0, length);
        }
    }

    @Override
    public void read(Buffer src, int srcOffset, double[] dst, int dstOffset, int length) {
        CudaBuffer s = own(src);
        Checks.hostRange("read", src, srcOffset, length, dst.length, dstOffset);
        if (length == 0) {
            return;
        }
        if (s.dtype() == DType.FLOAT64) {
            device.copyToHost(s.address(srcOffset), dst, dstOffset, length);
        } else {
            float[] f = new float[length];
            device.copyToHost(s.address(srcOffset), f, 0, length);
            for (int i = 0; i < length; i++) {
                dst[dstOffset + i] = f[i];
            }
        }
    }

    @Override
    public void read(Buffer src, int srcOffset, float[] dst, int dstOffset, int length) {
        CudaBuffer s = own(src);
        Checks.hostRange("read", src, srcOffset, length, dst.length, dstOffset);
        if (length == 0) {
            return;
        }
        if (s.dtype() == DType.FLOAT32) {
            device.copyToHost(s.address(srcOffset), dst, dstOffset, length);
        } else {
            double[] a = new double[length];
            device.copyToHost(s.address(srcOffset), a, 0, length);
            for (int i = 0; i < length; i++) {
                dst[dstOffset + i] = (float) a[i];
            }
        }
    }

    // ---- launching -----------------------------------------------------------------------------

    /** Blocks for a grid-stride loop over {@code n} elements. */
    private int blocksFor(long n) {
        return (int) Math.max(1, Math.min((n + THREADS - 1) / THREADS, maxBlocks));
    }

    private void launch1d(String kernel, long n, KernelArgs args) {
        device.launch(kernel, blocksFor(n), 1, 1, THREADS, args);
    }

    private static String sfx(View v) {
        return CudaOps.suffix(v.dtype());
    }

    // ---- elementwise ---------------------------------------------------------------------------

    @Override
    public void fill(View dst, double value) {
        own(dst.buffer());
        Layouts.Merged m = Layouts.merge(dst.shape(), dst);
        if (m.size() == 0) {
            return;
        }
        launch1d("fill_" + sfx(dst), m.size(), KernelArgs.of().ptr(at(dst)).struct(Layouts.layout("fill", m)).i32(m.size())
                .f64(value));
    }

    @Override
    public void copy(View src, View dst) {
        Checks.sameShape("copy", src, dst);
        Layouts.Merged m = Layouts.merge(dst.shape(), src, dst);
        long x = at(src);
        long y = at(dst);
        if (m.size() == 0) {
            return;
        }
        launch1d("copy_" + sfx(src) + "_" + sfx(dst), m.size(),
                KernelArgs.of().ptr(x).ptr(y).struct(Layouts.layout("copy", m)).i32(m.size()));
    }

    @Override
    public void unary(UnaryOp op, double scalar, View src, View dst) {
        String name = op.name().toLowerCase(Locale.ROOT);
        Checks.sameShape(name, src, dst);
        Layouts.Merged m = Layouts.merge(dst.shape(), src, dst);
        long x = at(src);
        long y = at(dst);
        if (m.size() == 0) {
            return;
        }
        launch1d("unary_" + sfx(src) + "_" + sfx(dst), m.size(), KernelArgs.of().ptr(x).ptr(y).struct(Layouts.layout(name, m))
                .i32(m.size()).i32(CudaOps.code(op)).f64(scalar));
    }

    @Override
    public void binary(BinaryOp op, View a, View b, View dst) {
        String name = op.name().toLowerCase(Locale.ROOT);
        Checks.sameShape(name, a, b, dst);
        Layouts.Merged m = Layouts.merge(dst.shape(), a, b, dst);
        long pa = at(a);
        long pb = at(b);
        long py = at(dst);
        if (m.size() == 0) {
            return;
        }
        launch1d("binary_" + sfx(a) + "_" + sfx(b) + "_" + sfx(dst), m.size(), KernelArgs.of().ptr(pa).ptr(pb).ptr(py)
                .struct(Layouts.layout(name, m)).i32(m.size()).i32(CudaOps.code(op)));
    }

    @Override
    public void reduce(ReduceOp op, View src, View dst) {
        long x = at(src);
        long y = at(dst);
        ReduceAxes axes = ReduceAxes.of(src, dst);
        Layouts.Merged keptM = Layouts.merge(axes.keptShape(), new int[][] {axes.keptSrc(), axes.keptDst()});
        Layouts.Merged redM = Layouts.merge(axes.redShape(), new int[][] {axes.redSrc()});
        int outputs = keptM.size();
        if (outputs == 0) {
            return;
        }
        if (keptM.rank() > Layouts.MAX_RANK || redM.rank() > Layouts.MAX_RANK) {
            throw new IllegalArgumentException("reduce: the CUDA backend handles at most " + Layouts.MAX_RANK
                    + " unmergeable kept and reduced axes, got " + Arrays.toString(src.shape()) + " -> " + Arrays.toString(dst.shape()));
        }
        int max = Layouts.MAX_RANK;
        int[] s = new int[4 + 5 * max];
        s[0] = keptM.rank();
        s[1] = redM.rank();
        s[2] = outputs;
        s[3] = redM.size();
        for (int d = 0; d < keptM.rank(); d++) {
            s[4 + d] = keptM.shape()[d];
            s[4 + max + d] = keptM.strides()[0][d];
            s[4 + 2 * max + d] = keptM.strides()[1][d];
        }
        for (int d = 0; d < redM.rank(); d++) {
            s[4 + 3 * max + d] = redM.shape()[d];
            s[4 + 4 * max + d] = redM.strides()[0][d];
        }
        String types = sfx(src) + "_" + sfx(dst);
        KernelArgs args = KernelArgs.of().ptr(x).ptr(y).struct(s).i32(CudaOps.code(op));
        if (outputs >= 1024 || redM.size() < 256) {
            launch1d("reduce_thread_" + types, outputs, args);
        } else {
            device.launch("reduce_block_" + types, outputs, 1, 1, THREADS, args);
        }
    }

    // ---- linear algebra ------------------------------------------------------------------------

    @Override
    public void gemm(View a, View b, View c, double alpha, double beta) {
        GemmPlan p = GemmPlan.of(a, b, c);
        long pa = at(a);
        long pb = at(b);
        long pc = at(c);
        if (p.batch() == 0 || p.m() == 0 || p.n() == 0) {
            return;
        }
        boolean f64 = c.dtype() == DType.FLOAT64;
        BlasLibrary blas = device.blas();
        if (blas != null && gemmMode != GemmMode.OWN && p.fitsBlas()) {
            blas.gemm(f64, p.transA(), p.transB(), p.m(), p.n(), p.k(), alpha, pa, p.lda(), p.strideA(), pb, p.ldb(), p.strideB(),
                    beta, pc, p.ldc(), p.strideC(), p.batch());
            return;
        }
        if (gemmMode == GemmMode.BLAS && blas != null) {
            throw new IllegalArgumentException("gemm: cuBLAS cannot run this product (" + p + ") and lethe.cuda.gemm=blas");
        }
        ownGemm(p, f64, a, b, pa, pb, pc, alpha, beta);
    }

    /** Lethe's GEMM kernels (gemm.cu): tile size, summed-batch splitting and grid chunks chosen here. */
    private void ownGemm(GemmPlan p, boolean f64, View a, View b, long pa, long pb, long pc, double alpha, double beta) {
        String t = f64 ? "f64" : "f32";
        int m = p.m();
        int n = p.n();
        if (m < 8 || n < 8) {
            long outputs = (long) (p.sumBatch() ? 1 : p.batch()) * m * n;
            launch1d("gemm_small_" + t, outputs, KernelArgs.of().ptr(pa).ptr(pb).ptr(pc).i32(m).i32(n).i32(p.k())
                    .i32(a.strides()[1]).i32(a.strides()[2]).i32(b.strides()[1]).i32(b.strides()[2]).i32(p.ldc())
                    .i64(p.strideA()).i64(p.strideB()).i64(p.strideC()).i32(p.sumBatch() ? p.batch() : 1)
                    .i32(p.sumBatch() ? 1 : p.batch()).f64(alpha).f64(beta));
            return;
        }
        int sms = Math.max(1, device.multiprocessors());
        int tile = 64;
        if (!f64 && m >= 128 && n >= 128) {
            long tiles128 = (long) ceilDiv(m, 128) * ceilDiv(n, 128) * (p.sumBatch() ? 1 : p.batch());
            if (tiles128 >= sms) {
                tile = 128;
            }
        }
        String kernel = "gemm" + tile + "_" + t + "_" + (p.transA() ? "t" : "n") + (p.transB() ? "t" : "n");
        int gx = ceilDiv(n, tile);
        int gy = ceilDiv(m, tile);
        if (!p.sumBatch()) {
            for (int b0 = 0; b0 < p.batch(); b0 += MAX_GRID_Z) {
                int gz = Math.min(MAX_GRID_Z, p.batch() - b0);
                device.launch(kernel, gx, gy, gz, THREADS, tileArgs(pa, pb, pc, p, p.strideA(), p.strideB(), p.strideC(), 0, 0,
                        1, p.batch(), b0, f64, alpha, beta, p.ldc()));
            }
            return;
        }
        // A summed batch: one block per tile sums every term, unless that leaves the device idle;
        // then groups of terms go to separate partial products, added by gemm_sum_partials.
        int tiles = gx * gy;
        int groups = tiles >= sms / 2 ? 1 : Math.min(p.batch(), ceilDiv(2 * sms, tiles));
        if (groups <= 1) {
            device.launch(kernel, gx, gy, 1, THREADS, tileArgs(pa, pb, pc, p, 0, 0, 0, p.strideA(), p.strideB(), p.batch(),
                    p.batch(), 0, f64, alpha, beta, p.ldc()));
            return;
        }
        int perGroup = ceilDiv(p.batch(), groups);
        groups = ceilDiv(p.batch(), perGroup);
        DType dtype = f64 ? DType.FLOAT64 : DType.FLOAT32;
        try (CudaBuffer partials = allocateBuffer(dtype, Math.multiplyExact(groups, m * n))) {
            device.launch(kernel, gx, gy, groups, THREADS, tileArgs(pa, pb, partials.address(), p, perGroup * p.strideA(),
                    perGroup * p.strideB(), (long) m * n, p.strideA(), p.strideB(), perGroup, p.batch(), 0, f64, 1.0, 0.0, n));
            launch1d("gemm_sum_partials_" + t, (long) m * n, KernelArgs.of().ptr(partials.address()).ptr(pc).i32(m).i32(n)
                    .i32(p.ldc()).i32(groups).f64(alpha).f64(beta));
        }
    }

    private static KernelArgs tileArgs(long pa, long pb, long pc, GemmPlan p, long outerA, long outerB, long outerC, long strideA,
                                       long strideB, int nsum, int total, int batch0, boolean f64, double alpha, double beta,
                                       int ldc) {
        KernelArgs args = KernelArgs.of().ptr(pa).ptr(pb).ptr(pc).i32(p.m()).i32(p.n()).i32(p.k()).i32(p.lda()).i32(p.ldb())
                .i32(ldc).i64(outerA).i64(outerB).i64(outerC).i64(strideA).i64(strideB).i32(nsum).i32(total).i32(batch0);
        return f64 ? args.f64(alpha).f64(beta) : args.f32((float) alpha).f32((float) beta);
    }

    private static int ceilDiv(int a, int b) {
        return (a + b - 1) / b;
    }

    // ---- convolution and pooling ---------------------------------------------------------------

    private static void checkConvShapes(String op, ConvGeometry g, View image, View cols) {
        Checks.convolution(op, g, image, cols);
        if (image.dtype() != cols.dtype()) {
            throw new IllegalArgumentException(op + ": image is " + image.dtype() + ", columns " + cols.dtype());
        }
    }


    private static int[] geometry(ConvGeometry g) {
        return new int[] {g.images(), g.channels(), g.height(), g.width(), g.kernelH(), g.kernelW(), g.strideH(), g.strideW(),
            g.padH(), g.padW(), g.outH(), g.outW()};
    }

    private static int[] geometry(PoolGeometry g) {
        return new int[] {g.images(), g.channels(), g.height(), g.width(), g.kernelH(), g.kernelW(), g.strideH(), g.strideW(),
            g.padH(), g.padW(), g.outH(), g.outW()};
    }

    @Override
    public void im2col(ConvGeometry g, View input, View cols) {
        checkConvShapes("im2col", g, input, cols);
        long n = (long) g.images() * g.patchSize() * g.outputSize();
        if (n > 0) {
            launch1d("im2col_" + sfx(cols), n, KernelArgs.of().ptr(at(input)).ptr(at(cols)).struct(geometry(g)));
        }
    }

    @Override
    public void col2im(ConvGeometry g, View cols, View gradInput) {
        checkConvShapes("col2im", g, gradInput, cols);
        long n = (long) g.images() * g.channels() * g.height() * g.width();
        if (n > 0) {
            launch1d("col2im_" + sfx(cols), n, KernelArgs.of().ptr(at(cols)).ptr(at(gradInput)).struct(geometry(g)));
        }
    }

    private static void checkPool(String op, PoolGeometry g, View input, View output) {
        Checks.pooling(op, g, input, output);
        if (input.dtype() != output.dtype()) {
            throw new IllegalArgumentException(op + ": input is " + input.dtype() + ", output " + output.dtype());
        }
    }


    @Override
    public void maxPool2d(PoolGeometry g, View input, View output, View indices) {
        checkPool("max_pool2d", g, input, output);
        checkPool("max_pool2d", g, input, indices);
        long n = (long) g.images() * g.channels() * g.outH() * g.outW();
        if (n > 0) {
            launch1d("max_pool_" + sfx(input), n, KernelArgs.of().ptr(at(input)).ptr(at(output)).ptr(at(indices)).struct(geometry(g)));
        }
    }

    @Override
    public void maxPool2dBackward(PoolGeometry g, View indices, View gradOutput, View gradInput) {
        checkPool("max_pool2d_backward", g, gradInput, gradOutput);
        checkPool("max_pool2d_backward", g, gradInput, indices);
        long n = (long) g.images() * g.channels() * g.height() * g.width();
        if (n > 0) {
            launch1d("max_pool_backward_" + sfx(gradInput), n, KernelArgs.of().ptr(at(indices)).ptr(at(gradOutput))
                    .ptr(at(gradInput)).struct(geometry(g)));
        }
    }

    @Override
    public void avgPool2d(PoolGeometry g, View input, View output) {
        checkPool("avg_pool2d", g, input, output);
        long n = (long) g.images() * g.channels() * g.outH() * g.outW();
        if (n > 0) {
            launch1d("avg_pool_" + sfx(input), n, KernelArgs.of().ptr(at(input)).ptr(at(output)).struct(geometry(g)));
        }
    }

    @Override
    public void avgPool2dBackward(PoolGeometry g, View gradOutput, View gradInput) {
        checkPool("avg_pool2d_backward", g, gradInput, gradOutput);
        long n = (long) g.images() * g.channels() * g.height() * g.width();
        if (n > 0) {
            launch1d("avg_pool_backward_" + sfx(gradInput), n, KernelArgs.of().ptr(at(gradOutput)).ptr(at(gradInput))
                    .struct(geometry(g)));
        }
    }

    // ---- indexing ------------------------------------------------------------------------------

    private static void checkIndex(String op, View src, int axis, int[] index, View dst, View indexed, int bound) {
        Checks.indexing(op, src, axis, index, dst, indexed, bound);
        if (src.rank() > Layouts.MAX_RANK) {
            throw new IllegalArgumentException(op + ": the CUDA backend indexes views of at most " + Layouts.MAX_RANK
                    + " dimensions, got " + Arrays.toString(src.shape()));
        }
    }


    /** {@code struct IndexLayout} (index.cu) over the destination's shape. */
    private static int[] indexLayout(View src, View dst, int axis) {
        int max = Layouts.MAX_RANK;
        int[] s = new int[2 + 3 * max];
        s[0] = dst.rank();
        s[1] = axis;
        for (int d = 0; d < dst.rank(); d++) {
            s[2 + d] = dst.shape()[d];
            s[2 + max + d] = src.strides()[d];
            s[2 + 2 * max + d] = dst.strides()[d];
        }
        return s;
    }

    /** Host ints in a block of device memory (indices), released when the returned buffer closes. */
    private CudaBuffer upload(int[] values) {
        // an int is as wide as a float: the block is typed FLOAT32 only to size it
        CudaBuffer b = allocateBuffer(DType.FLOAT32, Math.max(1, values.length));
        if (values.length > 0) {
            device.copyToDevice(b.address(), values, 0, values.length);
        }
        return b;
    }

    @Override
    public void gather(View src, int axis, int[] index, View dst) {
        checkIndex("gather", src, axis, index, dst, dst, src.rank() > axis && axis >= 0 ? src.shape()[axis] : 0);
        long x = at(src);
        long y = at(dst);
        int n = dst.size();
        if (n == 0) {
            return;
        }
        try (CudaBuffer idx = upload(index)) {
            launch1d("gather_" + sfx(src) + "_" + sfx(dst), n, KernelArgs.of().ptr(x).ptr(y).ptr(idx.address())
                    .struct(indexLayout(src, dst, axis)).i32(n));
        }
    }

    @Override
    public void scatterAdd(View src, int axis, int[] index, View dst) {
        checkIndex("scatter_add", dst, axis, index, src, src, dst.rank() > axis && axis >= 0 ? dst.shape()[axis] : 0);
        long x = at(src);
        long y = at(dst);
        int n = dst.size();
        if (n == 0 || index.length == 0) {
            return;
        }
        // invert the index: for each destination position, the source positions j in increasing order
        int positions = dst.shape()[axis];
        int[] starts = new int[positions + 1];
        for (int i : index) {
            starts[i + 1]++;
        }
        for (int d = 0; d < positions; d++) {
            starts[d + 1] += starts[d];
        }
        int[] js = new int[index.length];
        int[] fill = Arrays.copyOf(starts, positions);
        for (int j = 0; j < index.length; j++) {
            js[fill[index[j]]++] = j;
        }
        try (CudaBuffer s = upload(starts); CudaBuffer q = upload(js)) {
            launch1d("scatter_add_" + sfx(src) + "_" + sfx(dst), n, KernelArgs.of().ptr(x).ptr(y).ptr(s.address()).ptr(q.address())
                    .struct(indexLayout(src, dst, axis)).i32(n));
        }
    }

    // ---- fused kernels -------------------------------------------------------------------------

    private static void checkFused(String op, View first, View... views) {
        for (View v : views) {
            if (v != null && v.dtype() != first.dtype()) {
                throw new IllegalArgumentException(op + ": the CUDA backend needs one element type, got " + first.dtype() + " and "
                        + v.dtype());
            }
        }
    }

    @Override
    public void adamStep(AdamStep step, View param, View grad, View m, View v, View vMax) {
        View[] all = vMax == null ? new View[] {param, grad, m, v} : new View[] {param, grad, m, v, vMax};
        Checks.sameShape("adam_step", all);
        for (View x : all) {
            own(x.buffer());
            if (!x.isContiguous()) {
                throw new IllegalArgumentException("adam_step: operands must be contiguous, got " + x);
            }
        }
        checkFused("adam_step", param, all);
        int n = param.size();
        if (n == 0) {
            return;
        }
        // the per-step scalars, computed as AdamStep.apply computes them
        double bias1 = 1 - Math.pow(step.beta1(), step.step());
        double bias2 = 1 - Math.pow(step.beta2(), step.step());
        launch1d("adam_" + sfx(param), n, KernelArgs.of().ptr(at(param)).ptr(at(grad)).ptr(at(m)).ptr(at(v))
                .ptr(vMax == null ? 0 : at(vMax)).i32(n).f64(step.learningRate()).f64(step.beta1()).f64(step.beta2())
                .f64(step.eps()).f64(step.weightDecay()).i32(step.decoupled() ? 1 : 0).f64(step.learningRate() / bias1)
                .f64(Math.sqrt(bias2)));
    }


    @Override
    public void lstmCell(View gates, View cPrev, View act, View c, View tanhC, View h) {
        if (gates.rank() != 2 || gates.shape()[1] % 4 != 0) {
            throw new IllegalArgumentException("lstm_cell: gates must be [N, 4H], got " + Arrays.toString(gates.shape()));
        }
        int n = gates.shape()[0];
        int hidden = gates.shape()[1] / 4;
        Checks.lstmCell("lstm_cell", n, hidden, gates, cPrev, act, c, tanhC, h);
        checkFused("lstm_cell", gates, cPrev, act, c, tanhC, h);
        long count = (long) n * hidden;
        KernelArgs args = KernelArgs.of().ptr(at(gates)).ptr(at(cPrev)).ptr(at(act)).ptr(at(c)).ptr(at(tanhC)).ptr(at(h)).i32(n)
                .i32(hidden);
        if (count > 0) {
            launch1d("lstm_cell_" + sfx(gates), count, args);
        }
    }

    @Override
    public void lstmCellBackward(View act, View cPrev, View tanhC, View gradH, View gradC, View gradGates, View gradCPrev) {
        int n = act.shape()[0];
        int hidden = act.shape()[1] / 4;
        Checks.lstmCell("lstm_cell_backward", n, hidden, act, cPrev, tanhC, gradH, gradC, gradGates, gradCPrev);
        checkFused("lstm_cell_backward", act, cPrev, tanhC, gradH, gradC, gradGates, gradCPrev);
        long count = (long) n * hidden;
        KernelArgs args = KernelArgs.of().ptr(at(act)).ptr(at(cPrev)).ptr(at(tanhC)).ptr(gradH == null ? 0 : at(gradH))
                .ptr(gradC == null ? 0 : at(gradC)).ptr(at(gradGates)).ptr(at(gradCPrev)).i32(n).i32(hidden);
        if (count > 0) {
            launch1d("lstm_cell_backward_" + sfx(act), count, args);
        }
    }

    // ---- random numbers ------------------------------------------------------------------------

    @Override
    public void randomUniform(View dst, long seed, double low, double high) {
        Layouts.Merged m = Layouts.merge(dst.shape(), dst);
        long y = at(dst);
        if (m.size() > 0) {
            launch1d("random_uniform_" + sfx(dst), m.size(), KernelArgs.of().ptr(y).struct(Layouts.layout("random_uniform", m))
                    .i32(m.size()).i64(seed).f64(low).f64(high));
        }
    }

    @Override
    public void randomNormal(View dst, long seed, double mean, double std) {
        Layouts.Merged m = Layouts.merge(dst.shape(), dst);
        long y = at(dst);
        if (m.size() > 0) {
            launch1d("random_normal_" + sfx(dst), m.size(), KernelArgs.of().ptr(y).struct(Layouts.layout("random_normal", m))
                    .i32(m.size()).i64(seed).f64(mean).f64(std));
        }
    }

    // ---- lifetime ------------------------------------------------------------------------------

    @Override
    public void synchronize() {
        device.synchronize();
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            device.synchronize();
        } finally {
            allocator.close();
            device.close();
        }
    }

    @Override
    public String toString() {
        return description();
    }
}
