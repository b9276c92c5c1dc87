package org.lethe.models;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An architecture and its hyperparameters: enough to rebuild a model (checkpoints store it). Values
 * are numbers, booleans, strings, lists of numbers or, for an {@link Ensemble}, the members' spec as a
 * nested object ({@code {"architecture": ..., "hyperparameters": {...}}}), so that the spec is plain JSON.
 */
public record ModelSpec(String architecture, Map<String, Object> hyperparameters) {
    public ModelSpec {
        hyperparameters = Collections.unmodifiableMap(new LinkedHashMap<>(hyperparameters));
    }

    /** A whole-number hyperparameter within {@code int} range (a JSON {@code 8} or {@code 8.0}). */
    public int integer(String key) {
        return whole(key, require(key));
    }

    public double number(String key) {
        Object v = require(key);
        if (!(v instanceof Number n) || !Double.isFinite(n.doubleValue())) {
            throw new IllegalArgumentException("model spec " + architecture + ": hyperparameter '" + key
                    + "' must be a finite number, got " + v);
        }
        return n.doubleValue();
    }

    public boolean flag(String key) {
        Object v = require(key);
        if (!(v instanceof Boolean b)) {
            throw new IllegalArgumentException("model spec " + architecture + ": hyperparameter '" + key
                    + "' must be true or false, got " + v);
        }
        return b;
    }

    /** A string. */
    public String text(String key) {
        Object v = require(key);
        if (!(v instanceof String t)) {
            throw new IllegalArgumentException("model spec " + architecture + ": hyperparameter '" + key
                    + "' must be a string, got " + v);
        }
        return t;
    }

    /** A nested spec, an object with a string {@code architecture} and an object {@code hyperparameters}. */
    public ModelSpec spec(String key) {
        Object v = require(key);
        if (v instanceof Map<?, ?> m && m.get("architecture") instanceof String a
                && (m.get("hyperparameters") == null || m.get("hyperparameters") instanceof Map<?, ?>)
                && m.keySet().stream().allMatch(k -> k.equals("architecture") || k.equals("hyperparameters"))) {
            Map<String, Object> hp = new LinkedHashMap<>();
            if (m.get("hyperparameters") instanceof Map<?, ?> h) {
                h.forEach((k, x) -> hp.put(String.valueOf(k), x));
            }
            return new ModelSpec(a, hp);
        }
        throw new IllegalArgumentException("model spec " + architecture + ": hyperparameter '" + key
                + "' must be a model spec {\"architecture\": ..., \"hyperparameters\": {...}}, got " + v);
    }

    /** A list of whole numbers. */
    public int[] integers(String key) {
        Object v = require(key);
        if (!(v instanceof List<?> list)) {
            throw new IllegalArgumentException("model spec " + architecture + ": hyperparameter '" + key
                    + "' must be a list of whole numbers, got " + v);
        }
        int[] out = new int[list.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = whole(key, list.get(i));
        }
        return out;
    }

    private int whole(String key, Object v) {
        if (v instanceof Number n) {
            double d = n.doubleValue();
            if (d == Math.rint(d) && d >= Integer.MIN_VALUE && d <= Integer.MAX_VALUE) {
                return (int) d;
            }
        }
        throw new IllegalArgumentException("model spec " + architecture + ": hyperparameter '" + key
                + "' must be a whole number, got " + v);
    }

    private Object require(String key) {
        Object v = hyperparameters.get(key);
        if (v == null) {
            throw new IllegalArgumentException("model spec " + architecture + ": missing hyperparameter '" + key + "'");
        }
        return v;
    }
}
