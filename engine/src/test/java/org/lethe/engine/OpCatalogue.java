package org.lethe.engine;

import static org.lethe.engine.OpCase.Domain.ANY;
import static org.lethe.engine.OpCase.Domain.AWAY_FROM_ZERO;
import static org.lethe.engine.OpCase.Domain.POSITIVE;
import static org.lethe.engine.OpCase.Domain.SMALL_INT;
import static org.lethe.engine.OpCase.Grad.DIRECTIONAL;
import static org.lethe.engine.OpCase.Grad.NONE;

import java.util.ArrayList;
import java.util.List;
import org.lethe.kernels.CounterRandom;
import org.lethe.kernels.DType;
import org.lethe.kernels.cpu.CpuBackend;

/**
 * The catalogue of operations: every public operation of {@link Tensor} and {@link Functional} has
 * at least one case here (a meta-test enforces it). Each case states the operation, a plain
 * reference, and how its gradient is checked; its name keys the PyTorch vectors.
 */
final class OpCatalogue {
    private OpCatalogue() {
    }

    private static final CpuBackend OTHER_BACKEND = new CpuBackend(1);
    static final long DROPOUT_SEED = 77;

    static List<OpCase> cases() {
        List<OpCase> c = new ArrayList<>();

        // ---- elementwise arithmetic ----------------------------------------------------------
        c.add(new OpCase("add", "add").in(ANY, 3, 4).in(ANY, 3, 4)
                .fn(x -> x[0].add(x[1])).ref(x -> x[0].zip(x[1], Double::sum)));
        c.add(new OpCase("add_broadcast", "add").in(ANY, 3, 1, 4).in(ANY, 2, 1)
                .fn(x -> x[0].add(x[1])).ref(x -> x[0].zip(x[1], Double::sum)));
        c.add(new OpCase("add_scalar", "add").in(ANY, 2, 3)
                .fn(x -> x[0].add(1.5)).ref(x -> x[0].map(v -> v + 1.5)));
        c.add(new OpCase("sub_broadcast", "sub").in(ANY, 2, 3, 4).in(ANY, 4)
                .fn(x -> x[0].sub(x[1])).ref(x -> x[0].zip(x[1], (a, b) -> a - b)));
        c.add(new OpCase("sub_scalar", "sub").in(ANY, 2, 3)
                .fn(x -> x[0].sub(0.75)).ref(x -> x[0].map(v -> v - 0.75)));
        c.add(new OpCase("mul", "mul").in(ANY, 3, 4).in(ANY, 3, 4)
                .fn(x -> x[0].mul(x[1])).ref(x -> x[0].zip(x[1], (a, b) -> a * b)));
        c.add(new OpCase("mul_broadcast", "mul").in(ANY, 4, 1).in(ANY, 1, 5)
                .fn(x -> x[0].mul(x[1])).ref(x -> x[0].zip(x[1], (a, b) -> a * b)));
        c.add(new OpCase("mul_scalar", "mul").in(ANY, 2, 3)
                .fn(x -> x[0].mul(-2.5)).ref(x -> x[0].map(v -> v * -2.5)));
        c.add(new OpCase("div", "div").in(ANY, 3, 4).in(POSITIVE, 3, 4)
                .fn(x -> x[0].div(x[1])).ref(x -> x[0].zip(x[1], (a, b) -> a / b)));
        c.add(new OpCase("div_broadcast", "div").in(ANY, 2, 3).in(POSITIVE, 3)
                .fn(x -> x[0].div(x[1])).ref(x -> x[0].zip(x[1], (a, b) -> a / b)));
        c.add(new OpCase("div_scalar", "div").in(ANY, 2, 3)
                .fn(x -> x[0].div(4.0)).ref(x -> x[0].map(v -> v / 4.0)));
        c.add(new OpCase("neg", "neg").in(ANY, 2, 3).fn(x -> x[0].neg()).ref(x -> x[0].map(v -> -v)));
        c.add(new OpCase("pow_scalar", "pow").in(ANY, 3, 4)
                .fn(x -> x[0].pow(3.0)).ref(x -> x[0].map(v -> v * v * v)));
        c.add(new OpCase("pow_scalar_fraction", "pow").in(POSITIVE, 3, 4)
                .fn(x -> x[0].pow(1.5)).ref(x -> x[0].map(v -> Math.pow(v, 1.5))));
        c.add(new OpCase("pow_tensor", "pow").in(POSITIVE, 3, 4).in(ANY, 4)
                .fn(x -> x[0].pow(x[1])).ref(x -> x[0].zip(x[1], Math::pow)));
        c.add(new OpCase("square", "square").in(ANY, 3, 4).fn(x -> x[0].square()).ref(x -> x[0].map(v -> v * v)));
        c.add(new OpCase("exp", "exp").in(ANY, 3, 4).fn(x -> x[0].exp()).ref(x -> x[0].map(Math::exp)));
        c.add(new OpCase("log", "log").in(POSITIVE, 3, 4).fn(x -> x[0].log()).ref(x -> x[0].map(Math::log)));
        c.add(new OpCase("sqrt", "sqrt").in(POSITIVE, 3, 4).fn(x -> x[0].sqrt()).ref(x -> x[0].map(Math::sqrt)));
        c.add(new OpCase("abs", "abs").in(AWAY_FROM_ZERO, 3, 4).fn(x -> x[0].abs()).ref(x -> x[0].map(Math::abs)));
        c.add(new OpCase("relu", "relu").in(AWAY_FROM_ZERO, 3, 4)
                .fn(x -> x[0].relu()).ref(x -> x[0].map(v -> Math.max(v, 0))));
        c.add(new OpCase("sigmoid", "sigmoid").in(ANY, 3, 4)
                .fn(x -> x[0].mul(3.0).sigmoid()).ref(x -> x[0].map(v -> 1 / (1 + Math.exp(-3 * v)))));
        c.add(new OpCase("tanh", "tanh").in(ANY, 3, 4).fn(x -> x[0].tanh()).ref(x -> x[0].map(Math::tanh)));
        c.add(new OpCase("clamp", "clamp").in(ANY, 4, 5)
                .fn(x -> x[0].clamp(-0.5, 0.7)).ref(x -> x[0].map(v -> Math.min(Math.max(v, -0.5), 0.7))));
        c.add(new OpCase("clamp_min", "clampMin").in(ANY, 4, 5)
                .fn(x -> x[0].clampMin(0.25)).ref(x -> x[0].map(v -> Math.max(v, 0.25))));
        c.add(new OpCase("clamp_max", "clampMax").in(ANY, 4, 5)
                .fn(x -> x[0].clampMax(-0.25)).ref(x -> x[0].map(v -> Math.min(v, -0.25))));

        c.add(new OpCase("maximum", "maximum").in(ANY, 3, 4).in(ANY, 4)
                .fn(x -> x[0].maximum(x[1])).ref(x -> x[0].zip(x[1], Math::max)));
        c.add(new OpCase("maximum_ties", "maximum").in(SMALL_INT, 3, 4).in(SMALL_INT, 3, 4).grad(NONE)
                .fn(x -> x[0].maximum(x[1])).ref(x -> x[0].zip(x[1], Math::max)));

        // ---- comparisons --------------------------------------------------------------------
        c.add(new OpCase("eq", "eq").constant(SMALL_INT, 3, 4).constant(SMALL_INT, 4).grad(NONE)
                .fn(x -> x[0].eq(x[1])).ref(x -> x[0].zip(x[1], (a, b) -> a == b ? 1 : 0)));
        c.add(new OpCase("gt", "gt").constant(SMALL_INT, 3, 4).constant(SMALL_INT, 3, 1).grad(NONE)
                .fn(x -> x[0].gt(x[1])).ref(x -> x[0].zip(x[1], (a, b) -> a > b ? 1 : 0)));
        c.add(new OpCase("lt", "lt").constant(SMALL_INT, 3, 4).constant(SMALL_INT, 3, 4).grad(NONE)
                .fn(x -> x[0].lt(x[1])).ref(x -> x[0].zip(x[1], (a, b) -> a < b ? 1 : 0)));
        c.add(new OpCase("gt_scalar", "gt").constant(SMALL_INT, 3, 4).grad(NONE)
                .fn(x -> x[0].gt(1.0)).ref(x -> x[0].map(v -> v > 1 ? 1 : 0)));
        c.add(new OpCase("ge_scalar", "ge").constant(SMALL_INT, 3, 4).grad(NONE)
                .fn(x -> x[0].ge(1.0)).ref(x -> x[0].map(v -> v >= 1 ? 1 : 0)));
        c.add(new OpCase("lt_scalar", "lt").constant(SMALL_INT, 3, 4).grad(NONE)
                .fn(x -> x[0].lt(1.0)).ref(x -> x[0].map(v -> v < 1 ? 1 : 0)));
        c.add(new OpCase("le_scalar", "le").constant(SMALL_INT, 3, 4).grad(NONE)
                .fn(x -> x[0].le(1.0)).ref(x -> x[0].map(v -> v <= 1 ? 1 : 0)));

        // ---- matrix products ----------------------------------------------------------------
        c.add(new OpCase("matmul", "matmul").in(ANY, 3, 4).in(ANY, 4, 5)
                .fn(x -> x[0].matmul(x[1])).ref(x -> x[0].matmul(x[1])));
        c.add(new OpCase("matmul_batched", "matmul").in(ANY, 2, 3, 4).in(ANY, 2, 4, 5)
                .fn(x -> x[0].matmul(x[1])).ref(x -> x[0].matmul(x[1])));
        c.add(new OpCase("matmul_broadcast", "matmul").in(ANY, 2, 1, 3, 4).in(ANY, 3, 4, 2)
                .fn(x -> x[0].matmul(x[1])).ref(x -> x[0].matmul(x[1])));
        c.add(new OpCase("matmul_transposed", "matmul").in(ANY, 4, 3).in(ANY, 5, 4)
                .fn(x -> x[0].transpose(0, 1).matmul(x[1].transpose(0, 1)))
                .ref(x -> x[0].permute(1, 0).matmul(x[1].permute(1, 0))));
        c.add(new OpCase("matmul_large", "matmul").in(ANY, 70, 90).in(ANY, 90, 60).grad(DIRECTIONAL).tol32(1e-4)
                .fn(x -> x[0].matmul(x[1])).ref(x -> x[0].matmul(x[1])));

        // ---- reductions ---------------------------------------------------------------------
        c.add(new OpCase("sum_all", "sum").in(ANY, 3, 4).fn(x -> x[0].sum()).ref(x -> x[0].sum(new int[0], false)));
        c.add(new OpCase("sum_axis", "sum").in(ANY, 3, 4, 2)
                .fn(x -> x[0].sum(1)).ref(x -> x[0].sum(new int[] {1}, false)));
        c.add(new OpCase("sum_axes_keep", "sum").in(ANY, 3, 4, 2)
                .fn(x -> x[0].sum(new int[] {0, 2}, true)).ref(x -> x[0].sum(new int[] {0, 2}, true)));
        c.add(new OpCase("mean_all", "mean").in(ANY, 3, 4)
                .fn(x -> x[0].mean()).ref(x -> x[0].sum(new int[0], false).map(v -> v / 12)));
        c.add(new OpCase("mean_axis", "mean").in(ANY, 3, 4)
                .fn(x -> x[0].mean(-1)).ref(x -> x[0].sum(new int[] {1}, false).map(v -> v / 4)));
        c.add(new OpCase("mean_axes_keep", "mean").in(ANY, 2, 3, 4)
                .fn(x -> x[0].mean(new int[] {0, 2}, true)).ref(x -> x[0].sum(new int[] {0, 2}, true).map(v -> v / 8)));
        c.add(new OpCase("max_all", "max").in(ANY, 3, 4)
                .fn(x -> x[0].max()).ref(x -> x[0].reduce(new int[0], false, Double.NEGATIVE_INFINITY, Math::max)));
        c.add(new OpCase("max_axis", "max").in(ANY, 3, 4, 2)
                .fn(x -> x[0].max(new int[] {1}, false))
                .ref(x -> x[0].reduce(new int[] {1}, false, Double.NEGATIVE_INFINITY, Math::max)));
        c.add(new OpCase("max_ties", "max").in(SMALL_INT, 4, 5).grad(NONE)
                .fn(x -> x[0].max(new int[] {1}, true))
                .ref(x -> x[0].reduce(new int[] {1}, true, Double.NEGATIVE_INFINITY, Math::max)));
        c.add(new OpCase("min_all", "min").in(ANY, 3, 4)
                .fn(x -> x[0].min()).ref(x -> x[0].reduce(new int[0], false, Double.POSITIVE_INFINITY, Math::min)));
        c.add(new OpCase("min_axes", "min").in(ANY, 3, 4, 2)
                .fn(x -> x[0].min(new int[] {0, 2}, false))
                .ref(x -> x[0].reduce(new int[] {0, 2}, false, Double.POSITIVE_INFINITY, Math::min)));
        c.add(new OpCase("variance_unbiased", "variance").in(ANY, 3, 5)
                .fn(x -> x[0].variance(new int[] {1}, 1, false)).ref(x -> variance(x[0], new int[] {1}, 1, false)));
        c.add(new OpCase("variance_population_keep", "variance").in(ANY, 2, 3, 4)
                .fn(x -> x[0].variance(new int[] {0, 2}, 0, true)).ref(x -> variance(x[0], new int[] {0, 2}, 0, true)));

        // ---- shapes and views ---------------------------------------------------------------
        c.add(new OpCase("reshape", "reshape").in(ANY, 3, 4).fn(x -> x[0].reshape(2, 6)).ref(x -> x[0].reshape(2, 6)));
        c.add(new OpCase("reshape_infer", "reshape").in(ANY, 2, 3, 4)
                .fn(x -> x[0].reshape(-1, 4)).ref(x -> x[0].reshape(6, 4)));
        c.add(new OpCase("reshape_noncontiguous", "reshape").in(ANY, 3, 4)
                .fn(x -> x[0].transpose(0, 1).reshape(12)).ref(x -> x[0].permute(1, 0).reshape(12)));
        c.add(new OpCase("flatten", "flatten").in(ANY, 2, 3, 4).fn(x -> x[0].flatten(1)).ref(x -> x[0].reshape(2, 12)));
        c.add(new OpCase("permute", "permute").in(ANY, 2, 3, 4)
                .fn(x -> x[0].permute(2, 0, 1)).ref(x -> x[0].permute(2, 0, 1)));
        c.add(new OpCase("transpose", "transpose").in(ANY, 2, 3, 4)
                .fn(x -> x[0].transpose(0, 2)).ref(x -> x[0].permute(2, 1, 0)));
        c.add(new OpCase("slice", "slice").in(ANY, 5, 4)
                .fn(x -> x[0].slice(0, 1, 4)).ref(x -> x[0].select(0, new int[] {1, 2, 3})));
        c.add(new OpCase("slice_step", "slice").in(ANY, 6, 3)
                .fn(x -> x[0].slice(0, 1, 6, 2)).ref(x -> x[0].select(0, new int[] {1, 3, 5})));
        c.add(new OpCase("slice_negative", "slice").in(ANY, 3, 5)
                .fn(x -> x[0].slice(1, -3, 5)).ref(x -> x[0].select(1, new int[] {2, 3, 4})));
        c.add(new OpCase("expand", "expand").in(ANY, 3, 1)
                .fn(x -> x[0].expand(2, 3, 4)).ref(x -> x[0].expand(2, 3, 4)));
        c.add(new OpCase("squeeze", "squeeze").in(ANY, 3, 1, 4).fn(x -> x[0].squeeze(1)).ref(x -> x[0].reshape(3, 4)));
        c.add(new OpCase("unsqueeze", "unsqueeze").in(ANY, 3, 4)
                .fn(x -> x[0].unsqueeze(-1)).ref(x -> x[0].reshape(3, 4, 1)));
        c.add(new OpCase("contiguous", "contiguous").in(ANY, 3, 4)
                .fn(x -> x[0].transpose(0, 1).contiguous()).ref(x -> x[0].permute(1, 0)));
        c.add(new OpCase("copy", "copy").in(ANY, 3, 4).fn(x -> x[0].copy()).ref(x -> x[0]));
        c.add(new OpCase("to_dtype", "to").in(ANY, 3, 4).grad(NONE).noTorch("a float64 round trip through float32")
                .fn(x -> x[0].to(DType.FLOAT32).mul(2.0).to(x[0].dtype())).ref(x -> x[0].round32().map(v -> 2 * v)));
        c.add(new OpCase("to_backend", "to").in(ANY, 3, 4).noTorch("a second backend")
                .fn(x -> x[0].to(OTHER_BACKEND).mul(3.0).to(x[0].backend())).ref(x -> x[0].map(v -> 3 * v)));
        c.add(new OpCase("detach", "detach").in(ANY, 3, 4).grad(NONE).noTorch("identity without a graph")
                .fn(x -> x[0].detach()).ref(x -> x[0]));
        c.add(new OpCase("concat", "concat").in(ANY, 2, 3).in(ANY, 4, 3)
                .fn(x -> Tensor.concat(List.of(x[0], x[1]), 0)).ref(x -> concat(x[0], x[1], 0)));
        c.add(new OpCase("concat_axis1", "concat").in(ANY, 2, 3).in(ANY, 2, 1).in(ANY, 2, 2)
                .fn(x -> Tensor.concat(List.of(x[0], x[1], x[2]), 1)).ref(x -> concat(concat(x[0], x[1], 1), x[2], 1)));
        c.add(new OpCase("stack", "stack").in(ANY, 2, 3).in(ANY, 2, 3)
                .fn(x -> Tensor.stack(List.of(x[0], x[1]), 1))
                .ref(x -> concat(x[0].reshape(2, 1, 3), x[1].reshape(2, 1, 3), 1)));
        c.add(new OpCase("split", "split").in(ANY, 4, 6)
                .fn(x -> {
                    List<Tensor> p = x[0].split(new int[] {2, 1, 3}, 1);
                    return Tensor.concat(List.of(p.get(2).mul(2.0), p.get(0)), 1);
                })
                .ref(x -> concat(x[0].select(1, new int[] {3, 4, 5}).map(v -> 2 * v), x[0].select(1, new int[] {0, 1}), 1)));
        c.add(new OpCase("chunk", "chunk").in(ANY, 5, 3)
                .fn(x -> {
                    List<Tensor> p = x[0].chunk(2, 0);
                    return p.get(1).mul(p.get(0).slice(0, 0, 2));
                })
                .ref(x -> x[0].select(0, new int[] {3, 4}).zip(x[0].select(0, new int[] {0, 1}), (a, b) -> a * b)));
        c.add(new OpCase("unbind", "unbind").in(ANY, 3, 4, 2)
                .fn(x -> {
                    List<Tensor> u = x[0].unbind(1);
                    return u.get(0).mul(u.get(3)).add(u.get(1));
                })
                .ref(x -> {
                    NdArray u0 = x[0].select(1, new int[] {0}).reshape(3, 2);
                    NdArray u1 = x[0].select(1, new int[] {1}).reshape(3, 2);
                    NdArray u3 = x[0].select(1, new int[] {3}).reshape(3, 2);
                    return u0.zip(u3, (a, b) -> a * b).zip(u1, Double::sum);
                }));
        c.add(new OpCase("reshape_strided_view", "reshape").in(ANY, 4, 3, 2)
                .fn(x -> x[0].slice(1, 1, 2).reshape(4, 2).mul(x[0].slice(1, 0, 1).reshape(4, 2)))
                .ref(x -> x[0].select(1, new int[] {1}).reshape(4, 2).zip(x[0].select(1, new int[] {0}).reshape(4, 2),
                        (a, b) -> a * b)));
        c.add(new OpCase("index_select", "indexSelect").in(ANY, 5, 3)
                .fn(x -> x[0].indexSelect(0, new int[] {4, 0, 4, 2})).ref(x -> x[0].select(0, new int[] {4, 0, 4, 2})));
        c.add(new OpCase("index_select_axis1", "indexSelect").in(ANY, 2, 4, 3)
                .fn(x -> x[0].indexSelect(1, new int[] {3, 1})).ref(x -> x[0].select(1, new int[] {3, 1})));
        c.add(new OpCase("index_select_empty", "indexSelect").in(ANY, 5, 3)
                .fn(x -> x[0].indexSelect(0, new int[0])).ref(x -> x[0].select(0, new int[0])));
        boolean[] mask = {true, false, false, true, true};
        c.add(new OpCase("masked_rows", "maskedRows").in(ANY, 5, 3)
                .fn(x -> x[0].maskedRows(mask)).ref(x -> x[0].select(0, new int[] {0, 3, 4})));
        c.add(new OpCase("masked_rows_tensor", "maskedRows").in(ANY, 5, 2)
                .fn(x -> x[0].maskedRows(Tensor.of(x[0].dtype(), new double[] {0, 1, 0, 0, 1}, 5)))
                .ref(x -> x[0].select(0, new int[] {1, 4})));
        c.add(new OpCase("masked_rows_none", "maskedRows").in(ANY, 5, 3)
                .fn(x -> x[0].maskedRows(new boolean[5])).ref(x -> x[0].select(0, new int[0])));

        // ---- in-place updates (no graph) ----------------------------------------------------
        c.add(new OpCase("copy_from", "copyFrom").constant(ANY, 4).grad(NONE).noTorch("in place")
                .fn(x -> Tensor.zeros(x[0].dtype(), 3, 4).copyFrom(x[0])).ref(x -> x[0].expand(3, 4)));
        c.add(new OpCase("fill", "fill").constant(ANY, 3, 2).grad(NONE).noTorch("in place")
                .fn(x -> x[0].copy().fill(0.5)).ref(x -> x[0].map(v -> 0.5)));
        c.add(new OpCase("add_in_place", "addInPlace").constant(ANY, 3, 4).constant(ANY, 4).grad(NONE).noTorch("in place")
                .fn(x -> x[0].copy().addInPlace(x[1])).ref(x -> x[0].zip(x[1], Double::sum)));
        c.add(new OpCase("mul_in_place", "mulInPlace").constant(ANY, 3, 4).grad(NONE).noTorch("in place")
                .fn(x -> x[0].copy().mulInPlace(-3)).ref(x -> x[0].map(v -> -3 * v)));

        // ---- neural-network functions -------------------------------------------------------
        c.add(new OpCase("linear", "linear").in(ANY, 5, 4).in(ANY, 3, 4).in(ANY, 3)
                .fn(x -> Functional.linear(x[0], x[1], x[2])).ref(x -> x[0].matmul(x[1].permute(1, 0)).zip(x[2], Double::sum)));
        c.add(new OpCase("linear_3d_no_bias", "linear").in(ANY, 2, 5, 4).in(ANY, 3, 4)
                .fn(x -> Functional.linear(x[0], x[1], null)).ref(x -> x[0].matmul(x[1].permute(1, 0))));
        c.add(new OpCase("linear_few_inputs", "linear").in(ANY, 40, 2).in(ANY, 33, 2).in(ANY, 33)
                .fn(x -> Functional.linear(x[0], x[1], x[2])).grad(DIRECTIONAL)
                .ref(x -> x[0].matmul(x[1].permute(1, 0)).zip(x[2], Double::sum)));
        c.add(new OpCase("linear_vector", "linear").in(ANY, 4).in(ANY, 3, 4).in(ANY, 3)
                .fn(x -> Functional.linear(x[0], x[1], x[2]))
                .ref(x -> x[0].reshape(1, 4).matmul(x[1].permute(1, 0)).zip(x[2], Double::sum).reshape(3)));
        c.add(new OpCase("linear_relu", "linearRelu").in(ANY, 6, 5).in(ANY, 4, 5).in(ANY, 4)
                .fn(x -> Functional.linearRelu(x[0], x[1], x[2]))
                .ref(x -> x[0].matmul(x[1].permute(1, 0)).zip(x[2], Double::sum).map(v -> Math.max(v, 0))));
        c.add(new OpCase("linear_relu_3d_no_bias", "linearRelu").in(ANY, 2, 3, 4).in(ANY, 5, 4)
                .fn(x -> Functional.linearRelu(x[0], x[1], null))
                .ref(x -> x[0].matmul(x[1].permute(1, 0)).map(v -> Math.max(v, 0))));
        c.add(new OpCase("conv2d", "conv2d").in(ANY, 2, 3, 6, 5).in(ANY, 4, 3, 3, 3).in(ANY, 4).grad(DIRECTIONAL)
                .fn(x -> Functional.conv2d(x[0], x[1], x[2], 1, 1)).ref(x -> conv2d(x[0], x[1], x[2], 1, 1)));
        c.add(new OpCase("conv2d_stride2_no_bias", "conv2d").in(ANY, 2, 2, 7, 7).in(ANY, 3, 2, 3, 3).grad(DIRECTIONAL)
                .fn(x -> Functional.conv2d(x[0], x[1], null, 2, 0)).ref(x -> conv2d(x[0], x[1], null, 2, 0)));
        c.add(new OpCase("conv2d_relu", "conv2dRelu").in(ANY, 2, 3, 6, 5).in(ANY, 4, 3, 3, 3).in(ANY, 4).grad(DIRECTIONAL)
                .fn(x -> Functional.conv2dRelu(x[0], x[1], x[2], 1, 1))
                .ref(x -> conv2d(x[0], x[1], x[2], 1, 1).map(v -> Math.max(v, 0))));
        c.add(new OpCase("conv2d_1x1", "conv2d").in(ANY, 2, 3, 4, 4).in(ANY, 5, 3, 1, 1).in(ANY, 5)
                .fn(x -> Functional.conv2d(x[0], x[1], x[2], 1, 0)).ref(x -> conv2d(x[0], x[1], x[2], 1, 0)));
        c.add(new OpCase("max_pool2d", "maxPool2d").in(ANY, 2, 2, 6, 6)
                .fn(x -> Functional.maxPool2d(x[0], 2, 2, 0)).ref(x -> pool(x[0], 2, 2, 0, true)));
        c.add(new OpCase("max_pool2d_overlap_pad", "maxPool2d").in(ANY, 1, 2, 7, 5)
                .fn(x -> Functional.maxPool2d(x[0], 3, 2, 1)).ref(x -> pool(x[0], 3, 2, 1, true)));
        c.add(new OpCase("avg_pool2d", "avgPool2d").in(ANY, 2, 2, 6, 6)
                .fn(x -> Functional.avgPool2d(x[0], 2, 2, 0)).ref(x -> pool(x[0], 2, 2, 0, false)));
        c.add(new OpCase("avg_pool2d_pad", "avgPool2d").in(ANY, 1, 2, 7, 5)
                .fn(x -> Functional.avgPool2d(x[0], 3, 2, 1)).ref(x -> pool(x[0], 3, 2, 1, false)));
        c.add(new OpCase("global_avg_pool2d", "globalAvgPool2d").in(ANY, 2, 3, 4, 5)
                .fn(x -> Functional.globalAvgPool2d(x[0])).ref(x -> x[0].sum(new int[] {2, 3}, false).map(v -> v / 20)));
        c.add(new OpCase("batch_norm_train_2d", "batchNorm").in(ANY, 6, 3).in(POSITIVE, 3).in(ANY, 3)
                .fn(x -> Functional.batchNorm(x[0], null, null, x[1], x[2], true, 0.1, 1e-5))
                .ref(x -> batchNormTrain(x[0], x[1], x[2], new int[] {0}, 1e-5)));
        c.add(new OpCase("batch_norm_train_4d", "batchNorm").in(ANY, 3, 2, 3, 3).in(POSITIVE, 2).in(ANY, 2)
                .fn(x -> Functional.batchNorm(x[0], Tensor.zeros(x[0].dtype(), 2), Tensor.ones(x[0].dtype(), 2), x[1], x[2],
                        true, 0.1, 1e-5))
                .ref(x -> batchNormTrain(x[0], x[1], x[2], new int[] {0, 2, 3}, 1e-5)));
        c.add(new OpCase("batch_norm_eval", "batchNorm").in(ANY, 4, 3, 2, 2).constant(ANY, 3).constant(POSITIVE, 3)
                .in(POSITIVE, 3).in(ANY, 3)
                .fn(x -> Functional.batchNorm(x[0], x[1], x[2], x[3], x[4], false, 0.1, 1e-5))
                .ref(x -> {
                    NdArray m = x[1].reshape(1, 3, 1, 1);
                    NdArray sd = x[2].reshape(1, 3, 1, 1).map(v -> Math.sqrt(v + 1e-5));
                    return x[0].zip(m, (a, b) -> a - b).zip(sd, (a, b) -> a / b)
                            .zip(x[3].reshape(1, 3, 1, 1), (a, b) -> a * b).zip(x[4].reshape(1, 3, 1, 1), Double::sum);
                }));
        c.add(new OpCase("dropout", "dropout").in(ANY, 4, 6).noTorch("PyTorch draws other random numbers")
                .fn(x -> Functional.dropout(x[0], 0.3, true, new Rng(DROPOUT_SEED)))
                .ref(x -> {
                    long seed = new Rng(DROPOUT_SEED).nextLong();
                    NdArray out = x[0].map(v -> v);
                    for (int i = 0; i < out.size(); i++) {
                        DType t = DType.FLOAT64;
                        double u = CounterRandom.uniform(t, seed, i, 0, 1);
                        out.data[i] = u >= 0.3 ? out.data[i] / 0.7 : 0;
                    }
                    return out;
                }));
        c.add(new OpCase("dropout_eval", "dropout").in(ANY, 4, 6)
                .fn(x -> Functional.dropout(x[0], 0.3, false, new Rng(1))).ref(x -> x[0]));
        c.add(new OpCase("l2_normalize", "l2Normalize").in(ANY, 4, 5)
                .fn(x -> Functional.l2Normalize(x[0], 1, 1e-12)).ref(x -> {
                    NdArray n = x[0].map(v -> v * v).sum(new int[] {1}, true).map(v -> Math.max(Math.sqrt(v), 1e-12));
                    return x[0].zip(n, (a, b) -> a / b);
                }));
        c.add(new OpCase("lstm_cell", "lstmCell").in(ANY, 3, 8).in(ANY, 3, 2)
                .fn(x -> {
                    List<Tensor> hc = Functional.lstmCell(x[0], x[1]);
                    return hc.get(0).mul(2.0).add(hc.get(1));
                })
                .ref(x -> lstmCell(x[0], x[1], true)));
        c.add(new OpCase("lstm_cell_h_only", "lstmCell").in(ANY, 2, 12).in(ANY, 2, 3)
                .fn(x -> Functional.lstmCell(x[0], x[1]).get(0))
                .ref(x -> lstmCell(x[0], x[1], false)));
        c.add(new OpCase("lstm_sequence", "lstmSequence").in(ANY, 2, 3, 8).in(ANY, 8, 2)
                .fn(x -> {
                    List<Tensor> r = Functional.lstmSequence(x[0], x[1]);
                    return r.get(0).add(r.get(1).unsqueeze(1).mul(3.0)).add(r.get(2).unsqueeze(1).mul(2.0));
                })
                .ref(x -> lstmSequence(x[0], x[1], true)));
        c.add(new OpCase("lstm_sequence_states_only", "lstmSequence").in(ANY, 3, 4, 4).in(ANY, 4, 1)
                .fn(x -> Functional.lstmSequence(x[0], x[1]).get(0))
                .ref(x -> lstmSequence(x[0], x[1], false)));
        c.add(new OpCase("l1_loss", "l1Loss").in(ANY, 6, 1).in(ANY, 6, 1)
                .fn(x -> Functional.l1Loss(x[0], x[1], Reduction.MEAN))
                .ref(x -> x[0].zip(x[1], (a, b) -> Math.abs(a - b)).sum(new int[0], false).map(v -> v / 6)));
        c.add(new OpCase("l1_loss_sum", "l1Loss").in(ANY, 6).in(ANY, 6)
                .fn(x -> Functional.l1Loss(x[0], x[1], Reduction.SUM))
                .ref(x -> x[0].zip(x[1], (a, b) -> Math.abs(a - b)).sum(new int[0], false)));
        c.add(new OpCase("mse_loss", "mseLoss").in(ANY, 8).in(ANY, 8)
                .fn(x -> Functional.mseLoss(x[0], x[1], Reduction.MEAN))
                .ref(x -> x[0].zip(x[1], (a, b) -> (a - b) * (a - b)).sum(new int[0], false).map(v -> v / 8)));
        c.add(new OpCase("mse_loss_none", "mseLoss").in(ANY, 4, 2).in(ANY, 4, 2)
                .fn(x -> Functional.mseLoss(x[0], x[1], Reduction.NONE)).ref(x -> x[0].zip(x[1], (a, b) -> (a - b) * (a - b))));
        c.add(new OpCase("huber_loss", "huberLoss").in(ANY, 10).in(ANY, 10)
                .fn(x -> Functional.huberLoss(x[0], x[1], 1.0, Reduction.MEAN)).ref(x -> x[0].zip(x[1], (a, b) -> {
                    double d = Math.abs(a - b);
                    return d < 1 ? 0.5 * d * d : d - 0.5;
                }).sum(new int[0], false).map(v -> v / 10)));
        c.add(new OpCase("quantile_loss", "quantileLoss").in(ANY, 10).in(ANY, 10)
                .fn(x -> Functional.quantileLoss(x[0], x[1], 0.3, Reduction.MEAN)).ref(x -> x[0].zip(x[1], (p, t) -> {
                    double d = t - p;
                    return Math.max(0.3 * d, -0.7 * d);
                }).sum(new int[0], false).map(v -> v / 10)));
        return c;
    }

