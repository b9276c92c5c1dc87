package org.lethe.engine;

import java.util.Arrays;
import org.lethe.kernels.View;

/**
 * Batched matrix product {@code [..., m, k] x [..., k, n] -> [..., m, n]} with broadcast batch
 * dimensions, as one backend GEMM. Transposed and broadcast operands reach the GEMM through their
 * strides; only layouts it cannot express are copied.
 * d/da = g @ b^T, d/db = a^T @ g (each summed over the batch dimensions the input was broadcast on).
 */
final class MatMul extends Function {
    static Tensor apply(Tensor a, Tensor b) {
        String shapes = Shapes.str(a.shape()) + " x " + Shapes.str(b.shape());
        Kernels.checkCompatible("matmul: " + shapes, a, b);
        if (a.rank() < 2 || b.rank() < 2) {
            throw new IllegalArgumentException("matmul: " + shapes + ": both operands need at least 2 dimensions "
                    + "(unsqueeze a vector)");
        }
        int m = a.dim(-2);
        int k = a.dim(-1);
        int n = b.dim(-1);
        if (b.dim(-2) != k) {
            throw new IllegalArgumentException("matmul: " + shapes + ": inner dimensions " + k + " and " + b.dim(-2) + " differ");
        }
        if (b.rank() == 2 && a.rank() > 2) {
            // [..., m, k] x [k, n] is one [(...) m, k] x [k, n] product: one GEMM forward, and in
            // backward one GEMM for b's gradient instead of a batch summed afterwards (as PyTorch).
            int[] outShape = a.shape();
            outShape[outShape.length - 1] = n;
            return a.reshape(-1, k).matmul(b).reshape(outShape);
        }
        int[] batchA = Arrays.copyOf(a.shape(), a.rank() - 2);
        int[] batchB = Arrays.copyOf(b.shape(), b.rank() - 2);
        int[] batch;
        try {
            batch = Shapes.broadcast("matmul", batchA, batchB);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("matmul: " + shapes + ": batch dimensions do not broadcast");
        }
        int batches = Shapes.size(batch);
        Tensor out = Tensor.output(a.backend(), a.dtype(), Shapes.concat(batch, m, n));
        Tensor[] temps = new Tensor[2];
        View av = batched(a, batch, m, k, temps, 0);
        View bv = batched(b, batch, k, n, temps, 1);
        View cv = new View(out.view().buffer(), 0, new int[] {batches, m, n}, new int[] {m * n, n, 1});
        a.backend().gemm(av, bv, cv, 1.0, 0.0);
        for (Tensor t : temps) {
            if (t != null) {
                t.storage().close();
            }
        }
        if (!needsGraph(a, b)) {
            return out;
        }
        MatMul fn = new MatMul();
        fn.save(a, b);
        return fn.attach(out, a, b);
    }

    /**
     * {@code t} as a {@code [batches, rows, cols]} GEMM operand: its batch dimensions broadcast to
     * {@code batch} and merged into one stride where the layout allows, else copied.
     */
    private static View batched(Tensor t, int[] batch, int rows, int cols, Tensor[] temps, int slot) {
        int[] full = Shapes.concat(batch, rows, cols);
        View v = t.view();
        int[] st = Shapes.expandStrides("matmul", v.shape(), v.strides(), full);
        int r = full.length;
        boolean innerOk = st[r - 1] == 1 || cols == 1 || st[r - 2] == 1 || rows == 1;
        Integer batchStride = mergedStride(batch, st);
        int batches = Shapes.size(batch);
        if (innerOk && batchStride != null) {
            return new View(v.buffer(), v.offset(), new int[] {batches, rows, cols},
                    new int[] {batchStride, st[r - 2], st[r - 1]});
        }
        Tensor copy = Tensor.output(t.backend(), t.dtype(), full);
        t.backend().copy(new View(v.buffer(), v.offset(), full, st), copy.view());
        temps[slot] = copy;
        return View.contiguous(copy.view().buffer(), 0, batches, rows, cols);
    }

    /** One stride that walks all batch dimensions in order, or null when they do not merge. */
    private static Integer mergedStride(int[] batch, int[] st) {
        int stride = 0;
        int span = -1;
        for (int d = batch.length - 1; d >= 0; d--) {
            if (batch[d] == 1) {
                continue;
            }
            if (span < 0) {
                stride = st[d];
                span = batch[d];
            } else if (st[d] == stride * span) {
                span *= batch[d];
            } else {
                return null;
            }
        }
        return stride;
    }

    @Override
    Tensor[] backward(Tensor g) {
        Tensor a = saved(0);
        Tensor b = saved(1);
        return new Tensor[] {needsInputGrad(0) ? g.matmul(b.transpose(-1, -2)) : null,
            needsInputGrad(1) ? a.transpose(-1, -2).matmul(g) : null};
    }
}
