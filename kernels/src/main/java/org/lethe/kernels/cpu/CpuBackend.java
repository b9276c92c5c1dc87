package org.lethe.kernels.cpu;

import java.util.Arrays;
import org.lethe.kernels.AdamStep;
import org.lethe.kernels.Backend;
import org.lethe.kernels.BinaryOp;
import org.lethe.kernels.Buffer;
import org.lethe.kernels.Checks;
import org.lethe.kernels.ConvGeometry;
import org.lethe.kernels.CounterRandom;
import org.lethe.kernels.DType;
import org.lethe.kernels.PoolGeometry;
import org.lethe.kernels.PreparedOperand;
import org.lethe.kernels.ReduceAxes;
import org.lethe.kernels.ReduceOp;
import org.lethe.kernels.UnaryOp;
import org.lethe.kernels.View;

/**
 * The pure-Java backend: the reference for what every primitive means, multithreaded over disjoint
 * output ranges so that results are identical for any number of threads. Elementwise kernels
 * evaluate {@link UnaryOp#apply} / {@link BinaryOp#apply} directly; float32 matrix products above a
 * small size take the blocked path of {@link BlockedGemm}, checked against {@link ReferenceGemm}.
 */
public final class CpuBackend implements Backend {
    /** Elements per parallel chunk for memory-bound kernels (a chunk is some microseconds of work). */
    static final int GRAIN = 1 << 14;

    private final CpuParallel parallel;
    private final boolean vector;
    /** Typed float32 loops for the common elementwise cases; off only to test the generic path. */
    private final boolean fast;
    /** Arrays of closed buffers, reused by later allocations (1 GiB at most by default). */
    private final ArrayPool pool = new ArrayPool(Long.getLong("lethe.cpu.pool.bytes", 1L << 30));

    /** A backend with {@code threads} worker threads, using the Vector API when it is enabled. */
    public CpuBackend(int threads) {
        this(threads, VectorSupport.AVAILABLE);
    }

    /** A backend with the vector kernels forced off (or on, where available); for tests and benchmarks. */
    CpuBackend(int threads, boolean vector) {
        this(threads, vector, true);
    }

    /**
     * The reference configuration: scalar GEMM and generic elementwise loops only, the simple code
     * every fast kernel is tested against (and benchmarked beside).
     */
    public static CpuBackend reference(int threads) {
        return new CpuBackend(threads, false, false);
    }

    private CpuBackend(int threads, boolean vector, boolean fast) {
        this.parallel = new CpuParallel(threads);
        this.vector = vector && VectorSupport.AVAILABLE;
        this.fast = fast;
    }

    /** Whether this backend uses the Vector API kernels. */
    public boolean usesVectorKernels() {
        return vector;
    }

    /** Threads from the system property {@code lethe.threads}, else one per available processor. */
    public static int defaultThreads() {
        String p = System.getProperty("lethe.threads");
        if (p != null && !p.isBlank()) {
            try {
                int t = Integer.parseInt(p.trim());
                if (t >= 1) {
                    return t;
                }
            } catch (NumberFormatException ignored) {
                // fall through to the processor count
            }
            throw new IllegalArgumentException("lethe.threads must be a positive integer, got '" + p + "'");
        }
        return Runtime.getRuntime().availableProcessors();
    }

    public int threads() {
        return parallel.threads();
    }

    CpuParallel parallel() {
        return parallel;
    }

    ArrayPool pool() {
        return pool;
    }

    @Override
    public String name() {
        return "cpu";
    }

    @Override
    public String description() {
        return "cpu (pure Java, " + parallel.threads() + " thread" + (parallel.threads() == 1 ? "" : "s") + ", "
                + (vector ? VectorSupport.describe() : "scalar") + ")";
    }

    // ---- memory --------------------------------------------------------------------------------

    @Override
    public Buffer allocate(DType dtype, int length) {
        return CpuBuffer.allocate(this, dtype, length, true);
    }

    @Override
    public Buffer allocateUninitialized(DType dtype, int length) {
        return CpuBuffer.allocate(this, dtype, length, false);
    }