    // ---- references -------------------------------------------------------------------------

    static NdArray variance(NdArray x, int[] axes, int correction, boolean keep) {
        boolean[] mask = Shapes.axisMask("ref", axes, x.rank());
        int n = Shapes.count(x.shape, mask);
        NdArray mean = x.sum(axes, true).map(v -> v / n);
        return x.zip(mean, (a, m) -> (a - m) * (a - m)).sum(axes, keep).map(v -> v / (n - correction));
    }

    /** 2h + c (both) or h of one LSTM step, computed elementwise by hand. */
    static NdArray lstmCell(NdArray gates, NdArray cPrev, boolean both) {
        int n = cPrev.shape[0];
        int h = cPrev.shape[1];
        NdArray out = NdArray.zeros(n, h);
        for (int r = 0; r < n; r++) {
            for (int k = 0; k < h; k++) {
                double i = 1 / (1 + Math.exp(-gates.get(r, k)));
                double f = 1 / (1 + Math.exp(-gates.get(r, h + k)));
                double g = Math.tanh(gates.get(r, 2 * h + k));
                double o = 1 / (1 + Math.exp(-gates.get(r, 3 * h + k)));
                double c = f * cPrev.get(r, k) + i * g;
                double hv = o * Math.tanh(c);
                out.set(both ? 2 * hv + c : hv, r, k);
            }
        }
        return out;
    }

