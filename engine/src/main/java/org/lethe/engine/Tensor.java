package org.lethe.engine;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.lethe.kernels.Backend;
import org.lethe.kernels.Backends;
import org.lethe.kernels.BinaryOp;
import org.lethe.kernels.DType;
import org.lethe.kernels.UnaryOp;
import org.lethe.kernels.View;

/**
 * An n-dimensional array of float32 or float64 on one backend, with reverse-mode autodiff.
 *
 * <p>A tensor is a strided window (shape, strides, offset) onto {@link Storage} that its views share:
 * {@link #reshape}, {@link #permute}, {@link #transpose}, {@link #slice}, {@link #expand},
 * {@link #squeeze} and {@link #unsqueeze} copy nothing. Binary operations broadcast as NumPy does.
 * Operations on tensors that require a gradient record a graph while {@link GradMode} is on;
 * {@link #backward()} walks it and accumulates into the {@link #grad()} of leaf tensors.
 *
 * <p>Values never leave the backend except through {@link #toDoubleArray()}, {@link #toFloatArray()}
 * and {@link #item()}. Misuse (mismatched shapes, types or backends) throws
 * {@link IllegalArgumentException} with a message naming the operation and the shapes.
 */
public final class Tensor {
    private final Storage storage;
    private final int offset;
    private final int[] shape;
    private final int[] strides;
    private boolean requiresGrad;
    private Tensor spareGrad;
    private Function gradFn;
    private int outputIndex;
    private Tensor grad;

    Tensor(Storage storage, int offset, int[] shape, int[] strides) {
        this.storage = storage;
        this.offset = offset;
        this.shape = shape;
        this.strides = strides;
    }

    // =============================================================================================
    // creation
    // =============================================================================================

    /** A zero-filled contiguous tensor. */
    static Tensor empty(Backend backend, DType dtype, int... shape) {
        return allocate(backend, dtype, shape, true);
    }

    /**
     * A contiguous tensor with unspecified contents, for the result of an operation that writes every
     * element (it saves the zero fill).
     */
    static Tensor output(Backend backend, DType dtype, int... shape) {
        return allocate(backend, dtype, shape, false);
    }

    private static Tensor allocate(Backend backend, DType dtype, int[] shape, boolean zero) {
        for (int s : shape) {
            if (s < 0) {
                throw new IllegalArgumentException("tensor: negative size in shape " + Shapes.str(shape));
            }
        }
        Storage st = new Storage(backend, dtype, Shapes.size(shape), zero);
        return new Tensor(st, 0, shape.clone(), View.contiguousStrides(shape));
    }

    /** Zeros of float32 on the default backend. */
    public static Tensor zeros(int... shape) {
        return zeros(DType.FLOAT32, shape);
    }

    public static Tensor zeros(DType dtype, int... shape) {
        return zeros(Backends.defaultBackend(), dtype, shape);
    }

    public static Tensor zeros(Backend backend, DType dtype, int... shape) {
        return empty(backend, dtype, shape);
    }

    /** Ones of float32 on the default backend. */
    public static Tensor ones(int... shape) {
        return full(1.0, DType.FLOAT32, shape);
    }

    public static Tensor ones(DType dtype, int... shape) {
        return full(1.0, dtype, shape);
    }

    public static Tensor full(double value, DType dtype, int... shape) {
        Tensor t = empty(Backends.defaultBackend(), dtype, shape);
        if (value != 0) {
            t.backend().fill(t.view(), value);
        }
        return t;
    }

    /** Zeros with the type, backend and shape of {@code like}. */
    public static Tensor zerosLike(Tensor like) {
        return empty(like.backend(), like.dtype(), like.shape);
    }

    /** A float32 tensor holding {@code data} in row-major order. */
    public static Tensor of(float[] data, int... shape) {
        Tensor t = empty(Backends.defaultBackend(), DType.FLOAT32, checkData(data.length, shape));
        t.backend().write(t.storage.buffer, 0, data, 0, data.length);
        return t;
    }

    /** A float64 tensor holding {@code data} in row-major order. */
    public static Tensor of(double[] data, int... shape) {
        return of(DType.FLOAT64, data, shape);
    }

