package org.lethe.unlearning;

import java.util.LinkedHashMap;
import java.util.Map;
import org.lethe.engine.GradMode;
import org.lethe.engine.Rng;
import org.lethe.engine.Tensor;
import org.lethe.engine.TensorScope;
import org.lethe.models.ModelSpec;
import org.lethe.models.Models;
import org.lethe.models.RegressionModel;
import org.lethe.models.nn.StateDict;

/** Teachers and snapshots the methods beyond the paper share; none of them changes the model it copies. */
final class Copies {
    private Copies() {
    }

    /** An independent copy in evaluation mode with no trainable parameter (a teacher). */
    static RegressionModel frozen(RegressionModel m) {
        RegressionModel t = m.deepCopy();
        t.eval();
        t.freeze();
        return t;
    }

    /** A freshly initialised model of the architecture (PyTorch-default initialisation), frozen in evaluation mode. */
    static RegressionModel frozenFresh(ModelSpec spec, long seed) {
        RegressionModel t = Models.create(spec, new Rng(seed));
        t.eval();
        t.freeze();
        return t;
    }

    /** A teacher's predictions {@code [N, 1]}, without a graph. */
    static Tensor predict(RegressionModel teacher, Tensor x) {
        try (GradMode.Guard g = GradMode.noGrad()) {
            return teacher.forward(x).prediction();
        }
    }

    /** A copy of a model's state (parameters and buffers) that later training does not change. */
    static StateDict snapshot(RegressionModel m) {
        return TensorScope.detached(() -> {
            StateDict sd = m.stateDict();
            Map<String, Tensor> copy = new LinkedHashMap<>();
            try (GradMode.Guard g = GradMode.noGrad()) {
                sd.tensors().forEach((k, v) -> copy.put(k, v.copy()));
            }
            return new StateDict(copy, sd.integerKeys());
        });
    }
}
