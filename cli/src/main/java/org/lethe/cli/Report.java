package org.lethe.cli;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.CategoryAxis;
import org.jfree.chart.axis.CategoryLabelPositions;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.category.StatisticalBarRenderer;
import org.jfree.data.category.DefaultCategoryDataset;
import org.jfree.data.statistics.DefaultStatisticalCategoryDataset;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import org.lethe.models.train.EpochRecord;
import org.lethe.unlearning.experiment.ExperimentResult;
import org.lethe.unlearning.experiment.MethodRun;
import org.lethe.unlearning.experiment.Summary;
import org.lethe.unlearning.metrics.Distances;

/**
 * The report of an experiment: PNG charts in {@code charts/} (retain and forget error per method with
 * error bars, W1 and membership attack per method, time per method, the histogram of relative
 * prediction difference to Retrain, training curves, the privacy audits per method and the ROC curves
 * of the loss-threshold attack and, when it ran, of LiRA) and {@code report.html}, one self-contained
 * page with the method-by-metric table, the audits table and every chart embedded (each names its file).
 */
final class Report {
    /** The charts of every report; {@code lira-roc.png} is added when LiRA ran. */
    static final List<String> CHARTS = List.of("errors.png", "w1.png", "mia.png", "time.png", "histogram.png", "curves.png",
            "audits.png", "roc.png");
    /** The audits table of the report: key, column heading. */
    static final String[][] AUDITS = {{"mia_forget", "SVC (paper)"}, {"mia_forget_scaled", "SVC (scale-aware)"},
        {"lt_auc", "LT AUC"}, {"lt_tpr_at_1pct_fpr", "LT TPR at 1% FPR"}, {"lt_tpr_at_0_1pct_fpr", "LT TPR at 0.1% FPR"},
        {"lt_forget_flagged_at_1pct_fpr", "LT forget flagged at 1% FPR"}, {"lira_auc", "LiRA AUC"},
        {"lira_tpr_at_1pct_fpr", "LiRA TPR at 1% FPR"}, {"lira_tpr_at_0_1pct_fpr", "LiRA TPR at 0.1% FPR"},
        {"ulira_accuracy", "U-LiRA accuracy"}, {"ulira_auc", "U-LiRA AUC"}, {"neurips_forgetting_quality", "NeurIPS F"},
        {"neurips_utility", "NeurIPS utility"}, {"neurips_score", "NeurIPS score"}};
    private static final int W = 820;
    private static final int H = 420;

    private Report() {
    }

    static void write(RunDirectory dir, ExperimentResult r, String command, String unit) {
        System.setProperty("java.awt.headless", "true");
        Map<String, byte[]> charts = new LinkedHashMap<>();
        charts.put("errors.png", png(errors(r, unit)));
        charts.put("w1.png", png(metricBars(r, "w1_to_retrain", "Wasserstein-1 distance to Retrain on the forget rows",
                "W1" + (unit.isEmpty() ? "" : " (" + unit + ")"), false)));
        charts.put("mia.png", png(metricBars(r, "mia_forget", "Membership attack: forget rows called members",
                "fraction", true)));
        charts.put("time.png", png(metricBars(r, "seconds", "Wall time per method", "seconds", false)));
        charts.put("histogram.png", png(histogram(r)));
        charts.put("curves.png", png(curves(r)));
        charts.put("audits.png", png(audits(r)));
        charts.put("roc.png", png(roc(r, "lt_roc", "Loss-threshold attack: ROC, retain training rows vs test rows (first seed)")));
        if (r.runs().stream().anyMatch(run -> run.details().get("lira_roc") != null)) {
            charts.put("lira-roc.png", png(roc(r, "lira_roc", "LiRA: ROC, forget rows vs test rows (first seed)")));
        }        try {
            java.nio.file.Files.createDirectories(dir.file("charts"));
        } catch (IOException e) {
            throw new IllegalStateException("cannot create " + dir.file("charts"), e);
        }
        charts.forEach((name, bytes) -> dir.write("charts/" + name, bytes));
        dir.write("report.html", html(r, command, unit, charts));
    }

