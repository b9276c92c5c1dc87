package org.lethe.engine;

import java.util.List;
import org.lethe.kernels.View;

/**
 * One LSTM step from gate pre-activations {@code a [N, 4H]} (input, forget, cell, output) and the
 * previous cell state {@code c' [N, H]}: {@code i, f, o = sigmoid}, {@code g = tanh} of the four
 * blocks, {@code c = f c' + i g}, {@code h = o tanh(c)}; two outputs {@code h, c}. The fused form of
 * the composite (split, three sigmoids, two tanh, three products, a sum), tested equal to it.
 * Backward, with {@code t = tanh(c)} and {@code dc = grad_c + grad_h o (1 - t^2)}:
 * {@code d a_i = dc g i(1-i)}, {@code d a_f = dc c' f(1-f)}, {@code d a_g = dc i (1-g^2)},
 * {@code d a_o = grad_h t o(1-o)}, {@code d c' = dc f}.
 */
final class LstmCell extends Function {
    static List<Tensor> apply(Tensor gates, Tensor cPrev) {
        Kernels.checkCompatible("lstm_cell", gates, cPrev);
        if (gates.rank() != 2 || cPrev.rank() != 2 || gates.dim(1) != 4 * cPrev.dim(1) || gates.dim(0) != cPrev.dim(0)) {
            throw new IllegalArgumentException("lstm_cell: gates " + Shapes.str(gates.shape()) + " and cell state "
                    + Shapes.str(cPrev.shape()) + " must be [N, 4H] and [N, H]");
        }
        Tensor a = gates.contiguous();
        Tensor cp = cPrev.contiguous();
        int n = a.dim(0);
        int hidden = cp.dim(1);
        Tensor act = Tensor.output(a.backend(), a.dtype(), n, 4 * hidden);
        Tensor c = Tensor.output(a.backend(), a.dtype(), n, hidden);
        Tensor tanhC = Tensor.output(a.backend(), a.dtype(), n, hidden);
        Tensor h = Tensor.output(a.backend(), a.dtype(), n, hidden);
        a.backend().lstmCell(a.view(), cp.view(), act.view(), c.view(), tanhC.view(), h.view());
        if (needsGraph(a, cp)) {
            LstmCell fn = new LstmCell();
            fn.save(act, cp, tanhC);
            fn.attachAll(new Tensor[] {h, c}, a, cp);
        }
        return List.of(h, c);
    }

    @Override
    Tensor[] backward(Tensor grad) {
        throw new AssertionError("lstm_cell has two outputs");
    }

    @Override
    Tensor[] backwardAll(Tensor[] grads) {
        Tensor act = saved(0);
        Tensor cp = saved(1);
        Tensor tanhC = saved(2);
        Tensor gGates = Tensor.output(act.backend(), act.dtype(), act.shape());
        Tensor gC = Tensor.output(act.backend(), act.dtype(), cp.shape());
        View gh = grads[0] == null ? null : grads[0].contiguous().view();
        View gc = grads[1] == null ? null : grads[1].contiguous().view();
        act.backend().lstmCellBackward(act.view(), cp.view(), tanhC.view(), gh, gc, gGates.view(), gC.view());
        return new Tensor[] {gGates, gC};
    }
}
