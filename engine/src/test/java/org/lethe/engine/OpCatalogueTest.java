package org.lethe.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.lethe.kernels.DType;

/** Every catalogue case: forward against its reference, gradient against central differences. */
class OpCatalogueTest {

    static Stream<OpCase> cases() {
        return OpCatalogue.cases().stream();
    }

    static Stream<OpCase> differentiable() {
        return cases().filter(c -> c.grad != OpCase.Grad.NONE);
    }

    /** Random inputs of a case, the same every run (seeded by the case name). */
    static double[][] inputs(OpCase c) {
        SplittableRandom r = new SplittableRandom(c.name.hashCode());
        double[][] data = new double[c.inputs.size()][];
        for (int i = 0; i < data.length; i++) {
            OpCase.Input in = c.inputs.get(i);
            double[] d = new double[Shapes.size(in.shape())];
            for (int j = 0; j < d.length; j++) {
                switch (in.domain()) {
                    case ANY -> d[j] = r.nextDouble(-2, 2);
                    case POSITIVE -> d[j] = r.nextDouble(0.5, 2);
                    case AWAY_FROM_ZERO -> d[j] = r.nextDouble(0.2, 2) * (r.nextBoolean() ? 1 : -1);
                    case SMALL_INT -> d[j] = r.nextInt(3);
                    default -> throw new AssertionError();
                }
            }
            data[i] = d;
        }
        return data;
    }

    static Tensor[] tensors(OpCase c, double[][] data, DType t, boolean grad) {
        Tensor[] x = new Tensor[data.length];
        for (int i = 0; i < x.length; i++) {
            x[i] = Tensor.of(t, data[i], c.inputs.get(i).shape());
            if (grad && c.inputs.get(i).requiresGrad()) {
                x[i].requiresGrad(true);
            }
        }
        return x;
    }

