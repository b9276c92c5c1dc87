package org.lethe.engine.examples;

import java.util.List;
import java.util.Locale;
import org.lethe.engine.Functional;
import org.lethe.engine.GradMode;
import org.lethe.engine.Reduction;
import org.lethe.engine.Rng;
import org.lethe.engine.Tensor;
import org.lethe.engine.TensorScope;
import org.lethe.engine.optim.Adam;
import org.lethe.engine.optim.ReduceLROnPlateau;
import org.lethe.kernels.Backends;
import org.lethe.kernels.DType;

/**
 * A small end-to-end run of the engine, the main job until the command line exists: a two-layer
 * MLP written directly with tensors learns {@code y = 2 sigmoid(3 x1) - 1 + x2^2 - x1 x2} from 4,096 noisy
 * samples, with Adam, mini-batches, a validation split and ReduceLROnPlateau, and prints one line
 * per epoch. Arguments: {@code [epochs] [seed]}.
 */
public final class FitDemo {
    private FitDemo() {
    }

    public static void main(String[] args) {
        int epochs = args.length > 0 ? parse(args[0], "epochs") : 30;
        long seed = args.length > 1 ? parse(args[1], "seed") : 1;
        Rng rng = new Rng(seed);
        System.out.println("Lethe engine demo on " + Backends.defaultBackend().description() + ", seed " + seed);

        int n = 4096;
        int nTrain = 3584;
        Tensor x = Tensor.uniform(rng, -1.5, 1.5, DType.FLOAT32, n, 2);
        Tensor x1 = x.slice(1, 0, 1);
        Tensor x2 = x.slice(1, 1, 2);
        Tensor y = x1.mul(3.0).sigmoid().mul(2.0).sub(1.0).add(x2.square()).sub(x1.mul(x2))
                .add(Tensor.normal(rng, 0, 0.05, DType.FLOAT32, n, 1));
        Tensor xTrain = x.slice(0, 0, nTrain);
        Tensor yTrain = y.slice(0, 0, nTrain);
        Tensor xVal = x.slice(0, nTrain, n);
        Tensor yVal = y.slice(0, nTrain, n);

        int hidden = 64;
        double bound1 = 1 / Math.sqrt(2);
        double bound2 = 1 / Math.sqrt(hidden);
        Tensor w1 = Tensor.uniform(rng, -bound1, bound1, DType.FLOAT32, hidden, 2).requiresGrad(true);
        Tensor b1 = Tensor.uniform(rng, -bound1, bound1, DType.FLOAT32, hidden).requiresGrad(true);
        Tensor w2 = Tensor.uniform(rng, -bound2, bound2, DType.FLOAT32, 1, hidden).requiresGrad(true);
        Tensor b2 = Tensor.uniform(rng, -bound2, bound2, DType.FLOAT32, 1).requiresGrad(true);
        Adam adam = new Adam(List.of(w1, b1, w2, b2), 0.01);
        ReduceLROnPlateau plateau = new ReduceLROnPlateau(adam, ReduceLROnPlateau.Config.defaults().withPatience(3));

        int batch = 256;
        long start = System.nanoTime();
        for (int epoch = 1; epoch <= epochs; epoch++) {
            int[] order = rng.permutation(nTrain);
            double trainLoss = 0;
            for (int b0 = 0; b0 < nTrain; b0 += batch) {
                int[] idx = java.util.Arrays.copyOfRange(order, b0, Math.min(nTrain, b0 + batch));
                try (TensorScope step = TensorScope.open()) {
                    adam.zeroGrad();
                    Tensor pred = forward(xTrain.indexSelect(0, idx), w1, b1, w2, b2);
                    Tensor loss = Functional.mseLoss(pred, yTrain.indexSelect(0, idx), Reduction.MEAN);
                    loss.backward();
                    adam.step();
                    trainLoss += loss.item() * idx.length;
                }
            }
            double valLoss;
            try (TensorScope s = TensorScope.open(); GradMode.Guard g = GradMode.noGrad()) {
                valLoss = Functional.mseLoss(forward(xVal, w1, b1, w2, b2), yVal, Reduction.MEAN).item();
            }
            plateau.step(valLoss);
            double elapsed = (System.nanoTime() - start) / 1e9;
            System.out.printf(Locale.ROOT, "epoch %3d/%d  train mse %.5f  val mse %.5f  lr %.4g  %.1fs, about %.0fs left%n",
                    epoch, epochs, trainLoss / nTrain, valLoss, adam.learningRate(), elapsed,
                    elapsed / epoch * (epochs - epoch));
        }
    }

    private static Tensor forward(Tensor x, Tensor w1, Tensor b1, Tensor w2, Tensor b2) {
        return Functional.linear(Functional.linear(x, w1, b1).tanh(), w2, b2);
    }

    private static int parse(String s, String what) {
        try {
            int v = Integer.parseInt(s);
            if (v > 0) {
                return v;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        System.err.println("lethe: " + what + " must be a positive integer, got '" + s + "'");
        System.exit(2);
        return 0;
    }
}
