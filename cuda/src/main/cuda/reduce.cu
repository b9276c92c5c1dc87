// reduce.cu: sum, max and min over any subset of a strided view's axes.
//
// Computes: Backend.reduce: dst (the source's shape with 1 on every reduced axis) receives the
// reduction of the source over the reduced axes, accumulated in double (ReduceOp: SUM, MAX and MIN
// with Java's NaN and signed-zero rules; the identity over no elements) and rounded once. The
// order of accumulation is fixed by the shapes alone (never by the grid), so results repeat.
//
// Versions:
//   reduce_thread_*: one thread per output element walks its reduced elements in row-major order,
//     the innermost reduced axis as a strided inner loop. For many outputs (a bias gradient's
//     column sums, where neighbouring threads read neighbouring addresses).
//   reduce_block_*: one block per output element; thread t takes reduced elements t, t+256, ...
//     and the block combines its 256 partial results in a fixed shared-memory tree. For few
//     outputs with many elements each (a loss, a mean over a whole tensor).
//
// Launch shape: thread version 1-D grid-stride, 256 threads per block; block version one block of
// 256 threads per output (gridDim.x = outputs, up to 2^31 - 1).
//
// Batch norm's statistics (mean over N, H, W per channel) and the attention map's mean over
// channels are reductions of this kind, composed in the engine; neither has a kernel of its own.
#include "common.cuh"

struct ReduceLayout {
    int keptRank, redRank;
    int outputs, reduced;
    int keptShape[LETHE_MAX_RANK], keptSrc[LETHE_MAX_RANK], keptDst[LETHE_MAX_RANK];
    int redShape[LETHE_MAX_RANK], redSrc[LETHE_MAX_RANK];
};

__device__ __forceinline__ void kept_offsets(const ReduceLayout& L, int o, int& src, int& dst) {
    src = 0;
    dst = 0;
    unsigned rem = (unsigned) o;
    for (int d = L.keptRank - 1; d >= 0; d--) {
        unsigned s = (unsigned) L.keptShape[d];
        int idx = (int) (rem % s);
        rem /= s;
        src += idx * L.keptSrc[d];
        dst += idx * L.keptDst[d];
    }
}

// Offset of reduced element r (row-major over the reduced axes).
__device__ __forceinline__ int reduced_offset(const ReduceLayout& L, int r) {
    int off = 0;
    unsigned rem = (unsigned) r;
    for (int d = L.redRank - 1; d >= 0; d--) {
        unsigned s = (unsigned) L.redShape[d];
        off += (int) (rem % s) * L.redSrc[d];
        rem /= s;
    }
    return off;
}

template <typename TX, typename TY>
__device__ void reduce_thread_impl(const TX* x, TY* y, ReduceLayout L, int op) {
    int inner = L.redRank > 0 ? L.redShape[L.redRank - 1] : 1;
    int innerStride = L.redRank > 0 ? L.redSrc[L.redRank - 1] : 0;
    int outer = inner == 0 ? 0 : L.reduced / inner;
    for (long long o = global_index(); o < L.outputs; o += grid_stride()) {
        int so;
        int dOff;
        kept_offsets(L, (int) o, so, dOff);
        double acc = reduce_identity(op);
        for (int q = 0; q < outer; q++) {
            // the outer reduced axes: all but the innermost
            int base = so;
            unsigned rem = (unsigned) q;
            for (int d = L.redRank - 2; d >= 0; d--) {
                unsigned s = (unsigned) L.redShape[d];
                base += (int) (rem % s) * L.redSrc[d];
                rem /= s;
            }
            for (int i = 0; i < inner; i++) {
                acc = reduce_combine(op, acc, (double) x[base + i * innerStride]);
            }
        }
        y[dOff] = (TY) acc;
    }
}

template <typename TX, typename TY>
__device__ void reduce_block_impl(const TX* x, TY* y, ReduceLayout L, int op) {
    __shared__ double partial[LETHE_THREADS];
    int o = blockIdx.x;
    int so;
    int dOff;
    kept_offsets(L, o, so, dOff);
    int t = threadIdx.x;
    double acc = reduce_identity(op);
    for (int r = t; r < L.reduced; r += LETHE_THREADS) {
        acc = reduce_combine(op, acc, (double) x[so + reduced_offset(L, r)]);
    }
    partial[t] = acc;
    __syncthreads();
    for (int half = LETHE_THREADS / 2; half > 0; half /= 2) {
        if (t < half) {
            partial[t] = reduce_combine(op, partial[t], partial[t + half]);
        }
        __syncthreads();
    }
    if (t == 0) {
        y[dOff] = (TY) partial[0];
    }
}

extern "C" {

#define LETHE_REDUCE(NX, TX, NY, TY) \
    __global__ void reduce_thread_##NX##_##NY(const TX* x, TY* y, ReduceLayout L, int op) { \
        reduce_thread_impl(x, y, L, op); \
    } \
    __global__ void __launch_bounds__(LETHE_THREADS) reduce_block_##NX##_##NY(const TX* x, TY* y, ReduceLayout L, int op) { \
        reduce_block_impl(x, y, L, op); \
    }
LETHE_REDUCE(f32, float, f32, float)
LETHE_REDUCE(f32, float, f64, double)
LETHE_REDUCE(f64, double, f32, float)
LETHE_REDUCE(f64, double, f64, double)

}  // extern "C"
