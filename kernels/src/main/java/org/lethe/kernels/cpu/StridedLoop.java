package org.lethe.kernels.cpu;

import org.lethe.kernels.View;

/**
 * Walks one shape through several strided operands at once, as rows of the innermost dimension.
 * Dimensions of size 1 are dropped and adjacent dimensions that are contiguous in every operand are
 * merged first, so a contiguous tensor of any rank becomes one long row.
 */
final class StridedLoop {
    /** Body called once per row with the row's first offset in each operand. */
    interface Row {
        void run(int[] offsets, int n);
    }

    private final int[] outer;      // sizes of the outer (row-indexing) dimensions
    private final int[][] strides;  // [operand][outer dimension]
    private final int[] base;
    private final int[] inner;      // inner stride per operand
    private final int n;            // row length
    private final int rows;

    private StridedLoop(int[] shape, int[][] strides, int[] base) {
        int operands = strides.length;
        int rank = shape.length;
        int[] s = new int[rank];
        int[][] st = new int[operands][rank];
        int r = 0;
        for (int d = 0; d < rank; d++) {
            if (shape[d] == 1) {
                continue;
            }
            boolean merge = r > 0;
            for (int k = 0; k < operands && merge; k++) {
                merge = st[k][r - 1] == strides[k][d] * shape[d];
            }
            if (merge) {
                s[r - 1] *= shape[d];
                for (int k = 0; k < operands; k++) {
                    st[k][r - 1] = strides[k][d];
                }
            } else {
                s[r] = shape[d];
                for (int k = 0; k < operands; k++) {
                    st[k][r] = strides[k][d];
                }
                r++;
            }
        }
        boolean empty = false;
        for (int d : shape) {
            empty |= d == 0;
        }
        this.base = base;
        this.inner = new int[operands];
        if (empty) {
            this.n = 0;
            this.rows = 0;
            this.outer = new int[0];
            this.strides = new int[operands][0];
        } else if (r == 0) {
            this.n = 1;
            this.rows = 1;
            this.outer = new int[0];
            this.strides = new int[operands][0];
        } else {
            this.n = s[r - 1];
            this.outer = java.util.Arrays.copyOf(s, r - 1);
            this.strides = new int[operands][];
            int count = 1;
            for (int d = 0; d < r - 1; d++) {
                count = Math.multiplyExact(count, s[d]);
            }
            this.rows = count;
            for (int k = 0; k < operands; k++) {
                this.inner[k] = st[k][r - 1];
                this.strides[k] = java.util.Arrays.copyOf(st[k], r - 1);
            }
        }
    }

    /** A loop over {@code shape} through views that all have that shape. */
    static StridedLoop of(int[] shape, View... views) {
        int[][] strides = new int[views.length][];
        int[] base = new int[views.length];
        for (int k = 0; k < views.length; k++) {
            strides[k] = views[k].strides();
            base[k] = views[k].offset();
        }
        return new StridedLoop(shape, strides, base);
    }

    /** A loop over {@code shape} for one operand with explicit strides, starting at offset 0. */
    static StridedLoop of(int[] shape, int[] strides) {
        return new StridedLoop(shape, new int[][] {strides}, new int[1]);
    }

    int rows() {
        return rows;
    }

    int rowLength() {
        return n;
    }

    int innerStride(int operand) {
        return inner[operand];
    }

    /** Rows per parallel chunk so that each chunk holds about {@code grain} elements. */
    private int rowsPerChunk(int grain) {
        return Math.max(1, grain / Math.max(n, 1));
    }

    /**
     * Runs {@code body} over every element, in parallel chunks of about {@code grain} elements, for
     * loops whose elements are independent. Rows are grouped into chunks; a single long row (what a
     * contiguous tensor becomes) is cut into pieces, which a chunk of rows could not do: the ReLU
     * gradient of a convolution's output ran on one thread.
     */
    void inParallel(CpuParallel parallel, int grain, Row body) {
        if (rows == 1 && n > grain) {
            parallel.forRange(n, grain, (lo, hi) -> {
                int[] off = new int[base.length];
                for (int k = 0; k < off.length; k++) {
                    off[k] = base[k] + lo * inner[k];
                }
                body.run(off, hi - lo);
            });
            return;
        }
        parallel.forRange(rows, rowsPerChunk(grain), (lo, hi) -> forEachRow(lo, hi, body));
    }

    /** Runs {@code body} on rows {@code [lo, hi)}. */
    void forEachRow(int lo, int hi, Row body) {
        int operands = base.length;
        int[] off = new int[operands];
        int[] idx = new int[outer.length];
        if (lo >= hi) {
            return;
        }
        int rem = lo;
        for (int d = outer.length - 1; d >= 0; d--) {
            idx[d] = rem % outer[d];
            rem /= outer[d];
        }
        for (int k = 0; k < operands; k++) {
            int o = base[k];
            for (int d = 0; d < outer.length; d++) {
                o += idx[d] * strides[k][d];
            }
            off[k] = o;
        }
        for (int row = lo; row < hi; row++) {
            body.run(off, n);
            // advance the odometer
            for (int d = outer.length - 1; d >= 0; d--) {
                idx[d]++;
                for (int k = 0; k < operands; k++) {
                    off[k] += strides[k][d];
                }
                if (idx[d] < outer[d]) {
                    break;
                }
                for (int k = 0; k < operands; k++) {
                    off[k] -= strides[k][d] * outer[d];
                }
                idx[d] = 0;
            }
        }
    }
}