    /**
     * An LSTM layer from zero states, step by step by hand: the hidden states {@code [N, T, H]}, plus
     * (with {@code all}) three times the last hidden state and twice the last cell state at every step.
     */
    static NdArray lstmSequence(NdArray p, NdArray w, boolean all) {
        int n = p.shape[0];
        int steps = p.shape[1];
        int h = w.shape[1];
        double[][] hPrev = new double[n][h];
        double[][] cPrev = new double[n][h];
        NdArray out = NdArray.zeros(n, steps, h);
        for (int t = 0; t < steps; t++) {
            double[][] hNew = new double[n][h];
            double[][] cNew = new double[n][h];
            for (int r = 0; r < n; r++) {
                double[] gate = new double[4 * h];
                for (int j = 0; j < 4 * h; j++) {
                    double s = p.get(r, t, j);
                    for (int k = 0; k < h; k++) {
                        s += hPrev[r][k] * w.get(j, k);
                    }
                    gate[j] = s;
                }
                for (int k = 0; k < h; k++) {
                    double i = 1 / (1 + Math.exp(-gate[k]));
                    double f = 1 / (1 + Math.exp(-gate[h + k]));
                    double g = Math.tanh(gate[2 * h + k]);
                    double o = 1 / (1 + Math.exp(-gate[3 * h + k]));
                    cNew[r][k] = f * cPrev[r][k] + i * g;
                    hNew[r][k] = o * Math.tanh(cNew[r][k]);
                    out.set(hNew[r][k], r, t, k);
                }
            }
            hPrev = hNew;
            cPrev = cNew;
        }
        if (all) {
            for (int r = 0; r < n; r++) {
                for (int t = 0; t < steps; t++) {
                    for (int k = 0; k < h; k++) {
                        out.set(out.get(r, t, k) + 3 * hPrev[r][k] + 2 * cPrev[r][k], r, t, k);
                    }
                }
            }
        }
        return out;
    }

