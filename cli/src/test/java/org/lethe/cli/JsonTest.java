package org.lethe.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * results.json and manifest.json come out the same for the same results: maps without an order of
 * their own (Map.of, whose iteration order changes from one JVM to the next, and HashMap) are written
 * with sorted keys; ordered maps keep their order; non-finite numbers become null.
 */
class JsonTest {
    private static String compact(Object v) {
        return Json.write(v).replaceAll("\\s+", "");
    }

    @Test
    void unorderedMapsAreWrittenWithSortedKeysAndOrderedOnesInTheirOrder() {
        Map<String, Object> linked = new LinkedHashMap<>();
        linked.put("zeta", 1);
        linked.put("alpha", 2);
        Map<String, Object> hash = new HashMap<>(Map.of("b", 1, "a", 2, "c", 3));
        assertEquals("{\"a\":2,\"b\":1,\"c\":3,\"d\":4}", compact(Map.of("c", 3, "a", 2, "d", 4, "b", 1)));
        assertEquals("{\"a\":2,\"b\":1,\"c\":3}", compact(hash));
        assertEquals("{\"zeta\":1,\"alpha\":2}", compact(linked));
        assertEquals("{\"a\":1,\"b\":2}", compact(new TreeMap<>(Map.of("b", 2, "a", 1))));
        assertEquals("[{\"x\":null,\"y\":1.5}]", compact(List.of(Map.of("y", 1.5, "x", Double.NaN))));
        assertEquals("{\"outer\":{\"a\":1,\"b\":2}}", compact(Map.of("outer", Map.of("b", 2, "a", 1))));
    }
}
