package org.lethe.kernels;

/**
 * The right operand of several products that share it (an LSTM's recurrent weights, once per step),
 * prepared once by {@link Backend#prepareRight}: a backend may keep it in the layout its products read
 * (the CPU backend packs it into column panels), so that each product skips that work. The operand's
 * values must not change while the preparation is in use; {@link #close} releases it.
 */
public class PreparedOperand implements AutoCloseable {
    private final View view;

    public PreparedOperand(View view) {
        this.view = view;
    }

    /** The operand as given. */
    public View view() {
        return view;
    }

    @Override
    public void close() {
    }
}
