package org.lethe.unlearning.metrics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.lethe.engine.Rng;
import org.lethe.models.Models;
import org.lethe.models.RegressionModel;
import org.lethe.models.train.Trainer;
import org.lethe.unlearning.UnlearningTask;
import org.lethe.unlearning.experiment.Defaults;
import org.lethe.unlearning.experiment.Experiment;
import org.lethe.unlearning.experiment.ExperimentConfig;

/** The membership attack on hand-made losses, and the anamnesis index on a small real task. */
class AttackAndRelearnTest {
    private static double[] range(double from, double step, int n) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = from + step * i;
        }
        return v;
    }

    @Test
    void theAttackCallsLowLossRowsMembers() {
        double[] members = range(0.0, 0.002, 100);       // losses 0 .. 0.2
        double[] nonMembers = range(2.0, 0.002, 100);    // losses 2 .. 2.2
        MembershipInference.Result r = MembershipInference.attack(members, nonMembers,
                new double[] {0.1, 0.15, 1.9, 2.1});
        assertEquals(0.5, r.forgetMemberFraction(), 0, "two of the four forget losses look like members");
        assertEquals(100, r.members());
        assertEquals(100, r.nonMembers());
        assertEquals(1.0, MembershipInference.attack(members, nonMembers, new double[] {0.05}).forgetMemberFraction(), 0);
        assertEquals(0.0, MembershipInference.attack(members, nonMembers, new double[] {2.05}).forgetMemberFraction(), 0);
        assertTrue(Double.isNaN(MembershipInference.attack(members, nonMembers, new double[0]).forgetMemberFraction()));
    }

    @Test
    void theIndexIsTheRatioOfRelearnTimes() {
        assertEquals(0.2, AnamnesisIndex.index(new AnamnesisIndex.Relearn(6, false), new AnamnesisIndex.Relearn(30, true)),
                1e-15);
        assertEquals(0.0, AnamnesisIndex.index(new AnamnesisIndex.Relearn(0, false), new AnamnesisIndex.Relearn(7, false)), 0);
        assertTrue(Double.isNaN(AnamnesisIndex.index(new AnamnesisIndex.Relearn(3, false),
                new AnamnesisIndex.Relearn(0, false))));
    }

    @Test
    void relearningCountsStepsOnACopy() {
        ExperimentConfig c = Defaults.forDataset("concrete", null, 8);
        UnlearningTask task = Experiment.task(c);
        RegressionModel original = Models.create(c.model(), new Rng(1));
        new Trainer(c.original().withEpochs(20), null).fit(original, task.train(), null);
        AnamnesisIndex.Config cfg = AnamnesisIndex.Config.paper();
        double threshold = AnamnesisIndex.threshold(original, task, cfg);

        assertEquals(new AnamnesisIndex.Relearn(0, false), AnamnesisIndex.relearn(original, task, threshold, cfg, 3),
                "the original is already within 5% of its own loss");

        RegressionModel fresh = Models.create(c.model(), new Rng(2));
        Map<String, float[]> before = new LinkedHashMap<>();
        fresh.stateDict().tensors().forEach((k, v) -> before.put(k, v.toFloatArray()));
        AnamnesisIndex.Relearn a = AnamnesisIndex.relearn(fresh, task, threshold, cfg, 3);
        assertTrue(a.steps() > 0, "an untrained model needs steps to reach the original's forget loss");
        assertEquals(a, AnamnesisIndex.relearn(fresh, task, threshold, cfg, 3), "same seed, same count");
        before.forEach((k, v) -> assertArrayEquals(v, fresh.stateDict().get(k).toFloatArray(), "relearning changed " + k));

        // an unreachable threshold stops at the cap: one epoch of ceil(721 / 256) = 3 batches
        AnamnesisIndex.Relearn capped = AnamnesisIndex.relearn(fresh, task, 0,
                new AnamnesisIndex.Config(0.01, 256, 1, 0.05), 3);
        assertEquals(3, capped.steps());
        assertTrue(capped.capped());
    }
}
