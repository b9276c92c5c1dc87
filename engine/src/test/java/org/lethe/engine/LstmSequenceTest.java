package org.lethe.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.lethe.kernels.Backend;
import org.lethe.kernels.Backends;
import org.lethe.kernels.DType;
import org.lethe.kernels.cpu.CpuBackend;

/**
 * {@link LstmSequence} with enough rows to be cut into parts that run on separate threads (at least
 * 16 rows a part): its outputs and gradients are bit-identical on 1, 2 and 3 threads, and equal the
 * composite (unbind, a matmul and an add per step, the cell, stack) to rounding, in float64 and
 * float32, with the gradient of every output in play and operands at an offset in their storage.
 */
class LstmSequenceTest {
    /** Outputs and the gradients of the projections and W_hh, flattened, for one backend. */
    private static List<double[]> run(int threads, DType dtype, boolean composite) {
        Backend previous = Backends.defaultBackend();
        try (CpuBackend backend = new CpuBackend(threads)) {
            Backends.setDefaultBackend(backend);
            Rng rng = new Rng(77);
            int n = 50;
            int steps = 5;
            int hidden = 6;
            // a slice, so that the projections start at an offset in their storage
            Tensor p = Tensor.uniform(rng, -1.5, 1.5, dtype, n + 1, steps, 4 * hidden).slice(0, 1, n + 1).detach()
                    .requiresGrad(true);
            Tensor w = Tensor.uniform(rng, -0.6, 0.6, dtype, 4 * hidden, hidden).requiresGrad(true);
            Tensor seqWeight = Tensor.uniform(rng, -1, 1, dtype, n, steps, hidden);
            Tensor hWeight = Tensor.uniform(rng, -1, 1, dtype, n, hidden);
            Tensor cWeight = Tensor.uniform(rng, -1, 1, dtype, n, hidden);
            List<Tensor> out = composite ? composite(p, w, n, hidden) : Functional.lstmSequence(p, w);
            Tensor loss = out.get(0).mul(seqWeight).sum().add(out.get(1).mul(hWeight).sum()).add(out.get(2).mul(cWeight).sum());
            loss.backward();
            List<double[]> r = new ArrayList<>();
            for (Tensor t : out) {
                r.add(t.toDoubleArray());
            }
            r.add(p.grad().toDoubleArray());
            r.add(w.grad().toDoubleArray());
            return r;
        } finally {
            Backends.setDefaultBackend(previous);
        }
    }

    private static List<Tensor> composite(Tensor p, Tensor w, int n, int hidden) {
        Tensor h = Tensor.zeros(p.dtype(), n, hidden);
        Tensor c = Tensor.zeros(p.dtype(), n, hidden);
        List<Tensor> hs = new ArrayList<>();
        for (Tensor step : p.unbind(1)) {
            List<Tensor> hc = Functional.lstmCell(step.add(h.matmul(w.transpose(0, 1))), c);
            h = hc.get(0);
            c = hc.get(1);
            hs.add(h);
        }
        return List.of(Tensor.stack(hs, 1), h, c);
    }

    @Test
    void partsOnSeveralThreadsGiveTheSameBitsAsOne() {
        for (DType dtype : DType.values()) {
            List<double[]> one = run(1, dtype, false);
            for (int threads : new int[] {2, 3}) {
                List<double[]> many = run(threads, dtype, false);
                for (int i = 0; i < one.size(); i++) {
                    assertArrayEquals(one.get(i), many.get(i), dtype + " result " + i + " on " + threads + " threads");
                }
            }
        }
    }

    @Test
    void theFusedSequenceEqualsTheCompositeToRounding() {
        for (DType dtype : DType.values()) {
            double tol = dtype == DType.FLOAT64 ? 1e-12 : 2e-5;
            List<double[]> fused = run(2, dtype, false);
            List<double[]> comp = run(2, dtype, true);
            for (int i = 0; i < fused.size(); i++) {
                assertEquals(comp.get(i).length, fused.get(i).length);
                for (int k = 0; k < fused.get(i).length; k++) {
                    double e = comp.get(i)[k];
                    assertEquals(e, fused.get(i)[k], tol * (1 + Math.abs(e)), dtype + " result " + i + " at " + k);
                }
            }
        }
    }
}
