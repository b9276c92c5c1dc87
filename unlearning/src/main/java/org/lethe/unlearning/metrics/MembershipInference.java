package org.lethe.unlearning.metrics;

import java.util.Arrays;
import org.lethe.engine.Rng;
import org.lethe.models.RegressionModel;
import org.lethe.models.data.Dataset;
import org.lethe.models.data.Normalizer;
import org.lethe.unlearning.UnlearningTask;

/**
 * The paper's membership inference attack for regression: each row's feature is its L1 loss in the
 * target's units; a C-SVC with RBF kernel (C = 3, gamma = 1; {@link Svc}) learns to tell retain
 * training rows (members, +1) from test rows (non-members, -1); the result is the fraction of the
 * forget rows it calls members. Retrain's value is the target. The member sample is drawn (seeded)
 * to the size of the test set, so that the classes are balanced, and both are capped at
 * {@value #CAP} rows to bound the solver's cost. {@link #attackScaled} is the scale-aware version
 * (losses standardised on the attacker's training sample before the same SVC).
 */
public final class MembershipInference {
    public static final int CAP = 2000;

    /** The fraction of forget rows called members, and the attacker's training sizes. */
    public record Result(double forgetMemberFraction, int members, int nonMembers, int supportVectors) {
    }

    private MembershipInference() {
    }

    /** Per-row |prediction - target| in original units. */
    public static double[] losses(RegressionModel model, Dataset data, Normalizer norm) {
        double[][] py = Predictions.of(model, data, norm);
        double[] l = new double[py[0].length];
        for (int i = 0; i < l.length; i++) {
            l[i] = Math.abs(py[0][i] - py[1][i]);
        }
        return l;
    }

    private static int[] sample(int[] rows, int count, long seed) {
        if (rows.length <= count) {
            return rows.clone();
        }
        int[] perm = new Rng(seed).permutation(rows.length);
        int[] out = new int[count];
        for (int i = 0; i < count; i++) {
            out[i] = rows[perm[i]];
        }
        Arrays.sort(out);
        return out;
    }

    /**
     * The attacker's losses: a seeded sample of retain training rows (members) the size of the test
     * sample, the test rows (non-members, at most {@value #CAP}), and every forget row. The paper's
     * attack, its scale-aware version and the loss-threshold attack all use these.
     */
    public record Losses(double[] members, double[] nonMembers, double[] forget) {
    }

    /** The per-row L1 losses of {@code model} on the attacker's samples (see {@link Losses}). */
    public static Losses losses(RegressionModel model, UnlearningTask task, long seed) {
        int[] test = sample(task.split().test(), CAP, seed);
        int[] members = sample(task.forget().trainRetain(), test.length, seed + 1);
        return new Losses(losses(model, task.data().subset(members), task.normalizer()),
                losses(model, task.data().subset(test), task.normalizer()),
                losses(model, task.forgetRows(), task.normalizer()));
    }

    public static Result attack(RegressionModel model, UnlearningTask task, long seed) {
        Losses l = losses(model, task, seed);
        return attack(l.members(), l.nonMembers(), l.forget());
    }

    /**
     * The scale-aware attack: every loss is standardised with the mean and the population standard
     * deviation of the attacker's training sample (member and non-member losses together; a deviation
     * of 0 counts as 1), then the paper's SVC (C = 3, gamma = 1) runs on the standardised losses. Gamma
     * = 1 then means the same on every target scale: multiplying the target by any positive factor
     * multiplies every loss by it and leaves this attack's answer unchanged, which the paper's version
     * (gamma = 1 in the target's units) does not.
     */
    public static Result attackScaled(double[] memberLosses, double[] nonMemberLosses, double[] forgetLosses) {
        double[] ms = standardiser(memberLosses, nonMemberLosses);
        return attack(standardise(memberLosses, ms), standardise(nonMemberLosses, ms), standardise(forgetLosses, ms));
    }

    /** {@code [mean, sd]} of the pooled values (population sd; 1 when the sd is 0 or not finite). */
    static double[] standardiser(double[] a, double[] b) {
        int n = a.length + b.length;
        if (n == 0) {
            return new double[] {0, 1};
        }
        double sum = 0;
        for (double v : a) {
            sum += v;
        }
        for (double v : b) {
            sum += v;
        }
        double mean = sum / n;
        double ss = 0;
        for (double v : a) {
            ss += (v - mean) * (v - mean);
        }
        for (double v : b) {
            ss += (v - mean) * (v - mean);
        }
        double sd = Math.sqrt(ss / n);
        return new double[] {mean, sd > 0 && Double.isFinite(sd) ? sd : 1};
    }

    private static double[] standardise(double[] v, double[] ms) {
        double[] out = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = (v[i] - ms[0]) / ms[1];
        }
        return out;
    }

    /**
     * The attack on given losses: fits the SVC on {@code memberLosses} (+1) against
     * {@code nonMemberLosses} (-1) and returns the fraction of {@code forgetLosses} it calls members.
     */
    public static Result attack(double[] memberLosses, double[] nonMemberLosses, double[] forgetLosses) {
        double[][] x = new double[memberLosses.length + nonMemberLosses.length][];
        int[] y = new int[x.length];
        for (int i = 0; i < memberLosses.length; i++) {
            x[i] = new double[] {memberLosses[i]};
            y[i] = 1;
        }
        for (int i = 0; i < nonMemberLosses.length; i++) {
            x[memberLosses.length + i] = new double[] {nonMemberLosses[i]};
            y[memberLosses.length + i] = -1;
        }
        Svc svc = Svc.fit(x, y, 3, 1, 1e-3);
        int called = 0;
        for (double v : forgetLosses) {
            called += svc.predict(new double[] {v}) == 1 ? 1 : 0;
        }
        return new Result(forgetLosses.length == 0 ? Double.NaN : called / (double) forgetLosses.length,
                memberLosses.length, nonMemberLosses.length, svc.supportVectors());
    }
}
