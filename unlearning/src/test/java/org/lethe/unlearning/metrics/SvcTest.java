package org.lethe.unlearning.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The SMO solver predicts what scikit-learn's SVC (libsvm) predicts on committed vectors. */
class SvcTest {
    private static JsonNode root() throws Exception {
        return new ObjectMapper().readTree(SvcTest.class.getResourceAsStream("/svc/vectors.json"));
    }

    static Stream<String> cases() throws Exception {
        return java.util.stream.StreamSupport.stream(root().get("cases").spliterator(), false).map(c -> c.get("name").asText());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void agreesWithScikitLearn(String name) throws Exception {
        JsonNode c = null;
        for (JsonNode n : root().get("cases")) {
            if (n.get("name").asText().equals(name)) {
                c = n;
            }
        }
        int n = c.get("x").size();
        double[][] x = new double[n][1];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            x[i][0] = c.get("x").get(i).asDouble();
            y[i] = c.get("y").get(i).asInt() == 1 ? 1 : -1;
        }
        Svc svc = Svc.fit(x, y, 3, 1, 1e-3);
        int m = c.get("test").size();
        int agree = 0;
        double maxDiff = 0;
        for (int i = 0; i < m; i++) {
            double[] p = {c.get("test").get(i).asDouble()};
            int expected = c.get("predict").get(i).asInt() == 1 ? 1 : -1;
            agree += svc.predict(p) == expected ? 1 : 0;
            maxDiff = Math.max(maxDiff, Math.abs(svc.decision(p) - c.get("decision").get(i).asDouble()));
        }
        assertTrue(agree >= 0.99 * m, name + ": " + agree + " of " + m + " predictions agree");
        assertTrue(maxDiff < 0.05, name + ": decision values differ by up to " + maxDiff);
        assertEquals(c.get("intercept").asDouble(), -svc.rho(), 0.02, name + " intercept");
    }

    @Test
    void vectorsAreFreshForTheCommittedGenerator() throws Exception {
        byte[] script = Files.readAllBytes(Path.of("src/test/python/make_svc_vectors.py"));
        assertEquals(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(script)),
                root().get("generator_sha256").asText(), "make_svc_vectors.py changed; rerun it with python3-sklearn");
    }
}
