package org.lethe.models.data;

/** Some rows of another data set, renumbered from 0; batches report the parent's row numbers. */
final class Subset implements Dataset {
    private final Dataset parent;
    private final int[] rows;

    Subset(Dataset parent, int[] rows) {
        for (int r : rows) {
            if (r < 0 || r >= parent.size()) {
                throw new IllegalArgumentException("subset: row " + r + " is not in a data set of " + parent.size() + " rows");
            }
        }
        this.parent = parent;
        this.rows = rows.clone();
    }

    @Override
    public int size() {
        return rows.length;
    }

    @Override
    public int[] inputShape() {
        return parent.inputShape();
    }

    @Override
    public Batch batch(int[] local) {
        int[] mapped = new int[local.length];
        for (int i = 0; i < local.length; i++) {
            mapped[i] = rows[local[i]];
        }
        return parent.batch(mapped);
    }

    @Override
    public double target(int row) {
        return parent.target(rows[row]);
    }

    @Override
    public Dataset subset(int[] local) {
        int[] mapped = new int[local.length];
        for (int i = 0; i < local.length; i++) {
            mapped[i] = rows[local[i]];
        }
        return new Subset(parent, mapped);
    }
}
