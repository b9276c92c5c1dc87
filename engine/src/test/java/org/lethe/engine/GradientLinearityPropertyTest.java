package org.lethe.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.UnaryOperator;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.DoubleRange;
import org.lethe.kernels.DType;

/**
 * Gradient linearity in float64 on random shapes: the gradient of {@code a f + b g} is {@code a} times
 * the gradient of {@code f} plus {@code b} times that of {@code g}, for scalar functions built from
 * elementwise, broadcast, reduction, view, product, normalisation and loss operations; the
 * vector-Jacobian product is linear in the upstream gradient; and a second backward pass adds its
 * gradient to the first's.
 *
 * <p>Inputs have magnitudes in [0.25, 2) (away from the zeros of normalisations and the kinks of abs and
 * relu), so every intermediate term is of order one and the two ways of computing a gradient differ by
 * a few units in the last place of numbers of that size: the tolerance is 1e-12 times the size of the
 * combination, far below any real error (a wrong term, a dropped broadcast sum) and far above rounding.
 */
class GradientLinearityPropertyTest {
    /** A named scalar function of x, with its constants drawn once. */
    record Fn(String name, UnaryOperator<Tensor> f) {
        @Override
        public String toString() {
            return name;
        }
    }

    /** Every function that applies to a tensor of this shape, with random constants. */
    static List<Fn> functions(int[] shape, SplittableRandom r) {
        int rank = shape.length;
        Tensor w = PropertySupport.tensor(r, shape);
        Tensor target = PropertySupport.tensor(r, shape);
        int[] tail = rank == 0 ? new int[0] : new int[] {shape[rank - 1]};
        Tensor wb = PropertySupport.tensor(r, tail);
        List<Fn> fs = new ArrayList<>();
        fs.add(new Fn("sum(w x)", x -> x.mul(w).sum()));
        fs.add(new Fn("sum(w x^2)", x -> x.square().mul(w).sum()));
        fs.add(new Fn("sum(w tanh x)", x -> x.tanh().mul(w).sum()));
        fs.add(new Fn("sum(sigmoid(x) w_broadcast)", x -> x.sigmoid().mul(wb).sum()));
        fs.add(new Fn("mean(exp(x/2))", x -> x.mul(0.5).exp().mean()));
        fs.add(new Fn("sum(sqrt(x^2+1))", x -> x.square().add(1.0).sqrt().sum()));
        fs.add(new Fn("sum(x/(x^2+1))", x -> x.div(x.square().add(1.0)).sum()));
        fs.add(new Fn("sum(w relu x) + sum|x|", x -> x.relu().mul(w).sum().add(x.abs().sum())));
        fs.add(new Fn("sum(x^3 - x w)", x -> x.pow(3.0).sub(x.mul(w)).sum()));
        fs.add(new Fn("max(x) + min(x)", x -> x.max().add(x.min())));
        fs.add(new Fn("mse(x, t)", x -> Functional.mseLoss(x, target, Reduction.MEAN)));
        fs.add(new Fn("huber(x, t)", x -> Functional.huberLoss(x, target, 0.5, Reduction.SUM)));
        fs.add(new Fn("l1(x, t)", x -> Functional.l1Loss(x, target, Reduction.MEAN)));
        if (rank >= 1) {
            int axis = r.nextInt(rank);
            fs.add(new Fn("sum(sum_" + axis + "(x)^2)", x -> x.sum(axis).square().sum()));
            fs.add(new Fn("sum(w max_" + axis + "(x))", x -> x.max(new int[] {axis}, true).expand(shape).mul(w).sum()));
            fs.add(new Fn("sum(var_" + axis + "(x))", x -> x.variance(new int[] {axis}, 0, false).sum()));
            fs.add(new Fn("sum(w l2normalize_" + axis + "(x))", x -> Functional.l2Normalize(x, axis, 1e-12).mul(w).sum()));
        }
        if (rank >= 2) {
            int[] order = java.util.stream.IntStream.range(0, rank).map(d -> rank - 1 - d).toArray();
            Tensor wp = w.permute(order).contiguous();
            fs.add(new Fn("sum(w' permute(x))", x -> x.permute(order).mul(wp).sum()));
            Tensor m = PropertySupport.tensor(r, shape[rank - 1], 2);
            fs.add(new Fn("sum((x @ m)^2)", x -> x.matmul(m).square().sum()));
            fs.add(new Fn("sum(x^T @ x)", x -> x.transpose(-1, -2).matmul(x).sum()));
            fs.add(new Fn("sum(w slice(x))", x -> x.slice(-1, 0, shape[rank - 1], 2).mul(w.slice(-1, 0, shape[rank - 1], 2)).sum()));
        }
        return fs;
    }

    private static double[] gradient(int[] shape, double[] xv, UnaryOperator<Tensor> f) {
        Tensor x = Tensor.of(DType.FLOAT64, xv, shape).requiresGrad(true);
        f.apply(x).backward();
        return x.grad() == null ? new double[xv.length] : x.grad().toDoubleArray();
    }

    private static double maxAbs(double[] v) {
        double m = 0;
        for (double d : v) {
            m = Math.max(m, Math.abs(d));
        }
        return m;
    }

    @Provide
    Arbitrary<int[]> shapes() {
        return PropertySupport.shapes();
    }

