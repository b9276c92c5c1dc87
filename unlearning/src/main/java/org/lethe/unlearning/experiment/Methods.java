package org.lethe.unlearning.experiment;

import java.util.ArrayList;
import java.util.List;
import org.lethe.unlearning.BadTeacherUnlearner;
import org.lethe.unlearning.BlindspotUnlearner;
import org.lethe.unlearning.CertifiedUnlearner;
import org.lethe.unlearning.CfkUnlearner;
import org.lethe.unlearning.EukUnlearner;
import org.lethe.unlearning.FinetuneUnlearner;
import org.lethe.unlearning.FisherUnlearner;
import org.lethe.unlearning.GaussianUnlearner;
import org.lethe.unlearning.L1SparseUnlearner;
import org.lethe.unlearning.NegGradPlusUnlearner;
import org.lethe.unlearning.RetrainUnlearner;
import org.lethe.unlearning.SalUnUnlearner;
import org.lethe.unlearning.SisaUnlearner;
import org.lethe.unlearning.ScrubUnlearner;
import org.lethe.unlearning.SsdUnlearner;
import org.lethe.unlearning.Unlearner;

/** The unlearning methods by name, configured from an experiment's settings. */
public final class Methods {
    /** The paper's methods, in the order results list them (the default). */
    public static final List<String> PAPER = List.of("finetune", "gaussian", "blindspot");
    /** The methods beyond the paper (docs/methods.md), in the order results list them. */
    public static final List<String> BEYOND = BeyondPaper.NAMES;
    /** Every method Lethe has (for {@code --methods all}): the paper's, then the others. */
    public static final List<String> ALL = concat(PAPER, BEYOND);

    private Methods() {
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return List.copyOf(all);
    }

    public static Unlearner create(String name, ExperimentConfig c) {
        BeyondPaper x = c.beyond();
        switch (name) {
            case "retrain": return new RetrainUnlearner(c.original());
            case "finetune": return new FinetuneUnlearner(c.finetune());
            case "gaussian": return new GaussianUnlearner(c.gaussian());
            case "blindspot": return new BlindspotUnlearner(c.blindspot());
            case "neggrad": return new NegGradPlusUnlearner(x.neggrad());
            case "badteacher": return new BadTeacherUnlearner(x.badteacher());
            case "scrub": return new ScrubUnlearner(x.scrub());
            case "salun": return new SalUnUnlearner(x.salun());
            case "l1sparse": return new L1SparseUnlearner(x.l1sparse());
            case "cfk": return new CfkUnlearner(x.cfk());
            case "euk": return new EukUnlearner(x.euk());
            case "ssd": return new SsdUnlearner(x.ssd());
            case "lfssd": return new SsdUnlearner(x.lfssd());
            case "fisher": return new FisherUnlearner(x.fisher());
            case "sisa": return new SisaUnlearner(x.sisa());
            case "certified": return new CertifiedUnlearner(x.certified());
            default:
                throw new IllegalArgumentException("unknown method '" + name + "'; known: " + String.join(", ", ALL));
        }
    }
}
