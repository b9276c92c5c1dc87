package org.lethe.models.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.lethe.engine.Rng;

/**
 * One erasure request, as text:
 * <ul>
 *   <li>a cohort by a column: {@code target < 20}, {@code target >= 30}, {@code class == 3},
 *       {@code weekend == 1}, {@code class in {0, 6}} (operators {@code < <= > >= == !=});</li>
 *   <li>a random fraction or count of the training rows: {@code random:0.1}, {@code random:200};</li>
 *   <li>explicit training row ids: {@code ids:4,17,256}.</li>
 * </ul>
 * Several requests in sequence are separated by {@code ;} ({@link #parseAll}). A cohort also defines
 * the forget cohort of the validation and test rows; a random or explicit request does not.
 */
public final class ForgetRequest {
    private static final Pattern COMPARE = Pattern.compile("\\s*([A-Za-z_][A-Za-z0-9_]*)\\s*(<=|>=|==|!=|<|>)\\s*(\\S+)\\s*");
    private static final Pattern IN = Pattern.compile("\\s*([A-Za-z_][A-Za-z0-9_]*)\\s+in\\s*\\{([^}]*)}\\s*");

    private enum Kind { COMPARE, IN, RANDOM, IDS }

    private final String definition;
    private final Kind kind;
    private final String column;
    private final String op;
    private final double[] values;

    private ForgetRequest(String definition, Kind kind, String column, String op, double[] values) {
        this.definition = definition;
        this.kind = kind;
        this.column = column;
        this.op = op;
        this.values = values;
    }

    public String definition() {
        return definition;
    }

    /** Whether the request names a cohort (so test and validation rows have a forget part too). */
    public boolean isCohort() {
        return kind == Kind.COMPARE || kind == Kind.IN;
    }

    /** Parses {@code a; b; c} into requests applied in that order. */
    public static List<ForgetRequest> parseAll(String spec) {
        if (spec == null || spec.isBlank()) {
            throw new DataException("forget: the definition is empty");
        }
        List<ForgetRequest> out = new ArrayList<>();
        for (String part : spec.split(";")) {
            if (!part.isBlank()) {
                out.add(parse(part.trim()));
            }
        }
        if (out.isEmpty()) {
            throw new DataException("forget: the definition is empty");
        }
        return out;
    }

    public static ForgetRequest parse(String def) {
        String d = def.trim();
        String where = "forget " + org.lethe.models.Messages.quote(d);
        if (d.startsWith("random:")) {
            double v = number(where, d.substring(7).trim());
            if (!(v > 0) || (v >= 1 && v != Math.rint(v))) {
                throw new DataException(where + ": give a fraction in (0, 1) or a whole number of rows");
            }
            return new ForgetRequest(d, Kind.RANDOM, null, null, new double[] {v});
        }
        if (d.startsWith("ids:")) {
            String[] parts = d.substring(4).split(",");
            double[] ids = new double[parts.length];
            for (int i = 0; i < parts.length; i++) {
                String p = parts[i].trim();
                try {
                    ids[i] = Integer.parseInt(p);
                } catch (NumberFormatException e) {
                    throw new DataException(where + ": " + org.lethe.models.Messages.quote(p) + " is not a row id");
                }
            }
            return new ForgetRequest(d, Kind.IDS, null, null, ids);
        }
        Matcher in = IN.matcher(d);
        if (in.matches()) {
            String[] parts = in.group(2).split(",");
            double[] vals = new double[parts.length];
            for (int i = 0; i < parts.length; i++) {
                vals[i] = number(where, parts[i].trim());
            }
            return new ForgetRequest(d, Kind.IN, in.group(1), "in", vals);
        }
        Matcher m = COMPARE.matcher(d);
        if (m.matches()) {
            return new ForgetRequest(d, Kind.COMPARE, m.group(1), m.group(2), new double[] {number(where, m.group(3))});
        }
        throw new DataException(where + ": not understood; use e.g. 'target < 20', 'class in {0, 6}', 'random:0.1' "
                + "or 'ids:4,17'");
    }

    private static double number(String where, String s) {
        try {
            double v = Double.parseDouble(s);
            if (Double.isFinite(v)) {
                return v;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new DataException(where + ": " + org.lethe.models.Messages.quote(s) + " is not a number");
    }

    /** Whether each row of the data set is in the cohort (cohort requests only). */
    public boolean[] cohort(RegressionData data) {
        if (!isCohort()) {
            throw new IllegalStateException(definition + " is not a cohort");
        }
        double[] v;
        try {
            v = data.column(column);
        } catch (DataException e) {
            throw new DataException("forget " + org.lethe.models.Messages.quote(definition) + ": " + e.getMessage());
        }
        boolean[] out = new boolean[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = test(v[i]);
        }
        return out;
    }

    private boolean test(double x) {
        if (kind == Kind.IN) {
            for (double a : values) {
                if (x == a) {
                    return true;
                }
            }
            return false;
        }
        double a = values[0];
        switch (op) {
            case "<": return x < a;
            case "<=": return x <= a;
            case ">": return x > a;
            case ">=": return x >= a;
            case "==": return x == a;
            default: return x != a;
        }
    }

    /**
     * The training rows this request forgets, among {@code available} (the training rows not yet
     * forgotten); a random request draws them with {@code seed}.
     */
    int[] trainRows(RegressionData data, int[] available, long seed) {
        String where = "forget " + org.lethe.models.Messages.quote(definition);
        switch (kind) {
            case RANDOM -> {
                double v = values[0];
                int count = v < 1 ? (int) Math.round(v * available.length) : (int) v;
                if (count > available.length) {
                    throw new DataException(where + ": asks for " + count + " rows but only " + available.length
                            + " training rows remain");
                }
                int[] perm = new Rng(seed).permutation(available.length);
                int[] picked = new int[count];
                for (int i = 0; i < count; i++) {
                    picked[i] = available[perm[i]];
                }
                Arrays.sort(picked);
                return picked;
            }
            case IDS -> {
                int[] ids = new int[values.length];
                for (int i = 0; i < ids.length; i++) {
                    int id = (int) values[i];
                    if (id < 0 || id >= data.size()) {
                        throw new DataException(where + ": row " + id + " does not exist (the data set has " + data.size()
                                + " rows, 0.." + (data.size() - 1) + ")");
                    }
                    if (Arrays.binarySearch(available, id) < 0) {
                        throw new DataException(where + ": row " + id + " is not a training row (or was forgotten already)");
                    }
                    ids[i] = id;
                }
                return Arrays.stream(ids).distinct().sorted().toArray();
            }
            default -> {
                boolean[] c = cohort(data);
                return Arrays.stream(available).filter(r -> c[r]).toArray();
            }
        }
    }

    @Override
    public String toString() {
        return definition;
    }
}
