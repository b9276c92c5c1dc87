package org.lethe.kernels.cpu;

import org.lethe.kernels.ConvGeometry;
import org.lethe.kernels.ConvLowering;
import org.lethe.kernels.DType;
import org.lethe.kernels.View;

/**
 * Fused float32 convolution for the Vector API path. Threads take whole images, and each image is
 * lowered into a column buffer of the thread's own ({@code patchSize x outputSize}, small enough to
 * stay in the core's cache) and multiplied there, instead of the whole batch being lowered to memory
 * and read back (the columns of the 28x28 CNN's second layer are 14 MB a batch):
 * <ul>
 *   <li>forward: the lowered image is the right operand of {@link VectorGemm#productDirectB}, read
 *       in place rather than packed, and the bias and a ReLU that follows are applied to the image's
 *       output while it is in the cache;</li>
 *   <li>input gradient: {@code weight^T @ gradOutput[n]} into the column buffer, then col2im;</li>
 *   <li>weight gradient: the transposed product {@code cols @ gradOutput[n]^T}, so that the lowered
 *       image is packed a few rows at a time rather than gathered column by column, with blocks of
 *       {@link VectorGemm#SUM_BLOCK} images summed into partial results added in block order, as
 *       {@link VectorGemm} does for a summed batch (each element's products accumulate in the same
 *       order as in the untransposed product, so the results are the lowering's).</li>
 * </ul>
 * A size-preserving convolution (stride 1, "same" padding) lowers each row of the column matrix as
 * one block copy of the shifted plane ({@link #lowerSameSize}, {@link #raiseSameSize}). No result
 * depends on the thread count. Used for a horizontal stride of 1 and at least as many images as
 * threads; anything else takes {@link ConvLowering}. The fused paths give the lowering's values
 * exactly (FusedConvolutionTest), and both are held to the definition by the contract tests.
 */
final class CpuConv2d {
    /** The largest column buffer per thread, in elements. */
    static final int MAX_COLS = 1 << 22;

    private CpuConv2d() {
    }

    /** Whether the fused path handles this call. */
    static boolean applies(CpuParallel parallel, ConvGeometry g, View... operands) {
        for (View v : operands) {
            if (!(v.buffer() instanceof CpuBuffer.F32)) {
                return false;
            }
        }
        return g.strideW() == 1 && g.images() >= parallel.threads() && g.images() > 1
                && (long) g.patchSize() * g.outputSize() <= MAX_COLS;
    }

    private static int imageSize(ConvGeometry g) {
        return g.channels() * g.height() * g.width();
    }

    /** A column buffer for one image, from the backend's pool. */
    private static CpuBuffer.F32 cols(CpuBackend backend, ConvGeometry g) {
        return (CpuBuffer.F32) backend.allocateUninitialized(DType.FLOAT32, g.patchSize() * g.outputSize());
    }

    /** Whether the convolution keeps the image size (stride 1, padding (kernel - 1) / 2 on both axes). */
    static boolean sameSize(ConvGeometry g) {
        return g.strideH() == 1 && g.strideW() == 1 && g.outH() == g.height() && g.outW() == g.width();
    }

    /** im2col of one image into {@code cols} ({@code [patch, outputSize]}). */
    private static void lower(ConvGeometry g, float[] x, int xOff, CpuBuffer.F32 cols) {
        if (sameSize(g)) {
            lowerSameSize(g, x, xOff, cols.data());
        } else {
            CpuConvolution.im2colUnitStride(g.withImages(1), x, xOff, cols.data(), View.contiguous(cols, 0, 1, g.patchSize(),
                    g.outputSize()), 0, g.channels());
        }
    }

    /**
     * im2col of one image for a size-preserving convolution: each row of the lowered matrix is the
     * input plane shifted by {@code (ky - padH) * width + (kx - padW)}, so it is one block copy of the
     * plane's valid rows, after which the values that wrapped around from the neighbouring input row
     * are zeroed (one per row and side), and the rows beyond the top and bottom edges are zero.
     */
    static void lowerSameSize(ConvGeometry g, float[] x, int xOff, float[] cols) {
        int h = g.height();
        int w = g.width();
        int plane = h * w;
        int window = g.kernelH() * g.kernelW();
        for (int row = 0; row < g.patchSize(); row++) {
            int src = xOff + row / window * plane;
            int dy = row % window / g.kernelW() - g.padH();
            int dx = row % g.kernelW() - g.padW();
            int dst = row * plane;
            int y0 = Math.max(0, -dy);
            int y1 = Math.min(h, h - dy);
            java.util.Arrays.fill(cols, dst, dst + y0 * w, 0f);
            java.util.Arrays.fill(cols, dst + Math.max(y0, y1) * w, dst + plane, 0f);
            if (y1 <= y0) {
                continue;
            }
            // output pixels [y0*w, y1*w) read input pixels shifted by dy*w + dx; the first and last |dx|
            // of the range may fall outside the plane, and are among the zeroed wrapped values
            int from = y0 * w + Math.max(0, -dx);
            int to = y1 * w - Math.max(0, dx);
            if (to > from) {
                System.arraycopy(x, src + from + dy * w + dx, cols, dst + from, to - from);
            }
            zeroWrapped(cols, dst, y0, y1, w, dx);
        }
    }

