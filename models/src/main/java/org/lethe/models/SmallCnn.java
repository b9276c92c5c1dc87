package org.lethe.models;

import java.util.List;
import java.util.Map;
import org.lethe.engine.Functional;
import org.lethe.engine.Rng;
import org.lethe.engine.Tensor;
import org.lethe.models.nn.Conv2d;
import org.lethe.models.nn.Linear;

/**
 * A compact CNN for single-channel images (28x28 by default): {@code conv1} 3x3 to 16 channels
 * (padding 1), ReLU, 2x2 max pool, {@code conv2} 3x3 to 32, ReLU, 2x2 max pool, {@code fc1} to 64,
 * ReLU, {@code fc2} to 1. Activations: {@code conv1}, {@code conv2} (after ReLU) and {@code fc1}.
 */
public final class SmallCnn extends RegressionModel {
    private final int size;
    private final Conv2d conv1;
    private final Conv2d conv2;
    private final Linear fc1;
    private final Linear fc2;

    public SmallCnn(int size, Rng rng) {
        if (size < 4 || size % 4 != 0) {
            throw new IllegalArgumentException("SmallCNN: image size must be a positive multiple of 4, got " + size);
        }
        this.size = size;
        conv1 = child("conv1", new Conv2d(1, 16, 3, 1, 1, true, rng));
        conv2 = child("conv2", new Conv2d(16, 32, 3, 1, 1, true, rng));
        fc1 = child("fc1", new Linear(32 * (size / 4) * (size / 4), 64, rng));
        fc2 = child("fc2", new Linear(64, 1, rng));
    }

    @Override
    public ModelOutput forward(Tensor x) {
        Tensor a1 = conv1.forwardRelu(x);
        Tensor a2 = conv2.forwardRelu(Functional.maxPool2d(a1, 2, 2, 0));
        Tensor a3 = fc1.forwardRelu(Functional.maxPool2d(a2, 2, 2, 0).flatten(1));
        return new ModelOutput(fc2.forward(a3), List.of(new Activation("conv1", a1), new Activation("conv2", a2),
                new Activation("fc1", a3)), a3);
    }

    @Override
    public ModelSpec spec() {
        return new ModelSpec("smallcnn", Map.of("size", size));
    }

    @Override
    public int[] inputShape() {
        return new int[] {1, size, size};
    }
}
