package org.lethe.models;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.lethe.engine.Rng;
import org.lethe.engine.Tensor;
import org.lethe.models.nn.BatchNorm2d;
import org.lethe.models.nn.Conv2d;
import org.lethe.models.nn.GlobalAvgPool2d;
import org.lethe.models.nn.Linear;
import org.lethe.models.nn.Relu;
import org.lethe.models.nn.Sequential;

/**
 * The paper's AllCNN regressor: eight blocks {@code convK = Sequential(Conv2d(bias=False),
 * BatchNorm2d, ReLU)} with {@code int(96 w)} channels for blocks 1-2 and {@code int(192 w)} for 3-8,
 * 3x3 kernels (padding 1) except the 1x1 block 8, stride 2 in blocks 3 and 6, then average pooling
 * over the remaining map and {@code classifier = Sequential(Linear(int(192 w), 1))}. At width 1 this
 * is the paper's network (its AvgPool2d(8) on 32x32 inputs equals the global average used here).
 * Activations: the output of each block, {@code conv1 ... conv8}.
 */
public final class AllCnn extends RegressionModel {
    private final int channels;
    private final int size;
    private final double width;
    private final List<Sequential> blocks = new ArrayList<>();
    private final GlobalAvgPool2d pool = new GlobalAvgPool2d();
    private final Sequential classifier;

    public AllCnn(int channels, int size, double width, Rng rng) {
        if (channels <= 0 || size <= 0 || !(width > 0)) {
            throw new IllegalArgumentException("AllCNN: channels, image size and width must be positive");
        }
        this.channels = channels;
        this.size = size;
        this.width = width;
        int f1 = Math.max(1, (int) (96 * width));
        int f2 = Math.max(1, (int) (192 * width));
        int[][] plan = {{channels, f1, 3, 1}, {f1, f1, 3, 1}, {f1, f2, 3, 2}, {f2, f2, 3, 1}, {f2, f2, 3, 1},
            {f2, f2, 3, 2}, {f2, f2, 3, 1}, {f2, f2, 1, 1}};
        for (int k = 0; k < plan.length; k++) {
            int[] p = plan[k];
            blocks.add(child("conv" + (k + 1), new Sequential(new Conv2d(p[0], p[1], p[2], p[3], p[2] / 2, false, rng),
                    new BatchNorm2d(p[1]), new Relu())));
        }
        this.classifier = child("classifier", new Sequential(new Linear(f2, 1, rng)));
    }

    @Override
    public ModelOutput forward(Tensor x) {
        List<Activation> acts = new ArrayList<>();
        Tensor h = x;
        for (int k = 0; k < blocks.size(); k++) {
            h = blocks.get(k).forward(h);
            acts.add(new Activation("conv" + (k + 1), h));
        }
        Tensor pooled = pool.forward(h);
        return new ModelOutput(classifier.forward(pooled), acts, pooled);
    }

    /** The final linear layer ({@code classifier}). */
    public Sequential classifier() {
        return classifier;
    }

    @Override
    public ModelSpec spec() {
        return new ModelSpec("allcnn", Map.of("channels", channels, "size", size, "width", width));
    }

    @Override
    public int[] inputShape() {
        return new int[] {channels, size, size};
    }
}