    CpuBuffer own(Buffer b) {
        if (!(b instanceof CpuBuffer c) || b.backend() != this) {
            throw new IllegalArgumentException("buffer " + b + " does not belong to this CPU backend");
        }
        if (c.isClosed()) {
            throw new IllegalStateException("buffer used after it was closed");
        }
        return c;
    }

    CpuBuffer own(View v) {
        return own(v.buffer());
    }


    @Override
    public void write(Buffer dst, int dstOffset, double[] src, int srcOffset, int length) {
        CpuBuffer d = own(dst);
        Checks.hostRange("write", dst, dstOffset, length, src.length, srcOffset);
        if (d instanceof CpuBuffer.F64 f) {
            System.arraycopy(src, srcOffset, f.data(), dstOffset, length);
        } else {
            float[] a = ((CpuBuffer.F32) d).data();
            for (int i = 0; i < length; i++) {
                a[dstOffset + i] = (float) src[srcOffset + i];
            }
        }
    }

    @Override
    public void write(Buffer dst, int dstOffset, float[] src, int srcOffset, int length) {
        CpuBuffer d = own(dst);
        Checks.hostRange("write", dst, dstOffset, length, src.length, srcOffset);
        if (d instanceof CpuBuffer.F32 f) {
            System.arraycopy(src, srcOffset, f.data(), dstOffset, length);
        } else {
            double[] a = ((CpuBuffer.F64) d).data();
            for (int i = 0; i < length; i++) {
                a[dstOffset + i] = src[srcOffset + i];
            }
        }
    }

    @Override
    public void read(Buffer src, int srcOffset, double[] dst, int dstOffset, int length) {
        CpuBuffer s = own(src);
        Checks.hostRange("read", src, srcOffset, length, dst.length, dstOffset);
        for (int i = 0; i < length; i++) {
            dst[dstOffset + i] = s.get(srcOffset + i);
        }
    }

    @Override
    public void read(Buffer src, int srcOffset, float[] dst, int dstOffset, int length) {
        CpuBuffer s = own(src);
        Checks.hostRange("read", src, srcOffset, length, dst.length, dstOffset);
        for (int i = 0; i < length; i++) {
            dst[dstOffset + i] = (float) s.get(srcOffset + i);
        }
    }

    // ---- elementwise ---------------------------------------------------------------------------

    @Override
    public void fill(View dst, double value) {
        CpuBuffer y = own(dst);
        StridedLoop loop = StridedLoop.of(dst.shape(), dst);
        int ys = loop.innerStride(0);
        float[] fy = ys == 1 && y instanceof CpuBuffer.F32 f ? f.data() : null;
        loop.inParallel(parallel, GRAIN, (off, n) -> {
            int o = off[0];
            if (fy != null) {
                java.util.Arrays.fill(fy, o, o + n, (float) value);
                return;
            }
            for (int i = 0; i < n; i++) {
                y.set(o + i * ys, value);
            }
        });
    }

    @Override
    public void copy(View src, View dst) {
        Checks.sameShape("copy", src, dst);
        CpuBuffer x = own(src);
        CpuBuffer y = own(dst);
        StridedLoop loop = StridedLoop.of(dst.shape(), src, dst);
        int xs = loop.innerStride(0);
        int ys = loop.innerStride(1);
        boolean typed = fast && xs == 1 && ys == 1 && x instanceof CpuBuffer.F32 && y instanceof CpuBuffer.F32;
        loop.inParallel(parallel, GRAIN, (off, n) -> {
            int xo = off[0];
            int yo = off[1];
            if (typed) {
                System.arraycopy(((CpuBuffer.F32) x).data(), xo, ((CpuBuffer.F32) y).data(), yo, n);
                return;
            }
            for (int i = 0; i < n; i++) {
                y.set(yo + i * ys, x.get(xo + i * xs));
            }
        });
    }

