package org.lethe.models;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.lethe.engine.Rng;
import org.lethe.engine.Tensor;
import org.lethe.models.nn.BatchNorm2d;
import org.lethe.models.nn.Conv2d;
import org.lethe.models.nn.GlobalAvgPool2d;
import org.lethe.models.nn.Layer;
import org.lethe.models.nn.Linear;
import org.lethe.models.nn.MaxPool2d;
import org.lethe.models.nn.Module;
import org.lethe.models.nn.Sequential;

/**
 * A ResNet-18 layout regressor with torchvision's names ({@code conv1, bn1, layer1.0.conv1, ...,
 * layer2.0.downsample.0, fc}): four stages of two basic blocks with {@code 64, 128, 256, 512} times
 * {@code width} channels, global average pooling, {@code fc} to one output. The stem is torchvision's
 * (7x7 stride 2 and a 3x3 max pool) or, for small images, a 3x3 stride-1 convolution without pooling
 * (the usual CIFAR variant). Layers use PyTorch's default initialisation. Activations: the output of
 * each stage, {@code layer1 ... layer4}.
 */
public final class ResNet18 extends RegressionModel {
    private final int channels;
    private final int size;
    private final double width;
    private final boolean smallStem;
    private final Conv2d conv1;
    private final BatchNorm2d bn1;
    private final MaxPool2d maxpool;
    private final List<Sequential> stages = new ArrayList<>();
    private final Linear fc;

    /** One basic block: two 3x3 convolutions with batch norm, and a projected shortcut when the shape changes. */
    static final class BasicBlock extends Layer {
        private final int in;
        private final int out;
        private final int stride;
        private final Conv2d conv1;
        private final BatchNorm2d bn1;
        private final Conv2d conv2;
        private final BatchNorm2d bn2;
        private final Sequential downsample;

        BasicBlock(int in, int out, int stride, Rng rng) {
            this.in = in;
            this.out = out;
            this.stride = stride;
            conv1 = child("conv1", new Conv2d(in, out, 3, stride, 1, false, rng));
            bn1 = child("bn1", new BatchNorm2d(out));
            conv2 = child("conv2", new Conv2d(out, out, 3, 1, 1, false, rng));
            bn2 = child("bn2", new BatchNorm2d(out));
            downsample = stride != 1 || in != out
                    ? child("downsample", new Sequential(new Conv2d(in, out, 1, stride, 0, false, rng), new BatchNorm2d(out)))
                    : null;
        }

        @Override
        public Tensor forward(Tensor x) {
            Tensor y = bn2.forward(conv2.forward(bn1.forward(conv1.forward(x)).relu()));
            return y.add(downsample == null ? x : downsample.forward(x)).relu();
        }

        @Override
        protected Module newInstance(Rng rng) {
            return new BasicBlock(in, out, stride, rng);
        }
    }

    public ResNet18(int channels, int size, double width, boolean smallStem, Rng rng) {
        if (channels <= 0 || size <= 0 || !(width > 0)) {
            throw new IllegalArgumentException("ResNet18: channels, image size and width must be positive");
        }
        this.channels = channels;
        this.size = size;
        this.width = width;
        this.smallStem = smallStem;
        int base = Math.max(1, (int) (64 * width));
        conv1 = child("conv1", smallStem ? new Conv2d(channels, base, 3, 1, 1, false, rng)
                : new Conv2d(channels, base, 7, 2, 3, false, rng));
        bn1 = child("bn1", new BatchNorm2d(base));
        maxpool = smallStem ? null : new MaxPool2d(3, 2, 1);
        int in = base;
        for (int s = 0; s < 4; s++) {
            int out = Math.max(1, (int) (64 * width) << s);
            int stride = s == 0 ? 1 : 2;
            stages.add(child("layer" + (s + 1), new Sequential(new BasicBlock(in, out, stride, rng),
                    new BasicBlock(out, out, 1, rng))));
            in = out;
        }
        fc = child("fc", new Linear(in, 1, rng));
    }

    @Override
    public ModelOutput forward(Tensor x) {
        Tensor h = bn1.forward(conv1.forward(x)).relu();
        if (maxpool != null) {
            h = maxpool.forward(h);
        }
        List<Activation> acts = new ArrayList<>();
        for (int s = 0; s < stages.size(); s++) {
            h = stages.get(s).forward(h);
            acts.add(new Activation("layer" + (s + 1), h));
        }
        Tensor pooled = new GlobalAvgPool2d().forward(h);
        return new ModelOutput(fc.forward(pooled), acts, pooled);
    }

    @Override
    public ModelSpec spec() {
        return new ModelSpec("resnet18", Map.of("channels", channels, "size", size, "width", width, "small_stem", smallStem));
    }

    @Override
    public int[] inputShape() {
        return new int[] {channels, size, size};
    }
}