    private static byte[] png(JFreeChart chart) {
        chart.setBackgroundPaint(Color.WHITE);
        chart.getTitle().setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
        try (ByteArrayOutputStream out = new ByteArrayOutputStream()) {
            ChartUtils.writeChartAsPNG(out, chart, W, H);
            return out.toByteArray();
        } catch (IOException e) {
            throw new IllegalStateException("cannot render a chart: " + e.getMessage(), e);
        }
    }

    private static void style(CategoryPlot plot) {
        plot.setBackgroundPaint(Color.WHITE);
        plot.setRangeGridlinePaint(new Color(200, 200, 200));
        CategoryAxis x = plot.getDomainAxis();
        // Beyond six methods (--methods all) the names no longer fit side by side.
        boolean many = plot.getDataset() != null && plot.getDataset().getColumnCount() > 6;
        x.setCategoryLabelPositions(many ? CategoryLabelPositions.UP_45 : CategoryLabelPositions.STANDARD);
    }

    private static JFreeChart errors(ExperimentResult r, String unit) {
        DefaultStatisticalCategoryDataset d = new DefaultStatisticalCategoryDataset();
        r.summary().forEach((m, s) -> {
            add(d, s.get("retain_test_mae"), "retain cohort (test)", m);
            add(d, s.get("forget_test_mae"), "forget cohort (test)", m);
        });
        JFreeChart c = ChartFactory.createBarChart("Test MAE per method (mean ± sd over seeds)", "method",
                "MAE" + (unit.isEmpty() ? "" : " (" + unit + ")"), d, PlotOrientation.VERTICAL, true, false, false);
        CategoryPlot p = c.getCategoryPlot();
        StatisticalBarRenderer rend = new StatisticalBarRenderer();
        rend.setErrorIndicatorPaint(Color.BLACK);
        rend.setSeriesPaint(0, new Color(70, 120, 180));
        rend.setSeriesPaint(1, new Color(220, 120, 50));
        p.setRenderer(rend);
        style(p);
        return c;
    }

    private static void add(DefaultStatisticalCategoryDataset d, Summary s, String series, String method) {
        if (s != null && s.n() > 0) {
            d.add(s.mean(), Double.isFinite(s.sd()) ? s.sd() : 0, series, method);
        }
    }

    private static JFreeChart metricBars(ExperimentResult r, String metric, String title, String axis, boolean markRetrain) {
        DefaultStatisticalCategoryDataset d = new DefaultStatisticalCategoryDataset();
        r.summary().forEach((m, s) -> add(d, s.get(metric), axis, m));
        JFreeChart c = ChartFactory.createBarChart(title + " (mean ± sd)", "method", axis, d, PlotOrientation.VERTICAL, false,
                false, false);
        CategoryPlot p = c.getCategoryPlot();
        StatisticalBarRenderer rend = new StatisticalBarRenderer();
        rend.setErrorIndicatorPaint(Color.BLACK);
        rend.setSeriesPaint(0, new Color(90, 150, 110));
        p.setRenderer(rend);
        Summary target = r.summary().getOrDefault("retrain", Map.of()).get(metric);
        if (markRetrain && target != null && target.n() > 0) {
            ValueMarker mk = new ValueMarker(target.mean(), Color.RED, new BasicStroke(1.5f));
            mk.setLabel("Retrain (target)");
            p.addRangeMarker(mk);
        }
        style(p);
        return c;
    }

    /** Every audit in [0, 1] per method, grouped: mean ± sd over seeds. */
    private static JFreeChart audits(ExperimentResult r) {
        String[][] shown = {{"mia_forget", "SVC (paper)"}, {"mia_forget_scaled", "SVC (scale-aware)"}, {"lt_auc", "LT AUC"},
            {"lt_forget_flagged_at_1pct_fpr", "LT forget flagged at 1% FPR"}, {"lira_auc", "LiRA AUC"},
            {"ulira_accuracy", "U-LiRA accuracy"}, {"neurips_forgetting_quality", "NeurIPS F"}};
        DefaultStatisticalCategoryDataset d = new DefaultStatisticalCategoryDataset();
        r.summary().forEach((m, s) -> {
            for (String[] k : shown) {
                add(d, s.get(k[0]), k[1], m);
            }
        });
        JFreeChart c = ChartFactory.createBarChart("Privacy audits per method (mean ± sd; Retrain's values are the target)",
                "method", "value", d, PlotOrientation.VERTICAL, true, false, false);
        CategoryPlot p = c.getCategoryPlot();
        StatisticalBarRenderer rend = new StatisticalBarRenderer();
        rend.setErrorIndicatorPaint(Color.BLACK);
        p.setRenderer(rend);
        p.getRangeAxis().setRange(0, 1.05);
        style(p);
        return c;
    }