    @Override
    public void unary(UnaryOp op, double scalar, View src, View dst) {
        Checks.sameShape(op.name().toLowerCase(), src, dst);
        CpuBuffer x = own(src);
        CpuBuffer y = own(dst);
        StridedLoop loop = StridedLoop.of(dst.shape(), src, dst);
        int xs = loop.innerStride(0);
        int ys = loop.innerStride(1);
        boolean typed = fast && xs == 1 && ys == 1 && x instanceof CpuBuffer.F32 && y instanceof CpuBuffer.F32;
        loop.inParallel(parallel, GRAIN, (off, n) -> {
            int xo = off[0];
            int yo = off[1];
            if (typed) {
                FloatRows.unary(op, scalar, ((CpuBuffer.F32) x).data(), xo, ((CpuBuffer.F32) y).data(), yo, n);
                return;
            }
            for (int i = 0; i < n; i++) {
                y.set(yo + i * ys, op.apply(x.get(xo + i * xs), scalar));
            }
        });
    }

    @Override
    public void binary(BinaryOp op, View a, View b, View dst) {
        Checks.sameShape(op.name().toLowerCase(), a, b, dst);
        CpuBuffer x = own(a);
        CpuBuffer z = own(b);
        CpuBuffer y = own(dst);
        StridedLoop loop = StridedLoop.of(dst.shape(), a, b, dst);
        int as = loop.innerStride(0);
        int bs = loop.innerStride(1);
        int ys = loop.innerStride(2);
        boolean typed = fast && FloatRows.hasBinary(op) && ys == 1 && (as == 1 || as == 0) && (bs == 1 || bs == 0)
                && (as | bs) == 1 && x instanceof CpuBuffer.F32 && z instanceof CpuBuffer.F32 && y instanceof CpuBuffer.F32;
        boolean select = vector && op == BinaryOp.RELU_BACKWARD && ys == 1 && as == 1 && bs == 1
                && x instanceof CpuBuffer.F32 && z instanceof CpuBuffer.F32 && y instanceof CpuBuffer.F32;
        loop.inParallel(parallel, GRAIN, (off, n) -> {
            int ao = off[0];
            int bo = off[1];
            int yo = off[2];
            if (select) {
                VectorRows.reluBackward(((CpuBuffer.F32) x).data(), ao, ((CpuBuffer.F32) z).data(), bo,
                        ((CpuBuffer.F32) y).data(), yo, n);
                return;
            }
            if (typed) {
                FloatRows.binary(op, ((CpuBuffer.F32) x).data(), ao, as, ((CpuBuffer.F32) z).data(), bo, bs,
                        ((CpuBuffer.F32) y).data(), yo, n);
                return;
            }
            for (int i = 0; i < n; i++) {
                y.set(yo + i * ys, op.apply(x.get(ao + i * as), z.get(bo + i * bs)));
            }
        });
    }

    @Override
    public void reduce(ReduceOp op, View src, View dst) {
        CpuBuffer x = own(src);
        CpuBuffer y = own(dst);
        ReduceAxes axes = ReduceAxes.of(src, dst);
        if (fast && op == ReduceOp.SUM && columnSum(src, dst, x, y)) {
            return;
        }
        final int kept = axes.kept();
        int[] keptShape = axes.keptShape();
        int[] keptSrc = axes.keptSrc();
        int[] keptDst = axes.keptDst();
        int[] redShape = axes.redShape();
        int[] redSrc = axes.redSrc();
        int outputs = View.size(keptShape);
        StridedLoop red = StridedLoop.of(redShape, redSrc);
        int rs = red.innerStride(0);
        boolean typedSum = fast && op == ReduceOp.SUM && rs == 1 && x instanceof CpuBuffer.F32;
        int cost = Math.max(1, View.size(redShape));
        parallel.forRange(outputs, Math.max(1, GRAIN / cost), (lo, hi) -> {
            int[] idx = new int[kept];
            double[] acc = new double[1];
            for (int e = lo; e < hi; e++) {
                int rem = e;
                int so = src.offset();
                int dOff = dst.offset();
                for (int d = kept - 1; d >= 0; d--) {
                    idx[d] = rem % keptShape[d];
                    rem /= keptShape[d];
                    so += idx[d] * keptSrc[d];
                    dOff += idx[d] * keptDst[d];
                }
                final int base = so;
                acc[0] = op.identity();
                red.forEachRow(0, red.rows(), (off, n) -> {
                    int o = base + off[0];
                    if (typedSum) {
                        float[] data = ((CpuBuffer.F32) x).data();
                        acc[0] = vector ? VectorRows.sum(data, o, n, acc[0]) : FloatRows.sum(data, o, n, acc[0]);
                        return;
                    }
                    double a = acc[0];
                    for (int i = 0; i < n; i++) {
                        a = op.combine(a, x.get(o + i * rs));
                    }
                    acc[0] = a;
                });
                y.set(dOff, acc[0]);
            }
        });
    }

