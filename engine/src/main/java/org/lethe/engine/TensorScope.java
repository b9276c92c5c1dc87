package org.lethe.engine;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Explicit lifetimes for tensor memory (essential on a GPU, where the garbage collector cannot see
 * device memory). Every tensor created on a thread while a scope is open belongs to the innermost
 * scope and is released when it closes, unless {@link #keep kept}, which hands it to the enclosing
 * scope. Tensors created with no scope open are released by the garbage collector (CPU) or when
 * their backend closes.
 *
 * <pre>{@code
 * try (TensorScope step = TensorScope.open()) {
 *     Tensor loss = model.forward(x).sub(y).square().mean();
 *     loss.backward();
 *     optimizer.step();           // parameters, gradients and optimiser state live outside the scope
 *     lossValue = loss.item();    // read before the scope frees it
 * }
 * }</pre>
 *
 * Gradients of leaf tensors and optimiser state are allocated outside any scope
 * ({@link #detached}), so they outlive the step that created them.
 */
public final class TensorScope implements AutoCloseable {
    private static final ThreadLocal<TensorScope> CURRENT = new ThreadLocal<>();

    private final TensorScope parent;
    private final List<Storage> owned = new ArrayList<>();
    private final Set<Storage> kept = Collections.newSetFromMap(new IdentityHashMap<>());
    private final Thread thread = Thread.currentThread();
    private boolean closed;

    private TensorScope(TensorScope parent) {
        this.parent = parent;
    }

    /** Opens a scope nested in the current one. */
    public static TensorScope open() {
        TensorScope s = new TensorScope(CURRENT.get());
        CURRENT.set(s);
        return s;
    }

    static void register(Storage s) {
        TensorScope scope = CURRENT.get();
        if (scope != null) {
            scope.owned.add(s);
        }
    }

    /** Runs {@code body} with no scope open, so what it creates is not released by any scope. */
    public static <T> T detached(Supplier<T> body) {
        TensorScope saved = CURRENT.get();
        CURRENT.remove();
        try {
            return body.get();
        } finally {
            if (saved != null) {
                CURRENT.set(saved);
            }
        }
    }

    /** Hands the memory of {@code t} (and of its views) to the enclosing scope; returns {@code t}. */
    public Tensor keep(Tensor t) {
        if (closed) {
            throw new IllegalStateException("keep: the scope is already closed");
        }
        Storage s = t.storage();
        if (owned.contains(s) && kept.add(s) && parent != null) {
            parent.owned.add(s);
        }
        return t;
    }

    /** Number of buffers this scope will release on close. */
    public int ownedCount() {
        return owned.size() - kept.size();
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        if (Thread.currentThread() != thread) {
            throw new IllegalStateException("a TensorScope must be closed on the thread that opened it");
        }
        if (CURRENT.get() != this) {
            throw new IllegalStateException("TensorScopes must be closed innermost first");
        }
        closed = true;
        for (Storage s : owned) {
            if (!kept.contains(s)) {
                s.close();
            }
        }
        owned.clear();
        if (parent == null) {
            CURRENT.remove();
        } else {
            CURRENT.set(parent);
        }
    }
}
