package org.lethe.unlearning;

import org.lethe.engine.Functional;
import org.lethe.engine.Tensor;

/**
 * The attention map of attention transfer (Zagoruyko and Komodakis), as the Blindspot loss uses it:
 * {@code attention(x) = L2-normalise(mean over dimension 1 of x^2, flattened per sample)} with the
 * norm clamped below at 1e-12, and {@code AD(x, y) = mean((attention(x) - attention(y))^2)}.
 * Dimension 1 is the channels of an {@code [N, C, H, W]} map and the time steps of an
 * {@code [N, T, H]} LSTM output. For a 2-D activation {@code [N, D]} or a 1x1 map the attention is
 * the constant 1 (for a row that is not all zero), so its AD term is 0 with zero gradient: the
 * paper's code behaves so, and Lethe reproduces it rather than fixing it.
 */
public final class Attention {
    public static final double EPS = 1e-12;

    private Attention() {
    }

    /** {@code [N, ...]} to {@code [N, M]} rows of unit length. */
    public static Tensor map(Tensor x) {
        if (x.rank() < 2) {
            throw new IllegalArgumentException("attention: activation must be [N, ...], got " + java.util.Arrays.toString(x.shape()));
        }
        Tensor m = x.square().mean(new int[] {1}, false);
        return Functional.l2Normalize(m.reshape(x.dim(0), -1), 1, EPS);
    }

    /** Mean squared difference of the two attention maps. */
    public static Tensor difference(Tensor x, Tensor y) {
        return map(x).sub(map(y)).square().mean();
    }
}