    /**
     * Sums over leading axes of a contiguous float source into a contiguous destination (a bias
     * gradient): rows are read in order and each output column accumulates in double, row by row, so
     * memory is read once and sequentially; columns are split across threads. Returns false when the
     * layout does not fit.
     */
    private boolean columnSum(View src, View dst, CpuBuffer x, CpuBuffer y) {
        if (!(x instanceof CpuBuffer.F32 fx) || !(y instanceof CpuBuffer.F32 fy) || !src.isContiguous() || !dst.isContiguous()) {
            return false;
        }
        int lead = 0;
        while (lead < src.rank() && dst.shape()[lead] == 1 && src.shape()[lead] != 1) {
            lead++;
        }
        for (int d = lead; d < src.rank(); d++) {
            if (dst.shape()[d] != src.shape()[d]) {
                return false;
            }
        }
        if (lead == 0) {
            return false;
        }
        int cols = View.size(java.util.Arrays.copyOfRange(src.shape(), lead, src.rank()));
        int rows = src.size() / Math.max(1, cols);
        if (cols < 8) {
            return false;
        }
        float[] a = fx.data();
        float[] out = fy.data();
        parallel.forRange(cols, Math.max(8, GRAIN / Math.max(1, rows)), (lo0, hi) -> {
            int lo = vector ? VectorRows.columnSums(a, src.offset(), cols, rows, lo0, hi, out, dst.offset()) : lo0;
            if (lo == hi) {
                return;
            }
            double[] acc = new double[hi - lo];
            for (int r = 0; r < rows; r++) {
                int base = src.offset() + r * cols;
                int j = vector ? lo + VectorRows.addWidened(a, base + lo, acc, hi - lo) : lo;
                for (; j < hi; j++) {
                    acc[j - lo] += a[base + j];
                }
            }
            for (int j = lo; j < hi; j++) {
                out[dst.offset() + j] = (float) acc[j - lo];
            }
        });
        return true;
    }

    // ---- linear algebra ------------------------------------------------------------------------

    @Override
    public void gemm(View a, View b, View c, double alpha, double beta) {
        GemmShape s = GemmShape.of(a, b, c);
        CpuBuffer ab = own(a);
        CpuBuffer bb = own(b);
        CpuBuffer cb = own(c);
        if (BlockedGemm.applies(s, ab, bb, cb) && vector) {
            VectorGemm.run(parallel, s, (CpuBuffer.F32) ab, (CpuBuffer.F32) bb, (CpuBuffer.F32) cb, a, b, c,
                    (float) alpha, (float) beta);
        } else if (BlockedGemm.applies(s, ab, bb, cb)) {
            BlockedGemm.run(parallel, s, (CpuBuffer.F32) ab, (CpuBuffer.F32) bb, (CpuBuffer.F32) cb, a, b, c,
                    (float) alpha, (float) beta);
        } else {
            ReferenceGemm.run(parallel, s, ab, bb, cb, a, b, c, alpha, beta);
        }
    }

