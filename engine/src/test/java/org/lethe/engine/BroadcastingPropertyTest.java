package org.lethe.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.lethe.engine.PropertySupport.U;
import static org.lethe.engine.PropertySupport.str;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.function.BinaryOperator;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.lethe.kernels.DType;

/**
 * Broadcasting laws on random shapes (rank 0 to 4, dimensions 1 to 5) in float64: the result shape is
 * NumPy's, the values are those of the explicitly expanded operands, the elementwise operations commute
 * exactly, addition and multiplication associate up to rounding, incompatible shapes are refused, and
 * sums of expanded tensors scale with the number of copies.
 */
class BroadcastingPropertyTest {
    @Provide
    Arbitrary<int[][]> pairs() {
        return PropertySupport.broadcastingShapes(2);
    }

    @Provide
    Arbitrary<int[][]> triples() {
        return PropertySupport.broadcastingShapes(3);
    }

    private static final String[] OPS = {"add", "sub", "mul", "div", "maximum"};

    private static BinaryOperator<Tensor> op(String name) {
        switch (name) {
            case "add": return Tensor::add;
            case "sub": return Tensor::sub;
            case "mul": return Tensor::mul;
            case "div": return Tensor::div;
            default: return Tensor::maximum;
        }
    }

    private static double ref(String name, double a, double b) {
        switch (name) {
            case "add": return a + b;
            case "sub": return a - b;
            case "mul": return a * b;
            case "div": return a / b;
            default: return Math.max(a, b);
        }
    }

    @Property(tries = 200)
    void theResultHasNumpysShapeAndTheValuesOfTheExpandedOperands(@ForAll("pairs") int[][] s, @ForAll long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        Tensor a = PropertySupport.tensor(r, s[1]);
        Tensor b = PropertySupport.tensor(r, s[2]);
        int[] expected = PropertySupport.numpyBroadcast(s[1], s[2]);
        String what = str(s[1]) + " with " + str(s[2]);
        for (String name : OPS) {
            Tensor out = op(name).apply(a, b);
            assertArrayEquals(expected, out.shape(), name + " " + what);
            // the same as expanding both operands first (stride-0 views) ...
            assertArrayEquals(op(name).apply(a.expand(expected), b.expand(expected)).toDoubleArray(), out.toDoubleArray(),
                    name + " " + what);
            // ... and as a loop over output indices reading each operand at its broadcast position
            NdArray ra = NdArray.of(a);
            NdArray rb = NdArray.of(b);
            NdArray ro = NdArray.zeros(expected);
            for (int i = 0; i < ro.size(); i++) {
                int[] idx = ro.index(i);
                ro.data[i] = ref(name, ra.broadcastGet(idx), rb.broadcastGet(idx));
            }
            assertArrayEquals(ro.data, out.toDoubleArray(), name + " " + what);
        }
    }

    @Property(tries = 200)
    void addMulAndMaximumCommuteExactly(@ForAll("pairs") int[][] s, @ForAll long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        Tensor a = PropertySupport.tensor(r, s[1]);
        Tensor b = PropertySupport.tensor(r, s[2]);
        String what = str(s[1]) + " with " + str(s[2]);
        assertArrayEquals(a.add(b).toDoubleArray(), b.add(a).toDoubleArray(), what);
        assertArrayEquals(a.mul(b).toDoubleArray(), b.mul(a).toDoubleArray(), what);
        assertArrayEquals(a.maximum(b).toDoubleArray(), b.maximum(a).toDoubleArray(), what);
        // a - b = -(b - a), up to the sign of zero
        PropertySupport.assertSameValues(a.sub(b).toDoubleArray(), b.sub(a).neg().toDoubleArray(), what);
        assertArrayEquals(a.add(b).shape(), b.add(a).shape(), what);
    }

    @Property(tries = 200)
    void additionAndMultiplicationAssociateUpToRounding(@ForAll("triples") int[][] s, @ForAll long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        Tensor a = PropertySupport.tensor(r, s[1]);
        Tensor b = PropertySupport.tensor(r, s[2]);
        Tensor c = PropertySupport.tensor(r, s[3]);
        String what = str(s[1]) + ", " + str(s[2]) + ", " + str(s[3]);
        Tensor left = a.add(b).add(c);
        Tensor right = a.add(b.add(c));
        assertArrayEquals(left.shape(), right.shape(), what);
        // each side is within 2u(|a|+|b|+|c|) of the exact sum
        double[] bound = a.abs().add(b.abs()).add(c.abs()).mul(4 * U).toDoubleArray();
        PropertySupport.assertClose(left.toDoubleArray(), right.toDoubleArray(), bound, "(a+b)+c vs a+(b+c) " + what);
        double[] mbound = a.mul(b).mul(c).abs().mul(6 * U).toDoubleArray();
        PropertySupport.assertClose(a.mul(b).mul(c).toDoubleArray(), a.mul(b.mul(c)).toDoubleArray(), mbound,
                "(ab)c vs a(bc) " + what);
        double[] dbound = a.abs().mul(b.abs().add(c.abs())).mul(6 * U).toDoubleArray();
        PropertySupport.assertClose(a.mul(b.add(c)).toDoubleArray(), a.mul(b).add(a.mul(c)).toDoubleArray(), dbound,
                "a(b+c) vs ab+ac " + what);
    }

