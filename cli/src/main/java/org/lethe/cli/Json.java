package org.lethe.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/** JSON for results and manifests: pretty, and with NaN and infinities written as null (JSON has neither). */
final class Json {
    static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    /**
     * Maps without an order of their own: Map.of and Map.copyOf iterate in an order that changes from
     * one JVM to the next, so their keys are written sorted (the same results give the same file).
     * Other maps (LinkedHashMap, TreeMap, unmodifiable views of them) keep their order.
     */
    private static final Set<Class<?>> UNORDERED = Set.copyOf(List.of(Map.of().getClass(), Map.of("k", 0).getClass(),
            Map.of("k", 0, "l", 1).getClass(), HashMap.class));

    private Json() {
    }

    static String write(Object value) {
        try {
            return MAPPER.writeValueAsString(clean(value)) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write JSON: " + e.getMessage(), e);
        }
    }

    /** Replaces non-finite numbers by null, recursively, arrays by lists, and sorts the keys of unordered maps. */
    static Object clean(Object v) {
        if (v instanceof Double d) {
            return Double.isFinite(d) ? d : null;
        }
        if (v instanceof Float f) {
            return Float.isFinite(f) ? f : null;
        }
        if (v instanceof double[] a) {
            List<Object> out = new ArrayList<>(a.length);
            for (double d : a) {
                out.add(clean(d));
            }
            return out;
        }
        if (v instanceof int[] a) {
            List<Object> out = new ArrayList<>(a.length);
            for (int i : a) {
                out.add(i);
            }
            return out;
        }
        if (v instanceof Map<?, ?> m) {
            Map<String, Object> out = UNORDERED.contains(m.getClass()) ? new TreeMap<>() : new LinkedHashMap<>();
            m.forEach((k, x) -> out.put(String.valueOf(k), clean(x)));
            return out;
        }
        if (v instanceof List<?> l) {
            List<Object> out = new ArrayList<>(l.size());
            for (Object x : l) {
                out.add(clean(x));
            }
            return out;
        }
        return v;
    }
}