    /**
     * On the vector path, a float32 {@code [1, k, n]} operand of at most one block of k and of columns
     * is packed into the product's column panels once (from the array pool; {@link #gemm(View,
     * PreparedOperand, View, double, double)} then reads them instead of packing them again).
     */
    @Override
    public PreparedOperand prepareRight(View b) {
        int[] sh = b.shape();
        if (vector && own(b) instanceof CpuBuffer.F32 fb && sh.length == 3 && sh[0] == 1 && VectorGemm.packsWhole(sh[1], sh[2])) {
            CpuBuffer.F32 panels = (CpuBuffer.F32) allocateUninitialized(DType.FLOAT32, VectorGemm.packedSize(sh[1], sh[2]));
            VectorGemm.packB(fb.data(), b.offset(), b.strides()[1], b.strides()[2], sh[1], sh[2], panels.data(), 0);
            return new PackedRight(b, panels);
        }
        return new PreparedOperand(b);
    }

    /** A right operand packed by {@link #prepareRight}. */
    private static final class PackedRight extends PreparedOperand {
        private final CpuBuffer.F32 panels;

        PackedRight(View b, CpuBuffer.F32 panels) {
            super(b);
            this.panels = panels;
        }

        @Override
        public void close() {
            panels.close();
        }
    }

    @Override
    public void gemm(View a, PreparedOperand b, View c, double alpha, double beta) {
        GemmShape s = GemmShape.of(a, b.view(), c);
        CpuBuffer ab = own(a);
        CpuBuffer cb = own(c);
        if (b instanceof PackedRight p && s.batch() == 1 && !s.sumBatch() && BlockedGemm.applies(s, ab, own(b.view()), cb)) {
            VectorGemm.one(parallel, s, (CpuBuffer.F32) ab, (CpuBuffer.F32) own(b.view()), (CpuBuffer.F32) cb, a, b.view(), c, 0,
                    (float) alpha, (float) beta, p.panels.data());
            return;
        }
        gemm(a, b.view(), c, alpha, beta);
    }

    // ---- convolution and pooling ---------------------------------------------------------------

    @Override
    public void im2col(ConvGeometry g, View input, View cols) {
        CpuConvolution.im2col(parallel, g, own(input), input, own(cols), cols);
    }

    @Override
    public void col2im(ConvGeometry g, View cols, View gradInput) {
        CpuConvolution.col2im(parallel, g, own(cols), cols, own(gradInput), gradInput);
    }

    @Override
    public void conv2d(ConvGeometry g, View input, View weight, View bias, boolean relu, View output) {
        own(input);
        own(weight);
        own(output);
        if (bias != null) {
            own(bias);
        }
        if (vector && CpuConv2d.applies(parallel, g, input, weight, output) && (bias == null || CpuConv2d.applies(parallel, g, bias))) {
            CpuConv2d.forward(this, parallel, g, input, weight, bias, relu, output);
        } else {
            Backend.super.conv2d(g, input, weight, bias, relu, output);
        }
    }

    @Override
    public void conv2dBackwardInput(ConvGeometry g, View weight, View gradOutput, View gradInput) {
        own(weight);
        own(gradOutput);
        own(gradInput);
        if (vector && CpuConv2d.applies(parallel, g, weight, gradOutput, gradInput)) {
            CpuConv2d.backwardInput(this, parallel, g, weight, gradOutput, gradInput);
        } else {
            Backend.super.conv2dBackwardInput(g, weight, gradOutput, gradInput);
        }
    }

    @Override
    public void conv2dBackwardWeight(ConvGeometry g, View input, View gradOutput, View gradWeight) {
        own(input);
        own(gradOutput);
        own(gradWeight);
        if (vector && CpuConv2d.applies(parallel, g, input, gradOutput, gradWeight)
                && CpuConv2d.weightBlocksApply(g, gradWeight.shape().length == 4 ? gradWeight.shape()[0] : 0)) {
            CpuConv2d.backwardWeight(this, parallel, g, input, gradOutput, gradWeight);
        } else {
            Backend.super.conv2dBackwardWeight(g, input, gradOutput, gradWeight);
        }
    }

