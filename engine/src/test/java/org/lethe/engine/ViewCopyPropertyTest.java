package org.lethe.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.lethe.engine.PropertySupport.U;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.UnaryOperator;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.lethe.kernels.DType;

/**
 * Views against copies, on random chains of view operations (permute, transpose, slice with steps and
 * negative bounds, squeeze, unsqueeze, expand, reshape) applied to random float64 tensors of rank 0 to
 * 4: a view has the values of a plain row-major reference, operations on a view give what they give on
 * its contiguous copy, writes through a view land in the viewed elements of the base, and gradients
 * flow back through a view to the elements it reads (added up where an expanded view reads one twice).
 */
class ViewCopyPropertyTest {
    /** One view operation, on the engine and on the reference. */
    record Step(String name, UnaryOperator<Tensor> tensor, UnaryOperator<NdArray> ref) {
    }

    /** A random chain of view operations for a tensor of the given shape. */
    record Chain(List<Step> steps) {
        Tensor apply(Tensor t) {
            for (Step s : steps) {
                t = s.tensor().apply(t);
            }
            return t;
        }

        NdArray apply(NdArray a) {
            for (Step s : steps) {
                a = s.ref().apply(a);
            }
            return a;
        }

        @Override
        public String toString() {
            return steps.stream().map(Step::name).toList().toString();
        }
    }

    /**
     * A chain of {@code length} steps. With {@code aliasing}, only steps whose result always shares the
     * input's memory, one element per element (no expand, no reshape that may copy).
     */
    static Chain chain(int[] shape, SplittableRandom r, int length, boolean aliasing) {
        List<Step> steps = new ArrayList<>();
        NdArray probe = NdArray.zeros(shape);
        for (int i = 0; i < length; i++) {
            Step s = step(probe.shape, r, aliasing);
            steps.add(s);
            probe = s.ref().apply(probe);
        }
        return new Chain(steps);
    }

    private static Step step(int[] shape, SplittableRandom r, boolean aliasing) {
        int rank = shape.length;
        while (true) {
            switch (r.nextInt(aliasing ? 5 : 7)) {
                case 0 -> {
                    if (rank >= 2) {
                        int[] order = permutation(rank, r);
                        return new Step("permute" + java.util.Arrays.toString(order), t -> t.permute(order),
                                a -> a.permute(order));
                    }
                }
                case 1 -> {
                    if (rank >= 2) {
                        int a0 = r.nextInt(rank);
                        int a1 = r.nextInt(rank);
                        int[] order = identity(rank);
                        order[a0] = a1;
                        order[a1] = a0;
                        // sometimes with negative axes
                        int x0 = r.nextBoolean() ? a0 : a0 - rank;
                        int x1 = r.nextBoolean() ? a1 : a1 - rank;
                        return new Step("transpose(" + x0 + "," + x1 + ")", t -> t.transpose(x0, x1), a -> a.permute(order));
                    }
                }
                case 2 -> {
                    if (rank >= 1) {
                        int axis = r.nextInt(rank);
                        int n = shape[axis];
                        int start = r.nextInt(n);
                        int end = start + 1 + r.nextInt(n - start);
                        int step = 1 + r.nextInt(3);
                        int[] positions = java.util.stream.IntStream.iterate(start, p -> p < end, p -> p + step).toArray();
                        int s0 = r.nextBoolean() ? start : start - n;
                        int e0 = end < n && r.nextBoolean() ? end - n : end;
                        return new Step("slice(" + axis + "," + s0 + "," + e0 + "," + step + ")",
                                t -> t.slice(axis, s0, e0, step), a -> a.select(axis, positions));
                    }
                }
                case 3 -> {
                    int axis = r.nextInt(rank + 1);
                    int[] out = new int[rank + 1];
                    for (int d = 0, k = 0; d <= rank; d++) {
                        out[d] = d == axis ? 1 : shape[k++];
                    }
                    return new Step("unsqueeze(" + axis + ")", t -> t.unsqueeze(axis), a -> a.reshape(out));
                }
                case 4 -> {
                    int[] ones = java.util.stream.IntStream.range(0, rank).filter(d -> shape[d] == 1).toArray();
                    if (ones.length > 0) {
                        int axis = ones[r.nextInt(ones.length)];
                        int[] out = new int[rank - 1];
                        for (int d = 0, k = 0; d < rank; d++) {
                            if (d != axis) {
                                out[k++] = shape[d];
                            }
                        }
                        return new Step("squeeze(" + axis + ")", t -> t.squeeze(axis), a -> a.reshape(out));
                    }
                }
                case 5 -> {
                    int lead = rank < 4 ? r.nextInt(2) : 0;
                    int[] out = new int[rank + lead];
                    for (int d = 0; d < out.length; d++) {
                        int old = d < lead ? 1 : shape[d - lead];
                        out[d] = old == 1 ? 1 + r.nextInt(3) : old;
                    }
                    return new Step("expand" + java.util.Arrays.toString(out), t -> t.expand(out), a -> a.expand(out));
                }
                default -> {
                    int[] out = reshapeTarget(shape, r);
                    if (out != null) {
                        return new Step("reshape" + java.util.Arrays.toString(out), t -> t.reshape(out), a -> a.reshape(out));
                    }
                }
            }
        }
    }

