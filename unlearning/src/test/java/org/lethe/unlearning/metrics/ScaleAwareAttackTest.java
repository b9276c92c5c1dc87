package org.lethe.unlearning.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import org.junit.jupiter.api.Test;
import org.lethe.engine.Rng;
import org.lethe.models.Models;
import org.lethe.models.RegressionModel;
import org.lethe.models.data.BuiltinDatasets;
import org.lethe.models.data.ForgetSet;
import org.lethe.models.data.Normalizer;
import org.lethe.models.data.RegressionData;
import org.lethe.models.data.Split;
import org.lethe.models.train.Trainer;
import org.lethe.unlearning.UnlearningTask;
import org.lethe.unlearning.experiment.Defaults;
import org.lethe.unlearning.experiment.Experiment;
import org.lethe.unlearning.experiment.ExperimentConfig;

/**
 * The scale-aware SVC attack gives the same answer when the target is multiplied by 1000 (Concrete
 * in MPa and in kPa, the same model trained on each), the paper's version does not: its gamma = 1 is
 * in the target's units. Measured: scale-aware 0.993 in both units; paper 0.735 in MPa, 0.147 in kPa.
 */
class ScaleAwareAttackTest {
    private static MembershipInference.Losses losses(RegressionData raw, String forget) {
        ExperimentConfig c = Defaults.forDataset("concrete", null, 8);
        Split split = Experiment.split(c, raw);
        ForgetSet f = ForgetSet.resolve(forget, raw, split, c.splitSeed());
        Normalizer norm = Experiment.normalizer(c, raw, split);
        UnlearningTask task = new UnlearningTask(norm.apply(raw), split, f, c.loss(), norm, c.model());
        RegressionModel model = Models.create(c.model(), new Rng(1));
        new Trainer(c.original().withEpochs(20).withSeed(1), null).fit(model, task.train(), null);
        return MembershipInference.losses(model, task, 8);
    }

    @Test
    void multiplyingTheTargetBy1000ChangesOnlyThePapersAttack() {
        RegressionData mpa = BuiltinDatasets.load("concrete");
        double[] y = mpa.targets();
        for (int i = 0; i < y.length; i++) {
            y[i] *= 1000;
        }
        RegressionData kpa = new RegressionData(mpa.name(), mpa.inputs(), y, mpa.columns(), mpa.targetName(), mpa.hash());
        MembershipInference.Losses a = losses(mpa, "target < 20");
        MembershipInference.Losses b = losses(kpa, "target < 20000");
        assertEquals(a.forget().length, b.forget().length);
        for (int i = 0; i < a.forget().length; i++) {
            assertEquals(1000 * a.forget()[i], b.forget()[i], 1e-3 * (1 + 1000 * a.forget()[i]), "the same model, losses x 1000");
        }
        double scaled = MembershipInference.attackScaled(a.members(), a.nonMembers(), a.forget()).forgetMemberFraction();
        double scaledKpa = MembershipInference.attackScaled(b.members(), b.nonMembers(), b.forget()).forgetMemberFraction();
        double paper = MembershipInference.attack(a.members(), a.nonMembers(), a.forget()).forgetMemberFraction();
        double paperKpa = MembershipInference.attack(b.members(), b.nonMembers(), b.forget()).forgetMemberFraction();
        assertEquals(scaled, scaledKpa, 0, "scale-aware: MPa " + scaled + ", kPa " + scaledKpa);
        assertNotEquals(paper, paperKpa, "paper: MPa " + paper + ", kPa " + paperKpa);
    }
}
