package org.lethe.kernels.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.lethe.kernels.AdamStep;
import org.lethe.kernels.Backend;
import org.lethe.kernels.BinaryOp;
import org.lethe.kernels.Buffer;
import org.lethe.kernels.ConvGeometry;
import org.lethe.kernels.DType;
import org.lethe.kernels.PoolGeometry;
import org.lethe.kernels.ReduceOp;
import org.lethe.kernels.UnaryOp;
import org.lethe.kernels.View;
import org.lethe.kernels.cpu.CpuBackend;

/**
 * Every primitive on random inputs, on a device backend and on the CPU backend (the reference), the
 * results compared element by element: |x - ref| <= atol + rtol*|ref| with tolerances per element
 * type and primitive (0 where the device must agree bit for bit: copies, comparisons, Adam, uniform
 * random numbers, pooling, gather/scatter), the first mismatches printed. Operands are random
 * strided views (permuted axes, gaps, offsets) and broadcasts, as in the contract suite, but larger
 * and of random shapes. A subclass supplies the device backend, or null (then every test is
 * skipped with the reason) and a size scale.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class BackendParityTest {
    private final SplittableRandom random = new SplittableRandom(20240611);
    private Backend cpu;
    private Backend dev;

    /** The device backend, or null where it cannot run (see {@link #unavailable}). */
    protected abstract Backend createDevice();

    /** Why the device backend cannot run here, or null. */
    protected abstract String unavailable();

    /** Multiplies the problem sizes (1 on the emulator; larger on a GPU). */
    protected int scale() {
        return 1;
    }

    @BeforeAll
    void open() {
        cpu = new CpuBackend(2);
        dev = unavailable() == null ? createDevice() : null;
    }

    @AfterAll
    void close() {
        cpu.close();
        if (dev != null) {
            dev.close();
        }
    }

    @BeforeEach
    void requireDevice() {
        assumeTrue(dev != null, this::unavailable);
    }

    // ---- paired operands -----------------------------------------------------------------------

    /** The same data and layout on both backends. */
    record Pair(View cpu, View dev) {
        int[] shape() {
            return cpu.shape();
        }
    }

    private Pair pair(DType t, int[] shape, int[] strides, int offset, int length, double lo, double hi) {
        double[] host = new double[length];
        for (int i = 0; i < length; i++) {
            host[i] = lo + (hi - lo) * random.nextDouble();
        }
        Buffer c = cpu.allocate(t, length);
        Buffer d = dev.allocate(t, length);
        cpu.write(c, 0, host, 0, length);
        dev.write(d, 0, host, 0, length);
        return new Pair(new View(c, offset, shape, strides), new View(d, offset, shape, strides));
    }

    /** Random values in [lo, hi) under a view of {@code shape}, its axes permuted and padded when {@code strided}. */
    Pair random(DType t, int[] shape, double lo, double hi, boolean strided) {
        int rank = shape.length;
        int[] order = new int[rank];
        for (int i = 0; i < rank; i++) {
            order[i] = i;
        }
        if (strided) {
            for (int i = rank - 1; i > 0; i--) {
                int j = random.nextInt(i + 1);
                int x = order[i];
                order[i] = order[j];
                order[j] = x;
            }
        }
        int[] strides = new int[rank];
        int s = 1;
        for (int i = rank - 1; i >= 0; i--) {
            int d = order[i];
            strides[d] = s;
            s *= Math.max(1, shape[d]) + (strided ? 1 : 0);
        }
        int offset = strided ? 5 : 0;
        return pair(t, shape, strides, offset, s + offset + 3, lo, hi);
    }

    Pair contiguous(DType t, int[] shape, double lo, double hi) {
        return random(t, shape, lo, hi, false);
    }

    /** A view of {@code p} broadcast to {@code shape} through zero strides on the axes where p has size 1. */
    static Pair broadcast(Pair p, int[] shape) {
        int[] st = p.cpu().strides().clone();
        for (int d = 0; d < shape.length; d++) {
            if (p.shape()[d] == 1 && shape[d] != 1) {
                st[d] = 0;
            }
        }
        return new Pair(new View(p.cpu().buffer(), p.cpu().offset(), shape, st),
                new View(p.dev().buffer(), p.dev().offset(), shape, st));
    }

    int[] randomShape(int rank, int max) {
        int[] s = new int[rank];
        for (int d = 0; d < rank; d++) {
            s[d] = 1 + random.nextInt(max);
        }
        return s;
    }

    /** Compares the elements the view reaches; atol = rtol = 0 demands identical values (NaN equal to NaN). */
    void compare(String what, Pair p, double atol, double rtol) {
        double[] hc = new double[p.cpu().buffer().length()];
        double[] hd = new double[p.dev().buffer().length()];
        cpu.read(p.cpu().buffer(), 0, hc, 0, hc.length);
        dev.read(p.dev().buffer(), 0, hd, 0, hd.length);
        int[] shape = p.shape();
        int n = View.size(shape);
        int[] idx = new int[shape.length];
        int mismatches = 0;
        double worst = 0;
        StringBuilder first = new StringBuilder();
        for (int e = 0; e < n; e++) {
            int rem = e;
            for (int d = shape.length - 1; d >= 0; d--) {
                idx[d] = rem % shape[d];
                rem /= shape[d];
            }
            int o = p.cpu().offsetOf(idx);
            double ref = hc[o];
            double got = hd[o];
            boolean ok = Double.isNaN(ref) ? Double.isNaN(got)
                    : got == ref || Math.abs(got - ref) <= atol + rtol * Math.abs(ref);
            if (!ok) {
                worst = Math.max(worst, Math.abs(got - ref));
                if (mismatches++ < 6) {
                    first.append("\n  at ").append(Arrays.toString(idx)).append(": device ").append(got).append(", cpu ").append(ref);
                }
            }
        }
        assertEquals(0, mismatches, what + ": " + mismatches + " of " + n + " elements differ (largest difference " + worst
                + ", tolerance " + atol + " + " + rtol + "*|ref|)" + first);
    }

    static double atol(DType t) {
        return t == DType.FLOAT32 ? 1e-6 : 1e-13;
    }

    static double rtol(DType t) {
        return t == DType.FLOAT32 ? 1e-6 : 1e-13;
    }

    // ---- elementwise ---------------------------------------------------------------------------

    @ParameterizedTest
    @EnumSource(DType.class)
    void fillAndCopyAndCast(DType t) {
        for (int rep = 0; rep < 4; rep++) {
            int[] shape = randomShape(1 + random.nextInt(4), 9 * scale());
            Pair src = random(t, shape, -3, 3, true);
            Pair dst = random(t, shape, -3, 3, true);
            cpu.copy(src.cpu(), dst.cpu());
            dev.copy(src.dev(), dst.dev());
            compare("copy " + t + " " + Arrays.toString(shape), dst, 0, 0);
            DType other = t == DType.FLOAT32 ? DType.FLOAT64 : DType.FLOAT32;
            Pair cast = random(other, shape, 0, 1, true);
            cpu.copy(src.cpu(), cast.cpu());
            dev.copy(src.dev(), cast.dev());
            compare("cast " + t + " -> " + other, cast, 0, 0);
            cpu.fill(dst.cpu(), -1.25e-3);
            dev.fill(dst.dev(), -1.25e-3);
            compare("fill " + t, dst, 0, 0);
        }
    }

    private static boolean exactUnary(UnaryOp op) {
        return switch (op) {
            case EXP, LOG, SQRT, SIGMOID, TANH, POW_SCALAR -> false;
            default -> true;
        };
    }

    @ParameterizedTest
    @EnumSource(UnaryOp.class)
    void unaryOnStridedViews(UnaryOp op) {
        for (DType t : DType.values()) {
            for (int rep = 0; rep < 3; rep++) {
                int[] shape = randomShape(1 + random.nextInt(4), 8 * scale());
                boolean positive = op == UnaryOp.LOG || op == UnaryOp.SQRT || op == UnaryOp.POW_SCALAR;
                Pair src = random(t, shape, positive ? 1e-3 : -12, 12, rep > 0);
                Pair dst = random(t, shape, 0, 1, rep > 1);
                double s = op == UnaryOp.POW_SCALAR ? 1.37 : 0.5;
                cpu.unary(op, s, src.cpu(), dst.cpu());
                dev.unary(op, s, src.dev(), dst.dev());
                boolean exact = exactUnary(op);
                compare(op + " " + t + " " + Arrays.toString(shape), dst, exact ? 0 : atol(t), exact ? 0 : rtol(t));
            }
        }
    }

    @ParameterizedTest
    @EnumSource(BinaryOp.class)
    void binaryWithBroadcasts(BinaryOp op) {
        for (DType t : DType.values()) {
            for (int rep = 0; rep < 3; rep++) {
                int rank = 2 + random.nextInt(3);
                int[] shape = randomShape(rank, 8 * scale());
                int[] rowShape = shape.clone();
                rowShape[random.nextInt(rank)] = 1;
                rowShape[0] = 1;
                Pair a = random(t, shape, 0.25, 3, true);
                Pair b = broadcast(random(t, rowShape, 0.25, 3, rep == 2), shape);
                Pair dst = random(t, shape, 0, 1, rep == 1);
                boolean swap = rep == 1;
                cpu.binary(op, swap ? b.cpu() : a.cpu(), swap ? a.cpu() : b.cpu(), dst.cpu());
                dev.binary(op, swap ? b.dev() : a.dev(), swap ? a.dev() : b.dev(), dst.dev());
                boolean exact = op != BinaryOp.POW;
                compare(op + " " + t + " " + Arrays.toString(shape), dst, exact ? 0 : atol(t), exact ? 0 : rtol(t));
            }
        }
    }

    @ParameterizedTest
    @EnumSource(ReduceOp.class)
    void reductionsSmallAndLarge(ReduceOp op) {
        int[][] shapes = {{5, 7, 9}, {3, 5000 * scale()}, {2048 * scale(), 33}, {7, 128, 129}, {4, 3, 8, 10}};
        for (DType t : DType.values()) {
            for (int[] shape : shapes) {
                Pair src = random(t, shape, -2, 2, shape.length > 2);
                for (int mask = 1; mask < (1 << shape.length); mask += 1 + random.nextInt(2)) {
                    int[] out = shape.clone();
                    for (int d = 0; d < shape.length; d++) {
                        if ((mask & (1 << d)) != 0) {
                            out[d] = 1;
                        }
                    }
                    Pair dst = random(t, out, 0, 1, false);
                    cpu.reduce(op, src.cpu(), dst.cpu());
                    dev.reduce(op, src.dev(), dst.dev());
                    boolean exact = op != ReduceOp.SUM;
                    int terms = View.size(shape) / View.size(out);
                    compare(op + " " + t + " " + Arrays.toString(shape) + " -> " + Arrays.toString(out), dst,
                            exact ? 0 : atol(t) * Math.sqrt(terms), exact ? 0 : rtol(t));
                }
            }
        }
    }

    // ---- gemm ----------------------------------------------------------------------------------

    /** {batch, m, k, n}: thin, mid-sized (64-wide tiles), large (128-wide tiles), batched, ragged edges. */
    int[][] gemmShapes() {
        int s = scale();
        return new int[][] {{1, 1, 300, 1}, {3, 5, 70, 300}, {2, 70, 33, 9}, {1, 200, 150, 257}, {4, 64, 48, 40},
            {1, 130 * s, 257, 300 * s}, {6, 100, 31, 129}, {128, 16, 196, 144}, {2, 256 * s, 512, 256 * s}};
    }

    @ParameterizedTest
    @EnumSource(DType.class)
    void gemmOnRandomShapes(DType t) {
        for (int[] sh : gemmShapes()) {
            for (int variant = 0; variant < 8; variant++) {
                boolean ta = (variant & 1) != 0;
                boolean tb = (variant & 2) != 0;
                boolean sum = (variant & 4) != 0 && sh[0] > 1;
                int batch = sh[0];
                int m = sh[1];
                int k = sh[2];
                int n = sh[3];
                Pair a = matrix(t, batch, m, k, ta);
                Pair b = matrix(t, batch, k, n, tb);
                Pair c = random(t, new int[] {sum ? 1 : batch, m, n}, -1, 1, false);
                if (sum) {
                    int[] st = {0, n, 1};
                    int[] shape = {batch, m, n};
                    c = new Pair(new View(c.cpu().buffer(), 0, shape, st), new View(c.dev().buffer(), 0, shape, st));
                }
                double beta = variant % 3 == 0 ? 0 : 0.75;
                cpu.gemm(a.cpu(), b.cpu(), c.cpu(), 1.5, beta);
                dev.gemm(a.dev(), b.dev(), c.dev(), 1.5, beta);
                Pair result = sum ? new Pair(View.contiguous(c.cpu().buffer(), 0, 1, m, n), View.contiguous(c.dev().buffer(), 0, 1, m, n))
                        : c;
                long terms = (long) k * (sum ? batch : 1);
                compare("gemm " + t + " " + Arrays.toString(sh) + " ta=" + ta + " tb=" + tb + " sum=" + sum + " beta=" + beta, result,
                        (t == DType.FLOAT32 ? 2e-6 : 1e-13) * terms, t == DType.FLOAT32 ? 1e-5 : 1e-12);
            }
        }
    }

    private Pair matrix(DType t, int batch, int rows, int cols, boolean transposed) {
        Pair raw = random(t, transposed ? new int[] {batch, cols, rows} : new int[] {batch, rows, cols}, -1, 1, false);
        int[] s = raw.cpu().strides();
        int[] shape = {batch, rows, cols};
        int[] st = transposed ? new int[] {s[0], s[2], s[1]} : new int[] {s[0], s[1], s[2]};
        return new Pair(new View(raw.cpu().buffer(), raw.cpu().offset(), shape, st),
                new View(raw.dev().buffer(), raw.dev().offset(), shape, st));
    }

    // ---- convolution and pooling ---------------------------------------------------------------

    @ParameterizedTest
    @EnumSource(DType.class)
    void convolutionForwardAndGradients(DType t) {
        // the CNN's two layers, a strided and padded one, a 1x1 one
        ConvGeometry[] cases = {new ConvGeometry(8 * scale(), 1, 28, 28, 3, 3, 1, 1, 1, 1),
            new ConvGeometry(8 * scale(), 16, 14, 14, 3, 3, 1, 1, 1, 1), new ConvGeometry(5, 3, 11, 9, 5, 3, 2, 2, 2, 1),
            new ConvGeometry(3, 6, 7, 7, 1, 1, 1, 1, 0, 0)};
        int[] outChannels = {16, 32, 7, 4};
        for (int i = 0; i < cases.length; i++) {
            ConvGeometry g = cases[i];
            int oc = outChannels[i];
            Pair x = contiguous(t, new int[] {g.images(), g.channels(), g.height(), g.width()}, -1, 1);
            Pair w = contiguous(t, new int[] {oc, g.channels(), g.kernelH(), g.kernelW()}, -0.5, 0.5);
            Pair bias = contiguous(t, new int[] {oc}, -0.5, 0.5);
            Pair y = contiguous(t, new int[] {g.images(), oc, g.outH(), g.outW()}, 0, 1);
            double tol = (t == DType.FLOAT32 ? 2e-6 : 1e-13) * g.patchSize();
            cpu.conv2d(g, x.cpu(), w.cpu(), bias.cpu(), true, y.cpu());
            dev.conv2d(g, x.dev(), w.dev(), bias.dev(), true, y.dev());
            compare("conv2d+bias+relu " + t + " " + g, y, tol, rtol(t) * 10);
            Pair gy = contiguous(t, y.shape(), -1, 1);
            Pair gx = contiguous(t, x.shape(), 0, 1);
            cpu.conv2dBackwardInput(g, w.cpu(), gy.cpu(), gx.cpu());
            dev.conv2dBackwardInput(g, w.dev(), gy.dev(), gx.dev());
            compare("conv2d input gradient " + t + " " + g, gx, (t == DType.FLOAT32 ? 2e-6 : 1e-13) * oc * g.kernelH() * g.kernelW(),
                    rtol(t) * 10);
            Pair gw = contiguous(t, w.shape(), 0, 1);
            cpu.conv2dBackwardWeight(g, x.cpu(), gy.cpu(), gw.cpu());
            dev.conv2dBackwardWeight(g, x.dev(), gy.dev(), gw.dev());
            compare("conv2d weight gradient " + t + " " + g, gw, (t == DType.FLOAT32 ? 2e-6 : 1e-13) * g.images() * g.outputSize(),
                    rtol(t) * 10);
        }
    }

    @ParameterizedTest
    @EnumSource(DType.class)
    void im2colAndCol2im(DType t) {
        ConvGeometry[] cases = {new ConvGeometry(3, 4, 13, 11, 3, 3, 1, 1, 1, 1), new ConvGeometry(2, 3, 9, 12, 5, 2, 2, 3, 2, 1)};
        for (ConvGeometry g : cases) {
            Pair x = contiguous(t, new int[] {g.images(), g.channels(), g.height(), g.width()}, -1, 1);
            Pair cols = contiguous(t, new int[] {g.images(), g.patchSize(), g.outputSize()}, 0, 1);
            cpu.im2col(g, x.cpu(), cols.cpu());
            dev.im2col(g, x.dev(), cols.dev());
            compare("im2col " + t + " " + g, cols, 0, 0);
            Pair y = contiguous(t, cols.shape(), -1, 1);
            cpu.col2im(g, y.cpu(), x.cpu());
            dev.col2im(g, y.dev(), x.dev());
            compare("col2im " + t + " " + g, x, 0, 0);
        }
    }

    @ParameterizedTest
    @EnumSource(DType.class)
    void pooling(DType t) {
        PoolGeometry[] cases = {new PoolGeometry(4 * scale(), 16, 28, 28, 2, 2, 2, 2, 0, 0), new PoolGeometry(2, 3, 9, 7, 3, 3, 2, 1, 1, 1),
            new PoolGeometry(3, 2, 8, 8, 4, 2, 3, 2, 2, 1)};
        for (PoolGeometry g : cases) {
            int[] in = {g.images(), g.channels(), g.height(), g.width()};
            int[] out = {g.images(), g.channels(), g.outH(), g.outW()};
            Pair x = contiguous(t, in, -1, 1);
            // ties and a relu-like half of zeros
            cpu.unary(UnaryOp.RELU, 0, x.cpu(), x.cpu());
            dev.unary(UnaryOp.RELU, 0, x.dev(), x.dev());
            Pair y = contiguous(t, out, 0, 1);
            Pair idx = contiguous(t, out, 0, 1);
            cpu.maxPool2d(g, x.cpu(), y.cpu(), idx.cpu());
            dev.maxPool2d(g, x.dev(), y.dev(), idx.dev());
            compare("max pool " + t + " " + g, y, 0, 0);
            compare("max pool indices " + t + " " + g, idx, 0, 0);
            Pair gy = contiguous(t, out, -1, 1);
            Pair gx = contiguous(t, in, 0, 1);
            cpu.maxPool2dBackward(g, idx.cpu(), gy.cpu(), gx.cpu());
            dev.maxPool2dBackward(g, idx.dev(), gy.dev(), gx.dev());
            compare("max pool backward " + t + " " + g, gx, 0, 0);
            cpu.avgPool2d(g, x.cpu(), y.cpu());
            dev.avgPool2d(g, x.dev(), y.dev());
            compare("avg pool " + t + " " + g, y, 0, 0);
            cpu.avgPool2dBackward(g, gy.cpu(), gx.cpu());
            dev.avgPool2dBackward(g, gy.dev(), gx.dev());
            compare("avg pool backward " + t + " " + g, gx, 0, 0);
        }
    }

    // ---- indexing ------------------------------------------------------------------------------

    @ParameterizedTest
    @EnumSource(DType.class)
    void gatherAndScatterAddWithRepeats(DType t) {
        int[] shape = {6, 5 * scale(), 7};
        for (int axis = 0; axis < 3; axis++) {
            Pair src = random(t, shape, -1, 1, true);
            int[] index = new int[2 * shape[axis] + 3];
            for (int j = 0; j < index.length; j++) {
                index[j] = random.nextInt(shape[axis]);
            }
            int[] outShape = shape.clone();
            outShape[axis] = index.length;
            Pair dst = random(t, outShape, 0, 1, true);
            cpu.gather(src.cpu(), axis, index, dst.cpu());
            dev.gather(src.dev(), axis, index, dst.dev());
            compare("gather " + t + " axis " + axis, dst, 0, 0);
            cpu.scatterAdd(dst.cpu(), axis, index, src.cpu());
            dev.scatterAdd(dst.dev(), axis, index, src.dev());
            compare("scatter_add " + t + " axis " + axis, src, 0, 0);
        }
    }

    // ---- fused kernels -------------------------------------------------------------------------

    @ParameterizedTest
    @EnumSource(DType.class)
    void adamAgreesBitForBit(DType t) {
        int[] shape = {37, 29 * scale()};
        for (boolean ams : new boolean[] {false, true}) {
            for (boolean decoupled : new boolean[] {false, true}) {
                Pair p = contiguous(t, shape, -1, 1);
                Pair g = contiguous(t, shape, -1, 1);
                Pair m = contiguous(t, shape, -0.1, 0.1);
                Pair v = contiguous(t, shape, 0, 0.1);
                Pair vm = ams ? contiguous(t, shape, 0, 0.1) : null;
                for (int step = 1; step <= 3; step++) {
                    AdamStep s = new AdamStep(1e-3, 0.9, 0.999, 1e-8, decoupled ? 0.01 : 1e-4, decoupled, step);
                    cpu.adamStep(s, p.cpu(), g.cpu(), m.cpu(), v.cpu(), ams ? vm.cpu() : null);
                    dev.adamStep(s, p.dev(), g.dev(), m.dev(), v.dev(), ams ? vm.dev() : null);
                }
                String what = "adam " + t + " ams=" + ams + " decoupled=" + decoupled;
                compare(what + " param", p, 0, 0);
                compare(what + " m", m, 0, 0);
                compare(what + " v", v, 0, 0);
                if (ams) {
                    compare(what + " vMax", vm, 0, 0);
                }
            }
        }
    }

    @ParameterizedTest
    @EnumSource(DType.class)
    void lstmCellForwardAndBackward(DType t) {
        int n = 17 * scale();
        int h = 64;
        Pair gates = contiguous(t, new int[] {n, 4 * h}, -4, 4);
        Pair cPrev = contiguous(t, new int[] {n, h}, -1, 1);
        Pair act = contiguous(t, new int[] {n, 4 * h}, 0, 1);
        Pair c = contiguous(t, new int[] {n, h}, 0, 1);
        Pair tc = contiguous(t, new int[] {n, h}, 0, 1);
        Pair hh = contiguous(t, new int[] {n, h}, 0, 1);
        cpu.lstmCell(gates.cpu(), cPrev.cpu(), act.cpu(), c.cpu(), tc.cpu(), hh.cpu());
        dev.lstmCell(gates.dev(), cPrev.dev(), act.dev(), c.dev(), tc.dev(), hh.dev());
        // the CPU's float32 cell uses the Vector API's exp/tanh: agreement to a few ulp, not bits
        double a = t == DType.FLOAT32 ? 1e-6 : 1e-14;
        compare("lstm act " + t, act, a, a);
        compare("lstm c " + t, c, a, a);
        compare("lstm tanh(c) " + t, tc, a, a);
        compare("lstm h " + t, hh, a, a);
        // the adjoint from identical saved values (the forward's agree only to rounding): plain double
        // arithmetic, so identical results
        Pair savedAct = contiguous(t, new int[] {n, 4 * h}, 0, 1);
        Pair savedTanh = contiguous(t, new int[] {n, h}, -1, 1);
        Pair gh = contiguous(t, new int[] {n, h}, -1, 1);
        Pair gc = contiguous(t, new int[] {n, h}, -1, 1);
        Pair gg = contiguous(t, new int[] {n, 4 * h}, 0, 1);
        Pair gcp = contiguous(t, new int[] {n, h}, 0, 1);
        for (int variant = 0; variant < 3; variant++) {
            View ghC = variant == 1 ? null : gh.cpu();
            View ghD = variant == 1 ? null : gh.dev();
            View gcC = variant == 2 ? null : gc.cpu();
            View gcD = variant == 2 ? null : gc.dev();
            cpu.lstmCellBackward(savedAct.cpu(), cPrev.cpu(), savedTanh.cpu(), ghC, gcC, gg.cpu(), gcp.cpu());
            dev.lstmCellBackward(savedAct.dev(), cPrev.dev(), savedTanh.dev(), ghD, gcD, gg.dev(), gcp.dev());
            compare("lstm d gates " + t + " variant " + variant, gg, 0, 0);
            compare("lstm d cPrev " + t + " variant " + variant, gcp, 0, 0);
        }
    }

    // ---- random numbers ------------------------------------------------------------------------

    @ParameterizedTest
    @EnumSource(DType.class)
    void randomNumbersMatchCounterRandom(DType t) {
        int[] shape = {33, 17 * scale(), 3};
        Pair u = random(t, shape, 0, 1, true);
        cpu.randomUniform(u.cpu(), -77, -2, 5);
        dev.randomUniform(u.dev(), -77, -2, 5);
        compare("uniform " + t, u, 0, 0);
        Pair g = random(t, shape, 0, 1, true);
        cpu.randomNormal(g.cpu(), 123456789L, 0.5, 2);
        dev.randomNormal(g.dev(), 123456789L, 0.5, 2);
        compare("normal " + t, g, t == DType.FLOAT32 ? 5e-7 : 1e-14, t == DType.FLOAT32 ? 2.4e-7 : 1e-14);
    }

    @Test
    void readsAndWritesRoundTrip() {
        for (DType t : DType.values()) {
            Pair p = contiguous(t, new int[] {1000}, -1e6, 1e6);
            compare("round trip " + t, p, 0, 0);
            float[] f = new float[10];
            double[] d = new double[10];
            dev.read(p.dev().buffer(), 990, f, 0, 10);
            cpu.read(p.cpu().buffer(), 990, d, 0, 10);
            for (int i = 0; i < 10; i++) {
                assertEquals((float) d[i], f[i], "read as float " + t + " at " + (990 + i));
            }
        }
    }
}