    @Property(tries = 150)
    void theGradientOfALinearCombinationIsTheCombinationOfTheGradients(
            @ForAll("shapes") int[] shape, @ForAll long seed,
            @ForAll @DoubleRange(min = -3, max = 3) double a, @ForAll @DoubleRange(min = -3, max = 3) double b) {
        SplittableRandom r = new SplittableRandom(seed);
        double[] xv = PropertySupport.awayFromZero(r, Shapes.size(shape));
        List<Fn> fs = functions(shape, r);
        Fn f = fs.get(r.nextInt(fs.size()));
        Fn g = fs.get(r.nextInt(fs.size()));
        double[] gf = gradient(shape, xv, f.f());
        double[] gg = gradient(shape, xv, g.f());
        double[] combined = gradient(shape, xv, x -> f.f().apply(x).mul(a).add(g.f().apply(x).mul(b)));
        double[] expected = new double[xv.length];
        double[] tol = new double[xv.length];
        double scale = Math.abs(a) * (1 + maxAbs(gf)) + Math.abs(b) * (1 + maxAbs(gg));
        for (int i = 0; i < xv.length; i++) {
            expected[i] = a * gf[i] + b * gg[i];
            tol[i] = 1e-12 * scale;
        }
        PropertySupport.assertClose(expected, combined, tol,
                "grad(" + a + " " + f + " + " + b + " " + g + ") at shape " + java.util.Arrays.toString(shape));
    }

    @Property(tries = 150)
    void theVectorJacobianProductIsLinearInTheUpstreamGradient(
            @ForAll("shapes") int[] shape, @ForAll long seed,
            @ForAll @DoubleRange(min = -3, max = 3) double a, @ForAll @DoubleRange(min = -3, max = 3) double b) {
        SplittableRandom r = new SplittableRandom(seed);
        double[] xv = PropertySupport.awayFromZero(r, Shapes.size(shape));
        Tensor w = PropertySupport.tensor(r, shape);
        // a non-scalar output mixing elementwise, broadcast and reduction steps
        UnaryOperator<Tensor> h = x -> x.tanh().mul(w).add(x.square().sum().mul(0.1)).add(x.sigmoid().mul(x));
        double[] g1 = PropertySupport.values(r, xv.length);
        double[] g2 = PropertySupport.values(r, xv.length);
        double[] v1 = vjp(shape, xv, h, g1);
        double[] v2 = vjp(shape, xv, h, g2);
        double[] mixed = new double[xv.length];
        for (int i = 0; i < mixed.length; i++) {
            mixed[i] = a * g1[i] + b * g2[i];
        }
        double[] v = vjp(shape, xv, h, mixed);
        double[] expected = new double[xv.length];
        double[] tol = new double[xv.length];
        // the broadcast term sums the upstream gradient over all n elements: n roundings
        double scale = (Math.abs(a) * (1 + maxAbs(v1)) + Math.abs(b) * (1 + maxAbs(v2))) * xv.length;
        for (int i = 0; i < xv.length; i++) {
            expected[i] = a * v1[i] + b * v2[i];
            tol[i] = 1e-12 * scale;
        }
        PropertySupport.assertClose(expected, v, tol, "vjp at shape " + java.util.Arrays.toString(shape));
    }

    private static double[] vjp(int[] shape, double[] xv, UnaryOperator<Tensor> h, double[] upstream) {
        Tensor x = Tensor.of(DType.FLOAT64, xv, shape).requiresGrad(true);
        h.apply(x).backward(Tensor.of(DType.FLOAT64, upstream, shape));
        return x.grad().toDoubleArray();
    }

    /**
     * Each contribution of a backward pass is added to a leaf's gradient as it arrives, so after two
     * passes the gradient is {@code (gf + c1) + c2} where {@code g}'s own gradient is {@code c1 + c2}:
     * equal to {@code gf + gg} up to rounding, and exactly when {@code g} reaches x by one path.
     */
    @Property(tries = 100)
    void aSecondBackwardPassAddsItsGradient(@ForAll("shapes") int[] shape, @ForAll long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        double[] xv = PropertySupport.awayFromZero(r, Shapes.size(shape));
        List<Fn> fs = functions(shape, r);
        Fn f = fs.get(r.nextInt(fs.size()));
        Fn g = fs.get(r.nextInt(fs.size()));
        double[] gf = gradient(shape, xv, f.f());
        double[] gg = gradient(shape, xv, g.f());
        Tensor x = Tensor.of(DType.FLOAT64, xv, shape).requiresGrad(true);
        f.f().apply(x).backward();
        g.f().apply(x).backward();
        double[] expected = new double[xv.length];
        double[] tol = new double[xv.length];
        for (int i = 0; i < xv.length; i++) {
            expected[i] = gf[i] + gg[i];
            tol[i] = 1e-12 * (2 + maxAbs(gf) + maxAbs(gg));
        }
        PropertySupport.assertClose(expected, x.grad().toDoubleArray(), tol,
                f + " then " + g + " at " + java.util.Arrays.toString(shape));
        // one path from x to the output (a unary chain): the second pass adds one tensor, exactly
        Tensor y = Tensor.of(DType.FLOAT64, xv, shape).requiresGrad(true);
        y.tanh().mul(1.5).sum().backward();
        double[] first = y.grad().toDoubleArray();
        y.square().exp().sum().backward();
        double[] second = gradient(shape, xv, t -> t.square().exp().sum());
        for (int i = 0; i < xv.length; i++) {
            expected[i] = first[i] + second[i];
        }
        PropertySupport.assertSameValues(expected, y.grad().toDoubleArray(), "one path at " + java.util.Arrays.toString(shape));
    }
}
