package org.lethe.models;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.lethe.engine.Rng;
import org.lethe.engine.Tensor;
import org.lethe.models.nn.Dropout;
import org.lethe.models.nn.Layer;
import org.lethe.models.nn.Linear;
import org.lethe.models.nn.Relu;
import org.lethe.models.nn.Sequential;

/**
 * Multi-layer perceptron: {@code inputs -> hidden[0] -> ... -> 1} with ReLU (and optional dropout)
 * after each hidden layer, as {@code layers = nn.Sequential(Linear, ReLU, [Dropout], ..., Linear)}.
 * Activations: the post-ReLU output of each hidden layer ({@code hidden1, hidden2, ...}).
 */
public final class Mlp extends RegressionModel {
    private final int inputs;
    private final int[] hidden;
    private final double dropout;
    private final Sequential layers;
    private final List<Integer> activationAt = new ArrayList<>();

    public Mlp(int inputs, int[] hidden, double dropout, Rng rng) {
        if (inputs <= 0 || hidden.length == 0) {
            throw new IllegalArgumentException("MLP: needs a positive input size and at least one hidden layer");
        }
        if (!(dropout >= 0 && dropout <= 1)) {
            throw new IllegalArgumentException("MLP: dropout must be in [0, 1], got " + dropout);
        }
        this.inputs = inputs;
        this.hidden = hidden.clone();
        this.dropout = dropout;
        List<Layer> list = new ArrayList<>();
        int in = inputs;
        for (int width : hidden) {
            list.add(new Linear(in, width, rng));
            list.add(new Relu());
            activationAt.add(list.size() - 1);
            if (dropout > 0) {
                list.add(new Dropout(dropout, rng));
            }
            in = width;
        }
        list.add(new Linear(in, 1, rng));
        this.layers = child("layers", new Sequential(list));
    }

    @Override
    public ModelOutput forward(Tensor x) {
        List<Activation> acts = new ArrayList<>();
        Tensor h = x;
        int last = layers.size() - 1;
        for (int i = 0; i < last; i++) {
            if (layers.get(i) instanceof Linear lin && layers.get(i + 1) instanceof Relu) {
                h = lin.forwardRelu(h); // the layer and its ReLU in one operation
                i++;
            } else {
                h = layers.get(i).forward(h);
            }
            if (activationAt.contains(i)) {
                acts.add(new Activation("hidden" + (acts.size() + 1), h));
            }
        }
        return new ModelOutput(layers.get(last).forward(h), acts, h);
    }

    @Override
    public ModelSpec spec() {
        List<Integer> widths = new ArrayList<>();
        for (int w : hidden) {
            widths.add(w);
        }
        return new ModelSpec("mlp", Map.of("inputs", inputs, "hidden", widths, "dropout", dropout));
    }

    @Override
    public int[] inputShape() {
        return new int[] {inputs};
    }
}
