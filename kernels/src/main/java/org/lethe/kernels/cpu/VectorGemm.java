package org.lethe.kernels.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.lethe.kernels.View;

/**
 * float32 matrix product with the Vector API (jdk.incubator.vector), used when {@link VectorSupport}
 * finds it enabled. The classic packed layout (Goto/BLIS): a {@code KC x NC} block of {@code b} is
 * packed into column panels of {@code NR = 2} vectors, each thread packs its rows of {@code a}
 * (scaled by alpha) into row panels of {@link #MR} rows, and a {@code 4 x 2}-vector register-blocked
 * micro-kernel accumulates with fused multiply-adds (8 accumulators). The kernels keep every vector
 * in local variables: passing one to a helper method that the compiler does not inline boxes it (an
 * 8 x 2 kernel written that way ran ten times slower). Rows are split across threads; every element
 * of {@code c} is accumulated in the same order whatever the thread count. Tested against
 * {@link ReferenceGemm}.
 */
final class VectorGemm {
    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    static final int L = S.length();
    /**
     * Rows per register tile. An 8-row tile (16 accumulators on AVX-512) ran large products 1.2-1.5
     * times as fast, alone; but in a training step the JIT, whose type profile of
     * {@code FloatVector.intoArray} had also seen the half-width vectors of {@link VectorRows}, left
     * some of its sixteen stores to C unintrinsified and boxed them: a megabyte of garbage per MLP step,
     * and a slower step. Kept at 4 (docs/performance.md).
     */
    static final int MR = 4;
    static final int NR = 2 * L;
    static final int KC = 256;
    static final int NC = 32 * NR;

    private static final ThreadScratch SCRATCH = new ThreadScratch(3);

    private VectorGemm() {
    }

    private static float[] scratch(int slot, int size) {
        return SCRATCH.floats(slot, size);
    }

    /** Batch entries per partial sum when a summed batch is split across threads. */
    static final int SUM_BLOCK = 8;

    static void run(CpuParallel parallel, GemmShape s, CpuBuffer.F32 a, CpuBuffer.F32 b, CpuBuffer.F32 c,
                    View av, View bv, View cv, float alpha, float beta) {
        if (s.sumBatch() && s.batch() >= 2 * SUM_BLOCK && (long) s.m() * s.n() <= 1 << 20) {
            sumInBlocks(parallel, s, a, b, c, av, bv, cv, alpha, beta);
            return;
        }
        s.forEachMatrix(parallel, beta, (par, bi, be) -> one(par, s, a, b, c, av, bv, cv, bi, alpha, be));
    }

    /**
     * A summed batch of small products (a convolution's weight gradient): blocks of {@link #SUM_BLOCK}
     * entries are summed on separate threads into partial results, which are then added in block
     * order. The order of additions depends only on the block size, so results do not depend on the
     * thread count.
     */
    private static void sumInBlocks(CpuParallel parallel, GemmShape s, CpuBuffer.F32 a, CpuBuffer.F32 b, CpuBuffer.F32 c,
                                    View av, View bv, View cv, float alpha, float beta) {
        int m = s.m();
        int n = s.n();
        int blocks = (s.batch() + SUM_BLOCK - 1) / SUM_BLOCK;
        CpuBackend backend = (CpuBackend) c.backend();
        CpuBuffer.F32[] partial = new CpuBuffer.F32[blocks];
        parallel.forRange(blocks, 1, (lo, hi) -> {
            for (int blk = lo; blk < hi; blk++) {
                CpuBuffer.F32 tmp = (CpuBuffer.F32) backend.allocate(org.lethe.kernels.DType.FLOAT32, m * n);
                View tv = new View(tmp, 0, new int[] {s.batch(), m, n}, new int[] {0, n, 1});
                GemmShape ts = GemmShape.of(av, bv, tv);
                int first = blk * SUM_BLOCK;
                int last = Math.min(s.batch(), first + SUM_BLOCK);
                for (int bi = first; bi < last; bi++) {
                    one(null, ts, a, b, tmp, av, bv, tv, bi, alpha, bi == first ? 0f : 1f);
                }
                partial[blk] = tmp;
            }
        });
        addPartials(partial, c.data(), cv.offset(), m, n, s.ldc(), beta);
        for (CpuBuffer.F32 p : partial) {
            p.close();
        }
    }

