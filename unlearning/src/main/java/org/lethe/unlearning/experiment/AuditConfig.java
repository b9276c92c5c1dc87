package org.lethe.unlearning.experiment;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Which privacy audits an experiment runs beside the paper's metrics (docs/audits.md). The cheap ones
 * always run: the scale-aware SVC attack ({@code mia_forget_scaled}) and the loss-threshold attack
 * ({@code lt_*}). The shadow-model audits are opt-in, since each trains K shadow models and more per
 * seed: {@code lira}, {@code ulira}, {@code neurips}.
 *
 * @param shadow       the shadow-model audits to run, in {@link #SHADOW} order
 * @param shadowModels K, the number of shadow models (pairs for U-LiRA and the NeurIPS score); even, at least 4
 */
public record AuditConfig(List<String> shadow, int shadowModels) {
    /** The shadow-model audits, in the order results list them. */
    public static final List<String> SHADOW = List.of("lira", "ulira", "neurips");
    /** The default K: the cheap setting, minutes on a laptop for the tabular task. */
    public static final int DEFAULT_SHADOW_MODELS = 16;

    public AuditConfig {
        for (String s : shadow) {
            if (!SHADOW.contains(s)) {
                throw new IllegalArgumentException("unknown audit '" + s + "'; known: " + String.join(", ", SHADOW));
            }
        }
        List<String> ordered = new ArrayList<>();
        for (String s : SHADOW) {
            if (shadow.contains(s)) {
                ordered.add(s);
            }
        }
        shadow = List.copyOf(ordered);
        if (shadowModels < 4 || shadowModels % 2 != 0) {
            throw new IllegalArgumentException("the number of shadow models must be even and at least 4, got " + shadowModels);
        }
    }

    /** The default: only the cheap audits. */
    public static AuditConfig cheap() {
        return new AuditConfig(List.of(), DEFAULT_SHADOW_MODELS);
    }

    public AuditConfig withShadow(List<String> s) {
        return new AuditConfig(s, shadowModels);
    }

    public AuditConfig withShadowModels(int k) {
        return new AuditConfig(shadow, k);
    }

    public boolean has(String audit) {
        return shadow.contains(audit);
    }

    /** Whether any shadow-model audit runs. */
    public boolean anyShadow() {
        return !shadow.isEmpty();
    }

    /** As recorded in results.json's {@code config.audits} (and accepted by {@code --config}). */
    public Map<String, Object> describe() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("shadow", shadow);
        m.put("shadow_models", shadowModels);
        return m;
    }
}