    /**
     * Zeroes, in rows {@code [y0, y1)} of the lowered row at {@code row}, the columns whose input
     * column {@code x + shift} lies outside {@code [0, w)}: the values a block copy shifted by
     * {@code shift} takes from the neighbouring input row.
     */
    private static void zeroWrapped(float[] cols, int row, int y0, int y1, int w, int shift) {
        for (int y = y0; y < y1; y++) {
            int r = row + y * w;
            for (int c = 0; c < -shift && c < w; c++) {
                cols[r + c] = 0f;
            }
            for (int c = Math.max(0, w - shift); c < w; c++) {
                cols[r + c] = 0f;
            }
        }
    }

    /**
     * col2im of one image for a size-preserving convolution, the adjoint of {@link #lowerSameSize}:
     * the values of {@code cols} that belong to padding are zeroed (the buffer is scratch), then each
     * row is added to the plane as one shifted block, in the same order of rows as the generic loop.
     */
    static void raiseSameSize(ConvGeometry g, float[] cols, float[] dx, int dOff) {
        int h = g.height();
        int w = g.width();
        int plane = h * w;
        int window = g.kernelH() * g.kernelW();
        java.util.Arrays.fill(dx, dOff, dOff + g.channels() * plane, 0f);
        for (int row = 0; row < g.patchSize(); row++) {
            int dst = dOff + row / window * plane;
            int dy = row % window / g.kernelW() - g.padH();
            int sx = row % g.kernelW() - g.padW();
            int src = row * plane;
            int y0 = Math.max(0, -dy);
            int y1 = Math.min(h, h - dy);
            if (y1 <= y0) {
                continue;
            }
            zeroWrapped(cols, src, y0, y1, w, sx);
            int from = y0 * w + Math.max(0, -sx);
            int to = y1 * w - Math.max(0, sx);
            // a vector at a time (the scalar loop took twice as long: 15 against 7.5 us an image of the
            // 28x28 CNN's second layer, in-process)
            VectorRows.addTo(cols, src + from, dx, dst + from + dy * w + sx, to - from);
        }
    }

    static void forward(CpuBackend backend, CpuParallel parallel, ConvGeometry g, View input, View weight, View bias,
                        boolean relu, View output) {
        ConvLowering.check("conv2d", g, input, weight, output);
        ConvLowering.checkBias("conv2d", weight, bias);
        float[] b = bias == null ? null : ((CpuBuffer.F32) bias.buffer()).data();
        int n = g.images();
        int oc = weight.shape()[0];
        int patch = g.patchSize();
        int outSize = g.outputSize();
        float[] x = ((CpuBuffer.F32) input.buffer()).data();
        float[] w = ((CpuBuffer.F32) weight.buffer()).data();
        float[] out = ((CpuBuffer.F32) output.buffer()).data();
        parallel.forRange(n, 1, (lo, hi) -> {
            try (CpuBuffer.F32 cols = cols(backend, g)) {
                for (int i = lo; i < hi; i++) {
                    int oOff = output.offset() + i * oc * outSize;
                    java.util.Arrays.fill(out, oOff, oOff + oc * outSize, 0f);
                    lower(g, x, input.offset() + i * imageSize(g), cols);
                    VectorGemm.productDirectB(w, weight.offset(), patch, cols.data(), 0, outSize, out, oOff, outSize, oc,
                            outSize, patch);
                    if (b != null || relu) {
                        // while the image's output is in the cache; in the lowering's order (product, + bias,
                        // then ReLU as UnaryOp.RELU: NaN stays, -0 becomes +0)
                        for (int o = 0; o < oc; o++) {
                            float bo = b == null ? 0f : b[bias.offset() + o];
                            int r = oOff + o * outSize;
                            if (relu) {
                                for (int j = r; j < r + outSize; j++) {
                                    out[j] = Math.max(out[j] + bo, 0f) + 0f;
                                }
                            } else {
                                for (int j = r; j < r + outSize; j++) {
                                    out[j] += bo;
                                }
                            }
                        }
                    }
                }
            }
        });
    }