    /** A tensor of {@code dtype} holding {@code data} (rounded to the type) in row-major order. */
    public static Tensor of(DType dtype, double[] data, int... shape) {
        return of(Backends.defaultBackend(), dtype, data, shape);
    }

    public static Tensor of(Backend backend, DType dtype, double[] data, int... shape) {
        Tensor t = empty(backend, dtype, checkData(data.length, shape));
        t.backend().write(t.storage.buffer, 0, data, 0, data.length);
        return t;
    }

    private static int[] checkData(int length, int[] shape) {
        if (Shapes.size(shape) != length) {
            throw new IllegalArgumentException("tensor: " + length + " values do not fill shape " + Shapes.str(shape));
        }
        return shape;
    }

    /** A float32 scalar (shape {@code []}). */
    public static Tensor scalar(double value) {
        return scalar(value, DType.FLOAT32);
    }

    public static Tensor scalar(double value, DType dtype) {
        return of(dtype, new double[] {value});
    }

    /** 0, 1, ..., n-1. */
    public static Tensor arange(int n, DType dtype) {
        double[] d = new double[n];
        for (int i = 0; i < n; i++) {
            d[i] = i;
        }
        return of(dtype, d, n);
    }

    /** Uniform in [low, high), seeded by one draw of {@code rng}. */
    public static Tensor uniform(Rng rng, double low, double high, DType dtype, int... shape) {
        Tensor t = empty(Backends.defaultBackend(), dtype, shape);
        t.backend().randomUniform(t.view(), rng.nextLong(), low, high);
        return t;
    }

    /** Uniform in [0, 1). */
    public static Tensor rand(Rng rng, DType dtype, int... shape) {
        return uniform(rng, 0, 1, dtype, shape);
    }

    /** Normal with the given mean and standard deviation, seeded by one draw of {@code rng}. */
    public static Tensor normal(Rng rng, double mean, double std, DType dtype, int... shape) {
        Tensor t = empty(Backends.defaultBackend(), dtype, shape);
        t.backend().randomNormal(t.view(), rng.nextLong(), mean, std);
        return t;
    }

    /** Standard normal. */
    public static Tensor randn(Rng rng, DType dtype, int... shape) {
        return normal(rng, 0, 1, dtype, shape);
    }

    // =============================================================================================
    // properties and data
    // =============================================================================================

    /** A copy of the shape. */
    public int[] shape() {
        return shape.clone();
    }

    /** Size of one dimension; negative indices count from the end. */
    public int dim(int axis) {
        return shape[Shapes.axis("dim", axis, shape.length)];
    }

    public int rank() {
        return shape.length;
    }

    /** Number of elements. */
    public int numel() {
        return Shapes.size(shape);
    }

    public DType dtype() {
        return storage.buffer.dtype();
    }

    public Backend backend() {
        return storage.backend();
    }

    /** A copy of the strides, in elements. */
    public int[] strides() {
        return strides.clone();
    }

    public boolean isContiguous() {
        return view().isContiguous();
    }

    /** The layout of this tensor as the backend sees it. */
    View view() {
        if (storage.isClosed()) {
            throw new IllegalStateException("tensor " + Shapes.str(shape) + " was released when its TensorScope closed");
        }
        return new View(storage.buffer, offset, shape, strides);
    }

    Storage storage() {
        return storage;
    }

    int offset() {
        return offset;
    }

    /** All values in row-major order as doubles. */
    public double[] toDoubleArray() {
        Tensor c = contiguousData();
        double[] out = new double[numel()];
        backend().read(c.storage.buffer, c.offset, out, 0, out.length);
        return out;
    }

    /** All values in row-major order as floats. */
    public float[] toFloatArray() {
        Tensor c = contiguousData();
        float[] out = new float[numel()];
        backend().read(c.storage.buffer, c.offset, out, 0, out.length);
        return out;
    }

    private Tensor contiguousData() {
        if (isContiguous()) {
            return this;
        }
        try (GradMode.Guard g = GradMode.noGrad()) {
            return Copy.apply(this);
        }
    }

    /** The value of a one-element tensor. */
    public double item() {
        if (numel() != 1) {
            throw new IllegalArgumentException("item: tensor of shape " + Shapes.str(shape) + " has " + numel()
                    + " elements, not 1");
        }
        double[] v = new double[1];
        backend().read(storage.buffer, offset, v, 0, 1);
        return v[0];
    }

