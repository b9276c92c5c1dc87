package org.lethe.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.lethe.engine.GradMode;
import org.lethe.engine.Rng;
import org.lethe.engine.Tensor;
import org.lethe.kernels.DType;
import org.lethe.models.nn.Linear;
import org.lethe.models.nn.Lstm;
import org.lethe.models.nn.StateDict;

/** State dicts, modes, copies, freezing, initialisation and activations. */
class ModuleTest {
    @Test
    void stateDictNamesFollowPyTorch() {
        AllCnn cnn = new AllCnn(3, 32, 1.0, new Rng(1));
        List<String> names = List.copyOf(cnn.stateDict().tensors().keySet());
        assertEquals(List.of("conv1.0.weight", "conv1.1.weight", "conv1.1.bias", "conv1.1.running_mean",
                "conv1.1.running_var", "conv1.1.num_batches_tracked"), names.subList(0, 6));
        assertEquals(List.of("classifier.0.weight", "classifier.0.bias"), names.subList(names.size() - 2, names.size()));
        assertEquals(8 * 6 + 2, names.size());
        assertTrue(cnn.stateDict().integerKeys().contains("conv8.1.num_batches_tracked"));
        // The paper's AllCNN at width 1: 96/192 channels, conv without bias.
        assertArrayEquals(new int[] {96, 3, 3, 3}, cnn.stateDict().get("conv1.0.weight").shape());
        assertArrayEquals(new int[] {192, 96, 3, 3}, cnn.stateDict().get("conv3.0.weight").shape());
        assertArrayEquals(new int[] {192, 192, 1, 1}, cnn.stateDict().get("conv8.0.weight").shape());
        assertArrayEquals(new int[] {1, 192}, cnn.stateDict().get("classifier.0.weight").shape());
        long expected = 3 * 96 * 9 + 96 * 96 * 9 + 96 * 192 * 9 + 4L * 192 * 192 * 9 + 192 * 192 + 2L * (2 * 96 + 6 * 192) + 193;
        assertEquals(expected, cnn.parameterCount());

        ResNet18 r = new ResNet18(3, 32, 1.0, false, new Rng(1));
        Map<String, Tensor> sd = r.stateDict().tensors();
        assertTrue(sd.containsKey("layer2.0.downsample.0.weight"));
        assertTrue(sd.containsKey("layer4.1.bn2.running_var"));
        assertFalse(sd.containsKey("layer1.0.downsample.0.weight"));
        assertEquals(11_177_025L, r.parameterCount(), "torchvision resnet18 with a 1-output head");

        LstmRegressor lstm = new LstmRegressor(24, 1, 64, 1, new Rng(1));
        assertEquals(List.of("lstm.weight_ih_l0", "lstm.weight_hh_l0", "lstm.bias_ih_l0", "lstm.bias_hh_l0", "fc.weight",
                "fc.bias"), List.copyOf(lstm.stateDict().tensors().keySet()));
        assertArrayEquals(new int[] {256, 1}, lstm.stateDict().get("lstm.weight_ih_l0").shape());
    }

    @Test
    void defaultInitialisationHasPyTorchsBounds() {
        Linear l = new Linear(400, 300, new Rng(2));
        double bound = 1 / Math.sqrt(400);
        double[] w = l.weight().toDoubleArray();
        double sq = 0;
        for (double v : w) {
            assertTrue(Math.abs(v) <= bound);
            sq += v * v;
        }
        assertEquals(bound * bound / 3, sq / w.length, 0.05 * bound * bound / 3, "variance of U(-b, b)");
        for (double v : l.bias().toDoubleArray()) {
            assertTrue(Math.abs(v) <= bound);
        }
        Lstm lstm = new Lstm(3, 16, 1, 0, new Rng(3));
        for (Tensor p : lstm.parameters()) {
            for (double v : p.toDoubleArray()) {
                assertTrue(Math.abs(v) <= 0.25);
            }
        }
    }

    @Test
    void deepCopiesAreIndependentAndEqual() {
        Rng rng = new Rng(4);
        AllCnn original = new AllCnn(1, 8, 0.1, rng);
        TestModels.warmBatchNorm(original, rng);
        original.eval();
        original.classifier().freeze();
        AllCnn copy = original.deepCopy();
        Tensor x = Tensor.randn(rng, DType.FLOAT32, 3, 1, 8, 8);
        assertArrayEquals(original.predict(x).toFloatArray(), copy.predict(x).toFloatArray());
        assertFalse(copy.isTraining());
        assertFalse(copy.stateDict().get("classifier.0.weight").requiresGrad());
        try (GradMode.Guard g = GradMode.noGrad()) {
            copy.stateDict().get("conv1.0.weight").fill(0);
            copy.stateDict().get("conv1.1.running_mean").fill(5);
        }
        assertNotEquals(original.predict(x).toFloatArray()[0], copy.predict(x).toFloatArray()[0]);
        assertNotEquals(0.0, original.stateDict().get("conv1.0.weight").abs().sum().item());
    }

