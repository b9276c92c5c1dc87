package org.lethe.unlearning.metrics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The audits' arithmetic on hand-made and synthetic scores, where the answer is known: ROC, AUC and
 * TPR at a given FPR exactly (ties included), the loss-threshold attack, the scale-aware SVC attack,
 * LiRA, U-LiRA and the NeurIPS forgetting quality on memorising and on chance-level score
 * distributions.
 */
class AuditMathTest {
    private static final double E = 1e-12;

    // ---- ROC ----

    @Test
    void rocWithTiesByHand() {
        // positives 0.9 0.8 0.8 0.3, negatives 0.8 0.5 0.3 0.1 0.0; a tie at 0.8 and at 0.3
        Roc roc = Roc.of(new double[] {0.8, 0.3, 0.9, 0.8}, new double[] {0.1, 0.8, 0.0, 0.5, 0.3});
        // points at t = +inf, 0.9, 0.8, 0.5, 0.3, 0.1, 0.0
        assertArrayEquals(new double[] {0, 0, 0.2, 0.4, 0.6, 0.8, 1}, roc.fpr(), E);
        assertArrayEquals(new double[] {0, 0.25, 0.75, 0.75, 1, 1, 1}, roc.tpr(), E);
        // Mann-Whitney: 5 + 4.5 + 4.5 + 2.5 = 16.5 of 20 pairs
        assertEquals(16.5 / 20, roc.auc(), E);
        assertEquals(0.25, roc.tprAtFpr(0.0), E);
        assertEquals(0.25, roc.tprAtFpr(0.01), E);
        assertEquals(0.9, roc.thresholdAtFpr(0.01), E);
        assertEquals(0.25, roc.tprAtFpr(0.19), E);
        assertEquals(0.75, roc.tprAtFpr(0.2), E, "an FPR equal to alpha counts");
        assertEquals(0.8, roc.thresholdAtFpr(0.2), E);
        assertEquals(0.75, roc.tprAtFpr(0.5), E);
        assertEquals(0.5, roc.thresholdAtFpr(0.5), E, "the lowest threshold with FPR <= alpha");
        assertEquals(1, roc.tprAtFpr(1), E);
        assertEquals(0.0, roc.thresholdAtFpr(1), E);
        assertEquals(2 / 3.0, Roc.fractionFlagged(new double[] {0.85, 0.8, 0.2}, 0.8), E, "scores at the threshold are flagged");
        double[][] c = roc.corners();
        assertArrayEquals(new double[] {0, 0, 0.2, 0.4, 0.6, 1}, c[0], E, "(0.8, 1) lies inside the top run");
        assertArrayEquals(new double[] {0, 0.25, 0.75, 0.75, 1, 1}, c[1], E);
    }

    @Test
    void rocEdgeCases() {
        Roc tied = Roc.of(new double[] {1, 1}, new double[] {1, 1, 1});
        assertEquals(0.5, tied.auc(), E, "all scores tied: one diagonal segment");
        assertArrayEquals(new double[] {0, 1}, tied.fpr(), E);
        assertEquals(0, tied.tprAtFpr(0.01), E);
        assertEquals(Double.POSITIVE_INFINITY, tied.thresholdAtFpr(0.01));
        assertEquals(0, Roc.fractionFlagged(new double[] {1, 5}, tied.thresholdAtFpr(0.01)), E, "nothing is flagged");

        Roc perfect = Roc.of(new double[] {2, 3}, new double[] {0, 1});
        assertEquals(1, perfect.auc(), E);
        assertEquals(1, perfect.tprAtFpr(0), E);
        assertEquals(2, perfect.thresholdAtFpr(0), E);
        assertEquals(0, Roc.of(new double[] {0, 1}, new double[] {2, 3}).auc(), E);
        assertEquals(0.5, Roc.of(new double[] {1, 4}, new double[] {2, 3}).auc(), E);

        assertTrue(Double.isNaN(Roc.of(new double[0], new double[] {1}).auc()));
        assertTrue(Double.isNaN(Roc.of(new double[] {1}, new double[0]).tprAtFpr(0.01)));
        assertTrue(Double.isNaN(Roc.of(new double[] {1, Double.NaN}, new double[] {0}).auc()));
        assertEquals(1, Roc.of(new double[] {Double.POSITIVE_INFINITY}, new double[] {Double.NEGATIVE_INFINITY}).auc(), E);
    }

