package org.lethe.kernels;

/**
 * The contract between the engine and a compute device: memory and a small set of primitives from
 * which every tensor operation is built. The CPU backend defines what each primitive means; a faster
 * backend is correct when it agrees with it.
 *
 * <p>Rules shared by every primitive:
 * <ul>
 *   <li>Operands are {@link View}s of buffers this backend allocated; strides may be 0 (broadcast).</li>
 *   <li>A destination may be the same memory as a source only with the identical layout.</li>
 *   <li>Arithmetic follows {@link UnaryOp#apply}, {@link BinaryOp#apply} and {@link ReduceOp}, done in
 *       double precision at least and rounded once to the destination's type.</li>
 *   <li>No result depends on the number of threads.</li>
 *   <li>Shapes that do not fit raise {@link IllegalArgumentException}; the engine checks user-facing
 *       shapes earlier, with messages naming the operation.</li>
 * </ul>
 */
public interface Backend extends AutoCloseable {

    /** Short name used to select the backend: {@code cpu}, {@code cuda}. */
    String name();

    /** One line for logs: the device and its settings. */
    String description();

    // ---- memory --------------------------------------------------------------------------------

    /** A new zero-filled buffer. */
    Buffer allocate(DType dtype, int length);

    /**
     * A new buffer whose contents are unspecified: for the result of a primitive that writes every
     * element (saves the zero fill, which is a pass over memory as long as the primitive's own).
     */
    Buffer allocateUninitialized(DType dtype, int length);

    /** Copies {@code length} values from host memory into {@code dst[dstOffset...]}, rounding to its type. */
    void write(Buffer dst, int dstOffset, double[] src, int srcOffset, int length);

    /** Copies {@code length} values from host memory into {@code dst[dstOffset...]}. */
    void write(Buffer dst, int dstOffset, float[] src, int srcOffset, int length);

    /** Copies {@code length} values of {@code src[srcOffset...]} into host memory. */
    void read(Buffer src, int srcOffset, double[] dst, int dstOffset, int length);

    /** Copies {@code length} values of {@code src[srcOffset...]} into host memory, rounding to float. */
    void read(Buffer src, int srcOffset, float[] dst, int dstOffset, int length);

    // ---- elementwise ---------------------------------------------------------------------------

    /** Sets every element of {@code dst} to {@code value}. */
    void fill(View dst, double value);

    /** {@code dst = src} elementwise; same shape, types may differ (a cast). */
    void copy(View src, View dst);

    /** {@code dst = op(src, scalar)} elementwise; same shape. */
    void unary(UnaryOp op, double scalar, View src, View dst);

    /** {@code dst = op(a, b)} elementwise; all three have the same shape (broadcast through 0 strides). */
    void binary(BinaryOp op, View a, View b, View dst);

    /**
     * Reduces {@code src} into {@code dst}, which has the same rank with size 1 on every reduced axis
     * and the source's size on every other.
     */
    void reduce(ReduceOp op, View src, View dst);

    // ---- linear algebra ------------------------------------------------------------------------

    /**
     * Batched matrix product {@code c[b] = alpha * a[b] @ b[b] + beta * c[b]} over views of shape
     * {@code [batch, m, k]}, {@code [batch, k, n]} and {@code [batch, m, n]}. {@code a} and {@code b}
     * must have a unit stride in one of their last two dimensions (row- or column-major, i.e. a
     * transpose costs nothing); {@code c} must be row-major. A batch stride of 0 in {@code a} or
     * {@code b} shares that matrix across the batch; a batch stride of 0 in {@code c} sums the batch:
     * {@code c = alpha * sum_b a[b] @ b[b] + beta * c}. With {@code beta == 0}, {@code c} is not read.
     */
    void gemm(View a, View b, View c, double alpha, double beta);

    /**
     * Prepares {@code b} ({@code [1, k, n]}, as for {@link #gemm}) for several products with the same
     * right operand, whose values do not change until the preparation is closed. The default keeps
     * the view.
     */
    default PreparedOperand prepareRight(View b) {
        return new PreparedOperand(b);
    }

    /** {@link #gemm} with a prepared right operand: the same result, bit for bit. */
    default void gemm(View a, PreparedOperand b, View c, double alpha, double beta) {
        gemm(a, b.view(), c, alpha, beta);
    }

    // ---- convolution and pooling ---------------------------------------------------------------

    /** Lowers contiguous input {@code [N,C,H,W]} to contiguous {@code [N, patchSize, outputSize]} (see {@link ConvGeometry}). */
    void im2col(ConvGeometry g, View input, View cols);

    /** The adjoint of {@link #im2col}: overwrites {@code gradInput [N,C,H,W]} with the sum of the patches in {@code cols}. */
    void col2im(ConvGeometry g, View cols, View gradInput);

    /**
     * 2-D convolution: {@code output[n] = weight @ im2col(input)[n] + bias}, the weight read as
     * {@code [OC, patchSize]} and the bias (null for none, else contiguous {@code [OC]}) added to every
     * pixel of its channel, then, if {@code relu}, {@link UnaryOp#RELU} applied; input {@code [N,C,H,W]},
     * weight {@code [OC,C,KH,KW]}, output {@code [N,OC,outH,outW]}, all contiguous. The default lowers
     * with {@link #im2col} and {@link #gemm} ({@link ConvLowering}); a backend may fuse the steps.
     */
    default void conv2d(ConvGeometry g, View input, View weight, View bias, boolean relu, View output) {
        ConvLowering.forward(this, g, input, weight, bias, relu, output);
    }

