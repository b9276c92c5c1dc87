package org.lethe.models.data;

import org.lethe.engine.GradMode;
import org.lethe.engine.Rng;
import org.lethe.engine.Tensor;

/**
 * Training batches of the rotation task with random horizontal flips: a mirrored garment is still an
 * upright garment, and mirroring turns a rotation by {@code a} into one by {@code -a}, so each flipped
 * image's target is negated. Sound only for targets that are signed angles scaled without centring
 * ({@link Normalizer#fit(RegressionData, int[], boolean, boolean, boolean)} with {@code centreTarget}
 * false). Each row is flipped with probability 1/2, drawn from the given generator.
 */
public final class FlipAugmented implements Dataset {
    private final Dataset base;
    private final Rng rng;

    public FlipAugmented(Dataset base, Rng rng) {
        int[] s = base.inputShape();
        if (s.length != 3 || s[1] != s[2]) {
            throw new IllegalArgumentException("flip augmentation needs square images [C, H, W], got "
                    + java.util.Arrays.toString(s));
        }
        this.base = base;
        this.rng = rng;
    }

    @Override
    public int size() {
        return base.size();
    }

    @Override
    public int[] inputShape() {
        return base.inputShape();
    }

    @Override
    public double target(int row) {
        return base.target(row);
    }

    @Override
    public Batch batch(int[] rows) {
        Batch b = base.batch(rows);
        int n = rows.length;
        boolean[] flip = new boolean[n];
        for (int i = 0; i < n; i++) {
            flip[i] = rng.nextLong() < 0;
        }
        try (GradMode.Guard g = GradMode.noGrad()) {
            Tensor mirrored = b.x().slice(3, 0, b.x().dim(3)).indexSelect(3, reversed(b.x().dim(3)));
            double[] sign = new double[n];
            double[] pick = new double[n];
            for (int i = 0; i < n; i++) {
                sign[i] = flip[i] ? -1 : 1;
                pick[i] = flip[i] ? 1 : 0;
            }
            Tensor p = Tensor.of(b.x().dtype(), pick, n, 1, 1, 1);
            Tensor x = mirrored.mul(p).add(b.x().mul(p.neg().add(1.0)));
            Tensor y = b.y().mul(Tensor.of(b.y().dtype(), sign, n, 1));
            return new Batch(x, y, b.rows());
        }
    }

    private static int[] reversed(int n) {
        int[] r = new int[n];
        for (int i = 0; i < n; i++) {
            r[i] = n - 1 - i;
        }
        return r;
    }
}
