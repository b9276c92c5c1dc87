package org.lethe.engine;

import org.lethe.kernels.BinaryOp;
import org.lethe.kernels.UnaryOp;

/** {@code max(x, 0)}. d/dx = g, or 0 where x <= 0 (as PyTorch: a NaN input passes the gradient). */
final class Relu extends Function {
    static Tensor apply(Tensor x) {
        Tensor out = Kernels.unary(UnaryOp.RELU, 0, x);
        if (!needsGraph(x)) {
            return out;
        }
        Relu fn = new Relu();
        fn.save(x);
        return fn.attach(out, x);
    }

    @Override
    Tensor[] backward(Tensor g) {
        return new Tensor[] {Kernels.binary(BinaryOp.RELU_BACKWARD, g, saved(0), "relu backward")};
    }
}
