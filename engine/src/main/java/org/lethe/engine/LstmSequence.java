package org.lethe.engine;

import java.util.List;
import org.lethe.kernels.Backend;
import org.lethe.kernels.BinaryOp;
import org.lethe.kernels.PreparedOperand;
import org.lethe.kernels.View;

/**
 * One LSTM layer over a whole sequence, from zero initial states: with the input projections
 * {@code p [N, T, 4H]} (the input times {@code W_ih^T} plus both biases) and the recurrent weights
 * {@code W_hh [4H, H]}, for {@code t = 0 .. T-1}: {@code gates_t = p[:, t] + h_{t-1} W_hh^T},
 * {@code (h_t, c_t) = lstm_cell(gates_t, c_{t-1})}, {@code h_{-1} = c_{-1} = 0}. Three outputs: the
 * hidden states {@code [N, T, H]}, the last hidden state and the last cell state {@code [N, H]}.
 *
 * <p>The same arithmetic as the composite (unbind, a matmul and an add per step, {@link LstmCell},
 * stack), as one graph node: each step's gates are the projection with the recurrent product added
 * in the GEMM (beta 1) instead of a separate sum, and in backward the recurrent weights' gradient
 * {@code sum_t dgates_t^T h_{t-1}} is one GEMM over all steps ({@code [4H, T N] x [T N, H]}) instead
 * of a product and a sum per step. Backward, from the last step to the first:
 * {@code dh_t = grad_seq[:, t] + (dgates_{t+1} W_hh)} (and {@code grad_h} at the last step),
 * the cell's adjoint gives {@code dgates_t} and {@code dc_{t-1}}; {@code d p[:, t] = dgates_t}.
 */
final class LstmSequence extends Function {
    private int n;
    private int steps;
    private int hidden;

    static List<Tensor> apply(Tensor projected, Tensor whh) {
        Kernels.checkCompatible("lstm_sequence", projected, whh);
        if (projected.rank() != 3 || whh.rank() != 2 || whh.dim(0) != 4 * whh.dim(1) || projected.dim(2) != whh.dim(0)) {
            throw new IllegalArgumentException("lstm_sequence: projections " + Shapes.str(projected.shape())
                    + " and recurrent weights " + Shapes.str(whh.shape()) + " must be [N, T, 4H] and [4H, H]");
        }
        if (projected.dim(1) == 0) {
            throw new IllegalArgumentException("lstm_sequence: the input sequence is empty");
        }
        Tensor p = projected.contiguous();
        Tensor w = whh.contiguous();
        int n = p.dim(0);
        int steps = p.dim(1);
        int hidden = w.dim(1);
        Backend be = p.backend();
        // per step, contiguous: activations, cell states (c_{-1} = 0 first), tanh(c), hidden states (h_{-1} = 0 first)
        Tensor act = Tensor.output(be, p.dtype(), steps, n, 4 * hidden);
        Tensor cs = Tensor.output(be, p.dtype(), steps + 1, n, hidden);
        Tensor tanhC = Tensor.output(be, p.dtype(), steps, n, hidden);
        Tensor hs = Tensor.output(be, p.dtype(), steps + 1, n, hidden);
        be.fill(step(cs, 0, n, hidden), 0);
        be.fill(step(hs, 0, n, hidden), 0);
        Tensor gates = Tensor.output(be, p.dtype(), n, 4 * hidden);
        // W_hh^T laid out row-major once, so that each step's product packs it by whole rows
        Tensor wT = Tensor.output(be, p.dtype(), hidden, 4 * hidden);
        be.copy(new View(w.view().buffer(), w.view().offset(), new int[] {hidden, 4 * hidden}, new int[] {1, hidden}),
                wT.view());
        // prepared once for all steps and parts (packed into the product's panels on the CPU)
        PreparedOperand whhT = be.prepareRight(batch1(wT.view()));
        int[] bounds = parts(be, n);
        View pv = p.view();
        // The rows' recurrences are independent: each part of the rows runs all its steps as one task.
        be.runParts(bounds.length - 1, part -> {
            int r0 = bounds[part];
            int rows = bounds[part + 1] - r0;
            View g = View.contiguous(gates.view().buffer(), r0 * 4 * hidden, rows, 4 * hidden);
            for (int t = 0; t < steps; t++) {
                be.copy(new View(pv.buffer(), pv.offset() + r0 * steps * 4 * hidden + t * 4 * hidden,
                        new int[] {rows, 4 * hidden}, new int[] {steps * 4 * hidden, 1}), g);
                if (t > 0) {
                    be.gemm(batch1(rowsOf(hs, t, n, r0, rows, hidden)), whhT, batch1(g), 1.0, 1.0);
                }
                be.lstmCell(g, rowsOf(cs, t, n, r0, rows, hidden), rowsOf(act, t, n, r0, rows, 4 * hidden),
                        rowsOf(cs, t + 1, n, r0, rows, hidden), rowsOf(tanhC, t, n, r0, rows, hidden),
                        rowsOf(hs, t + 1, n, r0, rows, hidden));
            }
        });
        whhT.close();
        gates.storage().close();
        wT.storage().close();
        Tensor seq = Tensor.output(be, p.dtype(), n, steps, hidden);
        // hs[1..T] is [T, N, H]; seq is its [N, T, H] permutation
        be.copy(new View(hs.view().buffer(), n * hidden, new int[] {n, steps, hidden}, new int[] {hidden, n * hidden, 1}),
                seq.view());
        Tensor hLast = Tensor.output(be, p.dtype(), n, hidden);
        be.copy(step(hs, steps, n, hidden), hLast.view());
        Tensor cLast = Tensor.output(be, p.dtype(), n, hidden);
        be.copy(step(cs, steps, n, hidden), cLast.view());
        if (needsGraph(projected, whh)) {
            LstmSequence fn = new LstmSequence();
            fn.n = n;
            fn.steps = steps;
            fn.hidden = hidden;
            fn.save(act, cs, tanhC, hs, w);
            fn.attachAll(new Tensor[] {seq, hLast, cLast}, projected, whh);
        } else {
            act.storage().close();
            cs.storage().close();
            tanhC.storage().close();
            hs.storage().close();
        }
        return List.of(seq, hLast, cLast);
    }

