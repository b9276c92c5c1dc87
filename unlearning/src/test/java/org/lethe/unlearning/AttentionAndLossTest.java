package org.lethe.unlearning;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.lethe.engine.GradMode;
import org.lethe.engine.Rng;
import org.lethe.engine.Tensor;
import org.lethe.kernels.DType;
import org.lethe.models.Activation;
import org.lethe.models.ModelOutput;
import org.lethe.models.ModelSpec;
import org.lethe.models.RegressionModel;
import org.lethe.models.data.Batch;
import org.lethe.models.data.ForgetSet;
import org.lethe.models.data.Normalizer;
import org.lethe.models.data.RegressionData;
import org.lethe.models.data.Split;
import org.lethe.models.train.Loss;

/** The attention map and its difference against hand-computed values, and a gradient check of the Blindspot loss. */
class AttentionAndLossTest {
    private static Tensor t(double[] v, int... shape) {
        return Tensor.of(DType.FLOAT64, v, shape);
    }

    @Test
    void attentionOfAFeatureMapByHand() {
        // one sample, 2 channels, 1x2 map: x^2 per channel {1,4} and {9,0}; mean over channels {5, 2}; unit length
        Tensor x = t(new double[] {1, 2, 3, 0}, 1, 2, 1, 2);
        double norm = Math.sqrt(25 + 4);
        assertArrayEquals(new double[] {5 / norm, 2 / norm}, Attention.map(x).toDoubleArray(), 1e-15);
        Tensor y = t(new double[] {0, 1, 1, 1}, 1, 2, 1, 2);     // mean of squares {0.5, 1}
        double ny = Math.sqrt(0.25 + 1);
        double d0 = 5 / norm - 0.5 / ny;
        double d1 = 2 / norm - 1 / ny;
        assertEquals((d0 * d0 + d1 * d1) / 2, Attention.difference(x, y).item(), 1e-15);
    }

    @Test
    void lstmOutputsAverageOverTime() {
        // [N=1, T=2, H=2]: mean over time of squares {(1+9)/2, (4+0)/2} = {5, 2}
        Tensor seq = t(new double[] {1, 2, 3, 0}, 1, 2, 2);
        double norm = Math.sqrt(29);
        assertArrayEquals(new double[] {5 / norm, 2 / norm}, Attention.map(seq).toDoubleArray(), 1e-15);
    }

    @Test
    void twoDimensionalAndOneByOneActivationsGiveConstantAttentionAndNoGradient() {
        Tensor flat = t(new double[] {1, -2, 3, 0.5, 0.1, -7}, 2, 3).requiresGrad(true);
        assertArrayEquals(new double[] {1, 1}, Attention.map(flat).toDoubleArray(), 1e-15);
        Tensor other = t(new double[] {4, 4, 4, 1, 2, 3}, 2, 3);
        Tensor ad = Attention.difference(flat, other);
        assertEquals(0, ad.item(), 1e-15);
        ad.backward();
        for (double g : flat.grad().toDoubleArray()) {
            assertEquals(0, g, 1e-12);
        }
        Tensor oneByOne = t(new double[] {2, 3, 5, 7}, 2, 2, 1, 1).requiresGrad(true);
        assertArrayEquals(new double[] {1, 1}, Attention.map(oneByOne).toDoubleArray(), 1e-15);
        Attention.difference(oneByOne, t(new double[] {1, 1, 1, 1}, 2, 2, 1, 1)).backward();
        for (double g : oneByOne.grad().toDoubleArray()) {
            assertEquals(0, g, 1e-12);
        }
    }

    /** A frozen "blindspot" that returns fixed outputs, for checking the loss alone. */
    private static final class Fixed extends RegressionModel {
        private final ModelOutput out;

        Fixed(ModelOutput out) {
            this.out = out;
        }

        @Override
        public ModelOutput forward(Tensor x) {
            return out;
        }

        @Override
        public ModelSpec spec() {
            return new ModelSpec("fixed", Map.of());
        }

        @Override
        public int[] inputShape() {
            return new int[] {1};
        }
    }

    private static UnlearningTask task(int n, Loss loss) {
        RegressionData d = new RegressionData("toy", Tensor.zeros(DType.FLOAT64, n, 1), new double[n], Map.of(), "y", "");
        Split split = new Split(java.util.stream.IntStream.range(0, n).toArray(), new int[0], new int[0], "test", 0);
        ForgetSet f = new ForgetSet("toy", new int[0], new int[0], new int[0], new int[0], new int[0], new int[0], false);
        return new UnlearningTask(d, split, f, loss, Normalizer.identity(), new ModelSpec("fixed", Map.of()));
    }