    /** One element by its index. */
    public double get(int... index) {
        if (index.length != shape.length) {
            throw new IllegalArgumentException("get: " + index.length + " indices for a tensor of rank " + shape.length);
        }
        int o = offset;
        for (int d = 0; d < index.length; d++) {
            if (index[d] < 0 || index[d] >= shape[d]) {
                throw new IllegalArgumentException("get: index " + Arrays.toString(index) + " out of bounds for shape "
                        + Shapes.str(shape));
            }
            o += index[d] * strides[d];
        }
        double[] v = new double[1];
        backend().read(storage.buffer, o, v, 0, 1);
        return v[0];
    }

    // =============================================================================================
    // autodiff
    // =============================================================================================

    public boolean requiresGrad() {
        return requiresGrad;
    }

    /** Marks a leaf tensor as a parameter (or not); returns this. */
    public Tensor requiresGrad(boolean on) {
        if (gradFn != null) {
            throw new IllegalStateException("requiresGrad: only leaf tensors can change it; this one was computed by "
                    + gradFn.name() + " (use detach())");
        }
        this.requiresGrad = on;
        return this;
    }

    /** Whether this tensor was not produced by a recorded operation. */
    public boolean isLeaf() {
        return gradFn == null;
    }

    /** The accumulated gradient of a leaf, or null. */
    public Tensor grad() {
        return grad;
    }

    void setGrad(Tensor g) {
        this.grad = g;
    }

    /**
     * Forgets the accumulated gradient: {@link #grad()} is null until the next backward pass. That pass
     * writes its gradient into the forgotten tensor's memory when the shapes agree, so that a training
     * loop allocates no gradients in steady state; copy a gradient before zeroGrad if you need it after
     * the next backward pass.
     */
    public void zeroGrad() {
        if (grad != null) {
            spareGrad = grad;
        }
        this.grad = null;
    }

    /** The gradient tensor forgotten by {@link #zeroGrad}, for reuse, or null; clears it. */
    Tensor takeSpareGrad() {
        Tensor s = spareGrad;
        spareGrad = null;
        return s;
    }

    /** The operation that produced this tensor, or null for a leaf. */
    public Function gradFn() {
        return gradFn;
    }

    void setGradFn(Function fn, int index) {
        this.gradFn = fn;
        this.outputIndex = index;
        this.requiresGrad = true;
    }

    /** Which output of {@link #gradFn()} this tensor is (0 for single-output operations). */
    int outputIndex() {
        return outputIndex;
    }

    /** Backpropagates from a one-element tensor (a loss). */
    public void backward() {
        if (numel() != 1) {
            throw new IllegalArgumentException("backward: the output has shape " + Shapes.str(shape)
                    + "; give the gradient of a non-scalar output explicitly");
        }
        Tensor seed;
        try (GradMode.Guard g = GradMode.noGrad()) {
            seed = Tensor.zerosLike(this);
            backend().fill(seed.view(), 1.0);
        }
        Autograd.backward(this, seed, false);
    }

    /** Backpropagates {@code gradient} (same shape as this tensor). */
    public void backward(Tensor gradient) {
        backward(gradient, false);
    }

    /** Backpropagates {@code gradient}; with {@code retainGraph} the graph may be walked again. */
    public void backward(Tensor gradient, boolean retainGraph) {
        if (!Arrays.equals(gradient.shape, shape)) {
            throw new IllegalArgumentException("backward: gradient of shape " + Shapes.str(gradient.shape)
                    + " for an output of shape " + Shapes.str(shape));
        }
        Kernels.checkCompatible("backward", this, gradient);
        Autograd.backward(this, gradient, retainGraph);
    }

    /** The same values, cut from the graph: no gradient flows through the result. */
    public Tensor detach() {
        return new Tensor(storage, offset, shape, strides);
    }

    // =============================================================================================
    // elementwise arithmetic
    // =============================================================================================

    /** this + other, broadcast. */
    public Tensor add(Tensor other) {
        return Add.apply(this, other);
    }

    public Tensor add(double s) {
        return AddScalar.apply(this, s);
    }

    /** this - other, broadcast. */
    public Tensor sub(Tensor other) {
        return Sub.apply(this, other);
    }

