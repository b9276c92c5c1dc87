// random.cu: counter-based random fills (Backend.randomUniform, Backend.randomNormal).
//
// Computes the numbers org.lethe.kernels.CounterRandom defines, for the element at row-major
// position i of the view:
//   bits(seed, c) = SplitMix64 finaliser of seed + (c + 1) * 0x9E3779B97F4A7C15 (64-bit wrap-around);
//   uniform: low + (high - low) * u, u = top 24 bits * 2^-24 for float32, top 53 bits * 2^-53 for
//     float64, rounded to the element type: bit for bit the CPU backend's values (integer
//     arithmetic, exact products, no fused multiply-add);
//   normal: mean + std * sqrt(-2 ln(1 - u1)) * cos(2 pi u2) with u1, u2 the 53-bit uniforms of the
//     counters 2i and 2i+1. CUDA's log1p and cos are within 2 ulp of Java's, so float64 normals agree
//     with the CPU's to about 1e-16 relative and float32 normals are equal except where the double
//     lies within an ulp of a float rounding boundary.
//
// Launch shape: 1-D grid-stride over the elements, 256 threads per block; each element depends
// only on (seed, i), so any grid gives the same numbers.
#include "common.cuh"

__device__ __forceinline__ unsigned long long mix64(unsigned long long z) {
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

__device__ __forceinline__ unsigned long long random_bits(long long seed, long long counter) {
    return mix64((unsigned long long) seed + ((unsigned long long) counter + 1ULL) * 0x9E3779B97F4A7C15ULL);
}

__device__ __forceinline__ double uniform53(long long seed, long long counter) {
    return (double) (random_bits(seed, counter) >> 11) * 0x1.0p-53;
}

__device__ __forceinline__ double uniform24(long long seed, long long counter) {
    return (double) (random_bits(seed, counter) >> 40) * 0x1.0p-24;
}

template <typename T>
__device__ void uniform_impl(T* y, Layout L, int n, long long seed, double low, double high, bool f32) {
    for (long long e = global_index(); e < n; e += grid_stride()) {
        int off[1];
        layout_offsets<1>(L, e, off);
        double u = f32 ? uniform24(seed, e) : uniform53(seed, e);
        y[off[0]] = (T) (low + (high - low) * u);
    }
}

template <typename T>
__device__ void normal_impl(T* y, Layout L, int n, long long seed, double mean, double std) {
    const double twoPi = 2.0 * 3.141592653589793;
    for (long long e = global_index(); e < n; e += grid_stride()) {
        int off[1];
        layout_offsets<1>(L, e, off);
        double u1 = uniform53(seed, 2 * e);
        double u2 = uniform53(seed, 2 * e + 1);
        double z = sqrt(-2.0 * log1p(-u1)) * cos(twoPi * u2);
        y[off[0]] = (T) (mean + std * z);
    }
}

extern "C" {

__global__ void random_uniform_f32(float* y, Layout L, int n, long long seed, double low, double high) {
    uniform_impl(y, L, n, seed, low, high, true);
}
__global__ void random_uniform_f64(double* y, Layout L, int n, long long seed, double low, double high) {
    uniform_impl(y, L, n, seed, low, high, false);
}
__global__ void random_normal_f32(float* y, Layout L, int n, long long seed, double mean, double std) {
    normal_impl(y, L, n, seed, mean, std);
}
__global__ void random_normal_f64(double* y, Layout L, int n, long long seed, double mean, double std) {
    normal_impl(y, L, n, seed, mean, std);
}

}  // extern "C"
