package org.lethe.kernels.cpu;

import java.util.Arrays;
import org.lethe.kernels.AdamStep;
import org.lethe.kernels.Checks;
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
        Checks.sameShape("adam_step", all);
        for (View x : all) {
            if (!x.isContiguous()) {
                throw new IllegalArgumentException("adam_step: operands must be contiguous, got " + x);
            }
        }
        int n = pv.size();
        boolean ams = vmaxv != null;
        if (p instanceof CpuBuffer.F32 fp && g instanceof CpuBuffer.F32 fg && m instanceof CpuBuffer.F32 fm
                && v instanceof CpuBuffer.F32 fv && (!ams || vmax instanceof CpuBuffer.F32)) {
            float[] vmaxData = ams ? ((CpuBuffer.F32) vmax).data() : null;
            int vmaxOffset = ams ? vmaxv.offset() : 0;
            parallel.forRange(n, CpuBackend.GRAIN, (lo, hi) -> adamF32(s, lo, hi, fp.data(), pv.offset(), fg.data(),
                    gv.offset(), fm.data(), mv.offset(), fv.data(), vv.offset(), vmaxData, vmaxOffset));
            return;
        }
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



    /**
     * {@link AdamStep#apply} on float arrays, elements {@code lo..hi}: the same operations in the same
     * order in double, each result rounded to float once, so the values are identical; the bias
     * corrections, which depend only on the step, are computed once instead of per element, and
     * nothing is allocated.
     */
    static void adamF32(AdamStep s, int lo, int hi, float[] p, int po, float[] g, int go, float[] m, int mo, float[] v,
                        int vo, float[] vmax, int xo) {
        double lr = s.learningRate();
        double b1 = s.beta1();
        double b2 = s.beta2();
        double eps = s.eps();
        double wd = s.weightDecay();
        boolean decay = wd != 0;
        boolean decoupled = s.decoupled();
        double lrOverBias1 = lr / (1 - Math.pow(b1, s.step()));
        double sqrtBias2 = Math.sqrt(1 - Math.pow(b2, s.step()));
        boolean ams = vmax != null;
        if (!decay && !ams && VectorSupport.AVAILABLE) {
            lo = VectorRows.adam(lo, hi, b1, b2, eps, lrOverBias1, sqrtBias2, p, po, g, go, m, mo, v, vo);
        }
        for (int i = lo; i < hi; i++) {
            double pi = p[po + i];
            double gi = g[go + i];
            if (decay) {
                if (decoupled) {
                    pi *= 1 - lr * wd;
                } else {
                    gi += wd * pi;
                }
            }
            double mi = b1 * m[mo + i] + (1 - b1) * gi;
            double vi = b2 * v[vo + i] + (1 - b2) * gi * gi;
            double second = vi;
            if (ams) {
                double x = Math.max(vmax[xo + i], vi);
                vmax[xo + i] = (float) x;
                second = x;
            }
            double denom = Math.sqrt(second) / sqrtBias2 + eps;
            p[po + i] = (float) (pi - lrOverBias1 * mi / denom);
            m[mo + i] = (float) mi;
            v[vo + i] = (float) vi;
        }
    }

    static void lstmCell(CpuParallel parallel, boolean vector, CpuBuffer gates, View gv, CpuBuffer cPrev, View cpv,
                         CpuBuffer act, View av, CpuBuffer c, View cv, CpuBuffer tanhC, View tv, CpuBuffer h, View hv) {
        int n = gv.shape()[0];
        int hidden = gv.shape()[1] / 4;
        if (gv.rank() != 2 || gv.shape()[1] != 4 * hidden) {
            throw new IllegalArgumentException("lstm_cell: gates must be [N, 4H], got " + Arrays.toString(gv.shape()));
        }
        Checks.lstmCell("lstm_cell", n, hidden, gv, cpv, av, cv, tv, hv);
        if (gates instanceof CpuBuffer.F32 fg && cPrev instanceof CpuBuffer.F32 fcp && act instanceof CpuBuffer.F32 fa
                && c instanceof CpuBuffer.F32 fc && tanhC instanceof CpuBuffer.F32 ft && h instanceof CpuBuffer.F32 fh) {
            parallel.forRange(n, Math.max(1, CpuBackend.GRAIN / (8 * hidden)), (lo, hi) -> {
                float[] g = fg.data();
                float[] cp = fcp.data();
                float[] a = fa.data();
                float[] cc = fc.data();
                float[] tt = ft.data();
                float[] hh = fh.data();
                for (int r = lo; r < hi; r++) {
                    int g0 = gv.offset() + r * 4 * hidden;
                    int a0 = av.offset() + r * 4 * hidden;
                    int s0 = r * hidden;
                    if (vector) {
                        VectorRows.lstmCellRow(hidden, g, g0, cp, cpv.offset() + s0, a, a0, cc, cv.offset() + s0,
                                tt, tv.offset() + s0, hh, hv.offset() + s0);
                    } else {
                        lstmCellUnits(0, hidden, g, g0, cp, cpv.offset() + s0, a, a0, cc, cv.offset() + s0,
                                tt, tv.offset() + s0, hh, hv.offset() + s0);
                    }
                }
            });
            return;
        }
        parallel.forRange(n, Math.max(1, CpuBackend.GRAIN / (8 * hidden)), (lo, hi) -> {
            for (int r = lo; r < hi; r++) {
                int g0 = gv.offset() + r * 4 * hidden;
                int a0 = av.offset() + r * 4 * hidden;
                for (int k = 0; k < hidden; k++) {
                    double i = FastMath.sigmoid(gates.get(g0 + k));
                    double f = FastMath.sigmoid(gates.get(g0 + hidden + k));
                    double g = FastMath.tanh(gates.get(g0 + 2 * hidden + k));
                    double o = FastMath.sigmoid(gates.get(g0 + 3 * hidden + k));
                    act.set(a0 + k, i);
                    act.set(a0 + hidden + k, f);
                    act.set(a0 + 2 * hidden + k, g);
                    act.set(a0 + 3 * hidden + k, o);
                    // the stored (rounded) activations feed the state, as in the composite
                    double cNew = act.get(a0 + hidden + k) * cPrev.get(cpv.offset() + r * hidden + k)
                            + act.get(a0 + k) * act.get(a0 + 2 * hidden + k);
                    c.set(cv.offset() + r * hidden + k, cNew);
                    double t = FastMath.tanh(c.get(cv.offset() + r * hidden + k));
                    tanhC.set(tv.offset() + r * hidden + k, t);
                    h.set(hv.offset() + r * hidden + k, act.get(a0 + 3 * hidden + k) * tanhC.get(tv.offset() + r * hidden + k));
                }
            }
        });
    }

    /**
     * Hidden units {@code [from, hidden)} of one row of the float32 cell, in scalar code: activations
     * in double, rounded once; the state from the rounded activations. The vector kernel
     * ({@link VectorRows#lstmCellRow}) uses it for the units beyond its last whole vector.
     */
    static void lstmCellUnits(int from, int hidden, float[] g, int g0, float[] cp, int cp0, float[] a, int a0, float[] c,
                              int c0, float[] t, int t0, float[] h, int h0) {
        for (int k = from; k < hidden; k++) {
            float i = (float) FastMath.sigmoid(g[g0 + k]);
            float f = (float) FastMath.sigmoid(g[g0 + hidden + k]);
            float gg = (float) FastMath.tanh(g[g0 + 2 * hidden + k]);
            float o = (float) FastMath.sigmoid(g[g0 + 3 * hidden + k]);
            a[a0 + k] = i;
            a[a0 + hidden + k] = f;
            a[a0 + 2 * hidden + k] = gg;
            a[a0 + 3 * hidden + k] = o;
            float cNew = (float) ((double) f * cp[cp0 + k] + (double) i * gg);
            c[c0 + k] = cNew;
            float tc = (float) FastMath.tanh(cNew);
            t[t0 + k] = tc;
            h[h0 + k] = o * tc;
        }
    }

    /**
     * Units {@code from..hidden} of one row of the LSTM cell's adjoint on float arrays, in float
     * arithmetic (as the forward cell and PyTorch's float32 kernel compute; float64 operands take the
     * generic path, in double): {@code dc = grad_c + grad_h o (1 - t^2)},
     * {@code d a = (dc g i (1-i), dc c' f (1-f), dc i (1-g^2), grad_h t o (1-o))}, {@code d c' = dc f},
     * each product left to right. {@link VectorRows#lstmCellBackwardRow} does the same operations a
     * vector at a time, and the CUDA kernel in the same order; a null {@code dhs} or {@code dcs} is a
     * zero gradient.
     */
    static void lstmCellBackwardUnits(int from, int hidden, float[] a, int a0, float[] cp, int cp0, float[] tt, int t0,
                                      float[] dhs, int dh0, float[] dcs, int dc0, float[] gg, int q0, float[] gcp, int gcp0) {
        for (int k = from; k < hidden; k++) {
            float i = a[a0 + k];
            float f = a[a0 + hidden + k];
            float g = a[a0 + 2 * hidden + k];
            float o = a[a0 + 3 * hidden + k];
            float t = tt[t0 + k];
            float dh = dhs == null ? 0f : dhs[dh0 + k];
            float dc = (dcs == null ? 0f : dcs[dc0 + k]) + dh * o * (1f - t * t);
            gg[q0 + k] = dc * g * i * (1f - i);
            gg[q0 + hidden + k] = dc * cp[cp0 + k] * f * (1f - f);
            gg[q0 + 2 * hidden + k] = dc * i * (1f - g * g);
            gg[q0 + 3 * hidden + k] = dh * t * o * (1f - o);
            gcp[gcp0 + k] = dc * f;
        }
    }

    static void lstmCellBackward(CpuParallel parallel, boolean vector, CpuBuffer act, View av, CpuBuffer cPrev, View cpv, CpuBuffer tanhC,
                                 View tv, CpuBuffer gradH, View ghv, CpuBuffer gradC, View gcv, CpuBuffer gradGates, View ggv,
                                 CpuBuffer gradCPrev, View gcpv) {
        int n = av.shape()[0];
        int hidden = av.shape()[1] / 4;
        Checks.lstmCell("lstm_cell_backward", n, hidden, av, cpv, tv, ghv, gcv, ggv, gcpv);
        boolean typed = act instanceof CpuBuffer.F32 && cPrev instanceof CpuBuffer.F32 && tanhC instanceof CpuBuffer.F32
                && (gradH == null || gradH instanceof CpuBuffer.F32) && (gradC == null || gradC instanceof CpuBuffer.F32)
                && gradGates instanceof CpuBuffer.F32 && gradCPrev instanceof CpuBuffer.F32;
        if (typed) {
            parallel.forRange(n, Math.max(1, CpuBackend.GRAIN / (8 * hidden)), (lo, hi) -> {
                float[] a = ((CpuBuffer.F32) act).data();
                float[] cp = ((CpuBuffer.F32) cPrev).data();
                float[] tt = ((CpuBuffer.F32) tanhC).data();
                float[] dhs = gradH == null ? null : ((CpuBuffer.F32) gradH).data();
                float[] dcs = gradC == null ? null : ((CpuBuffer.F32) gradC).data();
                float[] gg = ((CpuBuffer.F32) gradGates).data();
                float[] gcp = ((CpuBuffer.F32) gradCPrev).data();
                for (int r = lo; r < hi; r++) {
                    int a0 = av.offset() + r * 4 * hidden;
                    int q0 = ggv.offset() + r * 4 * hidden;
                    int e = r * hidden;
                    int dh0 = ghv == null ? 0 : ghv.offset() + e;
                    int dc0 = gcv == null ? 0 : gcv.offset() + e;
                    int k = vector ? VectorRows.lstmCellBackwardRow(hidden, a, a0, cp, cpv.offset() + e, tt, tv.offset() + e,
                            dhs, dh0, dcs, dc0, gg, q0, gcp, gcpv.offset() + e) : 0;
                    lstmCellBackwardUnits(k, hidden, a, a0, cp, cpv.offset() + e, tt, tv.offset() + e, dhs, dh0, dcs, dc0,
                            gg, q0, gcp, gcpv.offset() + e);
                }
            });
            return;
        }
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
