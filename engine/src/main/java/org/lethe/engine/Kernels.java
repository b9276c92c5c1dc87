package org.lethe.engine;

import org.lethe.kernels.BinaryOp;
import org.lethe.kernels.ReduceOp;
import org.lethe.kernels.UnaryOp;
import org.lethe.kernels.View;

/** Checked calls from operations into the tensors' backend, allocating contiguous results. */
final class Kernels {
    private Kernels() {
    }

    static void checkBackend(String op, Tensor a, Tensor b) {
        if (a.backend() != b.backend()) {
            throw new IllegalArgumentException(op + ": tensors live on different backends (" + a.backend().name() + ", "
                    + b.backend().name() + "); move one with to(Backend)");
        }
    }

    static void checkCompatible(String op, Tensor a, Tensor b) {
        checkBackend(op, a, b);
        if (a.dtype() != b.dtype()) {
            throw new IllegalArgumentException(op + ": element types " + a.dtype() + " and " + b.dtype()
                    + " differ; convert one with to(DType)");
        }
    }

    /** The tensor seen through strides that broadcast it to {@code shape}. */
    static View expanded(Tensor t, int[] shape, String op) {
        View v = t.view();
        return new View(v.buffer(), v.offset(), shape, Shapes.expandStrides(op, v.shape(), v.strides(), shape));
    }

    static Tensor unary(UnaryOp op, double scalar, Tensor x) {
        Tensor out = Tensor.output(x.backend(), x.dtype(), x.shape());
        x.backend().unary(op, scalar, x.view(), out.view());
        return out;
    }

    static Tensor binary(BinaryOp op, Tensor a, Tensor b, String name) {
        checkCompatible(name, a, b);
        int[] shape = Shapes.broadcast(name, a.shape(), b.shape());
        Tensor out = Tensor.output(a.backend(), a.dtype(), shape);
        a.backend().binary(op, expanded(a, shape, name), expanded(b, shape, name), out.view());
        return out;
    }

    /** Reduction with the reduced axes kept as size 1. */
    static Tensor reduce(ReduceOp op, Tensor x, boolean[] mask) {
        Tensor out = Tensor.output(x.backend(), x.dtype(), Shapes.keepDims(x.shape(), mask));
        x.backend().reduce(op, x.view(), out.view());
        return out;
    }
}
