package org.lethe.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lethe.engine.Rng;
import org.lethe.engine.Tensor;
import org.lethe.kernels.Backend;
import org.lethe.kernels.Backends;
import org.lethe.kernels.DType;
import org.lethe.kernels.cpu.CpuBackend;
import org.lethe.models.data.TensorDataset;
import org.lethe.models.io.Checkpoint;
import org.lethe.models.train.Loss;
import org.lethe.models.train.TrainConfig;
import org.lethe.models.train.Trainer;

/**
 * Determinism of whole trainings (docs/determinism.md): the same seed, configuration and data give
 * byte-identical checkpoints, on 1, 2 or 3 threads; another seed gives another checkpoint; the scalar
 * reference kernels may round differently from the vector kernels, but only at rounding level.
 */
class CheckpointDeterminismTest {
    @TempDir
    Path dir;

    /** Dropout, batch norm, convolutions, LSTM cells and embeddings: every kind of layer that draws or reduces. */
    private static final List<ModelSpec> SPECS = List.of(
            new ModelSpec("mlp", Map.of("inputs", 8, "hidden", List.of(16, 12), "dropout", 0.2)),
            new ModelSpec("allcnn", Map.of("channels", 1, "size", 12, "width", 0.125)),
            new ModelSpec("lstm", Map.of("steps", 7, "features", 2, "hidden", 8, "layers", 2)),
            new ModelSpec("char", Map.of("length", 9, "vocabulary", 20, "embedding", 6, "hidden", 8)));

    /**
     * A fresh model from {@code seed}, two epochs of the trainer (shuffling, dropout, the plateau schedule
     * and the best epoch's weights restored) on fixed random data, saved; returns the file's bytes.
     */
    private byte[] train(ModelSpec spec, long seed, Backend backend, String name) throws IOException {
        Backend previous = Backends.defaultBackend();
        Backends.setDefaultBackend(backend);
        try {
            RegressionModel m = Models.create(spec, new Rng(seed));
            Rng data = new Rng(1000);
            Tensor x = TestModels.input(m, 96, data);
            Tensor y = Tensor.randn(data, DType.FLOAT32, 96, 1);
            int[] rows = java.util.stream.IntStream.range(0, 64).toArray();
            int[] val = java.util.stream.IntStream.range(64, 96).toArray();
            TensorDataset all = new TensorDataset(x, y);
            TrainConfig c = TrainConfig.paper(Loss.MSE, seed).withEpochs(2).withBatchSize(16);
            new Trainer(c, null).fit(m, all.subset(rows), all.subset(val));
            Path p = dir.resolve(name + ".safetensors");
            Checkpoint.save(p, m, Checkpoint.Info.of(seed));
            return Files.readAllBytes(p);
        } finally {
            Backends.setDefaultBackend(previous);
        }
    }

    @Test
    void twoTrainingsWithTheSameSeedWriteByteIdenticalCheckpoints() throws IOException {
        for (ModelSpec spec : SPECS) {
            try (CpuBackend b = new CpuBackend(2)) {
                byte[] first = train(spec, 7, b, "first");
                byte[] second = train(spec, 7, b, "second");
                assertArrayEquals(first, second, spec.architecture());
                assertFalse(Arrays.equals(first, train(spec, 8, b, "other")), spec.architecture() + ": another seed");
            }
        }
    }

    @Test
    void theThreadCountDoesNotChangeTheCheckpoint() throws IOException {
        for (ModelSpec spec : SPECS) {
            byte[] one;
            try (CpuBackend b = new CpuBackend(1)) {
                one = train(spec, 7, b, "one");
            }
            for (int threads : new int[] {2, 3}) {
                try (CpuBackend b = new CpuBackend(threads)) {
                    assertArrayEquals(one, train(spec, 7, b, "t" + threads), spec.architecture() + " on " + threads + " threads");
                }
            }
        }
    }

    /** Predictions of a saved model on fixed inputs, in float64. */
    private double[] predictions(String name) {
        RegressionModel m = Checkpoint.load(dir.resolve(name + ".safetensors")).model();
        m.eval();
        try (org.lethe.engine.GradMode.Guard g = org.lethe.engine.GradMode.noGrad()) {
            return m.predict(TestModels.input(m, 32, new Rng(2000))).toDoubleArray();
        }
    }

    @Test
    void theScalarReferenceKernelsAreDeterministicAndDifferFromTheVectorKernelsOnlyByRounding() throws IOException {
        for (ModelSpec spec : SPECS) {
            byte[] ref1;
            try (CpuBackend b = CpuBackend.reference(1)) {
                ref1 = train(spec, 7, b, "ref1");
            }
            try (CpuBackend b = CpuBackend.reference(2)) {
                assertArrayEquals(ref1, train(spec, 7, b, "ref2"), spec.architecture() + ": reference kernels, 1 vs 2 threads");
            }
            try (CpuBackend b = new CpuBackend(2)) {
                train(spec, 7, b, "fast");
            }
            // fused multiply-adds and other summation orders: the same training, rounded differently
            double[] p = predictions("fast");
            double[] q = predictions("ref1");
            double scale = Arrays.stream(p).map(Math::abs).max().orElse(0) + 1e-6;
            double worst = 0;
            for (int i = 0; i < p.length; i++) {
                worst = Math.max(worst, Math.abs(p[i] - q[i]) / scale);
            }
            assertTrue(worst < 1e-4, spec.architecture() + ": predictions differ by " + worst + " of their scale");
        }
    }
}
