package org.lethe.unlearning.experiment;

import java.util.List;
import org.lethe.unlearning.BlindspotUnlearner;
import org.lethe.unlearning.FinetuneUnlearner;
import org.lethe.unlearning.GaussianUnlearner;
import org.lethe.unlearning.RetrainUnlearner;
import org.lethe.unlearning.Unlearner;

/** The unlearning methods by name, configured from an experiment's settings. */
public final class Methods {
    /** The paper's methods, in the order results list them. */
    public static final List<String> PAPER = List.of("finetune", "gaussian", "blindspot");
    /** Every method Lethe has (for {@code --methods all}). */
    public static final List<String> ALL = PAPER;

    private Methods() {
    }

    public static Unlearner create(String name, ExperimentConfig c) {
        switch (name) {
            case "retrain": return new RetrainUnlearner(c.original());
            case "finetune": return new FinetuneUnlearner(c.finetune());
            case "gaussian": return new GaussianUnlearner(c.gaussian());
            case "blindspot": return new BlindspotUnlearner(c.blindspot());
            default:
                throw new IllegalArgumentException("unknown method '" + name + "'; known: " + String.join(", ", ALL));
        }
    }
}
