package org.lethe.kernels;

import java.util.Arrays;

/**
 * The backend-independent convolution: chunks of images lowered with {@link Backend#im2col} into a
 * column buffer and multiplied with one batched {@link Backend#gemm}, the columns recomputed in the
 * weight gradient rather than kept. A chunk's columns are capped at {@value #COLS_LIMIT} elements, so
 * memory stays bounded for large batches. These are the default bodies of {@link Backend#conv2d},
 * {@link Backend#conv2dBackwardInput} and {@link Backend#conv2dBackwardWeight}, and the reference a
 * fused backend implementation is tested against.
 */
public final class ConvLowering {
    /** The most column elements one chunk of images may lower at once. */
    public static final int COLS_LIMIT = 1 << 24;

    private ConvLowering() {
    }

    /** Images per chunk: as many as fit in {@link #COLS_LIMIT} column elements, at least one. */
    public static int chunk(ConvGeometry g) {
        long perImage = (long) g.patchSize() * g.outputSize();
        return (int) Math.max(1, Math.min(Math.max(g.images(), 1), COLS_LIMIT / Math.max(1, perImage)));
    }

    /**
     * Checks the three operands of a convolution primitive: contiguous input {@code [N,C,H,W]}, weight
     * {@code [OC,C,KH,KW]} and output {@code [N,OC,outH,outW]} of one element type.
     */
    public static void check(String op, ConvGeometry g, View input, View weight, View output) {
        int oc = weight.shape().length == 4 ? weight.shape()[0] : -1;
        expect(op, "input", input, new int[] {g.images(), g.channels(), g.height(), g.width()});
        expect(op, "weight", weight, new int[] {oc, g.channels(), g.kernelH(), g.kernelW()});
        expect(op, "output", output, new int[] {g.images(), oc, g.outH(), g.outW()});
        if (input.dtype() != weight.dtype() || output.dtype() != weight.dtype()) {
            throw new IllegalArgumentException(op + ": mixed element types " + input.dtype() + ", " + weight.dtype() + ", "
                    + output.dtype());
        }
    }

    private static void expect(String op, String what, View v, int[] shape) {
        if (!Arrays.equals(v.shape(), shape) || !v.isContiguous()) {
            throw new IllegalArgumentException(op + ": " + what + " must be contiguous " + Arrays.toString(shape) + ", got "
                    + v);
        }
    }

    /** The weight {@code [OC, patch]} shared by every image of a chunk of {@code n}, as a GEMM operand. */
    private static View weightRows(View w, int n, int oc, int patch) {
        return new View(w.buffer(), w.offset(), new int[] {n, oc, patch}, new int[] {0, patch, 1});
    }

    /** Images {@code [n0, n0+n)} of a contiguous {@code [N, rows, cols]} tensor as a GEMM operand. */
    private static View images(View v, int n0, int n, int rows, int cols) {
        return View.contiguous(v.buffer(), v.offset() + n0 * rows * cols, n, rows, cols);
    }

    /** Checks a convolution's bias: null, or contiguous {@code [OC]} of the weight's type. */
    public static void checkBias(String op, View weight, View bias) {
        if (bias != null) {
            expect(op, "bias", bias, new int[] {weight.shape()[0]});
            if (bias.dtype() != weight.dtype()) {
                throw new IllegalArgumentException(op + ": bias is " + bias.dtype() + ", weight " + weight.dtype());
            }
        }
    }

    /** One chunk of images: {@code [n0, n0 + n)}, and their columns {@code [n, patch, outputSize]}. */
    private interface Chunk {
        void run(int n0, int n, View cols);
    }

    /** Runs {@code body} for each chunk of at most {@link #chunk} images with a column buffer shared by all. */
    private static void forEachChunk(Backend be, ConvGeometry g, DType dtype, Chunk body) {
        int chunk = chunk(g);
        try (Buffer cols = be.allocateUninitialized(dtype, chunk * g.patchSize() * g.outputSize())) {
            for (int n0 = 0; n0 < g.images(); n0 += chunk) {
                int nc = Math.min(chunk, g.images() - n0);
                body.run(n0, nc, View.contiguous(cols, 0, nc, g.patchSize(), g.outputSize()));
            }
        }
    }

    /** Images {@code [n0, n0 + n)} of a contiguous {@code [N,C,H,W]} input or input gradient. */
    private static View imageBlock(ConvGeometry g, View v, int n0, int n) {
        return View.contiguous(v.buffer(), v.offset() + n0 * g.channels() * g.height() * g.width(), n, g.channels(),
                g.height(), g.width());
    }

    static void forward(Backend be, ConvGeometry g, View input, View weight, View bias, boolean relu, View output) {
        check("conv2d", g, input, weight, output);
        checkBias("conv2d", weight, bias);
        int oc = weight.shape()[0];
        int patch = g.patchSize();
        forEachChunk(be, g, weight.dtype(), (n0, nc, cols) -> {
            be.im2col(g.withImages(nc), imageBlock(g, input, n0, nc), cols);
            be.gemm(weightRows(weight, nc, oc, patch), cols, images(output, n0, nc, oc, g.outputSize()), 1.0, 0.0);
        });
        if (bias != null) {
            View b = new View(bias.buffer(), bias.offset(), output.shape(), new int[] {0, 1, 0, 0});
            be.binary(BinaryOp.ADD, output, b, output);
        }
        if (relu) {
            be.unary(UnaryOp.RELU, 0.0, output, output);
        }
    }

    static void backwardInput(Backend be, ConvGeometry g, View weight, View gradOutput, View gradInput) {
        check("conv2d backward (input)", g, gradInput, weight, gradOutput);
        int oc = weight.shape()[0];
        int patch = g.patchSize();
        forEachChunk(be, g, weight.dtype(), (n0, nc, cols) -> {
            View wT = new View(weight.buffer(), weight.offset(), new int[] {nc, patch, oc}, new int[] {0, 1, patch});
            be.gemm(wT, images(gradOutput, n0, nc, oc, g.outputSize()), cols, 1.0, 0.0);
            be.col2im(g.withImages(nc), cols, imageBlock(g, gradInput, n0, nc));
        });
    }

    static void backwardWeight(Backend be, ConvGeometry g, View input, View gradOutput, View gradWeight) {
        check("conv2d backward (weight)", g, input, gradWeight, gradOutput);
        int oc = gradWeight.shape()[0];
        int patch = g.patchSize();
        int outSize = g.outputSize();
        if (g.images() == 0) {
            be.fill(gradWeight, 0.0);
            return;
        }
        forEachChunk(be, g, gradWeight.dtype(), (n0, nc, cols) -> {
            be.im2col(g.withImages(nc), imageBlock(g, input, n0, nc), cols);
            View colsT = new View(cols.buffer(), 0, new int[] {nc, outSize, patch}, new int[] {patch * outSize, 1, outSize});
            View dw = new View(gradWeight.buffer(), gradWeight.offset(), new int[] {nc, oc, patch}, new int[] {0, patch, 1});
            be.gemm(images(gradOutput, n0, nc, oc, outSize), colsT, dw, 1.0, n0 == 0 ? 0.0 : 1.0);
        });
    }
}
