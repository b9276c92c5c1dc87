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
        if (!(require(key) instanceof Number n)) {
            throw wrongType(key, "a number");
        }
        return n.intValue();
    }

    public double number(String key) {
        if (!(require(key) instanceof Number n)) {
            throw wrongType(key, "a number");
        }
        return n.doubleValue();
    }

    public boolean flag(String key) {
        if (!(require(key) instanceof Boolean b)) {
            throw wrongType(key, "true or false");
        }
        return b;
    }

    public int[] integers(String key) {
        if (!(require(key) instanceof List<?> list) || !list.stream().allMatch(x -> x instanceof Number)) {
            throw wrongType(key, "a list of numbers");
        }
        int[] out = new int[list.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = ((Number) list.get(i)).intValue();
        }
        return out;
    }

    private IllegalArgumentException wrongType(String key, String what) {
        return new IllegalArgumentException("model spec " + architecture + ": hyperparameter '" + key + "' must be " + what
                + ", got " + hyperparameters.get(key));
    }

    private Object require(String key) {
        Object v = hyperparameters.get(key);
        if (v == null) {
            throw new IllegalArgumentException("model spec " + architecture + ": missing hyperparameter '" + key + "'");
        }
        return v;
    }
}