    /** {@code C = beta * C + sum of the m x n partial results}, added in array order. */
    static void addPartials(CpuBuffer.F32[] partial, float[] C, int cOff, int m, int n, int ldc, float beta) {
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                int o = cOff + i * ldc + j;
                float acc = beta == 0f ? 0f : beta * C[o];
                for (CpuBuffer.F32 p : partial) {
                    acc += p.data()[i * n + j];
                }
                C[o] = acc;
            }
        }
    }

    /** Matrix {@code bi} of the batch; {@code parallel == null} runs on the calling thread. */
    static void one(CpuParallel parallel, GemmShape s, CpuBuffer.F32 a, CpuBuffer.F32 b, CpuBuffer.F32 c,
                            View av, View bv, View cv, int bi, float alpha, float beta) {
        one(parallel, s, a, b, c, av, bv, cv, bi, alpha, beta, null);
    }

    /**
     * {@link #one} with, when {@code packed} is not null, the right operand's panels already packed
     * whole by {@link #packB} (see {@link #packsWhole}: the product is then one block of k and of columns).
     */
    static void one(CpuParallel parallel, GemmShape s, CpuBuffer.F32 a, CpuBuffer.F32 b, CpuBuffer.F32 c,
                    View av, View bv, View cv, int bi, float alpha, float beta, float[] packed) {
        float[] A = a.data();
        float[] B = b.data();
        float[] C = c.data();
        int m = s.m();
        int n = s.n();
        int k = s.k();
        GemmShape.Matrix at = s.matrix(av, bv, cv, bi);
        at.scaleResult(C, m, n, beta);
        if (k == 1 && at.bs2() == 1) {
            // an outer product (the input gradient of a layer with one output): rows of C plus a
            // multiple of B's one row; the same rounding as the micro-kernel (a product, then a sum)
            CpuParallel.RangeTask rows = (lo, hi) -> outerRows(A, B, C, at, lo, hi, n, alpha);
            if (parallel == null) {
                rows.run(0, m);
            } else {
                parallel.forRange(m, Math.max(1, CpuBackend.GRAIN / Math.max(1, n)), rows);
            }
            return;
        }
        if (dotProductsPay(at, m, n, k)) {
            CpuParallel.RangeTask rows = (lo, hi) -> dotProducts(A, B, C, at, Math.min(m, hi * MR) - lo * MR, lo * MR, n, k,
                    alpha);
            int panels = (m + MR - 1) / MR;
            if (parallel == null) {
                rows.run(0, panels);
            } else {
                parallel.forRange(panels, (int) Math.max(1, (1L << 16) / Math.max(1, (long) MR * n * k)), rows);
            }
            return;
        }
        int bOff = at.bOff();
        int bs1 = at.bs1();
        int bs2 = at.bs2();
        Panels source = (pc, kc, jc, nc, bp, bpOff) -> packB(B, bOff + pc * bs1 + jc * bs2, bs1, bs2, kc, nc, bp, bpOff);
        if (packed != null) {
            productColumns(parallel, A, at.aOff(), at.as1(), at.as2(), C, at.cOff(), at.ldc(), m, 0, n, k, alpha, source,
                    packed);
            return;
        }
        product(parallel, A, at.aOff(), at.as1(), at.as2(), C, at.cOff(), at.ldc(), m, n, k, alpha, source);
    }

    /** Whether a {@code k x n} right operand is one block of k and of columns, so that it can be packed whole. */
    static boolean packsWhole(int k, int n) {
        return k <= KC && n <= NC;
    }

    /** Floats {@link #packB} writes for a whole {@code k x n} operand. */
    static int packedSize(int k, int n) {
        return k * ((n + NR - 1) / NR * NR);
    }


    /**
     * The source of the right operand's panels: writes rows {@code [pc, pc+kc)} and columns
     * {@code [jc, jc+nc)} of {@code b} into {@code bp} in {@link #packB}'s layout, zero-padded to
     * whole panels. A convolution lowers its input straight into this layout.
     */
    interface Panels {
        void pack(int pc, int kc, int jc, int nc, float[] bp, int bpOff);
    }

    /**
     * {@code C += alpha * A B} for an {@code m x k} row- or column-strided {@code A} and a right
     * operand given by its panels; {@code parallel == null} runs on the calling thread.
     */
    static void product(CpuParallel parallel, float[] A, int aOff, int as1, int as2, float[] C, int cOff, int ldc, int m,
                        int n, int k, float alpha, Panels source) {
        int colPanels = (n + NR - 1) / NR;
        if (parallel != null && parallel.threads() > 1 && k > KC && (m + MR - 1) / MR <= colPanels
                && colPanels >= 2 * parallel.threads()) {
            // Few rows and a long k (an LSTM's recurrent weight gradient, [64 x 3072] x [3072 x 256]): each
            // thread takes whole column panels and all of k, packing its own panels and all of A. Split by
            // rows, every block of k cost two rounds of synchronisation (in the two-thread profile of the
            // LSTM step, the main thread waited in this product in 12% of its samples; 4% now).
            int perThread = (colPanels + parallel.threads() - 1) / parallel.threads();
            parallel.forRange(colPanels, perThread, (lo, hi) -> productColumns(null, A, aOff, as1, as2, C, cOff, ldc, m,
                    lo * NR, Math.min(n, hi * NR), k, alpha, source, null));
            return;
        }
        productColumns(parallel, A, aOff, as1, as2, C, cOff, ldc, m, 0, n, k, alpha, source, null);
    }

    /**
     * {@link #product} for the columns {@code [j0, j1)}; with {@code packed} (all columns and all of k
     * in one block, packed by {@link #packB}) instead of packing the panels.
     */
    private static void productColumns(CpuParallel parallel, float[] A, int aOff, int as1, int as2, float[] C, int cOff,
                                       int ldc, int m, int j0, int j1, int k, float alpha, Panels source,
                                       float[] packed) {
        int panels = (m + MR - 1) / MR;
        for (int jc = j0; jc < j1; jc += NC) {
            int nc = Math.min(NC, j1 - jc);
            int ncPadded = (nc + NR - 1) / NR * NR;
            for (int pc = 0; pc < k; pc += KC) {
                int kc = Math.min(KC, k - pc);
                float[] bp = packed != null ? packed : scratch(0, kc * ncPadded);
                if (packed == null) {
                    packPanels(parallel, source, pc, kc, jc, nc, bp);
                }
                final int fjc = jc;
                final int fpc = pc;
                CpuParallel.RangeTask rows = (lo, hi) -> {
                    int r0 = lo * MR;
                    int mc = Math.min(m, hi * MR) - r0;
                    if (as2 == 1 && alpha == 1f && nc <= 2 * NR && mc % MR == 0 && nc % NR == 0) {
                        // one or two column panels: each panel of A would be packed for one or two tiles,
                        // so the tiles read A's rows where they lie
                        for (int jr = 0; jr < nc; jr += NR) {
                            for (int ir = 0; ir < mc; ir += MR) {
                                microAdd(kc, A, aOff + (r0 + ir) * as1 + fpc, as1, 1, bp, jr * kc, NR, C,
                                        cOff + (r0 + ir) * ldc + fjc + jr, ldc);
                            }
                        }
                        return;
                    }
                    float[] ap = scratch(1, (hi - lo) * MR * kc);
                    packA(A, aOff + r0 * as1 + fpc * as2, as1, as2, mc, kc, alpha, ap);
                    float[] tile = scratch(2, MR * NR);
                    for (int jr = 0; jr < nc; jr += NR) {
                        int cols = Math.min(NR, nc - jr);
                        int bpOff = jr * kc;
                        for (int ir = 0; ir < mc; ir += MR) {
                            int co = cOff + (r0 + ir) * ldc + fjc + jr;
                            int rowsHere = Math.min(MR, mc - ir);
                            if (rowsHere == MR && cols == NR) {
                                microAdd(kc, ap, ir * kc, 1, MR, bp, bpOff, NR, C, co, ldc);
                            } else {
                                micro(kc, ap, ir * kc, bp, bpOff, NR, tile);
                                addPart(tile, C, co, ldc, rowsHere, cols);
                            }
                        }
                    }
                };
                if (parallel == null) {
                    rows.run(0, panels);
                } else {
                    long work = (long) MR * kc * nc;
                    parallel.forRange(panels, (int) Math.max(1, (1L << 16) / Math.max(1, work)), rows);
                }
            }
        }
    }

    /**
     * The right operand's panels for columns {@code [jc, jc+nc)}: on the calling thread when smaller
     * than 256 x 1024, else split by whole panels across the threads. (For the MLP's 256 x 256 blocks,
     * splitting cost an extra synchronisation and left each thread reading the other's panels: in
     * alternating runs of its products on two threads, packing on one thread was as fast or faster.)
     * Each panel is written by one thread, wherever it runs.
     */
    private static void packPanels(CpuParallel parallel, Panels source, int pc, int kc, int jc, int nc, float[] bp) {
        int panels = (nc + NR - 1) / NR;
        if (parallel == null || panels < 2 || (long) kc * nc < 1 << 18) {
            source.pack(pc, kc, jc, nc, bp, 0);
            return;
        }
        parallel.forRange(panels, 1, (lo, hi) -> {
            int j0 = lo * NR;
            source.pack(pc, kc, jc + j0, Math.min(nc, hi * NR) - j0, bp, j0 * kc);
        });
    }

    /**
     * {@code C += A B} on the calling thread for a row-major {@code B} ({@code k x n}, rows {@code ldb}
     * apart) small enough to stay in the cache, as a convolution's lowered image is: whole panels are
     * read where they lie instead of being packed (packing would copy all of {@code B} once more);
     * only the last, partial panel is packed, zero-padded. {@code A} is {@code m x k}, row-major.
     */
    static void productDirectB(float[] A, int aOff, int lda, float[] B, int bOff, int ldb, float[] C, int cOff, int ldc,
                               int m, int n, int k) {
        int full = n / NR * NR;
        float[] tile = scratch(2, MR * NR);
        for (int pc = 0; pc < k; pc += KC) {
            int kc = Math.min(KC, k - pc);
            int mPadded = (m + MR - 1) / MR * MR;
            float[] ap = scratch(1, mPadded * kc);
            packA(A, aOff + pc, lda, 1, m, kc, 1f, ap);
            int bRow = bOff + pc * ldb;
            for (int jr = 0; jr < full; jr += NR) {
                for (int ir = 0; ir < m; ir += MR) {
                    if (m - ir >= MR) {
                        microAdd(kc, ap, ir * kc, 1, MR, B, bRow + jr, ldb, C, cOff + ir * ldc + jr, ldc);
                    } else {
                        micro(kc, ap, ir * kc, B, bRow + jr, ldb, tile);
                        addPart(tile, C, cOff + ir * ldc + jr, ldc, m - ir, NR);
                    }
                }
            }
            if (full < n) {
                float[] bp = scratch(0, kc * NR);
                packB(B, bRow + full, ldb, 1, kc, n - full, bp, 0);
                for (int ir = 0; ir < m; ir += MR) {
                    micro(kc, ap, ir * kc, bp, 0, NR, tile);
                    store(tile, C, cOff + ir * ldc + full, ldc, Math.min(MR, m - ir), n - full);
                }
            }
        }
    }

    private static void store(float[] tile, float[] C, int co, int ldc, int rows, int cols) {
        if (rows == MR && cols == NR) {
            addFull(tile, C, co, ldc);
        } else {
            addPart(tile, C, co, ldc, rows, cols);
        }
    }

    /** Rows {@code [lo, hi)} of {@code C += alpha * a b} for {@code k = 1} and a unit-stride row of {@code b}. */
    private static void outerRows(float[] A, float[] B, float[] C, GemmShape.Matrix at, int lo, int hi, int n, float alpha) {
        int nv = n - n % L;
        int b0 = at.bOff();
        // + 0: the micro-kernel's accumulators start at +0, which turns a product of -0 into +0
        FloatVector zero = FloatVector.zero(S);
        for (int i = lo; i < hi; i++) {
            float a = A[at.aOff() + i * at.as1()];
            float u = alpha == 1f ? a : alpha * a;
            FloatVector uv = FloatVector.broadcast(S, u);
            int c0 = at.cOff() + i * at.ldc();
            int j = 0;
            for (; j < nv; j += L) {
                FloatVector.fromArray(S, C, c0 + j).add(uv.fma(FloatVector.fromArray(S, B, b0 + j), zero)).intoArray(C, c0 + j);
            }
            for (; j < n; j++) {
                C[c0 + j] += u * B[b0 + j] + 0f;
            }
        }
    }

    /**
     * Whether to compute the product as dot products along k instead of packed panels: when both
     * operands run along k with unit stride ({@code a} row-major, {@code b} stored transposed), k is
     * long and the result is narrower than a panel, as in the weight gradient of a convolution with
     * few input channels ([16 x 784] x [784 x 9] per image), where panels would be mostly padding.
     */
    static boolean dotProductsPay(GemmShape.Matrix at, int m, int n, int k) {
        return at.as2() == 1 && at.bs1() == 1 && k >= 4 * L && n < NR;
    }

    /**
     * {@code C[r0 .. r0+rows) += alpha * A B} as dot products of unit-stride rows of A and columns of B,
     * four rows by two columns at a time (8 vector accumulators), reduced across lanes at the end.
     */
    private static void dotProducts(float[] A, float[] B, float[] C, GemmShape.Matrix at, int rows, int r0, int n, int k,
                                    float alpha) {
        int kv = k - k % L;
        int i = r0;
        int end = r0 + rows;
        for (; i + 4 <= end; i += 4) {
            int a0 = at.aOff() + i * at.as1();
            int a1 = a0 + at.as1();
            int a2 = a1 + at.as1();
            int a3 = a2 + at.as1();
            int j = 0;
            for (; j + 2 <= n; j += 2) {
                int b0 = at.bOff() + j * at.bs2();
                int b1 = b0 + at.bs2();
                FloatVector c00 = FloatVector.zero(S);
                FloatVector c01 = FloatVector.zero(S);
                FloatVector c10 = FloatVector.zero(S);
                FloatVector c11 = FloatVector.zero(S);
                FloatVector c20 = FloatVector.zero(S);
                FloatVector c21 = FloatVector.zero(S);
                FloatVector c30 = FloatVector.zero(S);
                FloatVector c31 = FloatVector.zero(S);
                for (int p = 0; p < kv; p += L) {
                    FloatVector v0 = FloatVector.fromArray(S, B, b0 + p);
                    FloatVector v1 = FloatVector.fromArray(S, B, b1 + p);
                    FloatVector u = FloatVector.fromArray(S, A, a0 + p);
                    c00 = u.fma(v0, c00);
                    c01 = u.fma(v1, c01);
                    u = FloatVector.fromArray(S, A, a1 + p);
                    c10 = u.fma(v0, c10);
                    c11 = u.fma(v1, c11);
                    u = FloatVector.fromArray(S, A, a2 + p);
                    c20 = u.fma(v0, c20);
                    c21 = u.fma(v1, c21);
                    u = FloatVector.fromArray(S, A, a3 + p);
                    c30 = u.fma(v0, c30);
                    c31 = u.fma(v1, c31);
                }
                // vectors stay in registers only when they are not stored in arrays
                int c0 = at.cOff() + i * at.ldc() + j;
                int ldc = at.ldc();
                C[c0] += alpha * (sum(c00) + tail(A, a0, B, b0, kv, k));
                C[c0 + 1] += alpha * (sum(c01) + tail(A, a0, B, b1, kv, k));
                C[c0 + ldc] += alpha * (sum(c10) + tail(A, a1, B, b0, kv, k));
                C[c0 + ldc + 1] += alpha * (sum(c11) + tail(A, a1, B, b1, kv, k));
                C[c0 + 2 * ldc] += alpha * (sum(c20) + tail(A, a2, B, b0, kv, k));
                C[c0 + 2 * ldc + 1] += alpha * (sum(c21) + tail(A, a2, B, b1, kv, k));
                C[c0 + 3 * ldc] += alpha * (sum(c30) + tail(A, a3, B, b0, kv, k));
                C[c0 + 3 * ldc + 1] += alpha * (sum(c31) + tail(A, a3, B, b1, kv, k));
            }
            for (; j < n; j++) {
                for (int ii = 0; ii < 4; ii++) {
                    dotOne(A, at.aOff() + (i + ii) * at.as1(), B, at.bOff() + j * at.bs2(), C,
                            at.cOff() + (i + ii) * at.ldc() + j, kv, k, alpha);
                }
            }
        }
        for (; i < end; i++) {
            for (int j = 0; j < n; j++) {
                dotOne(A, at.aOff() + i * at.as1(), B, at.bOff() + j * at.bs2(), C, at.cOff() + i * at.ldc() + j, kv, k, alpha);
            }
        }
    }

    private static void dotOne(float[] A, int a, float[] B, int b, float[] C, int c, int kv, int k, float alpha) {
        FloatVector acc = FloatVector.zero(S);
        for (int p = 0; p < kv; p += L) {
            acc = FloatVector.fromArray(S, A, a + p).fma(FloatVector.fromArray(S, B, b + p), acc);
        }
        C[c] += alpha * (sum(acc) + tail(A, a, B, b, kv, k));
    }

    private static float sum(FloatVector v) {
        return v.reduceLanes(jdk.incubator.vector.VectorOperators.ADD);
    }

    /** The scalar part of a dot product beyond the last whole vector. */
    private static float tail(float[] A, int a, float[] B, int b, int from, int k) {
        float s = 0f;
        for (int p = from; p < k; p++) {
            s += A[a + p] * B[b + p];
        }
        return s;
    }

    /** b[p, j] for p < kc, j < nc into NR-wide column panels: panel q holds bp[q*NR*kc + p*NR + jj]; zero-padded. */
    static void packB(float[] B, int off, int bs1, int bs2, int kc, int nc, float[] bp, int bpOff) {
        for (int q = 0; q * NR < nc; q++) {
            int j0 = q * NR;
            int cols = Math.min(NR, nc - j0);
            int dst = bpOff + q * NR * kc;
            if (cols == NR && bs1 == 1) {
                // a whole panel of a transposed operand: each column runs along p where it lies
                // (1.3 times as fast as row by row in-process on 256 x 256; gathering a row of the
                // panel as a vector was faster still but allocates on JDK 17, a megabyte per MLP step)
                for (int jj = 0; jj < NR; jj++) {
                    int src = off + (j0 + jj) * bs2;
                    for (int p = 0, d = dst + jj; p < kc; p++, d += NR) {
                        bp[d] = B[src + p];
                    }
                }
                continue;
            }
            for (int p = 0; p < kc; p++) {
                int src = off + p * bs1 + j0 * bs2;
                int d = dst + p * NR;
                if (bs2 == 1) {
                    System.arraycopy(B, src, bp, d, cols);
                } else {
                    for (int jj = 0; jj < cols; jj++) {
                        bp[d + jj] = B[src + jj * bs2];
                    }
                }
                for (int jj = cols; jj < NR; jj++) {
                    bp[d + jj] = 0f;
                }
            }
        }
    }

    /** alpha * a[i, p] for i < mc, p < kc into MR-tall row panels: panel r holds ap[r*MR*kc + p*MR + ii]; zero-padded. */
    private static void packA(float[] A, int off, int as1, int as2, int mc, int kc, float alpha, float[] ap) {
        for (int r = 0; r * MR < mc; r++) {
            int i0 = r * MR;
            int rows = Math.min(MR, mc - i0);
            int dst = r * MR * kc;
            if (rows == MR) {
                // a whole panel: four rows unrolled, and no product when alpha is 1 (1 * x is x exactly)
                int s0 = off + i0 * as1;
                if (alpha == 1f) {
                    for (int p = 0, d = dst, q = s0; p < kc; p++, d += MR, q += as2) {
                        ap[d] = A[q];
                        ap[d + 1] = A[q + as1];
                        ap[d + 2] = A[q + 2 * as1];
                        ap[d + 3] = A[q + 3 * as1];
                    }
                } else {
                    for (int p = 0, d = dst, q = s0; p < kc; p++, d += MR, q += as2) {
                        ap[d] = alpha * A[q];
                        ap[d + 1] = alpha * A[q + as1];
                        ap[d + 2] = alpha * A[q + 2 * as1];
                        ap[d + 3] = alpha * A[q + 3 * as1];
                    }
                }
                continue;
            }
            for (int p = 0; p < kc; p++) {
                int d = dst + p * MR;
                int src = off + i0 * as1 + p * as2;
                for (int ii = 0; ii < rows; ii++) {
                    ap[d + ii] = alpha * A[src + ii * as1];
                }
                for (int ii = rows; ii < MR; ii++) {
                    ap[d + ii] = 0f;
                }
            }
        }
    }

    /**
     * {@code tile = (packed A panel) x (B panel)}, a full MR x NR tile (for tiles on a matrix's edge,
     * which are then added to C in part): {@link #microAdd} into a zeroed tile.
     */
    private static void micro(int kc, float[] ap, int ao, float[] bp, int bo, int ldb, float[] tile) {
        java.util.Arrays.fill(tile, 0, MR * NR, 0f);
        microAdd(kc, ap, ao, 1, MR, bp, bo, ldb, tile, 0, NR);
    }

    /**
     * {@code C[MR x NR block at co] += (A's four rows) x (B panel)}: {@link #micro} whose accumulators
     * are added to C straight from the registers, for whole tiles (the tile array's store and reload
     * were a fifth of a small product's time). Element {@code (i, p)} of A is {@code a[ao + i * rs + p *
     * ps]}: a packed panel ({@code rs = 1, ps = MR}) or four unit-stride rows read in place ({@code rs}
     * the row stride, {@code ps = 1}). The panel's rows are {@code ldb} apart ({@code NR} when packed);
     * 4 x 2 vector accumulators. Straight-line code without rarely taken branches: a branch
     * that the JIT compiles as an uncommon trap sends the method back to code where the Vector API is
     * not intrinsified, which is many times slower.
     */
    private static void microAdd(int kc, float[] a, int ao, int rs, int ps, float[] bp, int bo, int ldb, float[] C, int co,
                                 int ldc) {
        FloatVector c00 = FloatVector.zero(S);
        FloatVector c01 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S);
        FloatVector c11 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S);
        FloatVector c21 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S);
        FloatVector c31 = FloatVector.zero(S);
        for (int p = 0, ai = ao; p < kc; p++, ai += ps) {
            int bi = bo + p * ldb;
            FloatVector b0 = FloatVector.fromArray(S, bp, bi);
            FloatVector b1 = FloatVector.fromArray(S, bp, bi + L);
            FloatVector a0 = FloatVector.broadcast(S, a[ai]);
            c00 = a0.fma(b0, c00);
            c01 = a0.fma(b1, c01);
            FloatVector a1 = FloatVector.broadcast(S, a[ai + rs]);
            c10 = a1.fma(b0, c10);
            c11 = a1.fma(b1, c11);
            FloatVector a2 = FloatVector.broadcast(S, a[ai + 2 * rs]);
            c20 = a2.fma(b0, c20);
            c21 = a2.fma(b1, c21);
            FloatVector a3 = FloatVector.broadcast(S, a[ai + 3 * rs]);
            c30 = a3.fma(b0, c30);
            c31 = a3.fma(b1, c31);
        }
        FloatVector.fromArray(S, C, co).add(c00).intoArray(C, co);
        FloatVector.fromArray(S, C, co + L).add(c01).intoArray(C, co + L);
        FloatVector.fromArray(S, C, co + ldc).add(c10).intoArray(C, co + ldc);
        FloatVector.fromArray(S, C, co + ldc + L).add(c11).intoArray(C, co + ldc + L);
        FloatVector.fromArray(S, C, co + 2 * ldc).add(c20).intoArray(C, co + 2 * ldc);
        FloatVector.fromArray(S, C, co + 2 * ldc + L).add(c21).intoArray(C, co + 2 * ldc + L);
        FloatVector.fromArray(S, C, co + 3 * ldc).add(c30).intoArray(C, co + 3 * ldc);
        FloatVector.fromArray(S, C, co + 3 * ldc + L).add(c31).intoArray(C, co + 3 * ldc + L);
    }

    /** {@code C[MR x NR block at co] += tile}. */
    private static void addFull(float[] tile, float[] C, int co, int ldc) {
        for (int i = 0; i < MR; i++) {
            int o = co + i * ldc;
            FloatVector.fromArray(S, C, o).add(FloatVector.fromArray(S, tile, i * NR)).intoArray(C, o);
            FloatVector.fromArray(S, C, o + L).add(FloatVector.fromArray(S, tile, i * NR + L)).intoArray(C, o + L);
        }
    }

    /** {@code C[rows x cols block at co] += tile} for a tile on the matrix's edge. */
    private static void addPart(float[] tile, float[] C, int co, int ldc, int rows, int cols) {
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                C[co + i * ldc + j] += tile[i * NR + j];
            }
        }
    }

}