    static NdArray concat(NdArray a, NdArray b, int axis) {
        int[] s = a.shape.clone();
        s[axis] += b.shape[axis];
        NdArray out = NdArray.zeros(s);
        for (int i = 0; i < out.size(); i++) {
            int[] idx = out.index(i);
            if (idx[axis] < a.shape[axis]) {
                out.data[i] = a.get(idx);
            } else {
                idx[axis] -= a.shape[axis];
                out.data[i] = b.get(idx);
            }
        }
        return out;
    }

    static NdArray conv2d(NdArray x, NdArray w, NdArray b, int stride, int pad) {
        int n = x.shape[0];
        int ci = x.shape[1];
        int h = x.shape[2];
        int wd = x.shape[3];
        int co = w.shape[0];
        int kh = w.shape[2];
        int kw = w.shape[3];
        int oh = (h + 2 * pad - kh) / stride + 1;
        int ow = (wd + 2 * pad - kw) / stride + 1;
        NdArray out = NdArray.zeros(n, co, oh, ow);
        for (int i = 0; i < n; i++) {
            for (int o = 0; o < co; o++) {
                for (int y = 0; y < oh; y++) {
                    for (int z = 0; z < ow; z++) {
                        double acc = b == null ? 0 : b.get(o);
                        for (int c = 0; c < ci; c++) {
                            for (int p = 0; p < kh; p++) {
                                for (int q = 0; q < kw; q++) {
                                    int iy = y * stride - pad + p;
                                    int ix = z * stride - pad + q;
                                    if (iy >= 0 && iy < h && ix >= 0 && ix < wd) {
                                        acc += x.get(i, c, iy, ix) * w.get(o, c, p, q);
                                    }
                                }
                            }
                        }
                        out.set(acc, i, o, y, z);
                    }
                }
            }
        }
        return out;
    }

