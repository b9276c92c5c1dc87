package org.lethe.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.lethe.unlearning.experiment.Summary;

/** Aligned text tables for the terminal. */
final class Table {
    private final List<String[]> rows = new ArrayList<>();

    Table row(String... cells) {
        rows.add(cells);
        return this;
    }

    String render() {
        int cols = rows.stream().mapToInt(r -> r.length).max().orElse(0);
        int[] w = new int[cols];
        for (String[] r : rows) {
            for (int c = 0; c < r.length; c++) {
                w[c] = Math.max(w[c], r[c].length());
            }
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < rows.size(); i++) {
            String[] r = rows.get(i);
            for (int c = 0; c < r.length; c++) {
                String cell = r[c];
                sb.append(c == 0 ? String.format("%-" + w[c] + "s", cell) : String.format("  %" + w[c] + "s", cell));
            }
            sb.append('\n');
            if (i == 0) {
                int total = 0;
                for (int x : w) {
                    total += x + 2;
                }
                sb.append("-".repeat(Math.max(0, total - 2))).append('\n');
            }
        }
        return sb.toString();
    }

    static String number(double v) {
        if (!Double.isFinite(v)) {
            return "-";
        }
        double a = Math.abs(v);
        return a != 0 && (a < 0.001 || a >= 100000) ? String.format(Locale.ROOT, "%.3g", v)
                : String.format(Locale.ROOT, a >= 100 ? "%.1f" : "%.3f", v);
    }

    static String meanSd(Summary s) {
        if (s == null || s.n() == 0) {
            return "-";
        }
        return s.n() > 1 ? number(s.mean()) + " ± " + number(s.sd()) : number(s.mean());
    }

    /** The method-by-metric table of an experiment. */
    static String summary(Map<String, Map<String, Summary>> summary, String unit) {
        String[][] cols = {{"retain_test_mae", "retain MAE"}, {"forget_test_mae", "forget MAE"}, {"w1_to_retrain", "W1 to retrain"},
            {"mia_forget", "MIA forget"}, {"ain", "AIN"}, {"seconds", "time s"}, {"speedup", "speed-up"}};
        Table t = new Table();
        String[] head = new String[cols.length + 1];
        head[0] = "method";
        for (int i = 0; i < cols.length; i++) {
            head[i + 1] = cols[i][1] + (i < 3 && unit != null && !unit.isEmpty() ? " (" + unit + ")" : "");
        }
        t.row(head);
        summary.forEach((method, metrics) -> {
            String[] r = new String[cols.length + 1];
            r[0] = method.equals("retrain") ? "retrain (target)" : method;
            for (int i = 0; i < cols.length; i++) {
                r[i + 1] = meanSd(metrics.get(cols[i][0]));
            }
            t.row(r);
        });
        return t.render();
    }

    /** The privacy audits of an experiment, one row per method (Retrain's row is the target). */
    static String audits(Map<String, Map<String, Summary>> summary) {
        String[][] cols = {{"mia_forget", "SVC"}, {"mia_forget_scaled", "SVC scaled"}, {"lt_auc", "LT AUC"},
            {"lt_tpr_at_1pct_fpr", "LT TPR@1%"}, {"lt_forget_flagged_at_1pct_fpr", "LT forget@1%"}, {"lira_auc", "LiRA AUC"},
            {"lira_tpr_at_1pct_fpr", "LiRA TPR@1%"}, {"ulira_accuracy", "U-LiRA acc"}, {"neurips_forgetting_quality", "NeurIPS F"},
            {"neurips_score", "NeurIPS score"}};
        Table t = new Table();
        String[] head = new String[cols.length + 1];
        head[0] = "audit";
        for (int i = 0; i < cols.length; i++) {
            head[i + 1] = cols[i][1];
        }
        t.row(head);
        summary.forEach((method, metrics) -> {
            String[] r = new String[cols.length + 1];
            r[0] = method.equals("retrain") ? "retrain (target)" : method;
            for (int i = 0; i < cols.length; i++) {
                r[i + 1] = meanSd(metrics.get(cols[i][0]));
            }
            t.row(r);
        });
        return t.render();
    }
}
