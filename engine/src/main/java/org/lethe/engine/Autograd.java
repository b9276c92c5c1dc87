package org.lethe.engine;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Reverse-mode differentiation: a topological order of the graph, then one reverse walk. */
final class Autograd {
    private Autograd() {
    }

    static void backward(Tensor root, Tensor seed, boolean retainGraph) {
        if (!root.requiresGrad()) {
            throw new IllegalStateException("backward: the tensor does not require grad (no input of it does, or it was "
                    + "computed under GradMode.noGrad())");
        }
        try (GradMode.Guard g = GradMode.noGrad()) {
            if (root.gradFn() == null) {
                accumulate(root, seed);
                return;
            }
            List<Function> order = topologicalOrder(root.gradFn());
            Map<Function, Tensor[]> pending = new IdentityHashMap<>();
            deliver(pending, root, seed);
            for (int i = order.size() - 1; i >= 0; i--) {
                Function fn = order.get(i);
                Tensor[] grad = pending.remove(fn);
                if (grad == null) {
                    continue;
                }
                if (fn.isReleased()) {
                    throw new IllegalStateException("backward: the graph through " + fn.name() + " was freed by an earlier "
                            + "backward(); call backward(grad, true) to keep it");
                }
                Tensor[] grads = fn.backwardAll(grad);
                Tensor[] inputs = fn.inputs();
                for (int j = 0; j < inputs.length; j++) {
                    if (!fn.needsInputGrad(j) || grads[j] == null) {
                        continue;
                    }
                    Tensor in = inputs[j];
                    Tensor gj = Shapes.sumTo(grads[j], in.shape(), fn.name());
                    if (in.gradFn() != null) {
                        deliver(pending, in, gj);
                    } else {
                        accumulate(in, gj);
                    }
                }
                if (!retainGraph) {
                    fn.release();
                }
            }
        }
    }

    /** Adds {@code g} to the pending gradient of the output that {@code t} is of its node. */
    private static void deliver(Map<Function, Tensor[]> pending, Tensor t, Tensor g) {
        Tensor[] slots = pending.computeIfAbsent(t.gradFn(), fn -> new Tensor[fn.outputCount()]);
        int k = t.outputIndex();
        slots[k] = slots[k] == null ? g : slots[k].add(g);
    }

    /**
     * Adds {@code g} into a leaf's {@code grad}. The first gradient after {@link Tensor#zeroGrad} goes
     * into the forgotten gradient's memory when it fits, else into a new tensor outside any scope.
     */
    private static void accumulate(Tensor leaf, Tensor g) {
        if (leaf.grad() != null) {
            leaf.grad().addInPlace(g);
            return;
        }
        Tensor spare = leaf.takeSpareGrad();
        if (spare != null && spare.dtype() == g.dtype() && Arrays.equals(spare.shape(), g.shape())
                && !spare.storage().isClosed() && spare.isContiguous()) {
            spare.copyFrom(g);
            leaf.setGrad(spare);
        } else {
            leaf.setGrad(TensorScope.detached(() -> g.copy()));
        }
    }

    /** Nodes reachable from {@code root}, each after all the nodes it consumes (iterative DFS post-order). */
    static List<Function> topologicalOrder(Function root) {
        List<Function> order = new ArrayList<>();
        Set<Function> visited = Collections.newSetFromMap(new IdentityHashMap<>());
        Deque<Object[]> stack = new ArrayDeque<>();
        stack.push(new Object[] {root, 0});
        visited.add(root);
        while (!stack.isEmpty()) {
            Object[] top = stack.peek();
            Function fn = (Function) top[0];
            int next = (Integer) top[1];
            Tensor[] inputs = fn.inputs();
            if (next < inputs.length) {
                top[1] = next + 1;
                Function child = inputs[next].gradFn();
                if (fn.needsInputGrad(next) && child != null && visited.add(child)) {
                    stack.push(new Object[] {child, 0});
                }
            } else {
                stack.pop();
                order.add(fn);
            }
        }
        return order;
    }
}