    static NdArray pool(NdArray x, int k, int stride, int pad, boolean max) {
        int h = x.shape[2];
        int w = x.shape[3];
        int oh = (h + 2 * pad - k) / stride + 1;
        int ow = (w + 2 * pad - k) / stride + 1;
        NdArray out = NdArray.zeros(x.shape[0], x.shape[1], oh, ow);
        for (int i = 0; i < out.size(); i++) {
            int[] idx = out.index(i);
            double acc = max ? Double.NEGATIVE_INFINITY : 0;
            for (int p = 0; p < k; p++) {
                for (int q = 0; q < k; q++) {
                    int iy = idx[2] * stride - pad + p;
                    int ix = idx[3] * stride - pad + q;
                    if (iy >= 0 && iy < h && ix >= 0 && ix < w) {
                        double v = x.get(idx[0], idx[1], iy, ix);
                        acc = max ? Math.max(acc, v) : acc + v;
                    }
                }
            }
            out.data[i] = max ? acc : acc / (k * k);
        }
        return out;
    }

    static NdArray batchNormTrain(NdArray x, NdArray gamma, NdArray beta, int[] axes, double eps) {
        int[] ps = new int[x.rank()];
        java.util.Arrays.fill(ps, 1);
        ps[1] = x.shape[1];
        NdArray mean = x.sum(axes, true).map(v -> v / (x.size() / x.shape[1]));
        NdArray var = variance(x, axes, 0, true);
        return x.zip(mean, (a, m) -> a - m).zip(var, (a, v) -> a / Math.sqrt(v + eps))
                .zip(gamma.reshape(ps), (a, g) -> a * g).zip(beta.reshape(ps), Double::sum);
    }
}
