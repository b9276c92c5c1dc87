package org.lethe.models;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.lethe.engine.Rng;
import org.lethe.engine.Tensor;
import org.lethe.models.nn.Dropout;
import org.lethe.models.nn.Embedding;
import org.lethe.models.nn.Linear;
import org.lethe.models.nn.Lstm;

/**
 * The paper's siamese LSTM for pairs of texts, reading characters here (no pretrained word vectors
 * can be had): input {@code [N, 2, T]} ids; a shared {@code embedding} and {@code lstm} read each side;
 * the two last hidden states are concatenated, passed through dropout 0.3 and
 * {@code fc1..fc5} = 128-64-32-16-1 with ReLU between. Activations: the LSTM sequences
 * {@code lstm_a}, {@code lstm_b} and the hidden outputs {@code fc1 ... fc4}.
 */
public final class SiameseLstm extends RegressionModel {
    private static final int[] HEAD = {128, 64, 32, 16};
    private final int length;
    private final int vocabulary;
    private final int embedding;
    private final int hidden;
    private final Embedding embed;
    private final Lstm lstm;
    private final Dropout dropout;
    private final List<Linear> fcs = new ArrayList<>();

    public SiameseLstm(int length, int vocabulary, int embedding, int hidden, Rng rng) {
        this.length = length;
        this.vocabulary = vocabulary;
        this.embedding = embedding;
        this.hidden = hidden;
        embed = child("embedding", new Embedding(vocabulary, embedding, rng));
        lstm = child("lstm", new Lstm(embedding, hidden, 1, 0, rng));
        dropout = child("dropout", new Dropout(0.3, rng));
        int in = 2 * hidden;
        for (int k = 0; k < HEAD.length; k++) {
            fcs.add(child("fc" + (k + 1), new Linear(in, HEAD[k], rng)));
            in = HEAD[k];
        }
        fcs.add(child("fc5", new Linear(in, 1, rng)));
    }

    @Override
    public ModelOutput forward(Tensor pairs) {
        if (pairs.rank() != 3 || pairs.dim(1) != 2) {
            throw new IllegalArgumentException("siamese LSTM: input must be [N, 2, T] ids, got "
                    + java.util.Arrays.toString(pairs.shape()));
        }
        List<Tensor> sides = pairs.unbind(1);
        Lstm.Output a = lstm.forward(embed.forward(sides.get(0)));
        Lstm.Output b = lstm.forward(embed.forward(sides.get(1)));
        List<Activation> acts = new ArrayList<>();
        acts.add(new Activation("lstm_a", a.sequence()));
        acts.add(new Activation("lstm_b", b.sequence()));
        Tensor h = dropout.forward(Tensor.concat(List.of(a.lastHidden(), b.lastHidden()), 1));
        for (int k = 0; k < HEAD.length; k++) {
            h = fcs.get(k).forwardRelu(h);
            acts.add(new Activation("fc" + (k + 1), h));
        }
        return new ModelOutput(fcs.get(HEAD.length).forward(h), acts, h);
    }

    @Override
    public ModelSpec spec() {
        return new ModelSpec("siamese", Map.of("length", length, "vocabulary", vocabulary, "embedding", embedding,
                "hidden", hidden));
    }

    @Override
    public int[] inputShape() {
        return new int[] {2, length};
    }
}
