package org.lethe.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.lethe.engine.GradMode;
import org.lethe.engine.Rng;
import org.lethe.engine.Tensor;
import org.lethe.models.io.Checkpoint;
import org.lethe.models.io.Safetensors;

/**
 * Checkpoints cross to PyTorch and back: a Lethe checkpoint of every architecture loads into the
 * equivalent torch.nn module with {@code load_state_dict(strict=True)} and predicts the same values
 * (and the same parameter gradients), and weights initialised and saved by PyTorch load into Lethe
 * and predict what PyTorch predicted. Skipped where no Python with torch is installed.
 */
class PyTorchInteropTest {
    private static final Path SCRIPT = Path.of("src/test/python/interop.py");

    static Stream<ModelSpec> specs() {
        return TestModels.specs().stream();
    }

    private static void requireTorch() {
        assumeTrue(PythonTorch.interpreter() != null, "no python3 with torch (Debian python3-torch) found");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("specs")
    void letheCheckpointLoadsStrictlyInPyTorchAndPredictsTheSame(ModelSpec spec, @TempDir Path dir) throws Exception {
        requireTorch();
        Rng rng = new Rng(11);
        RegressionModel model = Models.create(spec, rng);
        TestModels.warmBatchNorm(model, rng);
        Tensor x = TestModels.input(model, 5, rng);
        Map<String, Tensor> io = new LinkedHashMap<>();
        io.put("x", x);
        model.train();
        try (GradMode.Guard g = GradMode.noGrad()) {
            io.put("pred_train", model.forward(x).prediction());
        }
        model.eval();
        Tensor pred = model.forward(x).prediction();
        Tensor w = Tensor.randn(rng, x.dtype(), pred.shape());
        pred.mul(w).sum().backward();
        io.put("pred_eval", pred.detach());
        io.put("w", w);
        model.namedParameters().forEach((n, p) -> io.put("grad." + n, p.grad()));
        Checkpoint.save(dir.resolve("model.safetensors"), model, Checkpoint.Info.of(11));
        Safetensors.write(dir.resolve("io.safetensors"), io, Set.of(), Map.of());
        PythonTorch.Result r = PythonTorch.script(SCRIPT, List.of("check", dir.toString()));
        assertEquals(0, r.exit(), r.output());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("specs")
    void weightsSavedByPyTorchLoadIntoLetheAndPredictTheSame(ModelSpec spec, @TempDir Path dir) throws Exception {
        requireTorch();
        String json = new ObjectMapper().writeValueAsString(Map.of("architecture", spec.architecture(),
                "hyperparameters", spec.hyperparameters()));
        PythonTorch.Result r = PythonTorch.script(SCRIPT, List.of("export", dir.toString(), json, "5"));
        assertEquals(0, r.exit(), r.output());
        RegressionModel model = Checkpoint.load(dir.resolve("torch.safetensors")).model();
        Safetensors.Contents io = Safetensors.read(dir.resolve("io.safetensors"));
        Tensor ours = model.predict(io.tensors().get("x"));
        double[] a = ours.toDoubleArray();
        double[] b = io.tensors().get("pred_eval").toDoubleArray();
        assertEquals(b.length, a.length);
        for (int i = 0; i < a.length; i++) {
            assertEquals(b[i], a[i], 1e-5 * Math.max(1, Math.abs(b[i])), spec.architecture() + " prediction " + i);
        }
        Files.deleteIfExists(dir.resolve("torch.safetensors"));
    }
}