    /** Step {@code t} of a contiguous {@code [T, N, width]} tensor, as a {@code [N, width]} view. */
    private static View step(Tensor t, int index, int n, int width) {
        return View.contiguous(t.view().buffer(), index * n * width, n, width);
    }

    /** Rows {@code [r0, r0 + rows)} of step {@code index} of a contiguous {@code [T, N, width]} tensor. */
    private static View rowsOf(Tensor t, int index, int n, int r0, int rows, int width) {
        return View.contiguous(t.view().buffer(), (index * n + r0) * width, rows, width);
    }

    /**
     * Row boundaries of the parts the recurrence is cut into: as many as the backend runs at once,
     * with at least 16 rows each. The values do not depend on the cut (each row's products and cell
     * are computed alike in any part), so results do not depend on the number of threads.
     */
    private static int[] parts(Backend be, int n) {
        int parts = Math.max(1, Math.min(be.parallelParts(), n / 16));
        int[] bounds = new int[parts + 1];
        for (int i = 0; i <= parts; i++) {
            bounds[i] = (int) ((long) n * i / parts);
        }
        return bounds;
    }

    /** A {@code [m, k]} view as a one-entry batch {@code [1, m, k]}, as the backend's GEMM takes it. */
    private static View batch1(View v) {
        return new View(v.buffer(), v.offset(), new int[] {1, v.shape()[0], v.shape()[1]},
                new int[] {0, v.strides()[0], v.strides()[1]});
    }

    @Override
    Tensor[] backward(Tensor grad) {
        throw new AssertionError("lstm_sequence has three outputs");
    }

