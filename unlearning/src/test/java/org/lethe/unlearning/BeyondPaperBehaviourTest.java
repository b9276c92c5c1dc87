package org.lethe.unlearning;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.lethe.unlearning.experiment.Defaults;
import org.lethe.unlearning.experiment.Experiment;
import org.lethe.unlearning.experiment.ExperimentConfig;
import org.lethe.unlearning.experiment.ExperimentResult;
import org.lethe.unlearning.experiment.Methods;
import org.lethe.unlearning.experiment.Summary;

/**
 * The methods beyond the paper do on real data what their papers claim, with their defaults and fixed
 * seeds (Concrete, the weak-concrete cohort, seeds 1-3, the paper's protocol): each moves the
 * forget-cohort test error from Original's toward Retrain's without overshooting it by more than 10%,
 * and keeps the retain-cohort test error within 15% of Original's (the bound BehaviourTest holds
 * Blindspot to); and the specific claims below. The numbers are in docs/methods.md.
 */
class BeyondPaperBehaviourTest {
    private static ExperimentResult result;

    @BeforeAll
    static void run() {
        ExperimentConfig c = Defaults.forDataset("concrete", null, 8).withAin(false).withMethods(Methods.BEYOND);
        result = Experiment.run(c, new Experiment.Listener() { });
    }

    private static double mean(String method, String metric) {
        Summary s = result.summary().get(method).get(metric);
        assertEquals(3, s.n(), method + " " + metric + " over three seeds");
        return s.mean();
    }

    @ParameterizedTest
    @ValueSource(strings = {"neggrad", "badteacher", "scrub", "salun", "l1sparse", "cfk", "euk", "certified"})
    void forgetErrorMovesTowardRetrainsAndRetainErrorStaysBounded(String method) {
        double original = mean("original", "forget_test_mae");
        double retrain = mean("retrain", "forget_test_mae");
        double m = mean(method, "forget_test_mae");
        assertTrue(retrain > original, "forgetting the weak cohort makes it harder to predict: " + original + " -> " + retrain);
        assertTrue(m > original && m <= retrain * 1.1,
                method + "'s forget error " + m + " lies between Original's " + original + " and Retrain's " + retrain);
        double retainOriginal = mean("original", "retain_test_mae");
        double retain = mean(method, "retain_test_mae");
        assertTrue(retain <= 1.15 * retainOriginal, method + ": retain error " + retainOriginal + " -> " + retain);
    }

    @Test
    void everyMethodIsInTheResults() {
        assertEquals(java.util.List.of("original", "retrain", "neggrad", "badteacher", "scrub", "salun", "l1sparse", "cfk",
                "euk", "ssd", "lfssd", "fisher", "sisa", "certified"), java.util.List.copyOf(result.summary().keySet()));
        for (String m : Methods.BEYOND) {
            for (String k : new String[] {"retain_test_mae", "forget_test_mae", "w1_to_retrain", "mia_forget", "seconds",
                "steps", "speedup"}) {
                assertTrue(Double.isFinite(mean(m, k)), m + " " + k);
            }
        }
    }

    /** SalUn: the forgetting of random labels at a fraction of the collateral damage (retain within 5%). */
    @Test
    void salunForgetsWhileKeepingTheRetainError() {
        assertTrue(mean("salun", "retain_test_mae") <= 1.05 * mean("original", "retain_test_mae"));
        assertTrue(mean("salun", "w1_to_retrain") < 0.5 * mean("original", "w1_to_retrain"));
    }

    /** Bad Teacher, SCRUB and EU-k bring the forget rows' predictions and the attack's verdict toward Retrain's. */
    @ParameterizedTest
    @ValueSource(strings = {"badteacher", "scrub", "euk", "salun"})
    void predictionsAndAttackMoveTowardRetrain(String method) {
        assertTrue(mean(method, "w1_to_retrain") < mean("original", "w1_to_retrain"), method + " W1");
        double target = mean("retrain", "mia_forget");
        assertTrue(Math.abs(mean(method, "mia_forget") - target) < Math.abs(mean("original", "mia_forget") - target),
                method + " MIA");
    }

    /**
     * The methods are cheaper than Retrain. Not SISA: the weak cohort lies in every shard's first
     * slice, so deleting it retrains every shard from scratch, and its many small shards take more
     * (smaller) steps than Retrain's (SisaTest holds it to its own claims).
     */
    @Test
    void everyMethodTakesFewerStepsThanRetrain() {
        for (String m : Methods.BEYOND.stream().filter(m -> !m.equals("sisa")).toList()) {
            assertTrue(mean(m, "steps") < mean("retrain", "steps"), m + ": " + mean(m, "steps") + " steps");
        }
    }
}
