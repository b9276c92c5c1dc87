package org.lethe.unlearning.experiment;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.lethe.unlearning.BadTeacherUnlearner;
import org.lethe.unlearning.CertifiedUnlearner;
import org.lethe.unlearning.CfkUnlearner;
import org.lethe.unlearning.EukUnlearner;
import org.lethe.unlearning.FisherUnlearner;
import org.lethe.unlearning.L1SparseUnlearner;
import org.lethe.unlearning.NegGradPlusUnlearner;
import org.lethe.unlearning.SalUnUnlearner;
import org.lethe.unlearning.SisaUnlearner;
import org.lethe.unlearning.ScrubUnlearner;
import org.lethe.unlearning.SsdUnlearner;

/**
 * The settings of the methods beyond the paper (see docs/methods.md), one per method, under the
 * method's name in results.json's {@code config} and in a configuration file.
 */
public record BeyondPaper(NegGradPlusUnlearner.Config neggrad, BadTeacherUnlearner.Config badteacher,
                          ScrubUnlearner.Config scrub, SalUnUnlearner.Config salun, L1SparseUnlearner.Config l1sparse,
                          CfkUnlearner.Config cfk, EukUnlearner.Config euk, SsdUnlearner.Config ssd,
                          SsdUnlearner.Config lfssd, FisherUnlearner.Config fisher, SisaUnlearner.Config sisa,
                          CertifiedUnlearner.Config certified) {

    /** The methods' names, in the order results list them. */
    public static final List<String> NAMES = List.of("neggrad", "badteacher", "scrub", "salun", "l1sparse", "cfk", "euk", "ssd", "lfssd",
            "fisher", "sisa", "certified");

    /** Every method's defaults (each method's {@code defaults()}). */
    public static BeyondPaper defaults() {
        return new BeyondPaper(NegGradPlusUnlearner.Config.defaults(), BadTeacherUnlearner.Config.defaults(),
                ScrubUnlearner.Config.defaults(), SalUnUnlearner.Config.defaults(), L1SparseUnlearner.Config.defaults(),
                CfkUnlearner.Config.defaults(), EukUnlearner.Config.defaults(), SsdUnlearner.Config.defaults(false),
                SsdUnlearner.Config.defaults(true), FisherUnlearner.Config.defaults(), SisaUnlearner.Config.defaults(),
                CertifiedUnlearner.Config.defaults());
    }

    /** One method's settings as JSON-ready values (keys as in a configuration file). */
    public Map<String, Object> describe(String method) {
        return switch (method) {
            case "neggrad" -> neggrad.describe();
            case "badteacher" -> badteacher.describe();
            case "scrub" -> scrub.describe();
            case "salun" -> salun.describe();
            case "l1sparse" -> l1sparse.describe();
            case "cfk" -> cfk.describe();
            case "euk" -> euk.describe();
            case "ssd" -> ssd.describe();
            case "lfssd" -> lfssd.describe();
            case "fisher" -> fisher.describe();
            case "sisa" -> sisa.describe();
            case "certified" -> certified.describe();
            default -> throw new IllegalArgumentException("not a method beyond the paper: '" + method + "'");
        };
    }

    /**
     * These settings with some of one method's values replaced ({@code values} by key: numbers, or
     * strings where the setting is a name, as SISA's aggregation or {@code certified.mode}); an unknown
     * key, a value of the wrong kind, a fraction where a whole number is expected, or a value the
     * method refuses is an
     * {@link IllegalArgumentException} naming it.
     */
    public BeyondPaper with(String method, Map<String, ?> values) {
        Map<String, Object> m = new LinkedHashMap<>(describe(method));
        for (Map.Entry<String, ?> e : values.entrySet()) {
            Object old = m.get(e.getKey());
            if (old == null) {
                throw new IllegalArgumentException("unknown key '" + e.getKey() + "'; known: " + String.join(", ", m.keySet()));
            }
            if (old instanceof String) {
                if (!(e.getValue() instanceof String text)) {
                    throw new IllegalArgumentException("'" + e.getKey() + "' must be a string, got " + e.getValue());
                }
                m.put(e.getKey(), text);
                continue;
            }
            if (!(e.getValue() instanceof Number number)) {
                throw new IllegalArgumentException("'" + e.getKey() + "' must be a number, got " + e.getValue());
            }
            double v = number.doubleValue();
            if (old instanceof Integer) {
                if (v != Math.rint(v) || Math.abs(v) > Integer.MAX_VALUE) {
                    throw new IllegalArgumentException("'" + e.getKey() + "' must be a whole number, got " + number);
                }
                m.put(e.getKey(), (int) v);
            } else {
                m.put(e.getKey(), v);
            }
        }
        return switch (method) {
            case "neggrad" -> replaced(method, new NegGradPlusUnlearner.Config(d(m, "beta"), d(m, "learning_rate"),
                    i(m, "epochs"), i(m, "batch_size"), d(m, "guard")));
            case "badteacher" -> replaced(method, new BadTeacherUnlearner.Config(d(m, "retain_fraction"),
                    d(m, "learning_rate"), i(m, "epochs"), i(m, "batch_size")));
            case "scrub" -> replaced(method, new ScrubUnlearner.Config(d(m, "learning_rate"),
                    d(m, "momentum"), d(m, "weight_decay"), i(m, "epochs"), i(m, "max_epochs"), d(m, "gamma"),
                    d(m, "alpha"), d(m, "bound"), i(m, "batch_size"), i(m, "forget_batch_size")));
            case "salun" -> replaced(method, new SalUnUnlearner.Config(d(m, "fraction"),
                    d(m, "learning_rate"), i(m, "epochs"), i(m, "batch_size")));
            case "l1sparse" -> replaced(method, new L1SparseUnlearner.Config(d(m, "gamma"),
                    d(m, "learning_rate"), i(m, "epochs"), i(m, "batch_size")));
            case "cfk" -> replaced(method, new CfkUnlearner.Config(i(m, "layers"),
                    d(m, "learning_rate"), i(m, "epochs"), i(m, "batch_size")));
            case "euk" -> replaced(method, new EukUnlearner.Config(
                    i(m, "layers"), d(m, "learning_rate"), i(m, "epochs"), i(m, "batch_size")));
            case "ssd" -> replaced(method, new SsdUnlearner.Config(false, d(m, "alpha"), d(m, "lambda"), i(m, "batch_size")));
            case "lfssd" -> replaced(method, new SsdUnlearner.Config(true, d(m, "alpha"), d(m, "lambda"), i(m, "batch_size")));
            case "fisher" -> replaced(method, new FisherUnlearner.Config(d(m, "alpha"), d(m, "max_variance"), i(m, "samples")));
            case "sisa" -> replaced(method, new SisaUnlearner.Config(i(m, "shards"), i(m, "slices"),
                    (String) m.get("aggregation"), i(m, "epochs"), d(m, "learning_rate"), i(m, "batch_size"), i(m, "requests")));
            case "certified" -> replaced(method, new CertifiedUnlearner.Config(d(m, "lambda"), (String) m.get("mode"),
                    d(m, "sigma"), d(m, "delta")));
            default -> throw new IllegalArgumentException("not a method beyond the paper: '" + method + "'");
        };
    }

    /** These settings with method {@code method}'s replaced by {@code config}. */
    private BeyondPaper replaced(String method, Object config) {
        return new BeyondPaper(pick(method, "neggrad", config, neggrad), pick(method, "badteacher", config, badteacher),
                pick(method, "scrub", config, scrub), pick(method, "salun", config, salun),
                pick(method, "l1sparse", config, l1sparse), pick(method, "cfk", config, cfk), pick(method, "euk", config, euk),
                pick(method, "ssd", config, ssd), pick(method, "lfssd", config, lfssd), pick(method, "fisher", config, fisher),
                pick(method, "sisa", config, sisa), pick(method, "certified", config, certified));
    }

    @SuppressWarnings("unchecked")
    private static <T> T pick(String method, String name, Object config, T current) {
        return method.equals(name) ? (T) config : current;
    }

    private static double d(Map<String, Object> m, String k) {
        return ((Number) m.get(k)).doubleValue();
    }

    private static int i(Map<String, Object> m, String k) {
        return ((Number) m.get(k)).intValue();
    }
}
