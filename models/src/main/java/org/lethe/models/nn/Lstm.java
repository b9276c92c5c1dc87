package org.lethe.models.nn;

import java.util.ArrayList;
import java.util.List;
import org.lethe.engine.Functional;
import org.lethe.engine.Rng;
import org.lethe.engine.Tensor;

/**
 * A batch-first LSTM with PyTorch's weight layout, gate order and initialisation: per layer
 * {@code weight_ih_l{k} [4H, in]}, {@code weight_hh_l{k} [4H, H]}, {@code bias_ih_l{k}},
 * {@code bias_hh_l{k} [4H]}, rows ordered input, forget, cell, output gates; all uniform in
 * {@code +-1/sqrt(H)}. With zero initial state, per step:
 * {@code i,f,g,o = split(x W_ih^T + b_ih + h W_hh^T + b_hh)}, {@code c = sigmoid(f) c + sigmoid(i) tanh(g)},
 * {@code h = sigmoid(o) tanh(c)}. The input projection of all steps is one matrix product; each step
 * is a product with {@code W_hh} and the fused cell ({@link Functional#lstmCell}).
 */
public final class Lstm extends Module {
    /** The output sequence {@code [N, T, H]} of the last layer and its final state {@code [N, H]}. */
    public record Output(Tensor sequence, Tensor lastHidden, Tensor lastCell) {
    }

    private final int inputSize;
    private final int hidden;
    private final int layers;
    private final double dropout;
    private final List<Tensor[]> weights = new ArrayList<>();
    private final Rng dropoutRng;

    public Lstm(int inputSize, int hidden, int layers, double dropout, Rng rng) {
        if (inputSize <= 0 || hidden <= 0 || layers <= 0) {
            throw new IllegalArgumentException("LSTM: sizes must be positive, got input " + inputSize + ", hidden " + hidden
                    + ", layers " + layers);
        }
        for (int k = 0; k < layers; k++) {
            ParameterBudget.reserve("LSTM layer " + k, 4L * hidden, (k == 0 ? inputSize : hidden) + hidden + 2L);
        }
        this.inputSize = inputSize;
        this.hidden = hidden;
        this.layers = layers;
        this.dropout = dropout;
        double bound = 1.0 / Math.sqrt(hidden);
        for (int k = 0; k < layers; k++) {
            int in = k == 0 ? inputSize : hidden;
            Tensor wih = parameter("weight_ih_l" + k, uniform(rng, bound, 4 * hidden, in));
            Tensor whh = parameter("weight_hh_l" + k, uniform(rng, bound, 4 * hidden, hidden));
            Tensor bih = parameter("bias_ih_l" + k, uniform(rng, bound, 4 * hidden));
            Tensor bhh = parameter("bias_hh_l" + k, uniform(rng, bound, 4 * hidden));
            weights.add(new Tensor[] {wih, whh, bih, bhh});
        }
        this.dropoutRng = rng.split();
    }

    private static Tensor uniform(Rng rng, double bound, int... shape) {
        return Tensor.uniform(rng, -bound, bound, org.lethe.kernels.DType.FLOAT32, shape);
    }

    public int hiddenSize() {
        return hidden;
    }

    /** Runs the sequence {@code x [N, T, in]} from a zero state. */
    public Output forward(Tensor x) {
        if (x.rank() != 3 || x.dim(2) != inputSize) {
            throw new IllegalArgumentException("LSTM: input must be [N, T, " + inputSize + "], got "
                    + java.util.Arrays.toString(x.shape()));
        }
        int t = x.dim(1);
        if (t == 0) {
            throw new IllegalArgumentException("LSTM: the input sequence is empty");
        }
        Tensor seq = x;
        Tensor h = null;
        Tensor c = null;
        for (int k = 0; k < layers; k++) {
            Tensor[] w = weights.get(k);
            if (k > 0 && dropout > 0) {
                seq = Functional.dropout(seq, dropout, isTraining(), dropoutRng);
            }
            Tensor projected = Functional.linear(seq, w[0], w[2].add(w[3]));
            List<Tensor> out = Functional.lstmSequence(projected, w[1]);
            seq = out.get(0);
            h = out.get(1);
            c = out.get(2);
        }
        return new Output(seq, h, c);
    }

    @Override
    protected Module newInstance(Rng rng) {
        return new Lstm(inputSize, hidden, layers, dropout, rng);
    }
}