    @Provide
    Arbitrary<int[][]> incompatible() {
        // a shape and a copy of it in which one dimension of size >= 2 has another size >= 2
        return PropertySupport.shapes(1, 4).filter(s -> Arrays.stream(s).anyMatch(d -> d >= 2)).flatMap(s -> {
            int[] big = java.util.stream.IntStream.range(0, s.length).filter(i -> s[i] >= 2).toArray();
            return Arbitraries.of(Arrays.stream(big).boxed().toList()).flatMap(axis ->
                    Arbitraries.integers().between(2, 5).filter(d -> d != s[axis]).map(d -> {
                        int[] t = s.clone();
                        t[axis] = d;
                        return new int[][] {s, t};
                    }));
        });
    }

    @Property(tries = 100)
    void incompatibleShapesAreRefusedWithBothShapes(@ForAll("incompatible") int[][] s) {
        Tensor a = Tensor.zeros(DType.FLOAT64, s[0]);
        Tensor b = Tensor.ones(DType.FLOAT64, s[1]);
        assertEquals(null, PropertySupport.numpyBroadcast(s[0], s[1]));
        for (String name : OPS) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> op(name).apply(a, b));
            assertTrue(e.getMessage().contains("do not broadcast") && e.getMessage().contains(Shapes.str(s[0]))
                    && e.getMessage().contains(Shapes.str(s[1])), e.getMessage());
        }
    }

    @Property(tries = 200)
    void theSumOfAnExpandedTensorIsTheNumberOfCopiesTimesTheSum(@ForAll("pairs") int[][] s, @ForAll long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int[] base = s[0];
        int[] small = s[1];
        // multiples of 1/8: every sum here is exact, so the laws hold with equality
        Tensor t = Tensor.of(DType.FLOAT64, PropertySupport.dyadic(r, Shapes.size(small)), small);
        Tensor e = t.expand(base);
        int copies = Shapes.size(base) / Shapes.size(small);
        String what = str(small) + " expanded to " + str(base);
        assertEquals(copies * t.sum().item(), e.sum().item(), what);
        // the mean is the sum times 1/n (one rounding more than a division): equal within two ulps
        assertEquals(t.mean().item(), e.mean().item(), 2 * Math.ulp(t.mean().item()), what);
        double v = (r.nextInt(129) - 64) / 8.0;
        assertEquals(Shapes.size(base) * v, Tensor.scalar(v, DType.FLOAT64).expand(base).sum().item(), what);
        // summing over the expanded axes only multiplies each value by the number of its copies
        int lead = base.length - small.length;
        int[] axes = java.util.stream.IntStream.range(0, base.length)
                .filter(d -> d < lead || (small[d - lead] == 1 && base[d] != 1)).toArray();
        if (axes.length > 0) {  // (no axes would mean all axes)
            Tensor reduced = e.sum(axes, true);
            assertArrayEquals(keptShape(base, small), reduced.shape(), what);
            assertArrayEquals(t.mul(copies).toDoubleArray(), reduced.toDoubleArray(), what);
        }
    }

    /** {@code small} right-aligned to the rank of {@code base}, with leading 1s. */
    private static int[] keptShape(int[] base, int[] small) {
        int[] out = new int[base.length];
        Arrays.fill(out, 1);
        System.arraycopy(small, 0, out, base.length - small.length, small.length);
        return out;
    }

    @Property(tries = 200)
    void theGradientOfABroadcastOperandIsSummedBackToItsShape(@ForAll("pairs") int[][] s, @ForAll long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        Tensor a = Tensor.of(DType.FLOAT64, PropertySupport.dyadic(r, Shapes.size(s[1])), s[1]).requiresGrad(true);
        Tensor b = Tensor.of(DType.FLOAT64, PropertySupport.dyadic(r, Shapes.size(s[2])), s[2]).requiresGrad(true);
        int[] out = PropertySupport.numpyBroadcast(s[1], s[2]);
        Tensor w = Tensor.of(DType.FLOAT64, PropertySupport.dyadic(r, Shapes.size(out)), out);
        a.mul(b).mul(w).sum().backward();
        // d/da sum(a b w) = b w summed over the axes a was broadcast on (exact: dyadic values, small sums)
        assertArrayEquals(s[1], a.grad().shape());
        assertArrayEquals(s[2], b.grad().shape());
        NdArray gb = NdArray.of(b.detach().expand(out)).zip(NdArray.of(w), (x, y) -> x * y);
        NdArray ga = NdArray.of(a.detach().expand(out)).zip(NdArray.of(w), (x, y) -> x * y);
        PropertySupport.assertSameValues(sumTo(gb, s[1]), a.grad().toDoubleArray(), str(s[1]) + " with " + str(s[2]));
        PropertySupport.assertSameValues(sumTo(ga, s[2]), b.grad().toDoubleArray(), str(s[1]) + " with " + str(s[2]));
    }

    /** A broadcast-shaped array summed back to {@code shape}, element by element. */
    private static double[] sumTo(NdArray g, int[] shape) {
        NdArray out = NdArray.zeros(shape);
        for (int i = 0; i < g.size(); i++) {
            int[] idx = g.index(i);
            int lead = idx.length - shape.length;
            int[] o = new int[shape.length];
            for (int d = 0; d < shape.length; d++) {
                o[d] = shape[d] == 1 ? 0 : idx[d + lead];
            }
            out.data[out.flat(o)] += g.data[i];
        }
        return out.data;
    }
}