    @Override
    public void maxPool2d(PoolGeometry g, View input, View output, View indices) {
        CpuPooling.maxForward(parallel, vector, g, own(input), input, own(output), output, own(indices), indices);
    }

    @Override
    public void maxPool2dBackward(PoolGeometry g, View indices, View gradOutput, View gradInput) {
        CpuPooling.maxBackward(parallel, g, own(indices), indices, own(gradOutput), gradOutput, own(gradInput), gradInput);
    }

    @Override
    public void avgPool2d(PoolGeometry g, View input, View output) {
        CpuPooling.avgForward(parallel, g, own(input), input, own(output), output);
    }

    @Override
    public void avgPool2dBackward(PoolGeometry g, View gradOutput, View gradInput) {
        CpuPooling.avgBackward(parallel, g, own(gradOutput), gradOutput, own(gradInput), gradInput);
    }

    // ---- indexing ------------------------------------------------------------------------------

    @Override
    public void gather(View src, int axis, int[] index, View dst) {
        CpuIndexing.gather(parallel, own(src), src, axis, index, own(dst), dst);
    }

    @Override
    public void scatterAdd(View src, int axis, int[] index, View dst) {
        CpuIndexing.scatterAdd(parallel, own(src), src, axis, index, own(dst), dst);
    }

    // ---- fused kernels -------------------------------------------------------------------------

    @Override
    public void adamStep(AdamStep step, View param, View grad, View m, View v, View vMax) {
        CpuFused.adam(parallel, step, own(param), param, own(grad), grad, own(m), m, own(v), v,
                vMax == null ? null : own(vMax), vMax);
    }

    @Override
    public int parallelParts() {
        return parallel.threads();
    }

    @Override
    public void runParts(int parts, java.util.function.IntConsumer part) {
        // each part on its own thread; the kernels a part calls see a running job and stay on that thread
        parallel.forRange(parts, 1, (lo, hi) -> {
            for (int i = lo; i < hi; i++) {
                part.accept(i);
            }
        });
    }

    @Override
    public void lstmCell(View gates, View cPrev, View act, View c, View tanhC, View h) {
        CpuFused.lstmCell(parallel, vector, own(gates), gates, own(cPrev), cPrev, own(act), act, own(c), c, own(tanhC), tanhC, own(h), h);
    }

    @Override
    public void lstmCellBackward(View act, View cPrev, View tanhC, View gradH, View gradC, View gradGates, View gradCPrev) {
        CpuFused.lstmCellBackward(parallel, vector, own(act), act, own(cPrev), cPrev, own(tanhC), tanhC,
                gradH == null ? null : own(gradH), gradH, gradC == null ? null : own(gradC), gradC, own(gradGates), gradGates,
                own(gradCPrev), gradCPrev);
    }

    // ---- random numbers ------------------------------------------------------------------------

    @Override
    public void randomUniform(View dst, long seed, double low, double high) {
        DType t = dst.dtype();
        randomFill(dst, i -> CounterRandom.uniform(t, seed, i, low, high));
    }

    @Override
    public void randomNormal(View dst, long seed, double mean, double std) {
        randomFill(dst, i -> mean + std * CounterRandom.normal(seed, i));
    }

    private void randomFill(View dst, java.util.function.LongToDoubleFunction value) {
        CpuBuffer y = own(dst);
        int rank = dst.rank();
        int n = dst.size();
        parallel.forRange(n, GRAIN, (lo, hi) -> {
            for (int i = lo; i < hi; i++) {
                int rem = i;
                int o = dst.offset();
                for (int d = rank - 1; d >= 0; d--) {
                    o += (rem % dst.shape()[d]) * dst.strides()[d];
                    rem /= dst.shape()[d];
                }
                y.set(o, value.applyAsDouble(i));
            }
        });
    }

    // ---- lifetime ------------------------------------------------------------------------------

    @Override
    public void synchronize() {
        // every primitive completes before it returns
    }

    @Override
    public void close() {
        parallel.close();
        pool.clear();
    }

    @Override
    public String toString() {
        return description();
    }
}
