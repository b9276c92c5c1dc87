package org.lethe.models.nn;

import java.util.ArrayList;
import java.util.List;
import org.lethe.engine.Rng;
import org.lethe.engine.Tensor;

/** Layers applied in order, named {@code 0, 1, 2, ...} as in PyTorch. */
public final class Sequential extends Layer {
    private final List<Layer> layers;

    public Sequential(List<Layer> layers) {
        this.layers = new ArrayList<>(layers);
        for (int i = 0; i < layers.size(); i++) {
            child(Integer.toString(i), layers.get(i));
        }
    }

    public Sequential(Layer... layers) {
        this(List.of(layers));
    }

    @Override
    public Tensor forward(Tensor x) {
        for (Layer l : layers) {
            x = l.forward(x);
        }
        return x;
    }

    public Layer get(int i) {
        return layers.get(i);
    }

    public int size() {
        return layers.size();
    }

    @Override
    protected Module newInstance(Rng rng) {
        List<Layer> copies = new ArrayList<>();
        for (Layer l : layers) {
            copies.add((Layer) l.newInstance(rng));
        }
        return new Sequential(copies);
    }
}