    static void assertClose(String what, NdArray expected, Tensor actual, double rtol, double atol) {
        assertArrayEquals(expected.shape, actual.shape(), what + ": shape");
        double[] got = actual.toDoubleArray();
        int bad = 0;
        StringBuilder first = new StringBuilder();
        for (int i = 0; i < got.length; i++) {
            double ref = expected.data[i];
            if (!(Math.abs(got[i] - ref) <= atol + rtol * Math.abs(ref)) && bad++ < 5) {
                first.append("\n  at ").append(Arrays.toString(expected.index(i))).append(": got ").append(got[i])
                        .append(", expected ").append(ref);
            }
        }
        assertEquals(0, bad, what + ": " + bad + " of " + got.length + " values differ" + first);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void forwardMatchesReferenceInFloat64(OpCase c) {
        double[][] data = inputs(c);
        NdArray[] ref = new NdArray[data.length];
        for (int i = 0; i < data.length; i++) {
            ref[i] = new NdArray(c.inputs.get(i).shape(), data[i]);
        }
        assertClose(c.name, c.ref.apply(ref), c.fn.apply(tensors(c, data, DType.FLOAT64, false)), 1e-12, 1e-12);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void forwardMatchesReferenceInFloat32(OpCase c) {
        double[][] data = inputs(c);
        NdArray[] ref = new NdArray[data.length];
        for (int i = 0; i < data.length; i++) {
            ref[i] = new NdArray(c.inputs.get(i).shape(), data[i]).round32();
            data[i] = ref[i].data;
        }
        Tensor out = c.fn.apply(tensors(c, data, DType.FLOAT32, false));
        assertEquals(DType.FLOAT32, out.dtype(), c.name + ": result type");
        assertClose(c.name + " float32", c.ref.apply(ref), out, c.tol32, c.tol32);
    }

    /** The same values laid out transposed in memory give the same result. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void nonContiguousInputsGiveTheSameResult(OpCase c) {
        double[][] data = inputs(c);
        Tensor expected = c.fn.apply(tensors(c, data, DType.FLOAT64, false));
        Tensor[] x = new Tensor[data.length];
        boolean anyStrided = false;
        for (int i = 0; i < x.length; i++) {
            int[] shape = c.inputs.get(i).shape();
            x[i] = Tensor.of(DType.FLOAT64, data[i], shape);
            if (shape.length >= 2) {
                int r = shape.length;
                int[] rev = new int[r];
                for (int d = 0; d < r; d++) {
                    rev[d] = r - 1 - d;
                }
                x[i] = x[i].permute(rev).contiguous().permute(rev);
                anyStrided |= !x[i].isContiguous();
            }
        }
        if (!anyStrided) {
            return;
        }
        assertClose(c.name + " strided", NdArray.of(expected), c.fn.apply(x), 1e-12, 1e-12);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("differentiable")
    void gradientMatchesCentralDifferences(OpCase c) {
        double[][] data = inputs(c);
        Tensor[] x = tensors(c, data, DType.FLOAT64, true);
        Tensor out = c.fn.apply(x);
        assertTrue(out.requiresGrad(), c.name + ": output should require grad");
        SplittableRandom r = new SplittableRandom(7);
        double[] w = new double[out.numel()];
        for (int i = 0; i < w.length; i++) {
            w[i] = r.nextDouble(-1, 1);
        }
        Tensor weights = Tensor.of(DType.FLOAT64, w, out.shape());
        out.mul(weights).sum().backward();
        double h = 1e-6;
        for (int i = 0; i < x.length; i++) {
            if (!c.inputs.get(i).requiresGrad()) {
                continue;
            }
            assertNotNull(x[i].grad(), c.name + ": input " + i + " got no gradient");
            double[] analytic = x[i].grad().toDoubleArray();
            int idx = i;
            java.util.function.Function<double[], Double> loss = perturbed -> {
                double[][] d = data.clone();
                d[idx] = perturbed;
                try (GradMode.Guard g = GradMode.noGrad()) {
                    return c.fn.apply(tensors(c, d, DType.FLOAT64, false)).mul(weights).sum().item();
                }
            };
            if (c.grad == OpCase.Grad.FULL) {
                for (int j = 0; j < data[i].length; j++) {
                    double[] plus = data[i].clone();
                    double[] minus = data[i].clone();
                    plus[j] += h;
                    minus[j] -= h;
                    double numeric = (loss.apply(plus) - loss.apply(minus)) / (2 * h);
                    assertNear(c.name + " d/dx" + i + "[" + j + "]", numeric, analytic[j]);
                }
            } else {
                for (int trial = 0; trial < 3; trial++) {
                    double[] v = new double[data[i].length];
                    double norm = 0;
                    for (int j = 0; j < v.length; j++) {
                        v[j] = r.nextGaussian();
                        norm += v[j] * v[j];
                    }
                    double[] plus = data[i].clone();
                    double[] minus = data[i].clone();
                    double directional = 0;
                    for (int j = 0; j < v.length; j++) {
                        v[j] /= Math.sqrt(norm);
                        plus[j] += h * v[j];
                        minus[j] -= h * v[j];
                        directional += analytic[j] * v[j];
                    }
                    double numeric = (loss.apply(plus) - loss.apply(minus)) / (2 * h);
                    assertNear(c.name + " d/dx" + i + " along direction " + trial, numeric, directional);
                }
            }
        }
    }

    private static void assertNear(String what, double numeric, double analytic) {
        if (!(Math.abs(numeric - analytic) <= 1e-6 + 1e-5 * Math.abs(numeric))) {
            fail(what + ": analytic " + analytic + " vs numeric " + numeric);
        }
    }

    /** Instance methods of Tensor that are not operations on values. */
    private static final Set<String> NOT_OPERATIONS = Set.of("grad", "requiresGrad", "gradFn", "toString");

    /** Every public operation of Tensor and Functional has a catalogue case, and every case names one. */
    @Test
    void everyOperationHasACatalogueEntry() {
        Set<String> operations = new TreeSet<>();
        for (Method m : Tensor.class.getDeclaredMethods()) {
            boolean isStatic = Modifier.isStatic(m.getModifiers());
            boolean op = !isStatic || m.getName().equals("concat") || m.getName().equals("stack");
            boolean returnsTensors = m.getReturnType() == Tensor.class || m.getReturnType() == List.class;
            if (Modifier.isPublic(m.getModifiers()) && returnsTensors && op && !NOT_OPERATIONS.contains(m.getName())) {
                operations.add(m.getName());
            }
        }
        for (Method m : Functional.class.getDeclaredMethods()) {
            if (Modifier.isPublic(m.getModifiers()) && (m.getReturnType() == Tensor.class || m.getReturnType() == List.class)) {
                operations.add(m.getName());
            }
        }
        Set<String> covered = cases().map(c -> c.op).collect(Collectors.toCollection(TreeSet::new));
        Set<String> missing = new TreeSet<>(operations);
        missing.removeAll(covered);
        assertTrue(missing.isEmpty(), "operations without a catalogue case: " + missing);
        Set<String> unknown = new TreeSet<>(covered);
        unknown.removeAll(operations);
        assertTrue(unknown.isEmpty(), "catalogue cases naming no operation: " + unknown);
        List<String> names = cases().map(c -> c.name).toList();
        assertEquals(names.size(), new TreeSet<>(names).size(), "case names must be unique");
    }
}
