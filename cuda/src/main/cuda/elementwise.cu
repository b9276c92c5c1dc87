// elementwise.cu: fill, copy (with a cast), unary and binary functions over strided views.
//
// Computes: Backend.fill, Backend.copy, Backend.unary (dst = op(src, scalar)) and Backend.binary
// (dst = op(a, b)), every element in double precision and rounded once to the destination's type,
// as UnaryOp.apply / BinaryOp.apply define. Broadcasting reaches these kernels as stride-0
// dimensions of a Layout (common.cuh); a destination may alias a source with the identical layout
// (each thread reads its element before writing it).
//
// Versions: one kernel per (op family, element types): f32/f64 for each operand, the operation
// chosen by a code (uniform across a launch, so the switch does not diverge).
//
// Launch shape: 1-D grid-stride loop, LETHE_THREADS (256) threads per block, blocks =
// min(ceil(n / 256), 65535 * 8) chosen by the host; any grid size gives the same result.
//
// Batch norm and the attention map of the Blindspot loss are composed in the engine from these
// elementwise functions and the reductions of reduce.cu (see docs/gpu.md); they have no kernel of
// their own.
#include "common.cuh"

template <typename T>
__device__ void fill_impl(T* y, Layout L, int n, double value) {
    T v = (T) value;
    for (long long e = global_index(); e < n; e += grid_stride()) {
        int off[1];
        layout_offsets<1>(L, e, off);
        y[off[0]] = v;
    }
}

template <typename TX, typename TY>
__device__ void copy_impl(const TX* x, TY* y, Layout L, int n) {
    for (long long e = global_index(); e < n; e += grid_stride()) {
        int off[2];
        layout_offsets<2>(L, e, off);
        y[off[1]] = (TY) (double) x[off[0]];
    }
}

template <typename TX, typename TY>
__device__ void unary_impl(const TX* x, TY* y, Layout L, int n, int op, double s) {
    for (long long e = global_index(); e < n; e += grid_stride()) {
        int off[2];
        layout_offsets<2>(L, e, off);
        y[off[1]] = (TY) unary_apply(op, (double) x[off[0]], s);
    }
}

template <typename TA, typename TB, typename TY>
__device__ void binary_impl(const TA* a, const TB* b, TY* y, Layout L, int n, int op) {
    for (long long e = global_index(); e < n; e += grid_stride()) {
        int off[3];
        layout_offsets<3>(L, e, off);
        y[off[2]] = (TY) binary_apply(op, (double) a[off[0]], (double) b[off[1]]);
    }
}

extern "C" {

__global__ void fill_f32(float* y, Layout L, int n, double value) { fill_impl(y, L, n, value); }
__global__ void fill_f64(double* y, Layout L, int n, double value) { fill_impl(y, L, n, value); }

#define LETHE_COPY(NX, TX, NY, TY) \
    __global__ void copy_##NX##_##NY(const TX* x, TY* y, Layout L, int n) { copy_impl(x, y, L, n); }
LETHE_COPY(f32, float, f32, float)
LETHE_COPY(f32, float, f64, double)
LETHE_COPY(f64, double, f32, float)
LETHE_COPY(f64, double, f64, double)

#define LETHE_UNARY(NX, TX, NY, TY) \
    __global__ void unary_##NX##_##NY(const TX* x, TY* y, Layout L, int n, int op, double s) { \
        unary_impl(x, y, L, n, op, s); \
    }
LETHE_UNARY(f32, float, f32, float)
LETHE_UNARY(f32, float, f64, double)
LETHE_UNARY(f64, double, f32, float)
LETHE_UNARY(f64, double, f64, double)

#define LETHE_BINARY(NA, TA, NB, TB, NY, TY) \
    __global__ void binary_##NA##_##NB##_##NY(const TA* a, const TB* b, TY* y, Layout L, int n, int op) { \
        binary_impl(a, b, y, L, n, op); \
    }
LETHE_BINARY(f32, float, f32, float, f32, float)
LETHE_BINARY(f32, float, f32, float, f64, double)
LETHE_BINARY(f32, float, f64, double, f32, float)
LETHE_BINARY(f32, float, f64, double, f64, double)
LETHE_BINARY(f64, double, f32, float, f32, float)
LETHE_BINARY(f64, double, f32, float, f64, double)
LETHE_BINARY(f64, double, f64, double, f32, float)
LETHE_BINARY(f64, double, f64, double, f64, double)

}  // extern "C"
