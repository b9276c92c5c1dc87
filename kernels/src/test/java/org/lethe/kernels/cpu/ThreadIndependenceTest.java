package org.lethe.kernels.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.SplittableRandom;
import org.lethe.kernels.Backend;
import org.lethe.kernels.Buffer;
import org.lethe.kernels.DType;
import org.lethe.kernels.ReduceOp;
import org.lethe.kernels.View;
import org.junit.jupiter.api.Test;

/** The same inputs give bit-identical results on 1, 2 and 3 threads. */
class ThreadIndependenceTest {

    private static float[] run(int threads, java.util.function.BiConsumer<Backend, View[]> work, int[]... shapes) {
        try (CpuBackend b = new CpuBackend(threads)) {
            SplittableRandom r = new SplittableRandom(3);
            View[] views = new View[shapes.length];
            for (int i = 0; i < shapes.length; i++) {
                Buffer buf = b.allocate(DType.FLOAT32, View.size(shapes[i]));
                float[] h = new float[buf.length()];
                for (int j = 0; j < h.length; j++) {
                    h[j] = (float) r.nextDouble(-1, 1);
                }
                b.write(buf, 0, h, 0, h.length);
                views[i] = View.contiguous(buf, 0, shapes[i]);
            }
            work.accept(b, views);
            View out = views[views.length - 1];
            float[] result = new float[out.size()];
            b.read(out.buffer(), 0, result, 0, result.length);
            return result;
        }
    }

    private static void same(java.util.function.BiConsumer<Backend, View[]> work, int[]... shapes) {
        float[] one = run(1, work, shapes);
        assertArrayEquals(one, run(2, work, shapes));
        assertArrayEquals(one, run(3, work, shapes));
    }

    @Test
    void gemmIsThreadIndependent() {
        same((b, v) -> b.gemm(v[0], v[1], v[2], 1, 0), new int[] {1, 300, 257}, new int[] {1, 257, 190}, new int[] {1, 300, 190});
        same((b, v) -> b.gemm(v[0], v[1], v[2], 1, 0), new int[] {8, 30, 57}, new int[] {8, 57, 90}, new int[] {8, 30, 90});
        // 256 x 1024 blocks of B: packed by all threads, a panel each (then a partial block of 6 columns)
        same((b, v) -> b.gemm(v[0], v[1], v[2], 1, 0), new int[] {1, 70, 300}, new int[] {1, 300, 1030}, new int[] {1, 70, 1030});
        // 64 rows, k of 3 blocks, 8 column panels: split by columns (an LSTM's recurrent weight gradient)
        same((b, v) -> b.gemm(v[0], v[1], v[2], 1, 0), new int[] {1, 64, 700}, new int[] {1, 700, 256}, new int[] {1, 64, 256});
        same((b, v) -> b.gemm(v[0], v[1], v[2], 1, 1), new int[] {1, 30, 520}, new int[] {1, 520, 230}, new int[] {1, 30, 230});
    }

    @Test
    void summedBatchGemmIsThreadIndependent() {
        same((b, v) -> b.gemm(v[0], v[1], new View(v[2].buffer(), 0, new int[] {40, 24, 36}, new int[] {0, 36, 1}), 1, 0),
                new int[] {40, 24, 50}, new int[] {40, 50, 36}, new int[] {1, 24, 36});
    }

    @Test
    void convolutionIsThreadIndependent() {
        org.lethe.kernels.ConvGeometry g = new org.lethe.kernels.ConvGeometry(19, 6, 10, 9, 3, 3, 1, 1, 1, 1);
        int[] x = {19, 6, 10, 9};
        int[] w = {8, 6, 3, 3};
        int[] y = {19, 8, 10, 9};
        same((b, v) -> b.conv2d(g, v[0], v[1], null, false, v[2]), x, w, y);
        same((b, v) -> b.conv2d(g, v[0], v[1], v[2], true, v[3]), x, w, new int[] {8}, y);
        same((b, v) -> b.conv2dBackwardInput(g, v[0], v[1], v[2]), w, y, x);
        same((b, v) -> b.conv2dBackwardWeight(g, v[0], v[1], v[2]), x, y, w);
    }

    @Test
    void reductionsAreThreadIndependent() {
        same((b, v) -> b.reduce(ReduceOp.SUM, v[0], v[1]), new int[] {1000, 300}, new int[] {1, 300});
        same((b, v) -> b.reduce(ReduceOp.SUM, v[0], v[1]), new int[] {200000}, new int[] {1});
    }

    @Test
    void randomFillIsThreadIndependent() {
        same((b, v) -> b.randomNormal(v[0], 99, 0, 1), new int[] {100000});
    }
}
