package org.lethe.models;

import java.util.List;
import java.util.Map;
import org.lethe.engine.Rng;
import org.lethe.engine.Tensor;
import org.lethe.models.nn.Embedding;
import org.lethe.models.nn.Linear;
import org.lethe.models.nn.Lstm;

/**
 * Character-level text regressor: {@code embedding} of character ids {@code [N, T]} (left-padded with
 * id 0, so that the last step is the last character), {@code lstm}, and {@code fc} from the last hidden
 * state to one output. Activations: the LSTM output sequence {@code lstm}.
 */
public final class CharRegressor extends RegressionModel {
    private final int length;
    private final int vocabulary;
    private final int embedding;
    private final int hidden;
    private final Embedding embed;
    private final Lstm lstm;
    private final Linear fc;

    public CharRegressor(int length, int vocabulary, int embedding, int hidden, Rng rng) {
        this.length = length;
        this.vocabulary = vocabulary;
        this.embedding = embedding;
        this.hidden = hidden;
        embed = child("embedding", new Embedding(vocabulary, embedding, rng));
        lstm = child("lstm", new Lstm(embedding, hidden, 1, 0, rng));
        fc = child("fc", new Linear(hidden, 1, rng));
    }

    @Override
    public ModelOutput forward(Tensor ids) {
        Lstm.Output out = lstm.forward(embed.forward(ids));
        return new ModelOutput(fc.forward(out.lastHidden()), List.of(new Activation("lstm", out.sequence())), out.lastHidden());
    }

    @Override
    public ModelSpec spec() {
        return new ModelSpec("char", Map.of("length", length, "vocabulary", vocabulary, "embedding", embedding,
                "hidden", hidden));
    }

    @Override
    public int[] inputShape() {
        return new int[] {length};
    }
}
