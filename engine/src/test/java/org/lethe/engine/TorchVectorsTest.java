package org.lethe.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Agreement with PyTorch 1.13 in float32: for every vector, the catalogue case of the same name
 * applied to the same inputs gives the same output, and the same input gradients of
 * {@code sum(output * W)}, within |x - ref| <= atol + rtol |ref|.
 */
class TorchVectorsTest {
    private static final Map<String, OpCase> CASES =
            OpCatalogue.cases().stream().collect(Collectors.toMap(c -> c.name, Function.identity()));

    static Stream<String> vectorNames() {
        List<String> names = new ArrayList<>();
        Iterator<String> it = TorchVectors.root().get("cases").fieldNames();
        it.forEachRemaining(names::add);
        return names.stream();
    }

    private static void assertClose(String what, JsonNode expected, Tensor actual, double tol) {
        int[] shape = TorchVectors.ints(expected.get("shape"));
        assertEquals(java.util.Arrays.toString(shape), java.util.Arrays.toString(actual.shape()), what + ": shape");
        double[] ref = TorchVectors.doubles(expected.get("data"));
        double[] got = actual.toDoubleArray();
        double scale = 0;
        for (double r : ref) {
            scale = Math.max(scale, Math.abs(r));
        }
        int bad = 0;
        StringBuilder first = new StringBuilder();
        for (int i = 0; i < ref.length; i++) {
            if (!(Math.abs(got[i] - ref[i]) <= tol * Math.max(1, scale) + tol * Math.abs(ref[i])) && bad++ < 5) {
                first.append("\n  [").append(i).append("] got ").append(got[i]).append(", torch ").append(ref[i]);
            }
        }
        assertEquals(0, bad, what + ": " + bad + " of " + ref.length + " values differ from PyTorch" + first);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vectorNames")
    void matchesPyTorch(String name) {
        OpCase c = CASES.get(name);
        assertNotNull(c, "the vector " + name + " has no catalogue case");
        assertNull(c.noTorch, name + " is marked as having no PyTorch vector");
        JsonNode v = TorchVectors.root().get("cases").get(name);
        JsonNode inputs = v.get("inputs");
        Tensor[] x = new Tensor[inputs.size()];
        for (int i = 0; i < x.length; i++) {
            x[i] = TorchVectors.tensor(inputs.get(i));
            if (inputs.get(i).get("requires_grad").asBoolean() && c.inputs.get(i).requiresGrad()) {
                x[i].requiresGrad(true);
            }
        }
        Tensor out = c.fn.apply(x);
        double tol = Math.max(1e-5, c.tol32);
        assertClose(name + " output", v.get("output"), out, tol);
        JsonNode grads = v.get("grads");
        if (!out.requiresGrad()) {
            for (JsonNode g : grads) {
                assertTrue(g.isNull(), name + ": PyTorch has a gradient where Lethe records none");
            }
            return;
        }
        out.mul(TorchVectors.tensor(v.get("weight"))).sum().backward();
        for (int i = 0; i < x.length; i++) {
            if (grads.get(i).isNull()) {
                continue;
            }
            assertNotNull(x[i].grad(), name + ": input " + i + " has no gradient");
            assertClose(name + " gradient of input " + i, grads.get(i), x[i].grad(), tol);
        }
    }

    /** Every case that can be expressed in PyTorch has a vector. */
    @Test
    void everyCaseHasAVectorUnlessExempt() {
        TreeSet<String> have = vectorNames().collect(Collectors.toCollection(TreeSet::new));
        TreeSet<String> missing = OpCatalogue.cases().stream().filter(c -> c.noTorch == null).map(c -> c.name)
                .filter(n -> !have.contains(n)).collect(Collectors.toCollection(TreeSet::new));
        assertTrue(missing.isEmpty(), "catalogue cases without a PyTorch vector (rerun make_torch_vectors.py): " + missing);
        assertTrue(TorchVectors.root().get("torch_version").asText().startsWith("1.13"),
                "vectors were made with an unexpected PyTorch version");
    }

    /** The vectors were made by the generator as it is now (so editing it without rerunning fails). */
    @Test
    void vectorsAreFreshForTheCommittedGenerator() throws Exception {
        java.nio.file.Path script = java.nio.file.Path.of("src/test/python/make_torch_vectors.py");
        byte[] digest = java.security.MessageDigest.getInstance("SHA-256").digest(java.nio.file.Files.readAllBytes(script));
        assertEquals(java.util.HexFormat.of().formatHex(digest), TorchVectors.root().get("generator_sha256").asText(),
                "engine/src/test/python/make_torch_vectors.py changed; rerun it with python3-torch");
    }
}
