package org.lethe.engine;

import org.lethe.kernels.BinaryOp;

/**
 * A node of the autodiff graph: the operation that produced a tensor, the inputs it came from, the
 * tensors it saved for its derivative, and {@link #backward}, which maps the gradient of its output
 * to the gradients of its inputs. Each operation is one small final subclass with its forward
 * ({@code apply}) and its backward side by side.
 */
public abstract class Function {
    private Tensor[] inputs = new Tensor[0];
    private int outputs = 1;
    private boolean[] needs = new boolean[0];
    private Tensor[] saved = new Tensor[0];
    private int[] savedVersions = new int[0];
    private boolean released;

    /** Whether an operation on these inputs must record a node: grad mode is on and an input needs a gradient. */
    static boolean needsGraph(Tensor... inputs) {
        if (!GradMode.isEnabled()) {
            return false;
        }
        for (Tensor t : inputs) {
            if (t.requiresGrad()) {
                return true;
            }
        }
        return false;
    }

    /** {@link #needsGraph} for a layer's input, weight and optional bias. */
    static boolean layerNeedsGraph(Tensor x, Tensor w, Tensor b) {
        return b == null ? needsGraph(x, w) : needsGraph(x, w, b);
    }

    /**
     * For a layer with a weight, an optional bias and an optional fused ReLU ({@link Affine},
     * {@link Conv2d}): saves {@code x} and {@code w}, and the output when the ReLU is fused (its
     * backward reads it, {@link #beforeRelu}); then attaches {@code out} to {@code x}, {@code w} and
     * {@code b} when there is one.
     */
    final Tensor attachLayer(Tensor out, Tensor x, Tensor w, Tensor b, boolean relu) {
        if (relu) {
            save(x, w, out.detach());
        } else {
            save(x, w);
        }
        return b == null ? attach(out, x, w) : attach(out, x, w, b);
    }

    /**
     * The gradient before a layer's fused ReLU (zero where the saved output is 0, NaN passes), or
     * {@code grad} itself, contiguous, when there is none; for nodes attached by {@link #attachLayer}.
     */
    final Tensor beforeRelu(Tensor grad, boolean relu, String op) {
        return relu ? Kernels.binary(BinaryOp.RELU_BACKWARD, grad, saved(2), op) : grad.contiguous();
    }

    /** Makes this node the producer of {@code out}, fed by {@code in}; returns {@code out}. */
    final Tensor attach(Tensor out, Tensor... in) {
        attachAll(new Tensor[] {out}, in);
        return out;
    }

    /** Makes this node the producer of several outputs (output i is {@code outs[i]}), fed by {@code in}. */
    final void attachAll(Tensor[] outs, Tensor... in) {
        this.inputs = in;
        this.outputs = outs.length;
        this.needs = new boolean[in.length];
        for (int i = 0; i < in.length; i++) {
            needs[i] = in[i].requiresGrad();
        }
        for (int i = 0; i < outs.length; i++) {
            outs[i].setGradFn(this, i);
        }
    }

    /** Number of outputs this node produced. */
    final int outputCount() {
        return outputs;
    }

    /** Keeps tensors for backward, remembering their versions. */
    final void save(Tensor... tensors) {
        this.saved = tensors;
        this.savedVersions = new int[tensors.length];
        for (int i = 0; i < tensors.length; i++) {
            savedVersions[i] = tensors[i] == null ? 0 : tensors[i].storage().version();
        }
    }

    /** A saved tensor; fails if it was changed in place since it was saved. */
    final Tensor saved(int i) {
        Tensor t = saved[i];
        if (t != null && t.storage().version() != savedVersions[i]) {
            throw new IllegalStateException("backward of " + name() + ": a tensor it saved (shape " + Shapes.str(t.shape())
                    + ") was changed in place after the forward pass (version " + t.storage().version() + ", saved at "
                    + savedVersions[i] + ")");
        }
        return t;
    }

    /** Whether input {@code i} needs a gradient. */
    final boolean needsInputGrad(int i) {
        return needs[i];
    }

    final Tensor[] inputs() {
        return inputs;
    }

    final boolean isReleased() {
        return released;
    }

    /** Drops the saved tensors after backward so their memory can go. */
    final void release() {
        released = true;
        saved = new Tensor[0];
    }

    /**
     * Gradients of the inputs, in order, given the gradient of the output; {@code null} where an input
     * needs none. A gradient may have the broadcast shape of the output; it is summed back to the
     * input's shape by the caller. Runs with grad mode off.
     */
    abstract Tensor[] backward(Tensor grad);

    /**
     * Gradients of the inputs given the gradients of all outputs ({@code null} for an output that
     * received none). Single-output nodes use {@link #backward(Tensor)}; multi-output nodes override this.
     */
    Tensor[] backwardAll(Tensor[] grads) {
        return backward(grads[0]);
    }

    private static final ClassValue<String> NAMES = new ClassValue<>() {
        @Override
        protected String computeValue(Class<?> type) {
            return type.getSimpleName().replaceAll("([a-z0-9])([A-Z])", "$1_$2").toLowerCase(java.util.Locale.ROOT);
        }
    };

    /** The operation's name as error messages print it (computed once per class: backward asks every step). */
    public String name() {
        return NAMES.get(getClass());
    }

    @Override
    public String toString() {
        return name();
    }
}