    @Test
    void aucIsTheMannWhitneyStatisticAndTprMatchesBruteForce() {
        Random rnd = new Random(5);
        for (int trial = 0; trial < 50; trial++) {
            double[] p = new double[1 + rnd.nextInt(40)];
            double[] n = new double[1 + rnd.nextInt(40)];
            for (int i = 0; i < p.length; i++) {
                p[i] = rnd.nextInt(8); // coarse values: many ties
            }
            for (int i = 0; i < n.length; i++) {
                n[i] = rnd.nextInt(6);
            }
            double mw = 0;
            for (double a : p) {
                for (double b : n) {
                    mw += a > b ? 1 : a == b ? 0.5 : 0;
                }
            }
            Roc roc = Roc.of(p, n);
            assertEquals(mw / (p.length * n.length), roc.auc(), 1e-12);
            for (double alpha : new double[] {0, 0.001, 0.01, 0.1, 0.25, 0.5, 1}) {
                // brute force: every threshold in {+inf} and the scores, the best TPR with FPR <= alpha
                double best = 0;
                for (double t : concat(p, n)) {
                    double fpr = Roc.fractionFlagged(n, t);
                    if (fpr <= alpha) {
                        best = Math.max(best, Roc.fractionFlagged(p, t));
                    }
                }
                assertEquals(best, roc.tprAtFpr(alpha), 1e-12, "alpha " + alpha);
                double t = roc.thresholdAtFpr(alpha);
                assertTrue(Roc.fractionFlagged(n, t) <= alpha || t == Double.POSITIVE_INFINITY);
                assertEquals(best, t == Double.POSITIVE_INFINITY ? 0 : Roc.fractionFlagged(p, t), 1e-12);
            }
        }
    }

