package org.lethe.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import org.lethe.kernels.DType;

/** The committed PyTorch vectors (made by engine/src/test/python/make_torch_vectors.py). */
public final class TorchVectors {
    private static JsonNode root;

    private TorchVectors() {
    }

    public static synchronized JsonNode root() {
        if (root == null) {
            try (InputStream in = TorchVectors.class.getResourceAsStream("/torch/vectors.json")) {
                if (in == null) {
                    throw new IllegalStateException("torch/vectors.json is missing from the test resources");
                }
                root = new ObjectMapper().readTree(in);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return root;
    }

    public static double[] doubles(JsonNode array) {
        double[] d = new double[array.size()];
        for (int i = 0; i < d.length; i++) {
            d[i] = array.get(i).asDouble();
        }
        return d;
    }

    public static int[] ints(JsonNode array) {
        int[] d = new int[array.size()];
        for (int i = 0; i < d.length; i++) {
            d[i] = array.get(i).asInt();
        }
        return d;
    }

    /** A float32 tensor from {"shape": [...], "data": [...]}. */
    public static Tensor tensor(JsonNode node) {
        return Tensor.of(DType.FLOAT32, doubles(node.get("data")), ints(node.get("shape")));
    }
}