    /** Two adjacent dimensions merged, one dimension split in two, or everything flattened. */
    private static int[] reshapeTarget(int[] shape, SplittableRandom r) {
        int rank = shape.length;
        switch (r.nextInt(3)) {
            case 0:
                if (rank >= 2) {
                    int d = r.nextInt(rank - 1);
                    int[] out = new int[rank - 1];
                    for (int i = 0, k = 0; i < rank; i++) {
                        if (i == d + 1) {
                            out[k - 1] *= shape[i];
                        } else {
                            out[k++] = shape[i];
                        }
                    }
                    return out;
                }
                return null;
            case 1:
                for (int d = 0; d < rank; d++) {
                    if (shape[d] == 4) {
                        int[] out = new int[rank + 1];
                        for (int i = 0, k = 0; i < rank; i++) {
                            if (i == d) {
                                out[k++] = 2;
                                out[k++] = 2;
                            } else {
                                out[k++] = shape[i];
                            }
                        }
                        return out;
                    }
                }
                return null;
            default:
                return new int[] {Shapes.size(shape)};
        }
    }

    private static int[] identity(int n) {
        return java.util.stream.IntStream.range(0, n).toArray();
    }

    private static int[] permutation(int n, SplittableRandom r) {
        int[] p = identity(n);
        for (int i = n - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }

    @Provide
    Arbitrary<int[]> shapes() {
        return PropertySupport.shapes();
    }

    @Property(tries = 200)
    void aViewHasTheValuesOfTheReferenceAndOfItsCopy(@ForAll("shapes") int[] shape, @ForAll long seed,
                                                     @ForAll @IntRange(min = 1, max = 4) int length) {
        SplittableRandom r = new SplittableRandom(seed);
        Tensor base = PropertySupport.tensor(r, shape);
        Chain chain = chain(shape, r, length, false);
        Tensor v = chain.apply(base);
        NdArray ref = chain.apply(NdArray.of(base));
        String what = java.util.Arrays.toString(shape) + " " + chain;
        assertArrayEquals(ref.shape, v.shape(), what);
        assertArrayEquals(ref.data, v.toDoubleArray(), what);
        Tensor c = v.contiguous();
        assertTrue(c.isContiguous(), what);
        assertArrayEquals(ref.data, c.toDoubleArray(), what);
        assertArrayEquals(ref.data, v.copy().toDoubleArray(), what);
        for (int i = 0; i < Math.min(ref.size(), 5); i++) {
            int[] idx = ref.index(r.nextInt(ref.size()));
            assertTrue(ref.get(idx) == v.get(idx), what + " at " + java.util.Arrays.toString(idx));
        }
    }

    @Property(tries = 200)
    void elementwiseOperationsOnAViewEqualThoseOnItsCopyExactly(@ForAll("shapes") int[] shape, @ForAll long seed,
                                                                 @ForAll @IntRange(min = 1, max = 4) int length) {
        SplittableRandom r = new SplittableRandom(seed);
        Chain chain = chain(shape, r, length, false);
        Tensor v = chain.apply(PropertySupport.tensor(r, shape));
        Tensor c = v.copy();
        String what = java.util.Arrays.toString(shape) + " " + chain;
        List<UnaryOperator<Tensor>> unary = List.of(Tensor::exp, Tensor::tanh, Tensor::sigmoid, Tensor::square,
                Tensor::abs, Tensor::relu, Tensor::neg, t -> t.mul(-1.5), t -> t.add(0.25), t -> t.clamp(-0.5, 0.75),
                t -> t.abs().add(0.1).sqrt(), t -> t.abs().add(0.1).log(), t -> t.pow(3.0), t -> t.gt(0.1));
        for (int i = 0; i < unary.size(); i++) {
            assertArrayEquals(unary.get(i).apply(c).toDoubleArray(), unary.get(i).apply(v).toDoubleArray(), what + " unary " + i);
        }
        Tensor w = PropertySupport.tensor(r, v.shape());
        assertArrayEquals(c.add(w).toDoubleArray(), v.add(w).toDoubleArray(), what);
        assertArrayEquals(c.mul(w).toDoubleArray(), v.mul(w).toDoubleArray(), what);
        assertArrayEquals(w.div(c).toDoubleArray(), w.div(v).toDoubleArray(), what);
        assertArrayEquals(c.mul(c).toDoubleArray(), v.mul(v).toDoubleArray(), what);
        assertArrayEquals(c.maximum(w).toDoubleArray(), v.maximum(w).toDoubleArray(), what);
        // a broadcast partner: the view's last dimension, or a scalar
        int[] tail = v.rank() == 0 ? new int[0] : new int[] {v.dim(v.rank() - 1)};
        Tensor b = PropertySupport.tensor(r, tail);
        assertArrayEquals(c.sub(b).toDoubleArray(), v.sub(b).toDoubleArray(), what);
        assertArrayEquals(b.mul(c).toDoubleArray(), b.mul(v).toDoubleArray(), what);
    }

    @Property(tries = 200)
    void reductionsAndProductsOfAViewEqualThoseOfItsCopy(@ForAll("shapes") int[] shape, @ForAll long seed,
                                                         @ForAll @IntRange(min = 1, max = 4) int length) {
        SplittableRandom r = new SplittableRandom(seed);
        Chain chain = chain(shape, r, length, false);
        Tensor v = chain.apply(PropertySupport.tensor(r, shape));
        Tensor c = v.copy();
        String what = java.util.Arrays.toString(shape) + " " + chain;
        // a random subset of the axes (none: all of them), kept or dropped
        int[] axes = java.util.stream.IntStream.range(0, v.rank()).filter(d -> r.nextBoolean()).toArray();
        boolean keep = r.nextBoolean();
        // summation order may differ between a strided and a contiguous walk: within n u sum|x|
        double[] bound = c.abs().sum(axes, keep).mul(2 * U * Math.max(1, v.numel())).toDoubleArray();
        PropertySupport.assertClose(c.sum(axes, keep).toDoubleArray(), v.sum(axes, keep).toDoubleArray(), bound, "sum " + what);
        PropertySupport.assertClose(c.mean(axes, keep).toDoubleArray(), v.mean(axes, keep).toDoubleArray(), bound,
                "mean " + what);
        assertArrayEquals(c.max(axes, keep).toDoubleArray(), v.max(axes, keep).toDoubleArray(), "max " + what);
        assertArrayEquals(c.min(axes, keep).toDoubleArray(), v.min(axes, keep).toDoubleArray(), "min " + what);
        if (v.rank() >= 2) {
            int k = v.dim(v.rank() - 1);
            int m = v.dim(v.rank() - 2);
            Tensor right = PropertySupport.tensor(r, k, 3);
            Tensor left = PropertySupport.tensor(r, 2, m);
            double[] rb = c.abs().matmul(right.abs()).mul(2 * U * k).toDoubleArray();
            PropertySupport.assertClose(c.matmul(right).toDoubleArray(), v.matmul(right).toDoubleArray(), rb,
                    "view @ w " + what);
            double[] lb = left.abs().matmul(c.abs()).mul(2 * U * m).toDoubleArray();
            PropertySupport.assertClose(left.matmul(c).toDoubleArray(), left.matmul(v).toDoubleArray(), lb, "w @ view " + what);
            Tensor vt = v.transpose(-1, -2);
            double[] gb = vt.abs().matmul(c.abs()).mul(2 * U * m).toDoubleArray();
            PropertySupport.assertClose(vt.contiguous().matmul(c).toDoubleArray(), vt.matmul(v).toDoubleArray(), gb,
                    "view^T @ view " + what);
        }
    }

    @Property(tries = 200)
    void writesThroughAViewLandInTheElementsItViews(@ForAll("shapes") int[] shape, @ForAll long seed,
                                                    @ForAll @IntRange(min = 1, max = 4) int length) {
        SplittableRandom r = new SplittableRandom(seed);
        Chain chain = chain(shape, r, length, true);
        int n = Shapes.size(shape);
        // each base element holds its own flat index, so a view's values say which elements it reads
        Tensor base = Tensor.arange(n, DType.FLOAT64).reshape(shape);
        Tensor v = chain.apply(base);
        double[] ids = v.toDoubleArray();
        String what = java.util.Arrays.toString(shape) + " " + chain;
        double[] x = PropertySupport.values(r, ids.length);
        v.copyFrom(Tensor.of(DType.FLOAT64, x, v.shape()));
        double[] expected = Tensor.arange(n, DType.FLOAT64).toDoubleArray();
        for (int j = 0; j < ids.length; j++) {
            expected[(int) ids[j]] = x[j];
        }
        assertArrayEquals(expected, base.toDoubleArray(), "copyFrom through " + what);
        v.mulInPlace(2.0);
        v.addInPlace(Tensor.scalar(1.0, DType.FLOAT64));
        for (int j = 0; j < ids.length; j++) {
            expected[(int) ids[j]] = x[j] * 2 + 1;
        }
        assertArrayEquals(expected, base.toDoubleArray(), "in-place arithmetic through " + what);
    }

    @Property(tries = 200)
    void gradientsFlowBackThroughAViewToTheElementsItReads(@ForAll("shapes") int[] shape, @ForAll long seed,
                                                            @ForAll @IntRange(min = 1, max = 4) int length) {
        SplittableRandom r = new SplittableRandom(seed);
        Chain chain = chain(shape, r, length, false);
        int n = Shapes.size(shape);
        double[] ids = chain.apply(Tensor.arange(n, DType.FLOAT64).reshape(shape)).toDoubleArray();
        Tensor x = PropertySupport.tensor(r, shape).requiresGrad(true);
        Tensor v = chain.apply(x);
        // multiples of 1/8: the sums of repeated reads (expand) are exact
        double[] wv = PropertySupport.dyadic(r, v.numel());
        Tensor w = Tensor.of(DType.FLOAT64, wv, v.shape());
        v.mul(w).sum().backward();
        double[] expected = new double[n];
        for (int j = 0; j < ids.length; j++) {
            expected[(int) ids[j]] += wv[j];
        }
        String what = java.util.Arrays.toString(shape) + " " + chain;
        assertArrayEquals(shape, x.grad().shape(), what);
        PropertySupport.assertSameValues(expected, x.grad().toDoubleArray(), "through the view " + what);
        Tensor viaView = x.grad().copy();
        x.zeroGrad();
        chain.apply(x).contiguous().mul(w).sum().backward();
        PropertySupport.assertSameValues(viaView.toDoubleArray(), x.grad().toDoubleArray(), "through the copy " + what);
    }
}
