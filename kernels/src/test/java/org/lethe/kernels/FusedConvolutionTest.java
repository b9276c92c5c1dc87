package org.lethe.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.lethe.kernels.cpu.CpuBackend;

/**
 * The CPU backend's fused convolution gives exactly the values of the lowering it replaces
 * ({@link ConvLowering} on the same backend): the same products, accumulated in the same order.
 */
class FusedConvolutionTest {
    private static float[] random(Backend be, Buffer b, SplittableRandom r) {
        float[] h = new float[b.length()];
        for (int i = 0; i < h.length; i++) {
            h[i] = (float) r.nextDouble(-1, 1);
        }
        be.write(b, 0, h, 0, h.length);
        return h;
    }

    private static float[] host(Backend be, Buffer b) {
        float[] h = new float[b.length()];
        be.read(b, 0, h, 0, h.length);
        return h;
    }

    private static void same(String what, float[] expected, float[] actual) {
        int differ = 0;
        for (int i = 0; i < expected.length; i++) {
            // == rather than bit equality: a fused col2im may add +0 where the lowering skips padding
            if (!(expected[i] == actual[i])) {
                differ++;
            }
        }
        assertEquals(0, differ, what + ": " + differ + " of " + expected.length + " values differ");
    }

    @Test
    void fusedPathsEqualTheLowering() {
        ConvGeometry[] cases = {new ConvGeometry(32, 16, 14, 14, 3, 3, 1, 1, 1, 1), new ConvGeometry(17, 1, 28, 28, 3, 3, 1, 1, 1, 1),
            new ConvGeometry(20, 40, 6, 6, 3, 3, 1, 1, 1, 1), new ConvGeometry(18, 3, 9, 11, 5, 3, 2, 1, 2, 1)};
        int[] outChannels = {32, 16, 7, 33};
        SplittableRandom r = new SplittableRandom(11);
        try (CpuBackend be = new CpuBackend(2)) {
            for (int c = 0; c < cases.length; c++) {
                ConvGeometry g = cases[c];
                int oc = outChannels[c];
                int[] xs = {g.images(), g.channels(), g.height(), g.width()};
                int[] ws = {oc, g.channels(), g.kernelH(), g.kernelW()};
                int[] ys = {g.images(), oc, g.outH(), g.outW()};
                View x = View.contiguous(be.allocate(DType.FLOAT32, View.size(xs)), 0, xs);
                View w = View.contiguous(be.allocate(DType.FLOAT32, View.size(ws)), 0, ws);
                View b = View.contiguous(be.allocate(DType.FLOAT32, oc), 0, oc);
                View gy = View.contiguous(be.allocate(DType.FLOAT32, View.size(ys)), 0, ys);
                random(be, x.buffer(), r);
                random(be, w.buffer(), r);
                random(be, b.buffer(), r);
                random(be, gy.buffer(), r);
                View y1 = View.contiguous(be.allocate(DType.FLOAT32, View.size(ys)), 0, ys);
                View y2 = View.contiguous(be.allocate(DType.FLOAT32, View.size(ys)), 0, ys);
                ConvLowering.forward(be, g, x, w, b, true, y1);
                be.conv2d(g, x, w, b, true, y2);
                same("forward " + g, host(be, y1.buffer()), host(be, y2.buffer()));
                View dx1 = View.contiguous(be.allocate(DType.FLOAT32, View.size(xs)), 0, xs);
                View dx2 = View.contiguous(be.allocate(DType.FLOAT32, View.size(xs)), 0, xs);
                ConvLowering.backwardInput(be, g, w, gy, dx1);
                be.conv2dBackwardInput(g, w, gy, dx2);
                same("input gradient " + g, host(be, dx1.buffer()), host(be, dx2.buffer()));
                View dw1 = View.contiguous(be.allocate(DType.FLOAT32, View.size(ws)), 0, ws);
                View dw2 = View.contiguous(be.allocate(DType.FLOAT32, View.size(ws)), 0, ws);
                ConvLowering.backwardWeight(be, g, x, gy, dw1);
                be.conv2dBackwardWeight(g, x, gy, dw2);
                same("weight gradient " + g, host(be, dw1.buffer()), host(be, dw2.buffer()));
            }
        }
    }
}
