package org.lethe.engine;

import org.lethe.kernels.Backend;
import org.lethe.kernels.DType;

/** A copy on another backend, through host memory. d/dx = g moved back. */
final class Transfer extends Function {
    private final Backend from;

    private Transfer(Backend from) {
        this.from = from;
    }

    static Tensor apply(Tensor x, Backend to) {
        Tensor out = Tensor.output(to, x.dtype(), x.shape());
        if (x.dtype() == DType.FLOAT32) {
            to.write(out.view().buffer(), 0, x.toFloatArray(), 0, x.numel());
        } else {
            to.write(out.view().buffer(), 0, x.toDoubleArray(), 0, x.numel());
        }
        return needsGraph(x) ? new Transfer(x.backend()).attach(out, x) : out;
    }

    @Override
    Tensor[] backward(Tensor g) {
        return new Tensor[] {g.to(from)};
    }
}
