package org.lethe.models.nn;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.lethe.engine.GradMode;
import org.lethe.engine.Rng;
import org.lethe.engine.Tensor;

/**
 * A building block with named parameters, buffers and child modules, as {@code torch.nn.Module}:
 * its {@link #stateDict()} names every tensor by its path ({@code layer1.0.conv1.weight}) in
 * PyTorch's order (own parameters, own buffers, then children), so that checkpoints load in PyTorch
 * with {@code strict=True}. Modules start in training mode.
 */
public abstract class Module {
    private final LinkedHashMap<String, Tensor> params = new LinkedHashMap<>();
    private final LinkedHashMap<String, Tensor> buffers = new LinkedHashMap<>();
    private final Set<String> integerBuffers = new HashSet<>();
    private final LinkedHashMap<String, Module> children = new LinkedHashMap<>();
    private boolean training = true;

    /** Registers a parameter (it will require grad); returns it. */
    protected final Tensor parameter(String name, Tensor t) {
        checkName(name);
        t.requiresGrad(true);
        params.put(name, t);
        return t;
    }

    /** Registers a buffer: state saved with the model but not trained (running statistics). */
    protected final Tensor buffer(String name, Tensor t) {
        checkName(name);
        buffers.put(name, t);
        return t;
    }

    /** Registers a buffer that holds an integer counter (PyTorch int64). */
    protected final Tensor integerBuffer(String name, Tensor t) {
        buffer(name, t);
        integerBuffers.add(name);
        return t;
    }

    /** Registers a child module; returns it. */
    protected final <M extends Module> M child(String name, M module) {
        checkName(name);
        children.put(name, module);
        return module;
    }

    private void checkName(String name) {
        if (name.isEmpty() || name.contains(".") || params.containsKey(name) || buffers.containsKey(name)
                || children.containsKey(name)) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ": invalid or repeated name '" + name + "'");
        }
    }

    /** The child modules in registration order. */
    public final Map<String, Module> children() {
        return java.util.Collections.unmodifiableMap(children);
    }

    // ---- state -----------------------------------------------------------------------------------

    /** Every parameter and buffer by its dotted path, in PyTorch's order. */
    public final StateDict stateDict() {
        LinkedHashMap<String, Tensor> out = new LinkedHashMap<>();
        Set<String> ints = new LinkedHashSet<>();
        collect("", out, ints);
        return new StateDict(out, ints);
    }

    private void collect(String prefix, Map<String, Tensor> out, Set<String> ints) {
        params.forEach((n, t) -> out.put(prefix + n, t));
        buffers.forEach((n, t) -> {
            out.put(prefix + n, t);
            if (integerBuffers.contains(n)) {
                ints.add(prefix + n);
            }
        });
        children.forEach((n, m) -> m.collect(prefix + n + ".", out, ints));
    }

    /** Parameters by dotted path, in order. */
    public final Map<String, Tensor> namedParameters() {
        LinkedHashMap<String, Tensor> out = new LinkedHashMap<>();
        collectParams("", out);
        return out;
    }

    private void collectParams(String prefix, Map<String, Tensor> out) {
        params.forEach((n, t) -> out.put(prefix + n, t));
        children.forEach((n, m) -> m.collectParams(prefix + n + ".", out));
    }

    /** All parameters, in order. */
    public final List<Tensor> parameters() {
        return new ArrayList<>(namedParameters().values());
    }

    /** The parameters that are not frozen. */
    public final List<Tensor> trainableParameters() {
        return parameters().stream().filter(Tensor::requiresGrad).toList();
    }

    /** Number of parameter elements. */
    public final long parameterCount() {
        long n = 0;
        for (Tensor t : parameters()) {
            n += t.numel();
        }
        return n;
    }

    /**
     * Copies values from {@code state} into this module's tensors (shapes must match). With
     * {@code strict}, the names must match exactly; the error lists the missing and unexpected ones.
     */
    public final void loadStateDict(StateDict state, boolean strict) {
        Map<String, Tensor> mine = stateDict().tensors();
        if (strict) {
            Set<String> missing = new TreeSet<>(mine.keySet());
            missing.removeAll(state.tensors().keySet());
            Set<String> unexpected = new TreeSet<>(state.tensors().keySet());
            unexpected.removeAll(mine.keySet());
            if (!missing.isEmpty() || !unexpected.isEmpty()) {
                throw new IllegalArgumentException("state dict does not fit " + getClass().getSimpleName() + ": missing "
                        + missing + ", unexpected " + unexpected);
            }
        }
        try (GradMode.Guard g = GradMode.noGrad()) {
            for (Map.Entry<String, Tensor> e : mine.entrySet()) {
                Tensor src = state.get(e.getKey());
                if (src == null) {
                    continue;
                }
                if (!java.util.Arrays.equals(src.shape(), e.getValue().shape())) {
                    throw new IllegalArgumentException("state dict entry " + e.getKey() + " has shape "
                            + java.util.Arrays.toString(src.shape()) + ", the model expects "
                            + java.util.Arrays.toString(e.getValue().shape()));
                }
                e.getValue().copyFrom(src.to(e.getValue().dtype()).to(e.getValue().backend()));
            }
        }
    }

    // ---- modes -----------------------------------------------------------------------------------

    /** Training mode (batch statistics, dropout) for this module and its children; returns this. */
    public final Module train() {
        return setTraining(true);
    }

    /** Evaluation mode (running statistics, no dropout); returns this. */
    public final Module eval() {
        return setTraining(false);
    }

    private Module setTraining(boolean on) {
        training = on;
        children.values().forEach(m -> m.setTraining(on));
        return this;
    }

    public final boolean isTraining() {
        return training;
    }

    /** Stops gradients for every parameter (they stay in the state dict). */
    public final void freeze() {
        parameters().forEach(p -> p.requiresGrad(false));
    }

    /** Lets every parameter train again. */
    public final void unfreeze() {
        parameters().forEach(p -> p.requiresGrad(true));
    }

    // ---- copies ----------------------------------------------------------------------------------

    /**
     * A module of the same class and hyperparameters with fresh tensors. The values do not matter
     * (deep copies overwrite them); implementations pass {@code rng} to their initialisers.
     */
    protected abstract Module newInstance(Rng rng);

    /**
     * An independent copy: same structure, same values, same mode and frozen parameters, no shared
     * memory; the unlearning methods copy a model rather than change the original.
     */
    @SuppressWarnings("unchecked")
    public final <M extends Module> M deepCopy() {
        Module copy = newInstance(new Rng(0));
        copy.loadStateDict(stateDict(), true);
        copy.setTraining(training);
        copyModes(this, copy);
        return (M) copy;
    }

    private static void copyModes(Module from, Module to) {
        to.training = from.training;
        Map<String, Tensor> src = from.namedParameters();
        Map<String, Tensor> dst = to.namedParameters();
        src.forEach((n, t) -> dst.get(n).requiresGrad(t.requiresGrad()));
        from.children.forEach((n, m) -> copyModes(m, to.children.get(n)));
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "(" + parameterCount() + " parameters)";
    }
}