    @Override
    Tensor[] backwardAll(Tensor[] grads) {
        Tensor act = saved(0);
        Tensor cs = saved(1);
        Tensor tanhC = saved(2);
        Tensor hs = saved(3);
        Tensor w = saved(4);
        Backend be = act.backend();
        Tensor dGates = Tensor.output(be, act.dtype(), steps, n, 4 * hidden);
        Tensor dh = Tensor.output(be, act.dtype(), n, hidden);
        Tensor dc = Tensor.output(be, act.dtype(), n, hidden);
        Tensor dcPrev = Tensor.output(be, act.dtype(), n, hidden);
        View gSeq = grads[0] == null ? null : grads[0].contiguous().view();
        if (grads[1] == null) {
            be.fill(dh.view(), 0);
        } else {
            be.copy(grads[1].view(), dh.view());
        }
        boolean dcGiven = grads[2] != null;
        if (dcGiven) {
            be.copy(grads[2].view(), dc.view());
        }
        PreparedOperand wv = be.prepareRight(
                new View(w.view().buffer(), w.view().offset(), new int[] {1, 4 * hidden, hidden}, new int[] {0, hidden, 1}));
        int[] bounds = parts(be, n);
        Tensor dcA = dc;
        Tensor dcB = dcPrev;
        be.runParts(bounds.length - 1, part -> {
            int r0 = bounds[part];
            int rows = bounds[part + 1] - r0;
            View dhv = View.contiguous(dh.view().buffer(), r0 * hidden, rows, hidden);
            View dcIn = View.contiguous(dcA.view().buffer(), r0 * hidden, rows, hidden);
            View dcOut = View.contiguous(dcB.view().buffer(), r0 * hidden, rows, hidden);
            boolean haveDc = dcGiven;
            for (int t = steps - 1; t >= 0; t--) {
                if (gSeq != null) {
                    View g = new View(gSeq.buffer(), gSeq.offset() + r0 * steps * hidden + t * hidden, new int[] {rows, hidden},
                            new int[] {steps * hidden, 1});
                    be.binary(BinaryOp.ADD, dhv, g, dhv);
                }
                be.lstmCellBackward(rowsOf(act, t, n, r0, rows, 4 * hidden), rowsOf(cs, t, n, r0, rows, hidden),
                        rowsOf(tanhC, t, n, r0, rows, hidden), dhv, haveDc ? dcIn : null,
                        rowsOf(dGates, t, n, r0, rows, 4 * hidden), dcOut);
                View swap = dcIn;
                dcIn = dcOut;
                dcOut = swap;
                haveDc = true;
                if (t > 0) {
                    be.gemm(batch1(rowsOf(dGates, t, n, r0, rows, 4 * hidden)), wv, batch1(dhv), 1.0, 0.0);
                }
            }
        });
        wv.close();
        dh.storage().close();
        dc.storage().close();
        dcPrev.storage().close();
        Tensor dProjected = null;
        if (needsInputGrad(0)) {
            dProjected = Tensor.output(be, act.dtype(), n, steps, 4 * hidden);
            be.copy(new View(dGates.view().buffer(), 0, new int[] {n, steps, 4 * hidden}, new int[] {4 * hidden, n * 4 * hidden, 1}),
                    dProjected.view());
        }
        Tensor dW = null;
        if (needsInputGrad(1)) {
            // sum over steps and rows of dgates_t^T h_{t-1} (h_{t-1} = hs[t]), computed transposed,
            // [H, T N] x [T N, 4H], so that the long operand dGates is packed by whole rows; then laid out
            dW = Tensor.output(be, act.dtype(), 4 * hidden, hidden);
            Tensor dWT = Tensor.output(be, act.dtype(), hidden, 4 * hidden);
            int rows = steps * n;
            be.gemm(new View(hs.view().buffer(), 0, new int[] {1, hidden, rows}, new int[] {0, 1, hidden}),
                    View.contiguous(dGates.view().buffer(), 0, 1, rows, 4 * hidden), batch1(dWT.view()), 1.0, 0.0);
            be.copy(new View(dWT.view().buffer(), 0, new int[] {4 * hidden, hidden}, new int[] {1, 4 * hidden}), dW.view());
            dWT.storage().close();
        }
        dGates.storage().close();
        return new Tensor[] {dProjected, dW};
    }
}