    private static Tensor lossOf(double[][] v, Tensor y, Batch b, boolean[] mask, RegressionModel teacher, Loss loss) {
        ModelOutput student = new ModelOutput(t(v[0], 4, 1), List.of(new Activation("map", t(v[1], 4, 2, 2, 2)),
                new Activation("seq", t(v[2], 4, 3, 2)), new Activation("flat", t(v[3], 4, 3))));
        return BlindspotUnlearner.loss(task(4, loss), b, student, teacher, mask, 50);
    }

    @Test
    void theBlindspotLossHasTheRightGradient() {
        Rng rng = new Rng(3);
        int[][] shapes = {{4, 1}, {4, 2, 2, 2}, {4, 3, 2}, {4, 3}};
        double[][] v = new double[4][];
        Tensor[] teacherParts = new Tensor[4];
        for (int k = 0; k < 4; k++) {
            v[k] = Tensor.randn(rng, DType.FLOAT64, shapes[k]).toDoubleArray();
            teacherParts[k] = Tensor.randn(rng, DType.FLOAT64, shapes[k]);
        }
        RegressionModel teacher = new Fixed(new ModelOutput(teacherParts[0], List.of(new Activation("map", teacherParts[1]),
                new Activation("seq", teacherParts[2]), new Activation("flat", teacherParts[3]))));
        Tensor y = Tensor.randn(rng, DType.FLOAT64, 4, 1);
        Batch b = new Batch(Tensor.zeros(DType.FLOAT64, 4, 1), y, new int[] {0, 1, 2, 3});
        boolean[] mask = {true, false, true, false};
        for (Loss loss : new Loss[] {Loss.MSE, Loss.L1}) {
            Tensor[] leaves = new Tensor[4];
            ModelOutput student = new ModelOutput(leaves[0] = t(v[0], shapes[0]).requiresGrad(true),
                    List.of(new Activation("map", leaves[1] = t(v[1], shapes[1]).requiresGrad(true)),
                            new Activation("seq", leaves[2] = t(v[2], shapes[2]).requiresGrad(true)),
                            new Activation("flat", leaves[3] = t(v[3], shapes[3]).requiresGrad(true))));
            Tensor l = BlindspotUnlearner.loss(task(4, loss), b, student, teacher, mask, 50);
            l.backward();
            double h = 1e-6;
            for (int k = 0; k < 4; k++) {
                double[] grad = leaves[k].grad().toDoubleArray();
                for (int j = 0; j < v[k].length; j++) {
                    double keep = v[k][j];
                    double lp;
                    double lm;
                    try (GradMode.Guard g = GradMode.noGrad()) {
                        v[k][j] = keep + h;
                        lp = lossOf(v, y, b, mask, teacher, loss).item();
                        v[k][j] = keep - h;
                        lm = lossOf(v, y, b, mask, teacher, loss).item();
                    }
                    v[k][j] = keep;
                    double numeric = (lp - lm) / (2 * h);
                    assertEquals(numeric, grad[j], 1e-6 + 1e-5 * Math.abs(numeric), loss + " input " + k + " element " + j);
                }
            }
        }
    }

    @Test
    void lambdaWeighsTheForgetAndRetainTerms() {
        Tensor pred = t(new double[] {1, 2, 3, 4}, 4, 1);
        Tensor teacher = t(new double[] {0, 0, 0, 0}, 4, 1);
        Tensor y = t(new double[] {1, 1, 1, 1}, 4, 1);
        Batch b = new Batch(Tensor.zeros(DType.FLOAT64, 4, 1), y, new int[] {0, 1, 2, 3});
        RegressionModel blind = new Fixed(new ModelOutput(teacher, List.of()));
        ModelOutput s = new ModelOutput(pred, List.of());
        // F = {0} (lambda 1/4): L_f = |1 - 0| = 1; L_r = mean |{2,3,4} - 1| = 2
        assertEquals(0.25 * 1 + 0.75 * 2, BlindspotUnlearner.loss(task(4, Loss.L1), b, s, blind,
                new boolean[] {true, false, false, false}, 50).item(), 1e-15);
        assertEquals(1.5, BlindspotUnlearner.loss(task(4, Loss.L1), b, s, blind, new boolean[4], 50).item(), 1e-15,
                "no forget rows: the retain loss alone, mean |{1,2,3,4} - 1|");
        assertEquals(2.5, BlindspotUnlearner.loss(task(4, Loss.L1), b, s, blind, new boolean[] {true, true, true, true}, 50)
                .item(), 1e-15, "only forget rows: the output-matching loss alone, mean |{1,2,3,4} - 0|");
    }
}
