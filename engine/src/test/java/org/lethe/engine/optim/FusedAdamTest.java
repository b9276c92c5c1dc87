package org.lethe.engine.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.lethe.engine.GradMode;
import org.lethe.engine.Rng;
import org.lethe.engine.Tensor;
import org.lethe.kernels.DType;

/** The fused Adam update equals the composite of tensor operations it replaced, for Adam, AdamW and AMSGrad. */
class FusedAdamTest {
    /** The composite update, as Adam was written before it was fused. */
    private static void composite(Tensor p, Tensor g, Tensor m, Tensor v, Tensor vMax, double lr, double b1, double b2,
                                  double eps, double wd, boolean decoupled, int step) {
        try (GradMode.Guard guard = GradMode.noGrad()) {
            if (wd != 0) {
                if (decoupled) {
                    p.mulInPlace(1 - lr * wd);
                } else {
                    g = g.add(p.mul(wd));
                }
            }
            m.copyFrom(m.mul(b1).add(g.mul(1 - b1)));
            v.copyFrom(v.mul(b2).add(g.square().mul(1 - b2)));
            Tensor vv = v;
            if (vMax != null) {
                vv = vMax.copyFrom(vMax.maximum(v));
            }
            Tensor denom = vv.sqrt().div(Math.sqrt(1 - Math.pow(b2, step))).add(eps);
            p.copyFrom(p.sub(m.div(denom).mul(lr / (1 - Math.pow(b1, step)))));
        }
    }

    @Test
    void fusedEqualsComposite() {
        for (int variant = 0; variant < 3; variant++) {
            boolean decoupled = variant == 1;
            boolean ams = variant == 2;
            Rng rng = new Rng(variant);
            Tensor p1 = Tensor.randn(rng, DType.FLOAT32, 40, 30).requiresGrad(true);
            Tensor p2 = p1.copy().detach();
            Tensor m = Tensor.zeros(40, 30);
            Tensor v = Tensor.zeros(40, 30);
            Tensor vMax = ams ? Tensor.zeros(40, 30) : null;
            Adam adam = decoupled ? new AdamW(List.of(p1), 0.01, 0.9, 0.999, 1e-8, 0.1, false)
                    : new Adam(List.of(p1), 0.01, 0.9, 0.999, 1e-8, ams ? 0 : 0.05, ams);
            for (int step = 1; step <= 20; step++) {
                Tensor g = Tensor.randn(rng, DType.FLOAT32, 40, 30);
                p1.zeroGrad();
                p1.mul(g).sum().backward();
                adam.step();
                composite(p2, g, m, v, vMax, 0.01, 0.9, 0.999, 1e-8, decoupled ? 0.1 : ams ? 0 : 0.05, decoupled, step);
            }
            float[] a = p1.toFloatArray();
            float[] b = p2.toFloatArray();
            for (int i = 0; i < a.length; i++) {
                assertEquals(b[i], a[i], 2e-6 * Math.max(1, Math.abs(b[i])), "variant " + variant + " element " + i);
            }
        }
    }
}
