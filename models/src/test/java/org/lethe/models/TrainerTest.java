package org.lethe.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.lethe.engine.Rng;
import org.lethe.engine.Tensor;
import org.lethe.engine.optim.ReduceLROnPlateau;
import org.lethe.kernels.DType;
import org.lethe.models.data.Dataset;
import org.lethe.models.data.TensorDataset;
import org.lethe.models.train.ConsoleProgress;
import org.lethe.models.train.EpochRecord;
import org.lethe.models.train.Loss;
import org.lethe.models.train.TrainConfig;
import org.lethe.models.train.TrainResult;
import org.lethe.models.train.Trainer;
import org.lethe.models.train.TrainingDivergedException;

/** The trainer learns, is reproducible, keeps the best epoch, stops early, schedules and guards against NaN. */
class TrainerTest {
    /** y = sum(x * w) + 0.5 sin-free nonlinearity + noise, 4 features. */
    private static TensorDataset data(int n, long seed, boolean randomTargets) {
        Rng rng = new Rng(seed);
        Tensor x = Tensor.randn(rng, DType.FLOAT32, n, 4);
        Tensor w = Tensor.of(new float[] {1.0f, -2.0f, 0.5f, 0.0f}, 4, 1);
        Tensor y = randomTargets ? Tensor.randn(rng, DType.FLOAT32, n, 1)
                : x.matmul(w).add(x.slice(1, 3, 4).square().mul(0.5)).add(Tensor.normal(rng, 0, 0.05, DType.FLOAT32, n, 1));
        return new TensorDataset(x, y);
    }

    private static TrainConfig config(int epochs) {
        return TrainConfig.paper(Loss.MSE, 7).withEpochs(epochs).withBatchSize(32);
    }

    @Test
    void learnsASmoothFunction() {
        TensorDataset train = data(512, 1, false);
        TensorDataset val = data(128, 2, false);
        Mlp m = new Mlp(4, new int[] {32, 32}, 0, new Rng(3));
        double before = Trainer.evaluate(m, val, Loss.MSE, 64);
        TrainResult r = new Trainer(config(30), null).fit(m, train, val);
        double after = Trainer.evaluate(m, val, Loss.MSE, 64);
        assertTrue(after < 0.05 * before, "validation MSE " + before + " -> " + after);
        assertEquals(30, r.history().size());
        assertEquals(30L * 16, r.steps());
        assertEquals(r.bestValidationLoss(), after, 1e-6, "the best epoch's weights are restored");
    }

    @Test
    void sameSeedGivesTheSameModelAndHistory() {
        TensorDataset train = data(200, 1, false);
        TrainResult[] results = new TrainResult[2];
        float[][] weights = new float[2][];
        for (int i = 0; i < 2; i++) {
            Mlp m = new Mlp(4, new int[] {16}, 0.1, new Rng(3));
            results[i] = new Trainer(config(3), null).fit(m, train, null);
            weights[i] = m.stateDict().get("layers.0.weight").toFloatArray();
        }
        assertArrayEquals(weights[0], weights[1]);
        assertEquals(results[0].history().stream().map(EpochRecord::trainLoss).toList(),
                results[1].history().stream().map(EpochRecord::trainLoss).toList());
    }

    @Test
    void aNanLossStopsTrainingWithTheEpochAndStep() {
        Tensor x = Tensor.ones(40, 4);
        float[] ys = new float[40];
        ys[37] = Float.NaN;
        Dataset d = new TensorDataset(x, Tensor.of(ys, 40, 1));
        TrainConfig c = TrainConfig.paper(Loss.L1, 1).withEpochs(2).withBatchSize(32);
        Trainer t = new Trainer(new TrainConfig(c.epochs(), c.batchSize(), c.learningRate(), 0, Loss.L1, null, 0, true, 5),
                null);
        TrainingDivergedException e = assertThrows(TrainingDivergedException.class,
                () -> t.fit(new Mlp(4, new int[] {4}, 0, new Rng(1)), d, null));
        assertTrue(e.getMessage().matches("training diverged: the loss is NaN at epoch 1, step [12] of 2 .*"), e.getMessage());
    }

    @Test
    void earlyStoppingAndThePlateauScheduleAct() {
        TensorDataset train = data(256, 1, true);
        TensorDataset val = data(64, 2, true);
        TrainConfig c = config(40).withLearningRate(0.05).withEarlyStopping(4)
                .withPlateau(ReduceLROnPlateau.Config.defaults().withPatience(1));
        TrainResult r = new Trainer(c, null).fit(new Mlp(4, new int[] {64}, 0, new Rng(1)), train, val);
        assertTrue(r.stoppedEarly(), "random targets cannot keep improving");
        assertTrue(r.history().size() < 40);
        assertEquals(r.bestEpoch() + 4, r.history().size());
        double first = r.history().get(0).learningRate();
        double last = r.history().get(r.history().size() - 1).learningRate();
        assertTrue(last < first, "learning rate lowered: " + first + " -> " + last);
    }

    @Test
    void progressPrintsOneLinePerEpochWithTimeLeft() {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        ConsoleProgress p = new ConsoleProgress(new PrintStream(buf, true, StandardCharsets.UTF_8), "original", false);
        new Trainer(config(2), p).fit(new Mlp(4, new int[] {8}, 0, new Rng(1)), data(64, 1, false), data(32, 2, false));
        String[] lines = buf.toString(StandardCharsets.UTF_8).split("\n");
        assertEquals(2, lines.length);
        assertTrue(lines[0].matches("original epoch 1/2  loss \\S+  val \\S+  lr 0\\.0100  \\d+\\.\\ds, \\d+s left"), lines[0]);
        assertEquals("1m05s", ConsoleProgress.duration(65));
        assertEquals("2h01m", ConsoleProgress.duration(7260));
    }
}