    /** The input gradient of {@link #conv2d}: overwrites {@code gradInput} with {@code col2im(weight^T @ gradOutput[n])}. */
    default void conv2dBackwardInput(ConvGeometry g, View weight, View gradOutput, View gradInput) {
        ConvLowering.backwardInput(this, g, weight, gradOutput, gradInput);
    }

    /** The weight gradient of {@link #conv2d}: overwrites {@code gradWeight} with {@code sum_n gradOutput[n] @ im2col(input)[n]^T}. */
    default void conv2dBackwardWeight(ConvGeometry g, View input, View gradOutput, View gradWeight) {
        ConvLowering.backwardWeight(this, g, input, gradOutput, gradWeight);
    }

    /**
     * Max pooling of contiguous {@code [N,C,H,W]} into contiguous {@code [N,C,outH,outW]}; {@code indices}
     * (same shape and type as the output) receives, for each window, the position {@code iy * W + ix}
     * within its input plane of the first maximum (the first NaN if there is one), exact as a float
     * for planes under 2^24 elements.
     */
    void maxPool2d(PoolGeometry g, View input, View output, View indices);

    /** Overwrites {@code gradInput} with {@code gradOutput} added at the positions {@code indices} recorded. */
    void maxPool2dBackward(PoolGeometry g, View indices, View gradOutput, View gradInput);

    /** Average pooling (padding counted in the divisor) of contiguous {@code [N,C,H,W]}. */
    void avgPool2d(PoolGeometry g, View input, View output);

    /** Overwrites {@code gradInput} with the adjoint of {@link #avgPool2d} applied to {@code gradOutput}. */
    void avgPool2dBackward(PoolGeometry g, View gradOutput, View gradInput);

    // ---- indexing ------------------------------------------------------------------------------

    /** {@code dst[..., j, ...] = src[..., index[j], ...]} along {@code axis}; indices are checked. */
    void gather(View src, int axis, int[] index, View dst);

    /** {@code dst[..., index[j], ...] += src[..., j, ...]} along {@code axis}, repeated indices summed in order. */
    void scatterAdd(View src, int axis, int[] index, View dst);

    // ---- fused kernels -------------------------------------------------------------------------

    /**
     * One Adam (or AdamW) update in place, elementwise over views of one shape: {@code param},
     * {@code m}, {@code v} (and {@code vMax} for AMSGrad, else null) are updated from {@code grad} as
     * {@link AdamStep#apply} defines, each element computed in double and stored rounded once.
     */
    void adamStep(AdamStep step, View param, View grad, View m, View v, View vMax);

    /**
     * An LSTM cell: {@code gates [N, 4H]} are the pre-activations of the input, forget, cell and output
     * gates (in that order), {@code cPrev [N, H]} the previous cell state. Writes {@code act [N, 4H]} =
     * sigmoid, sigmoid, tanh, sigmoid of the gates, {@code c = f cPrev + i g}, {@code tanhC = tanh(c)}
     * and {@code h = o tanh(c)}. All views contiguous.
     */
    void lstmCell(View gates, View cPrev, View act, View c, View tanhC, View h);

    /**
     * The adjoint of {@link #lstmCell}: from the saved {@code act}, {@code cPrev}, {@code tanhC} and the
     * gradients {@code gradH}, {@code gradC} of its two outputs (either may be null: zero), writes the
     * gradients of the gate pre-activations and of {@code cPrev}. All views contiguous.
     */
    void lstmCellBackward(View act, View cPrev, View tanhC, View gradH, View gradC, View gradGates, View gradCPrev);

    // ---- independent tasks ---------------------------------------------------------------------

    /**
     * How many independent parts {@link #runParts} runs at once: a caller with a long sequence of
     * small operations on disjoint rows (an LSTM's steps) may cut its rows into this many parts and
     * run each part's sequence as one task. 1 (the default) means one part.
     */
    default int parallelParts() {
        return 1;
    }

    /**
     * Runs {@code part.accept(i)} for {@code i < parts}, each part's operations on this backend, in any
     * order and possibly at once on different threads; the operations a part calls run on its thread.
     * The parts must write disjoint memory and allocate nothing. The default runs them in order.
     */
    default void runParts(int parts, java.util.function.IntConsumer part) {
        for (int i = 0; i < parts; i++) {
            part.accept(i);
        }
    }

    // ---- random numbers ------------------------------------------------------------------------

    /** Fills {@code dst} (row-major element order) with {@link CounterRandom#uniform(DType, long, long, double, double)}. */
    void randomUniform(View dst, long seed, double low, double high);

    /** Fills {@code dst} (row-major element order) with {@code mean + std * CounterRandom.normal(seed, i)}. */
    void randomNormal(View dst, long seed, double mean, double std);

    // ---- lifetime ------------------------------------------------------------------------------

    /** Waits until all submitted work is done. */
    void synchronize();

    /** Releases the backend's threads and device context. */
    @Override
    void close();
}