    private static double[] concat(double[] a, double[] b) {
        double[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    // ---- loss threshold ----

    @Test
    void lossThresholdByHand() {
        // members' losses 0.1 0.2 0.4, non-members' 0.3 0.5 0.6 0.7: lower loss = member
        LossThreshold.Result r = LossThreshold.attack(new double[] {0.2, 0.1, 0.4}, new double[] {0.6, 0.3, 0.7, 0.5},
                new double[] {0.15, 0.2, 0.25, 0.9});
        assertEquals(11 / 12.0, r.auc(), E, "0.4 loses only to 0.3");
        assertEquals(2 / 3.0, r.tprAt1(), E, "no false positive allowed: losses <= 0.2");
        assertEquals(2 / 3.0, r.tprAt01(), E);
        assertEquals(0.2, r.lossThreshold(), E);
        assertEquals(0.5, r.forgetFlaggedAt1(), E, "0.15 and 0.2 of the four forget losses");

        LossThreshold.Result same = LossThreshold.attack(new double[] {1, 1}, new double[] {1, 1}, new double[] {1});
        assertEquals(0.5, same.auc(), E);
        assertEquals(0, same.tprAt1(), E);
        assertEquals(0, same.forgetFlaggedAt1(), E);
    }

    @Test
    void lossThresholdDetectsMemorisationAndNotChance() {
        Random rnd = new Random(11);
        int n = 500;
        double[] members = new double[n];
        double[] nonMembers = new double[n];
        double[] sameAsNon = new double[n];
        for (int i = 0; i < n; i++) {
            members[i] = Math.abs(rnd.nextGaussian()) * 0.002; // memorised: tiny training losses
            nonMembers[i] = Math.abs(rnd.nextGaussian());
            sameAsNon[i] = Math.abs(rnd.nextGaussian());
        }
        LossThreshold.Result mem = LossThreshold.attack(members, nonMembers, members);
        assertTrue(mem.auc() > 0.95, "memorised: " + mem.auc());
        assertTrue(mem.tprAt1() > 0.9, "memorised, TPR at 1% FPR: " + mem.tprAt1());
        assertTrue(mem.forgetFlaggedAt1() > 0.9);
        LossThreshold.Result chance = LossThreshold.attack(sameAsNon, nonMembers, sameAsNon);
        // the AUC's sd for 500 against 500 is sqrt(1001 / (12 * 250000)) = 0.018; 4 sd
        assertEquals(0.5, chance.auc(), 0.073, "same distribution: " + chance.auc());
        assertTrue(chance.tprAt1() < 0.06, "same distribution, TPR at 1% FPR: " + chance.tprAt1());
        assertTrue(chance.forgetFlaggedAt1() < 0.06);
    }

    // ---- scale-aware SVC ----

    @Test
    void theScaledAttackIgnoresTheTargetsScaleAndThePapersDoesNot() {
        Random rnd = new Random(3);
        int n = 150;
        double[] m = new double[n];
        double[] nm = new double[n];
        double[] f = new double[80];
        for (int i = 0; i < n; i++) {
            m[i] = Math.abs(rnd.nextGaussian()) * 0.6;
            nm[i] = Math.abs(rnd.nextGaussian()) * 1.2;
        }
        for (int i = 0; i < f.length; i++) {
            f[i] = Math.abs(rnd.nextGaussian()) * (i % 2 == 0 ? 0.6 : 1.2);
        }
        double[] m1000 = times(m, 1000);
        double[] nm1000 = times(nm, 1000);
        double[] f1000 = times(f, 1000);
        double scaled = MembershipInference.attackScaled(m, nm, f).forgetMemberFraction();
        assertEquals(scaled, MembershipInference.attackScaled(m1000, nm1000, f1000).forgetMemberFraction(), 0);
        assertEquals(scaled, MembershipInference.attackScaled(times(m, 1e-3), times(nm, 1e-3), times(f, 1e-3))
                .forgetMemberFraction(), 0);
        double paper = MembershipInference.attack(m, nm, f).forgetMemberFraction();
        double paper1000 = MembershipInference.attack(m1000, nm1000, f1000).forgetMemberFraction();
        assertTrue(scaled > 0.2 && scaled < 0.9, "the scaled attack separates the mixture: " + scaled);
        assertNotEquals(paper, paper1000, "gamma = 1 in the target's units changes meaning with them");
        double[] ms = MembershipInference.standardiser(new double[] {1, 3}, new double[] {5, 7});
        assertArrayEquals(new double[] {4, Math.sqrt(5)}, ms, E, "pooled mean and population sd");
        assertArrayEquals(new double[] {2, 1}, MembershipInference.standardiser(new double[] {2}, new double[] {2}), E,
                "a constant sample keeps sd 1");
    }

    private static double[] times(double[] v, double k) {
        double[] out = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = v[i] * k;
        }
        return out;
    }

    // ---- LiRA ----

    @Test
    void liraFitByHand() {
        // two examples, four shadows: example 0 in shadows 0 and 1, example 1 in shadows 2 and 3
        double[][] scores = {{1, 4}, {3, 8}, {10, 0}, {14, 2}};
        boolean[][] in = {{true, false}, {true, false}, {false, true}, {false, true}};
        Lira.Fit fit = Lira.fit(scores, in);
        assertArrayEquals(new double[] {2, 1}, fit.meanIn(), E);
        assertArrayEquals(new double[] {12, 6}, fit.meanOut(), E);
        assertFalse(fit.perExample());
        // per-example variances: in 2 and 2, out 8 and 8; pooled sd sqrt(2) and sqrt(8)
        assertArrayEquals(new double[] {Math.sqrt(2), Math.sqrt(2)}, fit.sdIn(), E);
        assertArrayEquals(new double[] {Math.sqrt(8), Math.sqrt(8)}, fit.sdOut(), E);
        double[] llr = fit.logLikelihoodRatio(new double[] {2, 6});
        assertEquals(-Math.log(Math.sqrt(2)) + 100 / 16.0 + Math.log(Math.sqrt(8)), llr[0], 1e-12);
        assertEquals(-25 / 4.0 - Math.log(Math.sqrt(2)) + Math.log(Math.sqrt(8)), llr[1], 1e-12);
        assertThrows(IllegalArgumentException.class, () -> Lira.fit(new double[][] {{1}, {2}}, new boolean[][] {{true}, {false}}));
    }

    /** Balanced in/out assignment of {@code n} examples to {@code k} shadows. */
    private static boolean[][] balanced(int k, int n, Random rnd) {
        boolean[][] in = new boolean[k][n];
        for (int i = 0; i < n; i++) {
            int[] perm = rnd.ints(0, Integer.MAX_VALUE).limit(k).toArray();
            Integer[] order = new Integer[k];
            for (int j = 0; j < k; j++) {
                order[j] = j;
            }
            java.util.Arrays.sort(order, (a, b) -> Integer.compare(perm[a], perm[b]));
            for (int j = 0; j < k / 2; j++) {
                in[order[j]][i] = true;
            }
        }
        return in;
    }

    /** A synthetic regressor: per-example difficulty mu; out residuals N(mu, 0.5^2), in residuals N(0.3 mu, 0.2^2). */
    private static double draw(Random rnd, double mu, boolean member) {
        return member ? 0.3 * mu + 0.2 * rnd.nextGaussian() : mu + 0.5 * rnd.nextGaussian();
    }

    @Test
    void liraDetectsAMemorisingTargetAndNotARetrainedOne() {
        Random rnd = new Random(7);
        int k = 16;
        int n = 400; // the first 200 are the target's training rows (forget rows), the rest held out
        double[] mu = new double[n];
        for (int i = 0; i < n; i++) {
            mu[i] = 2 * rnd.nextGaussian();
        }
        boolean[][] in = balanced(k, n, rnd);
        double[][] scores = new double[k][n];
        for (int s = 0; s < k; s++) {
            for (int i = 0; i < n; i++) {
                scores[s][i] = draw(rnd, mu[i], in[s][i]);
            }
        }
        Lira.Fit fit = Lira.fit(scores, in);
        assertFalse(fit.perExample(), "16 shadows: pooled variances");
        double[] memorised = new double[n];
        double[] retrained = new double[n];
        for (int i = 0; i < n; i++) {
            memorised[i] = draw(rnd, mu[i], i < 200);
            retrained[i] = draw(rnd, mu[i], false);
        }
        Roc mem = roc(fit.logLikelihoodRatio(memorised));
        assertTrue(mem.auc() > 0.93, "memorising target: AUC " + mem.auc());
        assertTrue(mem.tprAtFpr(0.01) > 0.5, "memorising target: TPR at 1% FPR " + mem.tprAtFpr(0.01));
        Roc ret = roc(fit.logLikelihoodRatio(retrained));
        // sd of the AUC for 200 against 200 under the null: 0.029; 4 sd
        assertEquals(0.5, ret.auc(), 0.116, "retrained target: AUC " + ret.auc());
        assertTrue(ret.tprAtFpr(0.01) < 0.1, "retrained target: TPR at 1% FPR " + ret.tprAtFpr(0.01));
        // the per-example calibration is what makes LiRA strong: the raw residual size does much worse
        double[] raw = new double[n];
        for (int i = 0; i < n; i++) {
            raw[i] = -Math.abs(memorised[i]);
        }
        assertTrue(roc(raw).auc() < mem.auc() - 0.05, "raw " + roc(raw).auc() + " vs LiRA " + mem.auc());

        boolean[][] in64 = balanced(64, 10, rnd);
        double[][] s64 = new double[64][10];
        for (int s = 0; s < 64; s++) {
            for (int i = 0; i < 10; i++) {
                s64[s][i] = draw(rnd, mu[i], in64[s][i]);
            }
        }
        assertTrue(Lira.fit(s64, in64).perExample(), "64 shadows: 32 in and 32 out scores per example");
    }

    private static Roc roc(double[] llr) {
        int half = llr.length / 2;
        return Roc.of(java.util.Arrays.copyOfRange(llr, 0, half), java.util.Arrays.copyOfRange(llr, half, llr.length));
    }

    // ---- U-LiRA and the NeurIPS score ----

    /** Scores of k pairs on n forget examples: U from {@code unlearned}'s distribution, R always "out". */
    private static double[][][] pairs(int k, int n, boolean leaky, Random rnd) {
        double[] mu = new double[n];
        for (int i = 0; i < n; i++) {
            mu[i] = 2 * rnd.nextGaussian();
        }
        boolean[][] has = balanced(k, n, rnd);
        double[][] u = new double[k][n];
        double[][] r = new double[k][n];
        double[][] h = new double[k][n];
        for (int s = 0; s < k; s++) {
            for (int i = 0; i < n; i++) {
                u[s][i] = draw(rnd, mu[i], leaky);
                r[s][i] = draw(rnd, mu[i], false);
                h[s][i] = has[s][i] ? 1 : 0;
            }
        }
        return new double[][][] {u, r, h};
    }

    private static boolean[][] mask(double[][] h) {
        boolean[][] b = new boolean[h.length][h[0].length];
        for (int s = 0; s < h.length; s++) {
            for (int i = 0; i < h[0].length; i++) {
                b[s][i] = h[s][i] == 1;
            }
        }
        return b;
    }

    @Test
    void uliraTellsAnUnlearnedModelThatStillRemembersAndNotAPerfectOne() {
        Random rnd = new Random(21);
        double[][][] leaky = pairs(16, 150, true, rnd);
        ULira.Result l = ULira.attack(leaky[0], leaky[1], mask(leaky[2]));
        assertEquals(16 * 150 / 2, l.trials(), "each example is judged on the 8 pairs that forgot it");
        assertTrue(l.accuracy() > 0.8 && l.auc() > 0.9, "an unlearned model that remembers: " + l);
        double[][][] exact = pairs(16, 150, false, rnd);
        ULira.Result e = ULira.attack(exact[0], exact[1], mask(exact[2]));
        // 1200 U and 1200 R judgements; sd of the accuracy under the null about 0.5 / sqrt(2400) = 0.01 (more with the
        // shared fits), 0.06 allows for that
        assertEquals(0.5, e.accuracy(), 0.06, "unlearned = retrained in distribution: " + e);
        assertEquals(0.5, e.auc(), 0.06, "unlearned = retrained in distribution: " + e);
    }

    @Test
    void uliraByHand() {
        // one example, three pairs: U scores 0, 0.2, 0.1; R scores 1, 1.2, 1.1; perfectly told apart
        double[][] u = {{0}, {0.2}, {0.1}};
        double[][] r = {{1}, {1.2}, {1.1}};
        boolean[][] has = {{true}, {true}, {true}};
        ULira.Result res = ULira.attack(u, r, has);
        assertEquals(3, res.trials());
        assertEquals(1, res.accuracy(), E);
        assertEquals(1, res.auc(), E);
        ULira.Result swapped = ULira.attack(r, u, has);
        assertEquals(1, swapped.accuracy(), E, "the ratio is two-sided: any difference is found");
        assertTrue(Double.isNaN(ULira.attack(u, r, new boolean[][] {{false}, {false}, {false}}).accuracy()));
    }

    @Test
    void neurIpsEpsilonBinsAndScoreByHand() {
        double d = NeurIpsScore.DELTA;
        assertEquals(Math.log(0.79 / 0.1), NeurIpsScore.epsilon(new double[] {0.1}, new double[] {0.2}, d), 1e-12);
        assertEquals(0, NeurIpsScore.epsilon(new double[] {0.5}, new double[] {0.5}, d), 0, "chance: eps 0 (floored)");
        assertEquals(Double.POSITIVE_INFINITY, NeurIpsScore.epsilon(new double[] {0}, new double[] {0}, d));
        assertEquals(0, NeurIpsScore.epsilon(new double[] {0}, new double[] {0.3}, d), 0, "one zero rate: discarded");
        assertEquals(Double.POSITIVE_INFINITY, NeurIpsScore.epsilon(new double[] {1}, new double[] {1}, d),
                "always wrong: both logarithms undefined");
        assertEquals(Math.log(0.79 / 0.1), NeurIpsScore.epsilon(new double[] {0.5, 0.1}, new double[] {0.5, 0.2}, d), 1e-12,
                "the strongest attack counts");
        assertEquals(1, NeurIpsScore.binIndex(0));
        assertEquals(1, NeurIpsScore.binIndex(0.49));
        assertEquals(2, NeurIpsScore.binIndex(0.5));
        assertEquals(5, NeurIpsScore.binIndex(Math.log(7.9)));
        assertEquals(13, NeurIpsScore.binIndex(6));
        assertEquals(13, NeurIpsScore.binIndex(Double.POSITIVE_INFINITY));
        assertEquals(1, NeurIpsScore.h(0.2), 0);
        assertEquals(0.0625, NeurIpsScore.h(Math.log(7.9)), 0);
        assertEquals(2 / 8192.0, NeurIpsScore.h(Double.POSITIVE_INFINITY), 0);
        assertEquals((1 + 0.5 + 2 / 8192.0) / 3, NeurIpsScore.forgettingQuality(new double[] {0.1, 0.7, 100}), 1e-15);

        // separable: every held-out pair is judged right, FPR = FNR = 0
        assertArrayEquals(new double[] {0, 0}, NeurIpsScore.thresholdAttack(new double[] {1, 2, 3, 4},
                new double[] {10, 11, 12, 13}), 0);
        assertArrayEquals(new double[] {0, 0}, NeurIpsScore.thresholdAttack(new double[] {10, 11, 12, 13},
                new double[] {1, 2, 3, 4}), 0, "either direction");
        // a held-out score exactly on the fitted threshold (the midpoint 4 of 3 and 5) is called R
        assertArrayEquals(new double[] {0, 0.25}, NeurIpsScore.thresholdAttack(new double[] {1, 2, 3, 4},
                new double[] {5, 6, 7, 8}), 0);
        // with the zero counts taken as one half: eps = log((0.99 - 1/8) / (1/8)) for 4 separable pairs
        NeurIpsScore.Result sep = NeurIpsScore.evaluate(new double[][] {{1}, {2}, {3}, {4}},
                new double[][] {{10}, {11}, {12}, {13}}, new boolean[][] {{true}, {true}, {true}, {true}}, d);
        assertEquals(Math.log(0.865 / 0.125), sep.epsilons()[0], 1e-12);
        assertEquals(2 / 16.0, sep.forgettingQuality(), 0, "eps 1.93: bin 4");
        // identical samples: every rule is 50% accurate on the others; the first ("all U") wins
        assertArrayEquals(new double[] {1, 0}, NeurIpsScore.thresholdAttack(new double[] {1, 2, 3, 4},
                new double[] {1, 2, 3, 4}), 0);
        assertArrayEquals(new double[] {Double.NEGATIVE_INFINITY, 1}, NeurIpsScore.fitThreshold(new double[] {1},
                new double[] {1}), 0);
        assertArrayEquals(new double[] {1.5, 1}, NeurIpsScore.fitThreshold(new double[] {2, 3}, new double[] {0, 1}), 0);
        assertArrayEquals(new double[] {1.5, -1}, NeurIpsScore.fitThreshold(new double[] {0, 1}, new double[] {2, 3}), 0);
    }

    @Test
    void neurIpsScoreIsLowForARememberingModelAndHighForAPerfectOne() {
        Random rnd = new Random(31);
        double[][][] leaky = pairs(16, 150, true, rnd);
        NeurIpsScore.Result l = NeurIpsScore.evaluate(leaky[0], leaky[1], mask(leaky[2]), NeurIpsScore.DELTA);
        assertEquals(150, l.epsilons().length);
        double[][][] exact = pairs(16, 150, false, rnd);
        NeurIpsScore.Result e = NeurIpsScore.evaluate(exact[0], exact[1], mask(exact[2]), NeurIpsScore.DELTA);
        assertTrue(l.forgettingQuality() < 0.3, "remembering: " + l.forgettingQuality());
        assertTrue(e.forgettingQuality() > 0.7, "unlearned = retrained in distribution: " + e.forgettingQuality());
    }
}
