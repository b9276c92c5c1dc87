package org.lethe.unlearning;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.lethe.engine.GradMode;
import org.lethe.engine.Tensor;
import org.lethe.models.RegressionModel;
import org.lethe.models.nn.Module;
import org.lethe.models.nn.StateDict;
import org.lethe.models.train.BatchLoss;

/**
 * One layer of a model, as CF-k and EU-k count them ("the last k layers"). A layer is a module that
 * owns parameters itself (a Linear, Conv2d, LSTM or Embedding), in the order of the state dict, which
 * is the forward order of every built-in architecture; a module whose own parameters are all vectors
 * (a BatchNorm) belongs to the layer before it, so a convolution and its batch normalisation are one
 * layer. An LSTM module is one layer with all its stacked layers. Per architecture (default widths):
 * MLP 8-64-64-1: 3 layers ({@code layers.0}, {@code layers.2}, {@code layers.4}); SmallCNN: 4
 * ({@code conv1}, {@code conv2}, {@code fc1}, {@code fc2}); AllCNN: 9 (8 conv+BN blocks, the
 * classifier); ResNet-18: 21 (stem, 16 block convolutions, 3 downsampling convolutions, {@code fc}),
 * the downsampling convolution of a block coming after its second convolution as registered; LSTM
 * regressor: 2 ({@code lstm}, {@code fc}); character model: 3 ({@code embedding}, {@code lstm},
 * {@code fc}); Siamese LSTM: 7.
 *
 * @param path       the dotted path of the layer's first module ({@code layers.4}, {@code fc})
 * @param modules    the modules of the layer (a convolution and its BatchNorm)
 * @param parameters the full names of the layer's parameters
 * @param state      the full names of its parameters and buffers (running statistics)
 */
public record ModelLayer(String path, List<Module> modules, List<String> parameters, List<String> state) {

    public ModelLayer {
        modules = List.copyOf(modules);
        parameters = List.copyOf(parameters);
        state = List.copyOf(state);
    }

    /** The layers of a model, first to last. */
    public static List<ModelLayer> of(Module model) {
        List<ModelLayer> out = new ArrayList<>();
        walk(model, "", out);
        return Collections.unmodifiableList(out);
    }

    private static void walk(Module m, String prefix, List<ModelLayer> out) {
        List<String> own = new ArrayList<>();
        boolean matrix = false;
        for (Map.Entry<String, Tensor> e : m.namedParameters().entrySet()) {
            if (!e.getKey().contains(".")) {
                own.add(prefix + e.getKey());
                matrix |= e.getValue().rank() >= 2;
            }
        }
        if (!own.isEmpty()) {
            List<String> state = new ArrayList<>();
            for (String k : m.stateDict().tensors().keySet()) {
                if (!k.contains(".")) {
                    state.add(prefix + k);
                }
            }
            String path = prefix.isEmpty() ? "" : prefix.substring(0, prefix.length() - 1);
            if (!matrix && !out.isEmpty()) {
                ModelLayer last = out.remove(out.size() - 1);
                out.add(new ModelLayer(last.path(), concat(last.modules(), List.of(m)), concat(last.parameters(), own),
                        concat(last.state(), state)));
            } else {
                out.add(new ModelLayer(path, List.of(m), own, state));
            }
        }
        m.children().forEach((name, child) -> walk(child, prefix + name + ".", out));
    }

    private static <T> List<T> concat(List<T> a, List<T> b) {
        List<T> r = new ArrayList<>(a);
        r.addAll(b);
        return r;
    }

    /** The first {@code count - k} layers (the ones CF-k and EU-k freeze); k must be in 1..count. */
    static List<ModelLayer> frozen(List<ModelLayer> layers, int k) {
        check(layers, k);
        return layers.subList(0, layers.size() - k);
    }

    /** The last {@code k} layers. */
    static List<ModelLayer> last(List<ModelLayer> layers, int k) {
        check(layers, k);
        return layers.subList(layers.size() - k, layers.size());
    }

    /** The paths of some layers. */
    static List<String> paths(List<ModelLayer> layers) {
        return layers.stream().map(ModelLayer::path).toList();
    }

    private static void check(List<ModelLayer> layers, int k) {
        if (k < 1 || k > layers.size()) {
            throw new IllegalArgumentException("k = " + k + " layers, but the model has " + layers.size() + " (1 to "
                    + layers.size() + " allowed)");
        }
    }

    /**
     * Freezes the first {@code count - k} layers of {@code model} (no gradient, so no optimiser touches
     * them) and leaves the last k trainable.
     */
    static void freezeAllButLast(RegressionModel model, List<ModelLayer> layers, int k) {
        model.unfreeze();
        Map<String, Tensor> params = model.namedParameters();
        for (ModelLayer l : frozen(layers, k)) {
            l.parameters().forEach(p -> params.get(p).requiresGrad(false));
        }
    }

    /** Puts the modules of the frozen layers in evaluation mode (their BatchNorm statistics stay as they are). */
    static void frozenInEvaluationMode(List<ModelLayer> layers, int k) {
        for (ModelLayer l : frozen(layers, k)) {
            l.modules().forEach(Module::eval);
        }
    }

    /**
     * The training loop's hooks for CF-k and EU-k: one loss, and at every epoch the frozen layers (the
     * first {@code count - k}) put back in evaluation mode after the loop put the model in training mode.
     */
    static TrainingLoop.Hooks hooks(BatchLoss loss, List<ModelLayer> layers, int k) {
        return new TrainingLoop.Hooks() {
            @Override
            public BatchLoss loss(int epoch) {
                return loss;
            }

            @Override
            public void epochStarts(int epoch, RegressionModel model) {
                frozenInEvaluationMode(layers, k);
            }
        };
    }

    /** Overwrites the parameters and buffers of the last {@code k} layers of {@code model} with those of {@code fresh}. */
    static void copyLast(RegressionModel model, List<ModelLayer> layers, int k, RegressionModel fresh) {
        StateDict mine = model.stateDict();
        StateDict theirs = fresh.stateDict();
        try (GradMode.Guard g = GradMode.noGrad()) {
            for (ModelLayer l : last(layers, k)) {
                for (String name : l.state()) {
                    mine.get(name).copyFrom(theirs.get(name));
                }
            }
        }
    }
}
