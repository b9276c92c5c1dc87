package org.lethe.models;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.lethe.engine.GradMode;
import org.lethe.engine.Rng;
import org.lethe.engine.Tensor;
import org.lethe.kernels.DType;
import org.lethe.models.nn.Module;

/**
 * An ensemble of regression models of one architecture whose prediction is the mean or the median of
 * its members' (SISA's aggregation: Bourtoule et al., "Machine Unlearning", IEEE S&amp;P 2021). The
 * members are children {@code members.0}, {@code members.1}, ... (state-dict names such as
 * {@code members.0.layers.0.weight}), so an ensemble saves to and loads from checkpoints like any
 * model. A buffer {@code active} [S] holds 1 for a member that takes part in the aggregate and 0 for
 * one that is left out (a SISA shard whose rows were all deleted has no model).
 *
 * <p>Forward, with P [N, S] the members' predictions side by side and W [N, S] a weight matrix:
 * prediction = Σ_k P[:, k]·W[:, k] (shape [N, 1]). Mean: W[i, k] = active_k / Σ active. Median: W
 * puts 1 on the middle one of the active members' sorted predictions of row i (odd count) or 1/2 on
 * each of the two middle ones (even count). W is a constant read from the values (no gradient of
 * its own), so both are built from existing ops and differentiable: the mean's gradient reaches every
 * active member, the median's only the selected ones (its subgradient, as {@code torch.median}'s).
 *
 * <p>Activations: none. Each member has its own, and an attention-map distance between two
 * ensembles' members has no counterpart in the paper's method; the one method that uses activations
 * (Blindspot) then matches outputs only.
 *
 * <p>Not in {@link Models#ARCHITECTURES}: those are the architectures a user trains; an ensemble is
 * what SISA produces (trained shard by shard), and training it jointly through the aggregate would
 * not be SISA. {@link Models#create} builds it from its spec (checkpoints, deep copies), and it can be
 * trained through the aggregate where a metric needs that (the anamnesis index relearns a copy).
 */
public final class Ensemble extends RegressionModel {
    /** The architecture name in a {@link ModelSpec}. */
    public static final String ARCHITECTURE = "ensemble";
    /** The aggregations, by name. */
    public static final List<String> AGGREGATIONS = List.of("mean", "median");

    private final ModelSpec memberSpec;
    private final String aggregation;
    private final List<RegressionModel> members = new ArrayList<>();
    private final Tensor active;

    /** {@code count} members of architecture {@code member}, freshly initialised from {@code rng} in turn. */
    public Ensemble(ModelSpec member, int count, String aggregation, Rng rng) {
        if (member.architecture().equals(ARCHITECTURE)) {
            throw new IllegalArgumentException("ensemble: a member cannot itself be an ensemble");
        }
        if (count < 1) {
            throw new IllegalArgumentException("ensemble: members must be at least 1, got " + count);
        }
        if (!AGGREGATIONS.contains(aggregation)) {
            throw new IllegalArgumentException("ensemble: aggregation must be mean or median, got "
                    + Messages.quote(aggregation));
        }
        this.memberSpec = member;
        this.aggregation = aggregation;
        this.active = buffer("active", Tensor.ones(DType.FLOAT32, count));
        Holder holder = child("members", new Holder());
        for (int i = 0; i < count; i++) {
            RegressionModel m = Models.create(member, rng);
            members.add(m);
            holder.add(Integer.toString(i), m);
        }
    }

    /** The spec of an ensemble: {@code member} as a nested spec, {@code members}, {@code aggregation}. */
    public static ModelSpec spec(ModelSpec member, int count, String aggregation) {
        Map<String, Object> nested = new LinkedHashMap<>();
        nested.put("architecture", member.architecture());
        nested.put("hyperparameters", member.hyperparameters());
        Map<String, Object> hp = new LinkedHashMap<>();
        hp.put("member", nested);
        hp.put("members", count);
        hp.put("aggregation", aggregation);
        return new ModelSpec(ARCHITECTURE, hp);
    }

    /** The container of the members, so that their state-dict names are {@code members.<k>.*}. */
    private static final class Holder extends Module {
        void add(String name, Module m) {
            child(name, m);
        }

        @Override
        protected Module newInstance(Rng rng) {
            throw new UnsupportedOperationException("an ensemble's members are copied with the ensemble");
        }
    }

    /** The number of members. */
    public int size() {
        return members.size();
    }

    /** Member {@code k} (a live view: training it changes the ensemble). */
    public RegressionModel member(int k) {
        return members.get(k);
    }

    /** The members' architecture. */
    public ModelSpec memberSpec() {
        return memberSpec;
    }

    public String aggregation() {
        return aggregation;
    }

    /** Whether member {@code k} takes part in the aggregate. */
    public boolean isActive(int k) {
        return active.toFloatArray()[k] != 0;
    }

    /** Lets member {@code k} take part in the aggregate or not; at least one must. */
    public void setActive(int k, boolean on) {
        float[] a = active.toFloatArray();
        a[k] = on ? 1f : 0f;
        boolean any = false;
        for (float v : a) {
            any |= v != 0;
        }
        if (!any) {
            throw new IllegalArgumentException("ensemble: at least one member must be active");
        }
        try (GradMode.Guard g = GradMode.noGrad()) {
            active.copyFrom(Tensor.of(a, a.length).to(active.backend()));
        }
    }

    @Override
    public ModelOutput forward(Tensor x) {
        int s = members.size();
        List<Tensor> outs = new ArrayList<>(s);
        for (RegressionModel m : members) {
            outs.add(m.forward(x).prediction());
        }
        Tensor p = Tensor.concat(outs, 1);
        int n = p.shape()[0];
        float[] on = active.toFloatArray();
        double[] w = new double[n * s];
        if (aggregation.equals("mean")) {
            double count = 0;
            for (float v : on) {
                count += v != 0 ? 1 : 0;
            }
            for (int i = 0; i < n; i++) {
                for (int k = 0; k < s; k++) {
                    w[i * s + k] = on[k] != 0 ? 1 / count : 0;
                }
            }
        } else {
            medianWeights(p.toDoubleArray(), on, n, s, w);
        }
        Tensor weights = Tensor.of(p.backend(), p.dtype(), w, n, s);
        return new ModelOutput(p.mul(weights).sum(new int[] {1}, true), List.of());
    }

    /** W of the median: per row, 1 on the middle active member by value, or 1/2 on the two middle ones. */
    static void medianWeights(double[] p, float[] on, int n, int s, double[] w) {
        Integer[] order = new Integer[s];
        for (int i = 0; i < n; i++) {
            int c = 0;
            for (int k = 0; k < s; k++) {
                if (on[k] != 0) {
                    order[c++] = k;
                }
            }
            final int row = i;
            // Ties go to the lower member index, so the selection does not depend on the sort's stability.
            Arrays.sort(order, 0, c, (a, b) -> {
                int cmp = Double.compare(p[row * s + a], p[row * s + b]);
                return cmp != 0 ? cmp : Integer.compare(a, b);
            });
            if (c % 2 == 1) {
                w[i * s + order[c / 2]] = 1;
            } else {
                w[i * s + order[c / 2 - 1]] += 0.5;
                w[i * s + order[c / 2]] += 0.5;
            }
        }
    }

    @Override
    public ModelSpec spec() {
        return spec(memberSpec, members.size(), aggregation);
    }

    @Override
    public int[] inputShape() {
        return members.get(0).inputShape();
    }
}
