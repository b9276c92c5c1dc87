package org.lethe.models.nn;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import org.lethe.engine.Tensor;

/**
 * Named tensors of a module in PyTorch's {@code state_dict()} order and naming ({@code conv1.0.weight},
 * {@code bn.running_mean}, ...). Entries named in {@link #integerKeys()} hold integer counters
 * (PyTorch's int64 {@code num_batches_tracked}); they are stored as float64 tensors here and written
 * as I64 in checkpoints.
 */
public record StateDict(Map<String, Tensor> tensors, Set<String> integerKeys) {

    public StateDict {
        tensors = Collections.unmodifiableMap(new LinkedHashMap<>(tensors));
        integerKeys = Collections.unmodifiableSet(new LinkedHashSet<>(integerKeys));
    }

    public Tensor get(String name) {
        return tensors.get(name);
    }

    public int size() {
        return tensors.size();
    }
}
