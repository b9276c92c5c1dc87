package org.lethe.engine;

import org.lethe.kernels.DType;

/** Conversion to another element type. d/dx = g converted back. */
final class Cast extends Function {
    private final DType from;

    private Cast(DType from) {
        this.from = from;
    }

    static Tensor apply(Tensor x, DType to) {
        Tensor out = Tensor.output(x.backend(), to, x.shape());
        x.backend().copy(x.view(), out.view());
        return needsGraph(x) ? new Cast(x.dtype()).attach(out, x) : out;
    }

    @Override
    Tensor[] backward(Tensor g) {
        return new Tensor[] {g.to(from)};
    }
}
