package org.lethe.engine;

import org.lethe.kernels.BinaryOp;

/** {@code a ^ b}, broadcast. d/da = g*b*a^(b-1), d/db = g*a^b*ln(a). */
final class Pow extends Function {
    static Tensor apply(Tensor a, Tensor b) {
        Tensor out = Kernels.binary(BinaryOp.POW, a, b, "pow");
        if (!needsGraph(a, b)) {
            return out;
        }
        Pow fn = new Pow();
        fn.save(a, b, out.detach());
        return fn.attach(out, a, b);
    }

    @Override
    Tensor[] backward(Tensor g) {
        Tensor a = saved(0);
        Tensor b = saved(1);
        return new Tensor[] {needsInputGrad(0) ? g.mul(b).mul(a.pow(b.sub(1.0))) : null,
            needsInputGrad(1) ? g.mul(saved(2)).mul(a.log()) : null};
    }
}
