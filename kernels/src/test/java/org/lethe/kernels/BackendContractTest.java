package org.lethe.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.function.ToDoubleFunction;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The contract every backend must meet, checked against plain host computations. A backend's test
 * class extends this and supplies the backend; results are compared within {@link #tolerance}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class BackendContractTest {
    protected Backend backend;
    private final SplittableRandom random = new SplittableRandom(12345);

    /** The backend under test. */
    protected abstract Backend createBackend();

    @BeforeAll
    void open() {
        backend = createBackend();
    }

    @AfterAll
    void close() {
        // null when createBackend() aborted the class (a GPU backend's assumption where there is no GPU)
        if (backend != null) {
            backend.close();
        }
    }

    /** Allowed |x - ref| for a result of type {@code t}: atol + rtol*|ref|. */
    protected double tolerance(DType t, double ref) {
        return t == DType.FLOAT32 ? 1e-5 + 1e-5 * Math.abs(ref) : 1e-12 + 1e-12 * Math.abs(ref);
    }

    // ---- helpers -------------------------------------------------------------------------------

    /** A buffer of random values in [lo, hi) with a view of {@code shape} whose axes are permuted and padded. */
    protected View randomView(DType t, int[] shape, double lo, double hi, boolean strided) {
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
        int offset = strided ? 3 : 0;
        Buffer b = backend.allocate(t, s + offset + 2);
        double[] host = new double[b.length()];
        for (int i = 0; i < host.length; i++) {
            host[i] = lo + (hi - lo) * random.nextDouble();
        }
        backend.write(b, 0, host, 0, host.length);
        return new View(b, offset, shape, strides);
    }

    protected View zeros(DType t, int... shape) {
        return View.contiguous(backend.allocate(t, Math.max(1, View.size(shape))), 0, shape);
    }

    protected double[] host(Buffer b) {
        double[] out = new double[b.length()];
        backend.read(b, 0, out, 0, out.length);
        return out;
    }

    /** Calls {@code f} with every multi-index of {@code shape} in row-major order. */
    protected static void forEachIndex(int[] shape, java.util.function.Consumer<int[]> f) {
        int n = View.size(shape);
        int[] idx = new int[shape.length];
        for (int e = 0; e < n; e++) {
            int rem = e;
            for (int d = shape.length - 1; d >= 0; d--) {
                idx[d] = rem % shape[d];
                rem /= shape[d];
            }
            f.accept(idx);
        }
    }

    protected void assertView(String what, View actual, ToDoubleFunction<int[]> expected) {
        assertView(what, actual, expected, 0);
    }

    /**
     * {@link #assertView} with {@code extra} added to the tolerance, for long float32 sums whose
     * rounding grows with the number of terms.
     */
    protected void assertView(String what, View actual, ToDoubleFunction<int[]> expected, double extra) {
        double[] h = host(actual.buffer());
        int[] mismatches = {0};
        StringBuilder first = new StringBuilder();
        forEachIndex(actual.shape(), idx -> {
            double ref = actual.dtype().round(expected.applyAsDouble(idx));
            double got = h[actual.offsetOf(idx)];
            boolean ok = Double.isNaN(ref) ? Double.isNaN(got) : Math.abs(got - ref) <= tolerance(actual.dtype(), ref) + extra
                    || got == ref;
            if (!ok && mismatches[0]++ < 5) {
                first.append("\n  at ").append(Arrays.toString(idx)).append(": got ").append(got).append(", expected ").append(ref);
            }
        });
        assertEquals(0, mismatches[0], what + ": " + mismatches[0] + " mismatches" + first);
    }

    private static double at(double[] h, View v, int[] idx) {
        return h[v.offsetOf(idx)];
    }

    // ---- memory --------------------------------------------------------------------------------

    @ParameterizedTest
    @EnumSource(DType.class)
    void writeThenReadRoundTrips(DType t) {
        Buffer b = backend.allocate(t, 10);
        double[] in = {1, -2.5, 3.25, 0, 1e-3, 7, 8, 9, 10, 11};
        backend.write(b, 0, in, 0, 10);
        double[] out = new double[10];
        backend.read(b, 0, out, 0, 10);
        for (int i = 0; i < 10; i++) {
            assertEquals(t.round(in[i]), out[i]);
        }
        float[] f = new float[3];
        backend.read(b, 1, f, 0, 3);
        assertArrayEquals(new float[] {-2.5f, 3.25f, 0f}, f);
        assertThrows(IllegalArgumentException.class, () -> backend.read(b, 8, out, 0, 5));
    }

    @Test
    void allocateZeroFillsAndCloseForbidsUse() {
        Buffer b = backend.allocate(DType.FLOAT32, 5);
        assertArrayEquals(new double[5], host(b));
        b.close();
        assertTrue(b.isClosed());
        assertThrows(IllegalStateException.class, () -> View.contiguous(b, 0, 5));
    }

    @Test
    void viewOutsideBufferIsRejected() {
        Buffer b = backend.allocate(DType.FLOAT32, 6);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new View(b, 1, new int[] {2, 3}, new int[] {3, 1}));
        assertTrue(e.getMessage().contains("outside a buffer of 6"), e.getMessage());
    }

    // ---- elementwise ---------------------------------------------------------------------------

    @ParameterizedTest
    @EnumSource(DType.class)
    void fillAndCopyThroughStrides(DType t) {
        View src = randomView(t, new int[] {3, 4, 5}, -1, 1, true);
        View dst = randomView(t, new int[] {3, 4, 5}, -1, 1, true);
        double[] s = host(src.buffer());
        backend.copy(src, dst);
        assertView("copy", dst, idx -> at(s, src, idx));
        backend.fill(dst, 2.5);
        assertView("fill", dst, idx -> 2.5);
    }

    @Test
    void copyConvertsTypes() {
        View src = randomView(DType.FLOAT64, new int[] {4, 3}, -1, 1, true);
        View dst = zeros(DType.FLOAT32, 4, 3);
        double[] s = host(src.buffer());
        backend.copy(src, dst);
        assertView("cast", dst, idx -> (float) at(s, src, idx));
    }

    @ParameterizedTest
    @EnumSource(UnaryOp.class)
    void unaryMatchesDefinition(UnaryOp op) {
        for (DType t : DType.values()) {
            for (boolean strided : new boolean[] {true, false}) {
                double lo = op == UnaryOp.LOG || op == UnaryOp.SQRT || op == UnaryOp.POW_SCALAR ? 0.1 : -3;
                View src = randomView(t, new int[] {5, 7, 3}, lo, 3, strided);
                View dst = randomView(t, new int[] {5, 7, 3}, 0, 1, strided);
                double[] s = host(src.buffer());
                double scalar = op == UnaryOp.POW_SCALAR ? 1.7 : 0.25;
                backend.unary(op, scalar, src, dst);
                assertView(op + " " + t + (strided ? " strided" : " contiguous"), dst, idx -> op.apply(at(s, src, idx), scalar));
            }
        }
    }

    @Test
    void unaryInPlaceOnTheSameView() {
        View v = randomView(DType.FLOAT32, new int[] {6, 6}, -1, 1, true);
        double[] s = host(v.buffer());
        backend.unary(UnaryOp.MUL_SCALAR, 3, v, v);
        assertView("in place", v, idx -> (float) at(s, v, idx) * 3.0);
    }

    @ParameterizedTest
    @EnumSource(DType.class)
    void reluBackwardZeroesWhereTheInputIsNotPositive(DType t) {
        int n = 100;
        View g = randomView(t, new int[] {n}, -1, 1, false);
        View x = randomView(t, new int[] {n}, -1, 1, false);
        double[] special = {0.0, -0.0, Double.NaN, Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY, Double.MIN_VALUE};
        backend.write(x.buffer(), x.offset() + 3, special, 0, special.length);
        backend.write(g.buffer(), g.offset() + 50, new double[] {Double.NaN, Double.POSITIVE_INFINITY}, 0, 2);
        backend.write(x.buffer(), x.offset() + 50, new double[] {-1, 1}, 0, 2);
        double[] hg = host(g.buffer());
        double[] hx = host(x.buffer());
        View out = zeros(t, n);
        backend.binary(BinaryOp.RELU_BACKWARD, g, x, out);
        assertView("relu backward " + t, out, idx -> hx[idx[0]] <= 0 ? 0 : hg[idx[0]]);
        double[] ho = host(out.buffer());
        assertEquals(hg[5], ho[5], "a NaN input passes the gradient");
        assertEquals(0, ho[50], "a NaN gradient where the input is negative becomes 0");
    }

    @ParameterizedTest
    @EnumSource(BinaryOp.class)
    void binaryBroadcastsThroughZeroStrides(BinaryOp op) {
        for (DType t : DType.values()) {
            View a = randomView(t, new int[] {4, 5, 6}, 0.5, 2, true);
            View row = randomView(t, new int[] {1, 5, 1}, 0.5, 2, false);
            View b = new View(row.buffer(), row.offset(), new int[] {4, 5, 6}, new int[] {0, row.strides()[1], 0});
            View dst = zeros(t, 4, 5, 6);
            double[] ha = host(a.buffer());
            double[] hb = host(b.buffer());
            backend.binary(op, a, b, dst);
            assertView(op + " " + t, dst, idx -> op.apply(at(ha, a, idx), at(hb, b, idx)));
            // contiguous operands, and a column broadcast along the innermost axis, on either side
            View c = randomView(t, new int[] {4, 6}, 0.5, 2, false);
            View col = randomView(t, new int[] {4, 1}, 0.5, 2, false);
            View colB = new View(col.buffer(), col.offset(), new int[] {4, 6}, new int[] {1, 0});
            double[] hc = host(c.buffer());
            double[] hcol = host(col.buffer());
            for (int side = 0; side < 3; side++) {
                View l = side == 2 ? colB : c;
                View r = side == 1 ? colB : c;
                double[] hl = side == 2 ? hcol : hc;
                double[] hr = side == 1 ? hcol : hc;
                View out = zeros(t, 4, 6);
                backend.binary(op, l, r, out);
                assertView(op + " " + t + " contiguous/broadcast " + side, out, idx -> op.apply(at(hl, l, idx), at(hr, r, idx)));
            }
        }
    }

    @Test
    void mismatchedShapesAreRejected() {
        View a = zeros(DType.FLOAT32, 2, 3);
        View b = zeros(DType.FLOAT32, 3, 2);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> backend.binary(BinaryOp.ADD, a, b, a));
        assertTrue(e.getMessage().contains("[2, 3] [3, 2]"), e.getMessage());
    }

    /** A reduction's destination has the source's rank, and each axis kept or 1 (ReduceAxes), with one message on every backend. */
    @Test
    void mismatchedReductionsAreRejected() {
        View src = zeros(DType.FLOAT32, 40, 16);
        IllegalArgumentException rank = assertThrows(IllegalArgumentException.class,
                () -> backend.reduce(ReduceOp.SUM, src, zeros(DType.FLOAT32, 16)));
        assertEquals("reduce: source [40, 16] and destination [16] differ in rank", rank.getMessage());
        IllegalArgumentException axis = assertThrows(IllegalArgumentException.class,
                () -> backend.reduce(ReduceOp.SUM, src, zeros(DType.FLOAT32, 2, 16)));
        assertEquals("reduce: destination [2, 16] must match source [40, 16] or be 1 on each axis", axis.getMessage());
    }

    @ParameterizedTest
    @EnumSource(ReduceOp.class)
    void reduceOverEverySubsetOfAxes(ReduceOp op) {
        int[] shape = {3, 4, 9};
        for (DType t : DType.values()) {
          for (boolean strided : new boolean[] {true, false}) {
            View src = randomView(t, shape, -2, 2, strided);
            double[] h = host(src.buffer());
            for (int mask = 0; mask < 8; mask++) {
                int[] out = shape.clone();
                for (int d = 0; d < 3; d++) {
                    if ((mask & (1 << d)) != 0) {
                        out[d] = 1;
                    }
                }
                View dst = zeros(t, out);
                backend.reduce(op, src, dst);
                int[] fOut = out;
                assertView(op + " mask " + mask, dst, idx -> {
                    double[] acc = {op.identity()};
                    forEachIndex(shape, s -> {
                        for (int d = 0; d < 3; d++) {
                            if (fOut[d] != 1 && s[d] != idx[d]) {
                                return;
                            }
                        }
                        acc[0] = op.combine(acc[0], at(h, src, s));
                    });
                    return acc[0];
                });
            }
          }
        }
    }

    @Test
    void reduceOfEmptyAxisGivesIdentity() {
        View src = zeros(DType.FLOAT64, 3, 0);
        View dst = zeros(DType.FLOAT64, 3, 1);
        backend.reduce(ReduceOp.SUM, src, dst);
        assertArrayEquals(new double[3], host(dst.buffer()));
    }

    // ---- gemm ----------------------------------------------------------------------------------

    static int[][] gemmShapes() {
        return new int[][] {{1, 1, 1, 1}, {1, 3, 4, 5}, {2, 7, 1, 9}, {3, 17, 33, 65}, {1, 130, 70, 300}, {4, 64, 48, 40},
            {2, 1, 200, 150},
            // k = 1 (an outer product, wider than a vector) and row counts that leave partial register tiles
            {2, 37, 1, 70}, {1, 23, 40, 100},
            // few rows, a long k and many column panels: split by columns across threads
            {1, 20, 600, 150},
            {2, 9, 300, 1040}, {20, 16, 40, 30},
            // long k, narrow result: the dot-product path when b is transposed (a convolution's weight gradient)
            {16, 16, 64, 18}, {3, 13, 260, 5}, {1, 9, 67, 31},
            // one or two whole column panels and whole row panels: A read in place (alpha 1)
            {2, 12, 40, 32}, {1, 64, 256, 64}};
    }

    /** {batch, m, k, n} with every combination of transposed operands, shared operands and a summed batch. */
    @ParameterizedTest
    @EnumSource(DType.class)
    void gemmMatchesTripleLoop(DType t) {
        for (int[] sh : gemmShapes()) {
            for (int variant = 0; variant < 16; variant++) {
                boolean ta = (variant & 1) != 0;
                boolean tb = (variant & 2) != 0;
                boolean shareB = (variant & 4) != 0;
                boolean sumBatch = (variant & 8) != 0 && sh[0] > 1;
                int batch = sh[0];
                int m = sh[1];
                int k = sh[2];
                int n = sh[3];
                View a = matrix(t, batch, m, k, ta, false);
                View b = matrix(t, batch, k, n, tb, shareB);
                // alpha 1 (a path of its own) where the float sums are short enough for the tolerance
                double alpha = variant % 5 == 0 && k * (sumBatch ? batch : 1) <= 256 ? 1 : 0.5;
                double beta = variant % 3 == 0 ? 0 : -1.5;
                View c = randomView(t, new int[] {sumBatch ? 1 : batch, m, n}, -1, 1, false);
                if (sumBatch) {
                    c = new View(c.buffer(), c.offset(), new int[] {batch, m, n}, new int[] {0, n, 1});
                }
                double[] ha = host(a.buffer());
                double[] hb = host(b.buffer());
                double[] hc = host(c.buffer());
                backend.gemm(a, b, c, alpha, beta);
                View cc = c;
                String what = "gemm " + t + " " + Arrays.toString(sh) + " ta=" + ta + " tb=" + tb + " shareB=" + shareB
                        + " sum=" + sumBatch + " beta=" + beta;
                assertView(what, c, idx -> {
                    double acc = 0;
                    int b0 = sumBatch ? 0 : idx[0];
                    int b1 = sumBatch ? batch : idx[0] + 1;
                    for (int bi = b0; bi < b1; bi++) {
                        for (int p = 0; p < k; p++) {
                            acc += at(ha, a, new int[] {bi, idx[1], p}) * at(hb, b, new int[] {bi, p, idx[2]});
                        }
                    }
                    double old = at(hc, cc, idx);
                    return alpha * acc + (beta == 0 ? 0 : beta * old);
                });
            }
        }
    }

    private View matrix(DType t, int batch, int rows, int cols, boolean transposed, boolean shared) {
        int nb = shared ? 1 : batch;
        View raw = randomView(t, transposed ? new int[] {nb, cols, rows} : new int[] {nb, rows, cols}, -1, 1, false);
        int[] s = raw.strides();
        int bs = shared ? 0 : s[0];
        return transposed ? new View(raw.buffer(), raw.offset(), new int[] {batch, rows, cols}, new int[] {bs, s[2], s[1]})
                : new View(raw.buffer(), raw.offset(), new int[] {batch, rows, cols}, new int[] {bs, s[1], s[2]});
    }

    /**
     * A prepared right operand gives the plain product's result bit for bit, used several times and
     * with either layout of b: shapes the CPU backend packs whole (an LSTM's recurrent products,
     * partial panels) and shapes it does not (k or n beyond one block, the dot-product path).
     */
    @ParameterizedTest
    @EnumSource(DType.class)
    void gemmWithAPreparedRightOperandIsThePlainProduct(DType t) {
        int[][] shapes = {{64, 64, 256}, {64, 256, 64}, {37, 50, 45}, {5, 3, 70}, {9, 300, 40}, {7, 20, 1100}, {16, 64, 18}};
        for (int[] sh : shapes) {
            for (boolean tb : new boolean[] {false, true}) {
                View b = matrix(t, 1, sh[1], sh[2], tb, false);
                try (PreparedOperand prepared = backend.prepareRight(b)) {
                    for (int use = 0; use < 3; use++) {
                        View a = matrix(t, 1, sh[0], sh[1], use == 2, false);
                        double beta = use == 1 ? 1 : 0;
                        View c1 = randomView(t, new int[] {1, sh[0], sh[2]}, -1, 1, false);
                        View c2 = new View(backend.allocate(t, c1.buffer().length()), c1.offset(), c1.shape(), c1.strides());
                        backend.copy(c1, c2);
                        backend.gemm(a, b, c1, 0.5, beta);
                        backend.gemm(a, prepared, c2, 0.5, beta);
                        double[] h1 = host(c1.buffer());
                        double[] h2 = host(c2.buffer());
                        int[] differ = {0};
                        forEachIndex(c1.shape(), idx -> differ[0] += h1[c1.offsetOf(idx)] == h2[c2.offsetOf(idx)] ? 0 : 1);
                        assertEquals(0, differ[0], "prepared " + t + " " + Arrays.toString(sh) + " tb=" + tb + " use " + use);
                    }
                }
            }
        }
    }

    @Test
    void gemmBetaZeroIgnoresNaNInResult() {
        View a = randomView(DType.FLOAT32, new int[] {1, 40, 50}, -1, 1, false);
        View b = randomView(DType.FLOAT32, new int[] {1, 50, 60}, -1, 1, false);
        View c = zeros(DType.FLOAT32, 1, 40, 60);
        backend.fill(c, Double.NaN);
        backend.gemm(a, b, c, 1, 0);
        for (double v : host(c.buffer())) {
            assertTrue(Double.isFinite(v));
        }
    }

    // ---- convolution and pooling ---------------------------------------------------------------

    /**
     * The convolution primitives against the definition in double precision, on shapes that take every
     * path of a backend that fuses: enough images for per-image threads and blocked weight gradients,
     * a narrow patch, an output longer and a patch deeper than one GEMM block, a vertical stride,
     * size-preserving shapes (square, rectangular, an image narrower than the kernel) and shapes that
     * fall back to the lowering (few images, a horizontal stride).
     */
    @ParameterizedTest
    @EnumSource(DType.class)
    void conv2dPrimitivesMatchTheDefinition(DType t) {
        ConvGeometry[] cases = {new ConvGeometry(20, 16, 14, 14, 3, 3, 1, 1, 1, 1), new ConvGeometry(17, 1, 28, 28, 3, 3, 1, 1, 1, 1),
            new ConvGeometry(18, 3, 9, 11, 5, 3, 2, 1, 2, 1), new ConvGeometry(16, 40, 6, 6, 3, 3, 1, 1, 1, 1),
            new ConvGeometry(3, 2, 5, 5, 1, 1, 1, 1, 0, 0), new ConvGeometry(12, 3, 7, 6, 3, 3, 2, 2, 1, 1),
            new ConvGeometry(16, 2, 6, 5, 3, 3, 1, 1, 2, 2), new ConvGeometry(16, 3, 7, 9, 3, 5, 1, 1, 1, 2),
            new ConvGeometry(4, 2, 5, 1, 3, 3, 1, 1, 1, 1)};
        int[] outChannels = {32, 16, 5, 7, 3, 4, 33, 6, 2};
        for (int ci = 0; ci < cases.length; ci++) {
            ConvGeometry g = cases[ci];
            int oc = outChannels[ci];
            View x = randomView(t, new int[] {g.images(), g.channels(), g.height(), g.width()}, -1, 1, false);
            View w = randomView(t, new int[] {oc, g.channels(), g.kernelH(), g.kernelW()}, -1, 1, false);
            View gy = randomView(t, new int[] {g.images(), oc, g.outH(), g.outW()}, -1, 1, false);
            double[] hx = host(x.buffer());
            double[] hw = host(w.buffer());
            double[] hg = host(gy.buffer());
            double[] out = new double[gy.size()];
            double[] dx = new double[x.size()];
            double[] dw = new double[w.size()];
            forEachIndex(gy.shape(), o -> {
                for (int c = 0; c < g.channels(); c++) {
                    for (int ky = 0; ky < g.kernelH(); ky++) {
                        for (int kx = 0; kx < g.kernelW(); kx++) {
                            int iy = o[2] * g.strideH() - g.padH() + ky;
                            int ix = o[3] * g.strideW() - g.padW() + kx;
                            if (iy < 0 || iy >= g.height() || ix < 0 || ix >= g.width()) {
                                continue;
                            }
                            int xi = x.offsetOf(new int[] {o[0], c, iy, ix});
                            int wi = w.offsetOf(new int[] {o[1], c, ky, kx});
                            int gi = gy.offsetOf(o);
                            out[gi] += hw[wi] * hx[xi];
                            dx[xi] += hw[wi] * hg[gi];
                            dw[wi] += hg[gi] * hx[xi];
                        }
                    }
                }
            });
            View y = zeros(t, gy.shape());
            backend.fill(y, Double.NaN);
            backend.conv2d(g, x, w, null, false, y);
            assertView("conv2d " + g, y, idx -> out[gy.offsetOf(idx)]);
            View bias = randomView(t, new int[] {oc}, -1, 1, false);
            double[] hb = host(bias.buffer());
            backend.conv2d(g, x, w, bias, false, y);
            assertView("conv2d with bias " + g, y, idx -> out[gy.offsetOf(idx)] + hb[bias.offsetOf(new int[] {idx[1]})]);
            backend.conv2d(g, x, w, bias, true, y);
            assertView("conv2d with bias and relu " + g, y,
                    idx -> Math.max(0, out[gy.offsetOf(idx)] + hb[bias.offsetOf(new int[] {idx[1]})]));
            View gx = zeros(t, x.shape());
            backend.fill(gx, Double.NaN);
            backend.conv2dBackwardInput(g, w, gy, gx);
            assertView("conv2d input gradient " + g, gx, idx -> dx[x.offsetOf(idx)]);
            View gw = zeros(t, w.shape());
            backend.fill(gw, Double.NaN);
            backend.conv2dBackwardWeight(g, x, gy, gw);
            // summed over images and pixels: float32 rounding grows like the square root of the terms
            double extra = t == DType.FLOAT32 ? 2e-6 * Math.sqrt(g.images() * g.outputSize()) : 0;
            assertView("conv2d weight gradient " + g, gw, idx -> dw[w.offsetOf(idx)], extra);
        }
    }

    @ParameterizedTest
    @EnumSource(DType.class)
    void im2colMatchesDefinitionAndCol2imIsItsAdjoint(DType t) {
        ConvGeometry[] cases = {new ConvGeometry(2, 3, 7, 6, 3, 3, 1, 1, 1, 1), new ConvGeometry(1, 2, 9, 9, 3, 2, 2, 3, 1, 0),
            new ConvGeometry(3, 1, 5, 5, 1, 1, 1, 1, 0, 0), new ConvGeometry(1, 4, 8, 8, 5, 5, 2, 2, 2, 2),
            // padding wider than the kernel's reach: whole rows and columns of zeros
            new ConvGeometry(2, 2, 6, 5, 3, 3, 2, 1, 2, 2)};
        for (ConvGeometry g : cases) {
            View x = randomView(t, new int[] {g.images(), g.channels(), g.height(), g.width()}, -1, 1, false);
            View cols = zeros(t, g.images(), g.patchSize(), g.outputSize());
            double[] hx = host(x.buffer());
            backend.fill(cols, Double.NaN);
            backend.im2col(g, x, cols);
            assertView("im2col " + g, cols, idx -> {
                int row = idx[1];
                int ch = row / (g.kernelH() * g.kernelW());
                int kh = row / g.kernelW() % g.kernelH();
                int kw = row % g.kernelW();
                int iy = idx[2] / g.outW() * g.strideH() - g.padH() + kh;
                int ix = idx[2] % g.outW() * g.strideW() - g.padW() + kw;
                return iy < 0 || iy >= g.height() || ix < 0 || ix >= g.width() ? 0
                        : at(hx, x, new int[] {idx[0], ch, iy, ix});
            });
            // <im2col(x), y> == <x, col2im(y)>
            View y = randomView(t, cols.shape(), -1, 1, false);
            View gx = zeros(t, x.shape());
            backend.fill(gx, 7);
            backend.col2im(g, y, gx);
            double[] hc = host(cols.buffer());
            double[] hy = host(y.buffer());
            double[] hgx = host(gx.buffer());
            double lhs = 0;
            double rhs = 0;
            for (int i = 0; i < cols.size(); i++) {
                lhs += hc[i] * hy[i];
            }
            for (int i = 0; i < x.size(); i++) {
                rhs += hx[i] * hgx[i];
            }
            assertEquals(lhs, rhs, t == DType.FLOAT32 ? 1e-3 : 1e-9, "col2im adjoint " + g);
        }
    }

    @ParameterizedTest
    @EnumSource(DType.class)
    void poolingMatchesDefinition(DType t) {
        PoolGeometry[] cases = {new PoolGeometry(2, 3, 6, 6, 2, 2, 2, 2, 0, 0), new PoolGeometry(1, 2, 7, 5, 3, 3, 2, 1, 1, 1),
            new PoolGeometry(1, 1, 4, 4, 3, 2, 1, 2, 1, 0)};
        for (PoolGeometry g : cases) {
            View x = randomView(t, new int[] {g.images(), g.channels(), g.height(), g.width()}, -1, 1, false);
            double[] hx = host(x.buffer());
            View out = zeros(t, g.images(), g.channels(), g.outH(), g.outW());
            View where = zeros(t, g.images(), g.channels(), g.outH(), g.outW());
            backend.maxPool2d(g, x, out, where);
            java.util.function.Function<int[], int[]> first = o -> {
                double best = Double.NEGATIVE_INFINITY;
                int arg = -1;
                for (int dy = 0; dy < g.kernelH(); dy++) {
                    for (int dx = 0; dx < g.kernelW(); dx++) {
                        int iy = o[2] * g.strideH() - g.padH() + dy;
                        int ix = o[3] * g.strideW() - g.padW() + dx;
                        if (iy >= 0 && iy < g.height() && ix >= 0 && ix < g.width()) {
                            double v = at(hx, x, new int[] {o[0], o[1], iy, ix});
                            if (v > best) {
                                best = v;
                                arg = iy * g.width() + ix;
                            }
                        }
                    }
                }
                return new int[] {arg};
            };
            assertView("max pool " + g, out, o -> {
                int arg = first.apply(o)[0];
                return at(hx, x, new int[] {o[0], o[1], arg / g.width(), arg % g.width()});
            });
            assertView("max pool indices " + g, where, o -> first.apply(o)[0]);
            backend.avgPool2d(g, x, out);
            assertView("avg pool " + g, out, idx -> {
                double sum = 0;
                for (int dy = 0; dy < g.kernelH(); dy++) {
                    for (int dx = 0; dx < g.kernelW(); dx++) {
                        int iy = idx[2] * g.strideH() - g.padH() + dy;
                        int ix = idx[3] * g.strideW() - g.padW() + dx;
                        if (iy >= 0 && iy < g.height() && ix >= 0 && ix < g.width()) {
                            sum += at(hx, x, new int[] {idx[0], idx[1], iy, ix});
                        }
                    }
                }
                return sum / (g.kernelH() * g.kernelW());
            });
            // backward passes are adjoints of the forward maps (max: at fixed argmax)
            View go = randomView(t, out.shape(), -1, 1, false);
            View gi = zeros(t, x.shape());
            backend.avgPool2dBackward(g, go, gi);
            assertEquals(dot(out, go, x, gi, () -> backend.avgPool2d(g, x, out)), 0, t == DType.FLOAT32 ? 1e-4 : 1e-10);
            backend.maxPool2dBackward(g, where, go, gi);
            assertEquals(dot(out, go, x, gi, () -> backend.maxPool2d(g, x, out, where)), 0, t == DType.FLOAT32 ? 1e-4 : 1e-10);
        }
    }

    @ParameterizedTest
    @EnumSource(DType.class)
    void maxPoolingTakesTheFirstMaximumAndPropagatesNaN(DType t) {
        PoolGeometry g = new PoolGeometry(1, 1, 4, 4, 2, 2, 2, 2, 0, 0);
        View x = zeros(t, 1, 1, 4, 4);
        double nan = Double.NaN;
        backend.write(x.buffer(), 0, new double[] {5, 5, 1, 2, 5, 5, 3, 3, 0, nan, 7, 9, 0, 0, 9, 7}, 0, 16);
        View out = zeros(t, 1, 1, 2, 2);
        View idx = zeros(t, 1, 1, 2, 2);
        backend.maxPool2d(g, x, out, idx);
        double[] o = host(out.buffer());
        double[] i = host(idx.buffer());
        assertEquals(5, o[0]);
        assertEquals(0, i[0], "ties: the first in row-major order");
        assertEquals(3, o[1]);
        assertEquals(6, i[1], "3 at (1,2) before 3 at (1,3)");
        assertTrue(Double.isNaN(o[2]));
        assertEquals(9, i[2], "the NaN");
        assertEquals(9, o[3]);
        assertEquals(11, i[3], "9 at (2,3) before 9 at (3,2)");

        // +inf and -inf in one window (their sum is NaN, but there is no NaN): the first +inf
        PoolGeometry one = new PoolGeometry(1, 1, 2, 2, 2, 2, 2, 2, 0, 0);
        View y = zeros(t, 1, 1, 2, 2);
        backend.write(y.buffer(), 0, new double[] {Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY,
                Double.POSITIVE_INFINITY, 0}, 0, 4);
        View o1 = zeros(t, 1, 1, 1, 1);
        View i1 = zeros(t, 1, 1, 1, 1);
        backend.maxPool2d(one, y, o1, i1);
        assertEquals(Double.POSITIVE_INFINITY, host(o1.buffer())[0]);
        assertEquals(1, host(i1.buffer())[0]);

        // -0 and +0 are equal: the first wins, and the value keeps its sign
        backend.write(y.buffer(), 0, new double[] {-0.0, 0.0, -1, -2}, 0, 4);
        backend.maxPool2d(one, y, o1, i1);
        assertEquals(-0.0, host(o1.buffer())[0]);
        assertEquals(0, host(i1.buffer())[0]);
    }

    /** {@code <forward(x), go> - <x, gi>}: zero when gi is the adjoint applied to go (pooling is linear in x given its windows). */
    private double dot(View out, View go, View x, View gi, Runnable forward) {
        forward.run();
        double[] ho = host(out.buffer());
        double[] hgo = host(go.buffer());
        double[] hx = host(x.buffer());
        double[] hgi = host(gi.buffer());
        double l = 0;
        double r = 0;
        for (int i = 0; i < out.size(); i++) {
            l += ho[i] * hgo[i];
        }
        for (int i = 0; i < x.size(); i++) {
            r += hx[i] * hgi[i];
        }
        return l - r;
    }

    // ---- indexing ------------------------------------------------------------------------------

    @ParameterizedTest
    @EnumSource(DType.class)
    void gatherAndScatterAddAlongEachAxis(DType t) {
        int[] shape = {4, 3, 5};
        for (int axis = 0; axis < 3; axis++) {
            View src = randomView(t, shape, -1, 1, true);
            double[] hs = host(src.buffer());
            int[] index = {shape[axis] - 1, 0, shape[axis] - 1, 1};
            int[] outShape = shape.clone();
            outShape[axis] = index.length;
            View dst = zeros(t, outShape);
            backend.gather(src, axis, index, dst);
            int ax = axis;
            assertView("gather axis " + axis, dst, idx -> {
                int[] s = idx.clone();
                s[ax] = index[idx[ax]];
                return at(hs, src, s);
            });
            View acc = randomView(t, shape, -1, 1, false);
            double[] before = host(acc.buffer());
            double[] hd = host(dst.buffer());
            backend.scatterAdd(dst, axis, index, acc);
            assertView("scatter_add axis " + axis, acc, idx -> {
                double v = at(before, acc, idx);
                for (int j = 0; j < index.length; j++) {
                    if (index[j] == idx[ax]) {
                        int[] s = idx.clone();
                        s[ax] = j;
                        v += hd[dst.offsetOf(s)];
                    }
                }
                return v;
            });
        }
        View src = zeros(t, 3, 2);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> backend.gather(src, 0, new int[] {3}, zeros(t, 1, 2)));
        assertTrue(e.getMessage().contains("index 3 out of range"), e.getMessage());
    }

    // ---- fused kernels -------------------------------------------------------------------------

    @ParameterizedTest
    @EnumSource(DType.class)
    void adamStepFollowsItsDefinition(DType t) {
        for (boolean ams : new boolean[] {false, true}) {
            for (boolean decoupled : new boolean[] {false, true}) {
                AdamStep s = new AdamStep(0.01, 0.9, 0.999, 1e-8, 0.05, decoupled, 3);
                View p = randomView(t, new int[] {7, 5}, -1, 1, false);
                View g = randomView(t, new int[] {7, 5}, -1, 1, false);
                View m = randomView(t, new int[] {7, 5}, -0.1, 0.1, false);
                View v = randomView(t, new int[] {7, 5}, 0, 0.1, false);
                View vm = ams ? randomView(t, new int[] {7, 5}, 0, 0.1, false) : null;
                double[][] before = {host(p.buffer()), host(g.buffer()), host(m.buffer()), host(v.buffer()),
                    ams ? host(vm.buffer()) : null};
                backend.adamStep(s, p, g, m, v, vm);
                View[] outs = {p, m, v, vm};
                int[] slot = {0, 1, 2, 3};
                for (int k = 0; k < 4; k++) {
                    if (outs[k] == null) {
                        continue;
                    }
                    int which = slot[k];
                    View out = outs[k];
                    assertView("adam " + t + " ams=" + ams + " decoupled=" + decoupled + " output " + k, out, idx -> {
                        int o = p.offsetOf(idx);
                        double[] r = s.apply(before[0][o], before[1][o], before[2][o], before[3][o],
                                ams ? before[4][o] : 0, ams);
                        return r[which];
                    });
                }
            }
        }
    }

    private static double sig(double x) {
        return 1 / (1 + Math.exp(-x));
    }

    @ParameterizedTest
    @EnumSource(DType.class)
    void lstmCellAndItsAdjointFollowTheirDefinitions(DType t) {
        for (int hd : new int[] {4, 37}) {
            lstmCellCase(t, hd);
        }
    }

    /** {@code hd} = 37: two whole vectors of 16 floats and a scalar tail; gates include saturated values. */
    private void lstmCellCase(DType t, int hd) {
        int n = 3;
        View gates = randomView(t, new int[] {n, 4 * hd}, -2, 2, false);
        backend.write(gates.buffer(), gates.offset(), new double[] {-100, 100, -30, 30, 1e-6, -1e-6}, 0, 6);
        View cp = randomView(t, new int[] {n, hd}, -1, 1, false);
        View act = zeros(t, n, 4 * hd);
        View c = zeros(t, n, hd);
        View tc = zeros(t, n, hd);
        View h = zeros(t, n, hd);
        backend.lstmCell(gates, cp, act, c, tc, h);
        double[] a = host(gates.buffer());
        double[] cprev = host(cp.buffer());
        java.util.function.BiFunction<Integer, Integer, double[]> cell = (r, k) -> {
            double i = sig(a[r * 4 * hd + k]);
            double f = sig(a[r * 4 * hd + hd + k]);
            double g = Math.tanh(a[r * 4 * hd + 2 * hd + k]);
            double o = sig(a[r * 4 * hd + 3 * hd + k]);
            double cn = f * cprev[r * hd + k] + i * g;
            return new double[] {i, f, g, o, cn, Math.tanh(cn), o * Math.tanh(cn)};
        };
        assertView("lstm c", c, idx -> cell.apply(idx[0], idx[1])[4]);
        assertView("lstm h", h, idx -> cell.apply(idx[0], idx[1])[6]);
        assertView("lstm act", act, idx -> cell.apply(idx[0], idx[1] % hd)[idx[1] / hd]);
        View gh = randomView(t, new int[] {n, hd}, -1, 1, false);
        View gc = randomView(t, new int[] {n, hd}, -1, 1, false);
        View gg = zeros(t, n, 4 * hd);
        View gcp = zeros(t, n, hd);
        backend.lstmCellBackward(act, cp, tc, gh, gc, gg, gcp);
        double[] dh = host(gh.buffer());
        double[] dcn = host(gc.buffer());
        assertView("lstm d gates", gg, idx -> {
            int r = idx[0];
            int k = idx[1] % hd;
            double[] v = cell.apply(r, k);
            double dc = dcn[r * hd + k] + dh[r * hd + k] * v[3] * (1 - v[5] * v[5]);
            switch (idx[1] / hd) {
                case 0: return dc * v[2] * v[0] * (1 - v[0]);
                case 1: return dc * cprev[r * hd + k] * v[1] * (1 - v[1]);
                case 2: return dc * v[0] * (1 - v[2] * v[2]);
                default: return dh[r * hd + k] * v[5] * v[3] * (1 - v[3]);
            }
        });
        assertView("lstm d c_prev", gcp, idx -> {
            double[] v = cell.apply(idx[0], idx[1]);
            double dc = dcn[idx[0] * hd + idx[1]] + dh[idx[0] * hd + idx[1]] * v[3] * (1 - v[5] * v[5]);
            return dc * v[1];
        });
        backend.lstmCellBackward(act, cp, tc, gh, null, gg, gcp);
        assertView("lstm d c_prev without a cell gradient", gcp, idx -> {
            double[] v = cell.apply(idx[0], idx[1]);
            return dh[idx[0] * hd + idx[1]] * v[3] * (1 - v[5] * v[5]) * v[1];
        });
    }

    // ---- random numbers ------------------------------------------------------------------------

    @ParameterizedTest
    @EnumSource(DType.class)
    void randomFillsFollowTheCounterDefinition(DType t) {
        View u = zeros(t, 100, 50);
        backend.randomUniform(u, 42, -2, 3);
        assertView("uniform", u, idx -> CounterRandom.uniform(t, 42, idx[0] * 50L + idx[1], -2, 3));
        View g = zeros(t, 100, 50);
        backend.randomNormal(g, 7, 1, 2);
        assertView("normal", g, idx -> 1 + 2 * CounterRandom.normal(7, idx[0] * 50L + idx[1]));
        double[] h = host(g.buffer());
        double mean = Arrays.stream(h).average().orElseThrow();
        double var = Arrays.stream(h).map(v -> (v - mean) * (v - mean)).sum() / (h.length - 1);
        assertEquals(1, mean, 0.1);
        assertEquals(4, var, 0.3);
        double[] hu = host(u.buffer());
        assertTrue(Arrays.stream(hu).allMatch(v -> v >= -2 && v < 3));
        assertEquals(0.5, Arrays.stream(hu).average().orElseThrow(), 0.1);
    }
}