    public Tensor sub(double s) {
        return AddScalar.apply(this, -s);
    }

    /** this * other, broadcast. */
    public Tensor mul(Tensor other) {
        return Mul.apply(this, other);
    }

    public Tensor mul(double s) {
        return MulScalar.apply(this, s);
    }

    /** this / other, broadcast. */
    public Tensor div(Tensor other) {
        return Div.apply(this, other);
    }

    public Tensor div(double s) {
        return MulScalar.apply(this, 1.0 / s);
    }

    public Tensor neg() {
        return Neg.apply(this);
    }

    /** this ^ p. */
    public Tensor pow(double p) {
        return PowScalar.apply(this, p);
    }

    /** this ^ other, broadcast. */
    public Tensor pow(Tensor other) {
        return Pow.apply(this, other);
    }

    /** this * this. */
    public Tensor square() {
        return PowScalar.apply(this, 2.0);
    }

    public Tensor exp() {
        return Exp.apply(this);
    }

    /** Natural logarithm. */
    public Tensor log() {
        return Log.apply(this);
    }

    public Tensor sqrt() {
        return Sqrt.apply(this);
    }

    public Tensor abs() {
        return Abs.apply(this);
    }

    /** max(x, 0). */
    public Tensor relu() {
        return Relu.apply(this);
    }

    /** 1 / (1 + e^-x). */
    public Tensor sigmoid() {
        return Sigmoid.apply(this);
    }

    public Tensor tanh() {
        return Tanh.apply(this);
    }

    /** Elementwise larger of this and other (broadcast); tied elements share the gradient. */
    public Tensor maximum(Tensor other) {
        return Maximum.apply(this, other);
    }

    /** Values limited to [min, max]; the gradient passes where min <= x <= max. */
    public Tensor clamp(double min, double max) {
        if (min > max) {
            throw new IllegalArgumentException("clamp: min " + min + " is greater than max " + max);
        }
        return Clamp.apply(this, min, max);
    }

    public Tensor clampMin(double min) {
        return Clamp.apply(this, min, Double.POSITIVE_INFINITY);
    }

    public Tensor clampMax(double max) {
        return Clamp.apply(this, Double.NEGATIVE_INFINITY, max);
    }

    // ---- comparisons: 1 where true, 0 elsewhere; no gradient -------------------------------------

    /** 1 where this == other (broadcast), else 0. */
    public Tensor eq(Tensor other) {
        return compare(BinaryOp.EQ, other, "eq");
    }

    /** 1 where this > other (broadcast), else 0. */
    public Tensor gt(Tensor other) {
        return compare(BinaryOp.GT, other, "gt");
    }

    /** 1 where this < other (broadcast), else 0. */
    public Tensor lt(Tensor other) {
        return compare(BinaryOp.LT, other, "lt");
    }

    /** 1 where this > s, else 0. */
    public Tensor gt(double s) {
        return Kernels.unary(UnaryOp.GT_SCALAR, s, this);
    }

    /** 1 where this >= s, else 0. */
    public Tensor ge(double s) {
        return Kernels.unary(UnaryOp.GE_SCALAR, s, this);
    }

    /** 1 where this < s, else 0. */
    public Tensor lt(double s) {
        return Kernels.unary(UnaryOp.LT_SCALAR, s, this);
    }

    /** 1 where this <= s, else 0. */
    public Tensor le(double s) {
        return Kernels.unary(UnaryOp.LE_SCALAR, s, this);
    }

    private Tensor compare(BinaryOp op, Tensor other, String name) {
        return Kernels.binary(op, this, other, name);
    }

    // =============================================================================================
    // linear algebra
    // =============================================================================================

    /**
     * Matrix product of the last two dimensions, batch dimensions broadcast:
     * {@code [..., m, k] x [..., k, n] -> [..., m, n]}. Both operands need rank 2 or more.
     */
    public Tensor matmul(Tensor other) {
        return MatMul.apply(this, other);
    }

    // =============================================================================================
    // reductions
    // =============================================================================================

    /** Sum of all elements, shape {@code []}. */
    public Tensor sum() {
        return sum(new int[0], false);
    }

    /** Sum over one axis, which is removed. */
    public Tensor sum(int axis) {
        return sum(new int[] {axis}, false);
    }

