// index.cu: gather and scatter-add of slices along one axis of strided views.
//
// Computes:
//   gather: dst[..., j, ...] = src[..., index[j], ...] (Backend.gather; the host checks the indices).
//   scatter_add: dst[..., d, ...] += src[..., j, ...] for every j with index[j] == d, the repeated
//     indices added one at a time in increasing j, each sum rounded to the element type, exactly as
//     the CPU backend's sequential loop. The host inverts the index into lists per destination
//     position (CSR: starts[d] .. starts[d+1] into js), so each destination element is written by one
//     thread and no atomics are needed.
//
// Launch shape: 1-D grid-stride, 256 threads per block, one thread per destination element.
#include "common.cuh"

struct IndexLayout {
    int rank, axis;
    int shape[LETHE_MAX_RANK];      // the destination's shape
    int srcStride[LETHE_MAX_RANK];
    int dstStride[LETHE_MAX_RANK];
};

template <typename TX, typename TY>
__device__ void gather_impl(const TX* src, TY* dst, const int* index, IndexLayout L, int n) {
    for (long long e = global_index(); e < n; e += grid_stride()) {
        unsigned rem = (unsigned) e;
        int so = 0;
        int dOff = 0;
        for (int d = L.rank - 1; d >= 0; d--) {
            unsigned s = (unsigned) L.shape[d];
            int i = (int) (rem % s);
            rem /= s;
            dOff += i * L.dstStride[d];
            so += (d == L.axis ? index[i] : i) * L.srcStride[d];
        }
        dst[dOff] = (TY) (double) src[so];
    }
}

template <typename TX, typename TY>
__device__ void scatter_add_impl(const TX* src, TY* dst, const int* starts, const int* js, IndexLayout L, int n) {
    for (long long e = global_index(); e < n; e += grid_stride()) {
        unsigned rem = (unsigned) e;
        int so = 0;
        int dOff = 0;
        int a = 0;
        for (int d = L.rank - 1; d >= 0; d--) {
            unsigned s = (unsigned) L.shape[d];
            int i = (int) (rem % s);
            rem /= s;
            dOff += i * L.dstStride[d];
            if (d == L.axis) {
                a = i;
            } else {
                so += i * L.srcStride[d];
            }
        }
        int q0 = starts[a];
        int q1 = starts[a + 1];
        if (q0 == q1) {
            continue;
        }
        TY acc = dst[dOff];
        for (int q = q0; q < q1; q++) {
            acc = (TY) ((double) acc + (double) src[so + js[q] * L.srcStride[L.axis]]);
        }
        dst[dOff] = acc;
    }
}

extern "C" {

#define LETHE_INDEX(NX, TX, NY, TY) \
    __global__ void gather_##NX##_##NY(const TX* src, TY* dst, const int* index, IndexLayout L, int n) { \
        gather_impl(src, dst, index, L, n); \
    } \
    __global__ void scatter_add_##NX##_##NY(const TX* src, TY* dst, const int* starts, const int* js, IndexLayout L, \
                                            int n) { \
        scatter_add_impl(src, dst, starts, js, L, n); \
    }
LETHE_INDEX(f32, float, f32, float)
LETHE_INDEX(f32, float, f64, double)
LETHE_INDEX(f64, double, f32, float)
LETHE_INDEX(f64, double, f64, double)

}  // extern "C"