    static void backwardInput(CpuBackend backend, CpuParallel parallel, ConvGeometry g, View weight, View gradOutput,
                              View gradInput) {
        ConvLowering.check("conv2d backward (input)", g, gradInput, weight, gradOutput);
        int n = g.images();
        int oc = weight.shape()[0];
        int patch = g.patchSize();
        int outSize = g.outputSize();
        CpuBuffer.F32 w = (CpuBuffer.F32) weight.buffer();
        CpuBuffer.F32 gy = (CpuBuffer.F32) gradOutput.buffer();
        float[] dx = ((CpuBuffer.F32) gradInput.buffer()).data();
        View wT = new View(w, weight.offset(), new int[] {n, patch, oc}, new int[] {0, 1, patch});
        View gv = View.contiguous(gy, gradOutput.offset(), n, oc, outSize);
        ConvGeometry g1 = g.withImages(1);
        parallel.forRange(n, 1, (lo, hi) -> {
            try (CpuBuffer.F32 cols = cols(backend, g)) {
                View one = View.contiguous(cols, 0, 1, patch, outSize);
                View cv = new View(cols, 0, new int[] {n, patch, outSize}, new int[] {0, outSize, 1});
                GemmShape s = GemmShape.of(wT, gv, cv);
                for (int i = lo; i < hi; i++) {
                    VectorGemm.one(null, s, w, gy, cols, wT, gv, cv, i, 1f, 0f);
                    if (sameSize(g)) {
                        raiseSameSize(g, cols.data(), dx, gradInput.offset() + i * imageSize(g));
                    } else {
                        CpuConvolution.col2imUnitStride(g1, cols.data(), one, dx, gradInput.offset() + i * imageSize(g), 0,
                                g.channels());
                    }
                }
            }
        });
    }

    /**
     * Whether the weight gradient is summed in blocks: under the same condition as {@link VectorGemm}'s
     * summed batch, so that both paths add the same partial results.
     */
    static boolean weightBlocksApply(ConvGeometry g, int oc) {
        return g.images() >= 2 * VectorGemm.SUM_BLOCK && (long) oc * g.patchSize() <= 1 << 20;
    }

    static void backwardWeight(CpuBackend backend, CpuParallel parallel, ConvGeometry g, View input, View gradOutput,
                               View gradWeight) {
        ConvLowering.check("conv2d backward (weight)", g, input, gradWeight, gradOutput);
        int n = g.images();
        int oc = gradWeight.shape()[0];
        int patch = g.patchSize();
        int outSize = g.outputSize();
        float[] x = ((CpuBuffer.F32) input.buffer()).data();
        CpuBuffer.F32 gy = (CpuBuffer.F32) gradOutput.buffer();
        View gv = View.contiguous(gy, gradOutput.offset(), n, oc, outSize);
        int blocks = (n + VectorGemm.SUM_BLOCK - 1) / VectorGemm.SUM_BLOCK;
        CpuBuffer.F32[] partial = new CpuBuffer.F32[blocks];
        // A narrow patch (few input channels) takes the dot-product path, as the batched call would; otherwise
        // the product is transposed, dW^T = cols @ gradOutput^T, so that the lowered image is the left operand
        // (packed a few rows at a time, in order) instead of a right operand gathered column by column.
        boolean narrow = patch < VectorGemm.NR;
        try {
            parallel.forRange(blocks, 1, (lo, hi) -> {
                try (CpuBuffer.F32 cols = cols(backend, g)) {
                    View cT = new View(cols, 0, new int[] {n, outSize, patch}, new int[] {0, 1, outSize});
                    for (int b = lo; b < hi; b++) {
                        CpuBuffer.F32 p = (CpuBuffer.F32) backend.allocateUninitialized(DType.FLOAT32, oc * patch);
                        partial[b] = p;
                        java.util.Arrays.fill(p.data(), 0f);
                        View pv = new View(p, 0, new int[] {n, oc, patch}, new int[] {0, patch, 1});
                        int first = b * VectorGemm.SUM_BLOCK;
                        int last = Math.min(n, first + VectorGemm.SUM_BLOCK);
                        for (int i = first; i < last; i++) {
                            lower(g, x, input.offset() + i * imageSize(g), cols);
                            if (narrow) {
                                VectorGemm.one(null, GemmShape.of(gv, cT, pv), gy, cols, p, gv, cT, pv, i, 1f, 1f);
                            } else {
                                int gOff = gradOutput.offset() + i * oc * outSize;
                                VectorGemm.product(null, cols.data(), 0, outSize, 1, p.data(), 0, oc, patch, oc, outSize, 1f,
                                        (pc, kc, jc, nc, bp, bpOff) -> VectorGemm.packB(gy.data(), gOff + pc + jc * outSize, 1,
                                                outSize, kc, nc, bp, bpOff));
                            }
                        }
                    }
                }
            });
            float[] dw = ((CpuBuffer.F32) gradWeight.buffer()).data();
            if (narrow) {
                VectorGemm.addPartials(partial, dw, gradWeight.offset(), oc, patch, patch, 0f);
            } else {
                addPartialsTransposed(partial, dw, gradWeight.offset(), oc, patch);
            }
        } finally {
            for (CpuBuffer.F32 p : partial) {
                if (p != null) {
                    p.close();
                }
            }
        }
    }

    /** {@code dw[o, j] = sum of the partial results' [j, o]} ({@code patch x oc} each), added in array order. */
    private static void addPartialsTransposed(CpuBuffer.F32[] partial, float[] dw, int off, int oc, int patch) {
        for (int o = 0; o < oc; o++) {
            for (int j = 0; j < patch; j++) {
                float acc = 0f;
                for (CpuBuffer.F32 p : partial) {
                    acc += p.data()[j * oc + o];
                }
                dw[off + o * patch + j] = acc;
            }
        }
    }
}