    /** Sum over {@code axes} (all when empty), kept as size 1 if {@code keepDims}. */
    public Tensor sum(int[] axes, boolean keepDims) {
        boolean[] mask = Shapes.axisMask("sum", axes, rank());
        Tensor s = Sum.apply(this, mask);
        return keepDims ? s : s.reshape(Shapes.dropDims(shape, mask));
    }

    /** Mean of all elements. */
    public Tensor mean() {
        return mean(new int[0], false);
    }

    /** Mean over one axis, which is removed. */
    public Tensor mean(int axis) {
        return mean(new int[] {axis}, false);
    }

    /** Mean over {@code axes} (all when empty); NaN over no elements. */
    public Tensor mean(int[] axes, boolean keepDims) {
        boolean[] mask = Shapes.axisMask("mean", axes, rank());
        int n = Shapes.count(shape, mask);
        return sum(axes, keepDims).mul(1.0 / n);
    }

    /** Largest element. */
    public Tensor max() {
        return max(new int[0], false);
    }

    /**
     * Largest element over {@code axes}; the gradient is shared equally among tied maxima. Fails over
     * an empty axis.
     */
    public Tensor max(int[] axes, boolean keepDims) {
        boolean[] mask = Shapes.axisMask("max", axes, rank());
        if (Shapes.count(shape, mask) == 0) {
            throw new IllegalArgumentException("max: reduction over an empty axis of shape " + Shapes.str(shape));
        }
        Tensor m = Max.apply(this, mask);
        return keepDims ? m : m.reshape(Shapes.dropDims(shape, mask));
    }

    /** Smallest element. */
    public Tensor min() {
        return min(new int[0], false);
    }

    /** Smallest element over {@code axes}: {@code -max(-x)}. */
    public Tensor min(int[] axes, boolean keepDims) {
        return neg().max(axes, keepDims).neg();
    }

    /**
     * Variance over {@code axes}: {@code sum((x - mean)^2) / (n - correction)}; correction 1 is the
     * unbiased sample variance (PyTorch's default), 0 the population variance.
     */
    public Tensor variance(int[] axes, int correction, boolean keepDims) {
        boolean[] mask = Shapes.axisMask("variance", axes, rank());
        int n = Shapes.count(shape, mask);
        Tensor centred = sub(mean(axes, true));
        return centred.square().sum(axes, keepDims).mul(1.0 / Math.max(0, n - correction));
    }

    // =============================================================================================
    // shape and views
    // =============================================================================================

    /** The same elements in a new shape (one size may be -1); a view when this tensor is contiguous. */
    public Tensor reshape(int... newShape) {
        return Reshape.apply(this, inferShape(newShape));
    }

    private int[] inferShape(int[] newShape) {
        int known = 1;
        int free = -1;
        for (int d = 0; d < newShape.length; d++) {
            if (newShape[d] == -1) {
                if (free >= 0) {
                    throw new IllegalArgumentException("reshape: more than one -1 in " + Shapes.str(newShape));
                }
                free = d;
            } else if (newShape[d] < 0) {
                throw new IllegalArgumentException("reshape: negative size in " + Shapes.str(newShape));
            } else {
                known *= newShape[d];
            }
        }
        int[] out = newShape.clone();
        if (free >= 0) {
            if (known == 0 || numel() % known != 0) {
                throw new IllegalArgumentException("reshape: cannot infer -1 of " + Shapes.str(newShape) + " for "
                        + numel() + " elements of " + Shapes.str(shape));
            }
            out[free] = numel() / known;
        }
        if (Shapes.size(out) != numel()) {
            throw new IllegalArgumentException("reshape: " + Shapes.str(shape) + " (" + numel() + " elements) cannot become "
                    + Shapes.str(newShape));
        }
        return out;
    }

    /** Dimensions from {@code startAxis} on merged into one. */
    public Tensor flatten(int startAxis) {
        int s = Shapes.axis("flatten", startAxis, Math.max(rank(), 1));
        if (rank() == 0) {
            return reshape(1);
        }
        int[] out = Arrays.copyOf(shape, s + 1);
        int n = 1;
        for (int d = s; d < rank(); d++) {
            n *= shape[d];
        }
        out[s] = n;
        return reshape(out);
    }

