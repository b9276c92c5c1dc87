package org.lethe.models.nn;

import org.lethe.engine.Rng;
import org.lethe.engine.Tensor;
import org.lethe.kernels.DType;

/**
 * A lookup table {@code weight [vocabulary, dim]} initialised from N(0, 1) as PyTorch's. Input: a
 * tensor of integer ids (any shape, stored as floats); output: that shape plus {@code dim}. The ids
 * are read to the host to select rows.
 */
public final class Embedding extends Layer {
    private final int vocabulary;
    private final int dim;
    private final Tensor weight;

    public Embedding(int vocabulary, int dim, Rng rng) {
        if (vocabulary <= 0 || dim <= 0) {
            throw new IllegalArgumentException("Embedding: sizes must be positive, got " + vocabulary + " x " + dim);
        }
        ParameterBudget.reserve("Embedding", vocabulary, dim);
        this.vocabulary = vocabulary;
        this.dim = dim;
        this.weight = parameter("weight", Tensor.randn(rng, DType.FLOAT32, vocabulary, dim));
    }

    @Override
    public Tensor forward(Tensor ids) {
        double[] v = ids.toDoubleArray();
        int[] index = new int[v.length];
        for (int i = 0; i < v.length; i++) {
            int id = (int) v[i];
            if (id != v[i] || id < 0 || id >= vocabulary) {
                throw new IllegalArgumentException("Embedding: id " + v[i] + " is not an integer in [0, " + vocabulary + ")");
            }
            index[i] = id;
        }
        int[] shape = java.util.Arrays.copyOf(ids.shape(), ids.rank() + 1);
        shape[ids.rank()] = dim;
        return weight.indexSelect(0, index).reshape(shape);
    }

    public int dim() {
        return dim;
    }

    @Override
    protected Module newInstance(Rng rng) {
        return new Embedding(vocabulary, dim, rng);
    }
}