    @Test
    void modesReachEveryChildAndFreezingStopsGradients() {
        SiameseLstm m = new SiameseLstm(5, 10, 4, 6, new Rng(5));
        m.eval();
        m.children().values().forEach(c -> assertFalse(c.isTraining()));
        m.train();
        m.children().values().forEach(c -> assertTrue(c.isTraining()));
        m.freeze();
        assertTrue(m.trainableParameters().isEmpty());
        m.unfreeze();
        assertEquals(m.parameters().size(), m.trainableParameters().size());
    }

    @Test
    void loadingAStateDictChecksNamesAndShapes() {
        Mlp a = new Mlp(4, new int[] {8}, 0, new Rng(6));
        Mlp b = new Mlp(4, new int[] {9}, 0, new Rng(7));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> b.loadStateDict(a.stateDict(), true));
        assertTrue(e.getMessage().startsWith("state dict entry layers.0.weight has shape [8, 4], the model expects [9, 4]"),
                e.getMessage());
        Map<String, Tensor> partial = new java.util.LinkedHashMap<>(a.stateDict().tensors());
        partial.remove("layers.2.bias");
        partial.put("extra", Tensor.zeros(1));
        e = assertThrows(IllegalArgumentException.class, () -> a.loadStateDict(new StateDict(partial, java.util.Set.of()), true));
        assertEquals("state dict does not fit Mlp: missing [layers.2.bias], unexpected [extra]", e.getMessage());
    }

    @Test
    void everyModelReturnsItsActivationsInOrder() {
        Rng rng = new Rng(8);
        Map<String, List<String>> expected = Map.of(
                "mlp", List.of("hidden1", "hidden2"),
                "allcnn", List.of("conv1", "conv2", "conv3", "conv4", "conv5", "conv6", "conv7", "conv8"),
                "resnet18", List.of("layer1", "layer2", "layer3", "layer4"),
                "smallcnn", List.of("conv1", "conv2", "fc1"),
                "lstm", List.of("lstm"),
                "char", List.of("lstm"),
                "siamese", List.of("lstm_a", "lstm_b", "fc1", "fc2", "fc3", "fc4"));
        for (ModelSpec spec : TestModels.specs()) {
            RegressionModel m = Models.create(spec, rng);
            ModelOutput out = m.forward(TestModels.input(m, 3, rng));
            assertArrayEquals(new int[] {3, 1}, out.prediction().shape(), spec.architecture());
            assertEquals(expected.get(spec.architecture()), out.activations().stream().map(Activation::name).toList(),
                    spec.architecture());
            for (Activation a : out.activations()) {
                assertEquals(3, a.value().dim(0), spec.architecture() + " " + a.name());
            }
        }
        AllCnn cnn = new AllCnn(1, 12, 0.125, rng);
        ModelOutput o = cnn.forward(Tensor.randn(rng, DType.FLOAT32, 2, 1, 12, 12));
        assertArrayEquals(new int[] {2, 12, 12, 12}, o.activations().get(0).value().shape());
        assertArrayEquals(new int[] {2, 24, 6, 6}, o.activations().get(2).value().shape());
        assertArrayEquals(new int[] {2, 24, 3, 3}, o.activations().get(7).value().shape());
    }

    /**
     * Every architecture reports the input of its last layer, and the prediction is that last layer (a
     * Linear to one output, the last two tensors of the state dict) applied to it.
     */
    @Test
    void everyModelReportsItsHeadInput() {
        Rng rng = new Rng(10);
        for (ModelSpec spec : TestModels.specs()) {
            RegressionModel m = Models.create(spec, rng);
            m.eval();
            List<Tensor> state = List.copyOf(m.stateDict().tensors().values());
            double[] w = state.get(state.size() - 2).toDoubleArray();
            double b = state.get(state.size() - 1).toDoubleArray()[0];
            try (GradMode.Guard g = GradMode.noGrad()) {
                ModelOutput out = m.forward(TestModels.input(m, 4, rng));
                assertArrayEquals(new int[] {4, w.length}, out.headInput().shape(), spec.architecture());
                double[] phi = out.headInput().toDoubleArray();
                double[] pred = out.prediction().toDoubleArray();
                for (int i = 0; i < 4; i++) {
                    double z = b;
                    for (int j = 0; j < w.length; j++) {
                        z += phi[i * w.length + j] * w[j];
                    }
                    assertEquals(z, pred[i], 1e-5 * (1 + Math.abs(z)), spec.architecture() + " row " + i);
                }
            }
        }
    }

    @Test
    void sameSeedSameModel() {
        for (ModelSpec spec : TestModels.specs()) {
            StateDict a = Models.create(spec, new Rng(9)).stateDict();
            StateDict b = Models.create(spec, new Rng(9)).stateDict();
            a.tensors().forEach((n, t) -> assertArrayEquals(t.toFloatArray(), b.get(n).toFloatArray(), spec + " " + n));
        }
    }
}