    /** Dimensions reordered: result dimension i is this tensor's dimension {@code order[i]}. A view. */
    public Tensor permute(int... order) {
        return Permute.apply(this, order);
    }

    /** Two dimensions swapped. A view. */
    public Tensor transpose(int axis0, int axis1) {
        int a = Shapes.axis("transpose", axis0, rank());
        int b = Shapes.axis("transpose", axis1, rank());
        int[] order = new int[rank()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        order[a] = b;
        order[b] = a;
        return permute(order);
    }

    /** Elements {@code start, start+1, ..., end-1} of one axis. A view. */
    public Tensor slice(int axis, int start, int end) {
        return slice(axis, start, end, 1);
    }

    /** Elements {@code start, start+step, ... < end} of one axis. A view. */
    public Tensor slice(int axis, int start, int end, int step) {
        return Slice.apply(this, axis, start, end, step);
    }

    /** The tensor broadcast to {@code newShape} without copying (strides 0 on new or size-1 axes). */
    public Tensor expand(int... newShape) {
        return Expand.apply(this, newShape);
    }

    /** A size-1 axis removed. */
    public Tensor squeeze(int axis) {
        int a = Shapes.axis("squeeze", axis, rank());
        if (shape[a] != 1) {
            throw new IllegalArgumentException("squeeze: axis " + axis + " of " + Shapes.str(shape) + " has size " + shape[a]
                    + ", not 1");
        }
        boolean[] mask = new boolean[rank()];
        mask[a] = true;
        return reshape(Shapes.dropDims(shape, mask));
    }

    /** A size-1 axis inserted at {@code axis} (0..rank). */
    public Tensor unsqueeze(int axis) {
        int a = Shapes.axis("unsqueeze", axis, rank() + 1);
        int[] out = new int[rank() + 1];
        for (int d = 0, k = 0; d < out.length; d++) {
            out[d] = d == a ? 1 : shape[k++];
        }
        return reshape(out);
    }

    /** This tensor if it is contiguous, else a contiguous copy. */
    public Tensor contiguous() {
        return isContiguous() ? this : Copy.apply(this);
    }

    /** A contiguous copy that gradients flow through. */
    public Tensor copy() {
        return Copy.apply(this);
    }

    /** Converted to another element type (this tensor if it already has it); gradients flow back converted. */
    public Tensor to(DType dtype) {
        return dtype == dtype() ? this : Cast.apply(this, dtype);
    }

    /** Moved to another backend (this tensor if it is already there); gradients flow back. */
    public Tensor to(Backend target) {
        return target == backend() ? this : Transfer.apply(this, target);
    }

    /** Tensors joined along an existing axis; all other dimensions must agree. */
    public static Tensor concat(List<Tensor> tensors, int axis) {
        return Concat.apply(tensors, axis);
    }

    /** Tensors of one shape stacked along a new axis. */
    public static Tensor stack(List<Tensor> tensors, int axis) {
        if (tensors.isEmpty()) {
            throw new IllegalArgumentException("stack: no tensors");
        }
        int[] first = tensors.get(0).shape;
        List<Tensor> expanded = new ArrayList<>(tensors.size());
        for (Tensor t : tensors) {
            if (!Arrays.equals(t.shape, first)) {
                throw new IllegalArgumentException("stack: shapes " + Shapes.str(first) + " and " + Shapes.str(t.shape) + " differ");
            }
            expanded.add(t.unsqueeze(axis));
        }
        return concat(expanded, axis < 0 ? axis + first.length + 1 : axis);
    }

    /** Consecutive pieces of the given sizes along {@code axis} (they must add up to its size); views. */
    public List<Tensor> split(int[] sizes, int axis) {
        return Split.apply(this, axis, sizes);
    }

    /**
     * {@code chunks} consecutive pieces along {@code axis}, each of {@code ceil(size / chunks)}
     * elements but the last, which may be smaller (fewer pieces if the size is small); views.
     */
    public List<Tensor> chunk(int chunks, int axis) {
        if (chunks < 1) {
            throw new IllegalArgumentException("chunk: chunks must be at least 1, got " + chunks);
        }
        int size = dim(axis);
        int each = Math.max(1, (size + chunks - 1) / chunks);
        int n = size == 0 ? 1 : (size + each - 1) / each;
        int[] sizes = new int[n];
        for (int i = 0; i < n; i++) {
            sizes[i] = Math.min(each, size - i * each);
        }
        return split(sizes, axis);
    }

    /** The entries along {@code axis}, each with that axis removed (a time step of a sequence); views. */
    public List<Tensor> unbind(int axis) {
        int a = Shapes.axis("unbind", axis, rank());
        int[] ones = new int[shape[a]];
        java.util.Arrays.fill(ones, 1);
        List<Tensor> parts = split(ones, a);
        List<Tensor> out = new ArrayList<>(parts.size());
        for (Tensor p : parts) {
            out.add(p.squeeze(a));
        }
        return out;
    }

    /** The slices at {@code index} along {@code axis}, in that order (repeats allowed). */
    public Tensor indexSelect(int axis, int[] index) {
        return IndexSelect.apply(this, axis, index);
    }

    /**
     * The rows (entries of axis 0) where {@code mask} is true, such as the forget or retain rows of a
     * batch. An empty selection gives a tensor with 0 rows.
     */
    public Tensor maskedRows(boolean[] mask) {
        if (rank() == 0 || mask.length != shape[0]) {
            throw new IllegalArgumentException("masked_rows: a mask of " + mask.length + " entries for a tensor of shape "
                    + Shapes.str(shape));
        }
        int n = 0;
        for (boolean m : mask) {
            n += m ? 1 : 0;
        }
        int[] index = new int[n];
        for (int i = 0, k = 0; i < mask.length; i++) {
            if (mask[i]) {
                index[k++] = i;
            }
        }
        return indexSelect(0, index);
    }

    /** The rows where a 1-D 0/1 tensor is non-zero (read to the host to count them). */
    public Tensor maskedRows(Tensor mask) {
        if (mask.rank() != 1) {
            throw new IllegalArgumentException("masked_rows: the mask must be 1-D, got " + Shapes.str(mask.shape));
        }
        double[] m = mask.toDoubleArray();
        boolean[] b = new boolean[m.length];
        for (int i = 0; i < m.length; i++) {
            b[i] = m[i] != 0;
        }
        return maskedRows(b);
    }

    // =============================================================================================
    // in-place updates (parameters, optimiser state); refused on tensors recording a graph
    // =============================================================================================

    private void checkInPlace(String op) {
        if (GradMode.isEnabled() && requiresGrad) {
            throw new IllegalStateException(op + ": in-place change of a tensor that requires grad; do it under "
                    + "GradMode.noGrad()");
        }
    }

    /** Overwrites this tensor with {@code src} (broadcast to this shape, converted to this type); returns this. */
    public Tensor copyFrom(Tensor src) {
        checkInPlace("copy_from");
        Kernels.checkBackend("copy_from", this, src);
        int[] st = Shapes.expandStrides("copy_from", src.shape, src.strides, shape);
        backend().copy(new View(src.storage.buffer, src.offset, shape, st), view());
        storage.bumpVersion();
        return this;
    }

    /** Sets every element to {@code value}; returns this. */
    public Tensor fill(double value) {
        checkInPlace("fill");
        backend().fill(view(), value);
        storage.bumpVersion();
        return this;
    }

    /** this += other (broadcast to this shape); returns this. */
    public Tensor addInPlace(Tensor other) {
        checkInPlace("add_in_place");
        Kernels.checkCompatible("add_in_place", this, other);
        int[] st = Shapes.expandStrides("add_in_place", other.shape, other.strides, shape);
        backend().binary(BinaryOp.ADD, view(), new View(other.storage.buffer, other.offset, shape, st), view());
        storage.bumpVersion();
        return this;
    }

    /** this *= s; returns this. */
    public Tensor mulInPlace(double s) {
        checkInPlace("mul_in_place");
        backend().unary(UnaryOp.MUL_SCALAR, s, view(), view());
        storage.bumpVersion();
        return this;
    }

    // =============================================================================================

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("Tensor").append(Shapes.str(shape)).append(' ').append(dtype());
        if (!storage.isClosed() && numel() <= 16) {
            sb.append(' ').append(Arrays.toString(toDoubleArray()));
        }
        if (gradFn != null) {
            sb.append(" grad_fn=").append(gradFn.name());
        } else if (requiresGrad) {
            sb.append(" requires_grad");
        }
        return sb.toString();
    }
}
