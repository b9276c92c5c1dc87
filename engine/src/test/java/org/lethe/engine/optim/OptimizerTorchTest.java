package org.lethe.engine.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.lethe.engine.Tensor;
import org.lethe.engine.TorchVectors;
import org.lethe.kernels.DType;

/**
 * Optimiser and scheduler trajectories against PyTorch 1.13: a linear least-squares problem stepped
 * 12 times in float32, comparing parameters, losses, learning rates and clipped norms after every step.
 */
class OptimizerTorchTest {
    private static final JsonNode OPTIM = TorchVectors.root().get("optim");

    private interface Schedule {
        void afterStep(double loss);
    }

    private static void run(String name, Function<List<Tensor>, Optimizer> make,
                            Function<Optimizer, Schedule> schedule, double clip) {
        JsonNode p = OPTIM.get("problem");
        JsonNode expected = OPTIM.get("trajectories").get(name);
        Tensor w = Tensor.of(DType.FLOAT32, TorchVectors.doubles(p.get("W0")), 4, 3).requiresGrad(true);
        Tensor b = Tensor.of(DType.FLOAT32, TorchVectors.doubles(p.get("b0")), 3).requiresGrad(true);
        Tensor x = Tensor.of(DType.FLOAT32, TorchVectors.doubles(p.get("X")), 8, 4);
        Tensor y = Tensor.of(DType.FLOAT32, TorchVectors.doubles(p.get("Y")), 8, 3);
        Optimizer opt = make.apply(List.of(w, b));
        Schedule sched = schedule == null ? loss -> { } : schedule.apply(opt);
        for (int step = 0; step < p.get("steps").asInt(); step++) {
            opt.zeroGrad();
            Tensor loss = x.matmul(w).add(b).sub(y).square().mean();
            loss.backward();
            String at = name + " step " + (step + 1);
            if (clip > 0) {
                double norm = GradientClipping.clipByGlobalNorm(List.of(w, b), clip);
                assertEquals(expected.get("norm").get(step).asDouble(), norm, 1e-5 * Math.max(1, norm), at + " norm");
            }
            opt.step();
            assertEquals(expected.get("loss").get(step).asDouble(), loss.item(), 1e-5 * Math.max(1, loss.item()), at + " loss");
            sched.afterStep(loss.item());
            assertEquals(expected.get("lr").get(step).asDouble(), opt.learningRate(), 1e-9, at + " learning rate");
            assertParams(at + " W", TorchVectors.doubles(expected.get("W").get(step)), w);
            assertParams(at + " b", TorchVectors.doubles(expected.get("b").get(step)), b);
        }
    }

    private static void assertParams(String what, double[] expected, Tensor actual) {
        double[] got = actual.toDoubleArray();
        for (int i = 0; i < got.length; i++) {
            assertEquals(expected[i], got[i], 2e-5 * Math.max(1, Math.abs(expected[i])), what + "[" + i + "]");
        }
    }

    @Test
    void sgdWithNesterovMomentumAndWeightDecay() {
        run("sgd_nesterov", ps -> new Sgd(ps, 0.05, 0.9, 0, 0.01, true), null, 0);
    }

    @Test
    void sgdWithDampening() {
        run("sgd_dampening", ps -> new Sgd(ps, 0.05, 0.8, 0.3, 0, false), null, 0);
    }

    @Test
    void adamWithWeightDecayAndPlateauSchedule() {
        ReduceLROnPlateau.Config cfg = ReduceLROnPlateau.Config.defaults().withFactor(0.5).withPatience(1)
                .withThreshold(0.3, ReduceLROnPlateau.ThresholdMode.REL).withCooldown(1).withMinLr(0.01);
        run("adam_plateau", ps -> new Adam(ps, 0.05, 0.9, 0.999, 1e-8, 0.001, false),
                o -> {
                    ReduceLROnPlateau s = new ReduceLROnPlateau(o, cfg);
                    return s::step;
                }, 0);
    }

    @Test
    void adamWWithCosineAnnealing() {
        run("adamw_cosine", ps -> new AdamW(ps, 0.05, 0.9, 0.999, 1e-8, 0.1, false),
                o -> {
                    CosineAnnealingLR s = new CosineAnnealingLR(o, 5, 0.001);
                    return loss -> s.step();
                }, 0);
    }

    @Test
    void amsgradWithGradientClipping() {
        run("amsgrad_clip", ps -> new Adam(ps, 0.1, 0.9, 0.999, 1e-8, 0, true), null, 0.5);
    }

    @Test
    void plateauInMaxModeWithAbsoluteThresholdAndCooldown() {
        JsonNode v = OPTIM.get("plateau_max_abs");
        Tensor dummy = Tensor.zeros(1).requiresGrad(true);
        Sgd opt = new Sgd(List.of(dummy), 1.0);
        ReduceLROnPlateau s = new ReduceLROnPlateau(opt, new ReduceLROnPlateau.Config(ReduceLROnPlateau.Mode.MAX, 0.1, 2,
                0.01, ReduceLROnPlateau.ThresholdMode.ABS, 2, 1e-4, 1e-8));
        for (int i = 0; i < v.get("metrics").size(); i++) {
            s.step(v.get("metrics").get(i).asDouble());
            assertEquals(v.get("lr").get(i).asDouble(), opt.learningRate(), 1e-12, "after metric " + i);
        }
    }
}