    /** ROC curves (the corners stored in each run's details under {@code key}) of the first seed, one per method. */
    @SuppressWarnings("unchecked")
    private static JFreeChart roc(ExperimentResult r, String key, String title) {
        XYSeriesCollection d = new XYSeriesCollection();
        long first = r.runs().isEmpty() ? 0 : r.runs().get(0).seed();
        for (MethodRun run : r.runs()) {
            Object o = run.details().get(key);
            if (run.seed() != first || !(o instanceof Map)) {
                continue;
            }
            Map<String, Object> curve = (Map<String, Object>) o;
            double[] fpr = (double[]) curve.get("fpr");
            double[] tpr = (double[]) curve.get("tpr");
            Double auc = run.metrics().get(key.equals("lt_roc") ? "lt_auc" : "lira_auc");
            XYSeries s = new XYSeries(run.method() + (auc != null && Double.isFinite(auc)
                    ? String.format(java.util.Locale.ROOT, " (AUC %.3f)", auc) : ""), false, true);
            for (int i = 0; i < fpr.length; i++) {
                s.add(fpr[i], tpr[i]);
            }
            d.addSeries(s);
        }
        XYSeries chance = new XYSeries("chance", false, true);
        chance.add(0, 0);
        chance.add(1, 1);
        d.addSeries(chance);
        JFreeChart c = ChartFactory.createXYLineChart(title, "false-positive rate", "true-positive rate", d,
                PlotOrientation.VERTICAL, true, false, false);
        XYPlot p = c.getXYPlot();
        p.setBackgroundPaint(Color.WHITE);
        p.setRangeGridlinePaint(new Color(200, 200, 200));
        p.setDomainGridlinePaint(new Color(220, 220, 220));
        p.getDomainAxis().setRange(0, 1);
        p.getRangeAxis().setRange(0, 1);
        p.getRenderer().setSeriesPaint(d.getSeriesCount() - 1, Color.GRAY);
        p.getRenderer().setSeriesStroke(d.getSeriesCount() - 1, new BasicStroke(1f, BasicStroke.CAP_BUTT,
                BasicStroke.JOIN_MITER, 1f, new float[] {4f, 4f}, 0f));
        return c;
    }

    private static JFreeChart histogram(ExperimentResult r) {
        DefaultCategoryDataset d = new DefaultCategoryDataset();
        Map<String, int[]> sums = new LinkedHashMap<>();
        for (MethodRun run : r.runs()) {
            if (run.method().equals("retrain")) {
                continue;
            }
            int[] h = sums.computeIfAbsent(run.method(), k -> new int[run.relativeDifferenceHistogram().length]);
            for (int i = 0; i < h.length; i++) {
                h[i] += run.relativeDifferenceHistogram()[i];
            }
        }
        List<String> labels = new ArrayList<>();
        for (int i = 0; i <= Distances.EDGES.length; i++) {
            labels.add(i < Distances.EDGES.length ? String.format(java.util.Locale.ROOT, "<%.2f", Distances.EDGES[i]) : ">=1");
        }
        sums.forEach((m, h) -> {
            long total = 0;
            for (int v : h) {
                total += v;
            }
            for (int i = 0; i < h.length; i++) {
                d.addValue(total == 0 ? 0 : h[i] / (double) total, m, labels.get(i));
            }
        });
        JFreeChart c = ChartFactory.createBarChart("Relative difference |ŷ_u − ŷ_r| / |y| to Retrain on the forget rows",
                "relative difference", "fraction of forget rows", d, PlotOrientation.VERTICAL, true, false, false);
        CategoryPlot p = c.getCategoryPlot();
        p.getDomainAxis().setCategoryLabelPositions(CategoryLabelPositions.UP_45);
        p.setBackgroundPaint(Color.WHITE);
        p.setRangeGridlinePaint(new Color(200, 200, 200));
        return c;
    }

