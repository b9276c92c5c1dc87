package org.lethe.kernels.cpu;

import org.lethe.kernels.Checks;
import org.lethe.kernels.View;

/** Gather and scatter-add of slices along one axis. */
final class CpuIndexing {
    private CpuIndexing() {
    }


    /** The slice of {@code v} at position {@code i} of {@code axis}, with that axis dropped. */
    static View slice(View v, int axis, int i) {
        int r = v.rank();
        int[] shape = new int[r - 1];
        int[] strides = new int[r - 1];
        for (int d = 0, e = 0; d < r; d++) {
            if (d != axis) {
                shape[e] = v.shape()[d];
                strides[e++] = v.strides()[d];
            }
        }
        return new View(v.buffer(), v.offset() + i * v.strides()[axis], shape, strides);
    }

    static void gather(CpuParallel parallel, CpuBuffer s, View src, int axis, int[] index, CpuBuffer d, View dst) {
        Checks.indexing("gather", src, axis, index, dst, dst, src.rank() > axis && axis >= 0 ? src.shape()[axis] : 0);
        parallel.forRange(index.length, Math.max(1, CpuBackend.GRAIN / Math.max(1, dst.size() / Math.max(1, index.length))),
                (lo, hi) -> {
                    for (int j = lo; j < hi; j++) {
                        copySlice(s, slice(src, axis, index[j]), d, slice(dst, axis, j), false);
                    }
                });
    }

    static void scatterAdd(CpuParallel parallel, CpuBuffer s, View src, int axis, int[] index, CpuBuffer d, View dst) {
        Checks.indexing("scatter_add", dst, axis, index, src, src, dst.rank() > axis && axis >= 0 ? dst.shape()[axis] : 0);
        // Sequential over indices so that repeated indices add up in a fixed order.
        for (int j = 0; j < index.length; j++) {
            copySlice(s, slice(src, axis, j), d, slice(dst, axis, index[j]), true);
        }
    }

    private static void copySlice(CpuBuffer s, View from, CpuBuffer d, View to, boolean add) {
        StridedLoop loop = StridedLoop.of(from.shape(), from, to);
        int fs = loop.innerStride(0);
        int ts = loop.innerStride(1);
        loop.forEachRow(0, loop.rows(), (off, n) -> {
            for (int i = 0; i < n; i++) {
                int t = off[1] + i * ts;
                double v = s.get(off[0] + i * fs);
                d.set(t, add ? d.get(t) + v : v);
            }
        });
    }
}
