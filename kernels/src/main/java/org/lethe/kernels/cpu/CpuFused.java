package org.lethe.kernels.cpu;

import java.util.Arrays;
import org.lethe.kernels.AdamStep;
import org.lethe.kernels.View;

/**
 * The fused kernels: the Adam update and the LSTM cell with its adjoint. Each equals the composite of
 * elementwise primitives it replaces (tested); fusing removes a dozen passes over memory and graph
 * nodes per parameter or time step. Parallel over rows; every element written by one thread.
 */
final class CpuFused {
    private CpuFused() {
    }

    static void adam(CpuParallel parallel, AdamStep s, CpuBuffer p, View pv, CpuBuffer g, View gv, CpuBuffer m, View mv,
                     CpuBuffer v, View vv, CpuBuffer vmax, View vmaxv) {
        View[] all = vmaxv == null ? new View[] {pv, gv, mv, vv} : new View[] {pv, gv, mv, vv, vmaxv};
        CpuBackend.sameShape("adam_step", all);
        for (View x : all) {
            if (!x.isContiguous()) {
                throw new IllegalArgumentException("adam_step: operands must be contiguous, got " + x);
            }
        }
        int n = pv.size();
        boolean ams = vmaxv != null;
        parallel.forRange(n, CpuBackend.GRAIN, (lo, hi) -> {
            for (int i = lo; i < hi; i++) {
                double[] r = s.apply(p.get(pv.offset() + i), g.get(gv.offset() + i), m.get(mv.offset() + i),
                        v.get(vv.offset() + i), ams ? vmax.get(vmaxv.offset() + i) : 0, ams);
                p.set(pv.offset() + i, r[0]);
                m.set(mv.offset() + i, r[1]);
                v.set(vv.offset() + i, r[2]);
                if (ams) {
                    vmax.set(vmaxv.offset() + i, r[3]);
                }
            }
        });
    }

    private static void checkCell(String op, int n, int hidden, View... views) {
        for (View x : views) {
            if (x == null) {
                continue;
            }
            int cols = x.rank() == 2 ? x.shape()[1] : -1;
            if (x.rank() != 2 || x.shape()[0] != n || (cols != hidden && cols != 4 * hidden) || !x.isContiguous()) {
                throw new IllegalArgumentException(op + ": operand " + x + " does not fit [" + n + ", " + hidden + "] or ["
                        + n + ", " + 4 * hidden + "] contiguous");
            }
        }
    }

    private static double sigmoid(double x) {
        return x >= 0 ? 1.0 / (1.0 + Math.exp(-x)) : Math.exp(x) / (1.0 + Math.exp(x));
    }

    static void lstmCell(CpuParallel parallel, CpuBuffer gates, View gv, CpuBuffer cPrev, View cpv, CpuBuffer act, View av,
                         CpuBuffer c, View cv, CpuBuffer tanhC, View tv, CpuBuffer h, View hv) {
        int n = gv.shape()[0];
        int hidden = gv.shape()[1] / 4;
        if (gv.rank() != 2 || gv.shape()[1] != 4 * hidden) {
            throw new IllegalArgumentException("lstm_cell: gates must be [N, 4H], got " + Arrays.toString(gv.shape()));
        }
        checkCell("lstm_cell", n, hidden, gv, cpv, av, cv, tv, hv);
        parallel.forRange(n, Math.max(1, CpuBackend.GRAIN / (8 * hidden)), (lo, hi) -> {
            for (int r = lo; r < hi; r++) {
                int g0 = gv.offset() + r * 4 * hidden;
                int a0 = av.offset() + r * 4 * hidden;
                for (int k = 0; k < hidden; k++) {
                    double i = sigmoid(gates.get(g0 + k));
                    double f = sigmoid(gates.get(g0 + hidden + k));
                    double g = Math.tanh(gates.get(g0 + 2 * hidden + k));
                    double o = sigmoid(gates.get(g0 + 3 * hidden + k));
                    act.set(a0 + k, i);
                    act.set(a0 + hidden + k, f);
                    act.set(a0 + 2 * hidden + k, g);
                    act.set(a0 + 3 * hidden + k, o);
                    // the stored (rounded) activations feed the state, as in the composite
                    double cNew = act.get(a0 + hidden + k) * cPrev.get(cpv.offset() + r * hidden + k)
                            + act.get(a0 + k) * act.get(a0 + 2 * hidden + k);
                    c.set(cv.offset() + r * hidden + k, cNew);
                    double t = Math.tanh(c.get(cv.offset() + r * hidden + k));
                    tanhC.set(tv.offset() + r * hidden + k, t);
                    h.set(hv.offset() + r * hidden + k, act.get(a0 + 3 * hidden + k) * tanhC.get(tv.offset() + r * hidden + k));
                }
            }
        });
    }

    static void lstmCellBackward(CpuParallel parallel, CpuBuffer act, View av, CpuBuffer cPrev, View cpv, CpuBuffer tanhC,
                                 View tv, CpuBuffer gradH, View ghv, CpuBuffer gradC, View gcv, CpuBuffer gradGates, View ggv,
                                 CpuBuffer gradCPrev, View gcpv) {
        int n = av.shape()[0];
        int hidden = av.shape()[1] / 4;
        checkCell("lstm_cell_backward", n, hidden, av, cpv, tv, ghv, gcv, ggv, gcpv);
        parallel.forRange(n, Math.max(1, CpuBackend.GRAIN / (8 * hidden)), (lo, hi) -> {
            for (int r = lo; r < hi; r++) {
                int a0 = av.offset() + r * 4 * hidden;
                int q0 = ggv.offset() + r * 4 * hidden;
                for (int k = 0; k < hidden; k++) {
                    int e = r * hidden + k;
                    double i = act.get(a0 + k);
                    double f = act.get(a0 + hidden + k);
                    double g = act.get(a0 + 2 * hidden + k);
                    double o = act.get(a0 + 3 * hidden + k);
                    double t = tanhC.get(tv.offset() + e);
                    double dh = gradH == null ? 0 : gradH.get(ghv.offset() + e);
                    double dc = (gradC == null ? 0 : gradC.get(gcv.offset() + e)) + dh * o * (1 - t * t);
                    gradGates.set(q0 + k, dc * g * i * (1 - i));
                    gradGates.set(q0 + hidden + k, dc * cPrev.get(cpv.offset() + e) * f * (1 - f));
                    gradGates.set(q0 + 2 * hidden + k, dc * i * (1 - g * g));
                    gradGates.set(q0 + 3 * hidden + k, dh * t * o * (1 - o));
                    gradCPrev.set(gcpv.offset() + e, dc * f);
                }
            }
        });
    }
}