    private static JFreeChart curves(ExperimentResult r) {
        XYSeriesCollection d = new XYSeriesCollection();
        for (MethodRun run : r.runs()) {
            if (run.history().isEmpty() || run.seed() != r.runs().get(0).seed()) {
                continue;
            }
            XYSeries train = new XYSeries(run.method() + " training loss");
            XYSeries val = new XYSeries(run.method() + " validation loss");
            for (EpochRecord e : run.history()) {
                train.add(e.epoch(), e.trainLoss());
                if (Double.isFinite(e.validationLoss())) {
                    val.add(e.epoch(), e.validationLoss());
                }
            }
            d.addSeries(train);
            if (val.getItemCount() > 0) {
                d.addSeries(val);
            }
        }
        JFreeChart c = ChartFactory.createXYLineChart("Training curves (first seed; standardised targets)", "epoch", "loss",
                d, PlotOrientation.VERTICAL, true, false, false);
        XYPlot p = c.getXYPlot();
        p.setBackgroundPaint(Color.WHITE);
        p.setRangeGridlinePaint(new Color(200, 200, 200));
        p.setDomainGridlinePaint(new Color(220, 220, 220));
        return c;
    }

    private static String esc(Object o) {
        return String.valueOf(o).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    /** The audits table: every audit that ran (a column is left out when no method has it). */
    private static void auditsTable(StringBuilder h, ExperimentResult r) {
        List<String[]> cols = new ArrayList<>();
        for (String[] c : AUDITS) {
            if (r.summary().values().stream().anyMatch(s -> s.get(c[0]) != null && s.get(c[0]).n() > 0)) {
                cols.add(c);
            }
        }
        h.append("<h2>Privacy audits</h2>\n<table><tr><th>method</th>");
        for (String[] c : cols) {
            h.append("<th>").append(esc(c[1])).append("</th>");
        }
        h.append("</tr>\n");
        r.summary().forEach((m, s) -> {
            h.append(m.equals("retrain") ? "<tr class=\"target\"><td>retrain (target)</td>" : "<tr><td>" + esc(m) + "</td>");
            for (String[] c : cols) {
                h.append("<td>").append(esc(Table.meanSd(s.get(c[0])))).append("</td>");
            }
            h.append("</tr>\n");
        });
        h.append("</table>\n<p>Definitions in docs/audits.md. SVC: the paper's attack and its scale-aware version (losses "
                + "standardised on the attacker's training sample), the fraction of forget rows called members. LT: the "
                + "loss-threshold attack (lower loss = member) over retain training rows against test rows, its ROC AUC, TPR "
                + "at 1% and 0.1% FPR, and the fraction of forget rows it flags at 1% FPR. LiRA: shadow-model likelihood "
                + "ratio on the forget rows against the test rows. U-LiRA: how well a per-example likelihood ratio tells "
                + "this method's unlearned shadow models from retrained ones (0.5 = perfect unlearning). NeurIPS: the 2023 "
                + "challenge's forgetting quality F (1 = indistinguishable from retraining), the utility ratio and their "
                + "product. Retrain's row is the target of every column.</p>\n");
    }

    private static String html(ExperimentResult r, String command, String unit, Map<String, byte[]> charts) {
        StringBuilder h = new StringBuilder();
        h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Lethe: ")
                .append(esc(r.config().get("dataset"))).append("</title>\n<style>body{font-family:sans-serif;max-width:920px;"
                        + "margin:2em auto;color:#222}table{border-collapse:collapse;font-size:14px}th,td{border:1px solid #ccc;"
                        + "padding:4px 8px;text-align:right}th:first-child,td:first-child{text-align:left}tr.target{background:#fdf3d8}"
                        + "figure{margin:1.5em 0}figcaption{font-size:13px;color:#555}code{background:#f4f4f4;padding:1px 4px}"
                        + "</style></head><body>\n");
        h.append("<h1>Unlearning on ").append(esc(r.config().get("dataset"))).append("</h1>\n");
        h.append("<p>Forget request <code>").append(esc(r.forget().get("definition"))).append("</code>: ")
                .append(esc(r.forget().get("train_forget"))).append(" training rows forgotten, ")
                .append(esc(r.forget().get("train_retain"))).append(" retained; test cohorts ")
                .append(esc(r.forget().get("test_forget"))).append(" forget / ").append(esc(r.forget().get("test_retain")))
                .append(" retain. Seeds ").append(esc(r.config().get("seeds"))).append(". Errors in ")
                .append(unit.isEmpty() ? "target units" : esc(unit)).append(". The Retrain row is the target every method "
                        + "aims at, not the lowest value.</p>\n");
        h.append("<table><tr><th>method</th>");
        String[][] cols = {{"retain_test_mae", "retain MAE"}, {"forget_test_mae", "forget MAE"}, {"retain_test_r2", "retain R²"},
            {"forget_test_r2", "forget R²"}, {"w1_to_retrain", "W1 to Retrain"}, {"mean_abs_diff_to_retrain", "|Δ| to Retrain"},
            {"mia_forget", "MIA forget"}, {"ain", "AIN"}, {"seconds", "time (s)"}, {"speedup", "speed-up"}};
        for (String[] c : cols) {
            h.append("<th>").append(esc(c[1])).append("</th>");
        }
        h.append("</tr>\n");
        r.summary().forEach((m, s) -> {
            h.append(m.equals("retrain") ? "<tr class=\"target\"><td>retrain (target)</td>" : "<tr><td>" + esc(m) + "</td>");
            for (String[] c : cols) {
                h.append("<td>").append(esc(Table.meanSd(s.get(c[0])))).append("</td>");
            }
            h.append("</tr>\n");
        });
        h.append("</table>\n<p>Mean ± sample standard deviation over seeds. MIA: the paper's attack (RBF SVC, C = 3, γ = 1, "
                + "on per-row L1 losses), the fraction of forget rows it calls members. AIN: relearning steps relative to "
                + "Retrain's. The methods are described in docs/methods.md.</p>\n");
        auditsTable(h, r);
        Map<String, String> captions = Map.of("errors.png", "Retain and forget cohort error on the test rows.", "w1.png",
            "Distance of each model's predictions on the forget rows to Retrain's.", "mia.png",
            "Membership attack; the red line is Retrain's value.", "time.png",
            "Wall time, training of the blindspot model included.", "histogram.png",
            "The paper's figure: how far each model's predictions are from Retrain's, relative to the target.", "curves.png",
            "Original's and Retrain's training and validation losses.", "audits.png",
            "The privacy audits (table above); for each the target is Retrain's bar, not the lowest or the highest.", "roc.png",
            "The loss-threshold attack's ROC over retain training rows (members) and test rows (non-members), per method, "
            + "first seed; the dashed line is chance.", "lira-roc.png",
            "LiRA's ROC over the forget rows (positives) and the test rows (negatives), per method, first seed; Retrain's "
            + "curve is the target.");
        for (Map.Entry<String, byte[]> e : charts.entrySet()) {
            h.append("<figure><img alt=\"").append(esc(e.getKey())).append("\" data-file=\"charts/").append(esc(e.getKey()))
                    .append("\" width=\"").append(W).append("\" src=\"data:image/png;base64,")
                    .append(Base64.getEncoder().encodeToString(e.getValue())).append("\"><figcaption>")
                    .append(esc(captions.getOrDefault(e.getKey(), ""))).append(" (<a href=\"charts/").append(esc(e.getKey()))
                    .append("\">charts/").append(esc(e.getKey())).append("</a>)</figcaption></figure>\n");
        }
        h.append("<h2>Run</h2><p>Command <code>").append(esc(command)).append("</code><br>Data hash <code>")
                .append(esc(r.dataHash())).append("</code><br>Code version <code>").append(esc(r.codeVersion()))
                .append("</code><br>Wall time ").append(String.format(java.util.Locale.ROOT, "%.1f", r.seconds()))
                .append(" s. Full configuration in results.json and manifest.json.</p>\n</body></html>\n");
        return h.toString();
    }
}
