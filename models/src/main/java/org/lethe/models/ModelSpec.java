package org.lethe.models;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An architecture and its hyperparameters: enough to rebuild a model (checkpoints store it). Values
 * are numbers, booleans, strings or lists of numbers, so that the spec is plain JSON.
 */
public record ModelSpec(String architecture, Map<String, Object> hyperparameters) {
    public ModelSpec {
        hyperparameters = Collections.unmodifiableMap(new LinkedHashMap<>(hyperparameters));
    }

    public int integer(String key) {
        return ((Number) require(key)).intValue();
    }

    public double number(String key) {
        return ((Number) require(key)).doubleValue();
    }

    public boolean flag(String key) {
        return (Boolean) require(key);
    }

    public int[] integers(String key) {
        List<?> list = (List<?>) require(key);
        int[] out = new int[list.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = ((Number) list.get(i)).intValue();
        }
        return out;
    }

    private Object require(String key) {
        Object v = hyperparameters.get(key);
        if (v == null) {
            throw new IllegalArgumentException("model spec " + architecture + ": missing hyperparameter '" + key + "'");
        }
        return v;
    }
}
