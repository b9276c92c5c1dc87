// pool.cu: 2-D max and average pooling and their adjoints, PyTorch's window rules (PoolGeometry).
//
// Computes:
//   max_pool2d: out[n,c,oy,ox] = the first maximum of the window in row-major order (the first NaN if
//     there is one; padding never wins), idx = its position iy*W + ix in the input plane, stored in
//     the output's type.
//   max_pool2d_backward: gradInput (overwritten) = gradOutput added at the recorded positions.
//   avg_pool2d: the window's sum over in-bounds elements divided by the window's size with padding
//     counted (count_include_pad), clipped at the padded edge.
//   avg_pool2d_backward: its adjoint, overwriting gradInput.
// The backward kernels gather (one thread per input element, visiting the windows that contain it
// in the order the CPU backend adds them, accumulating in the element type) instead of scattering
// with atomics: deterministic, and equal to the CPU's sums.
//
// Launch shape: 1-D grid-stride, 256 threads per block; one thread per output element (forward)
// or per input element (backward).
#include "common.cuh"

template <typename T>
__device__ void max_pool_impl(const T* x, T* out, T* idx, Geometry g) {
    long long planes = (long long) g.images * g.channels;
    int outPlane = g.outH * g.outW;
    long long total = planes * outPlane;
    for (long long e = global_index(); e < total; e += grid_stride()) {
        int o = (int) (e % outPlane);
        long long p = e / outPlane;
        int y = o / g.outW;
        int xo = o % g.outW;
        const T* in = x + p * g.height * g.width;
        int h0 = y * g.strideH - g.padH;
        int w0 = xo * g.strideW - g.padW;
        int h1 = min(h0 + g.kernelH, g.height);
        int w1 = min(w0 + g.kernelW, g.width);
        h0 = max(h0, 0);
        w0 = max(w0, 0);
        int best = h0 * g.width + w0;
        double m = -HUGE_VAL;
        bool done = false;
        for (int iy = h0; iy < h1 && !done; iy++) {
            for (int ix = w0; ix < w1; ix++) {
                double v = (double) in[iy * g.width + ix];
                if (v > m || v != v) {
                    m = v;
                    best = iy * g.width + ix;
                    if (v != v) {
                        done = true;
                        break;
                    }
                }
            }
        }
        out[e] = in[best];
        idx[e] = (T) best;
    }
}

// First and one-past-last output index whose window [o*stride - pad, o*stride - pad + k) holds i.
__device__ __forceinline__ void windows_holding(int i, int k, int stride, int pad, int outSize, int& lo, int& hi) {
    int t = i + pad - k + 1;  // o*stride >= t
    lo = t <= 0 ? 0 : (t + stride - 1) / stride;
    hi = min((i + pad) / stride + 1, outSize);
}

template <typename T>
__device__ void max_pool_backward_impl(const T* idx, const T* gy, T* gx, Geometry g) {
    long long total = (long long) g.images * g.channels * g.height * g.width;
    int plane = g.height * g.width;
    int outPlane = g.outH * g.outW;
    for (long long e = global_index(); e < total; e += grid_stride()) {
        int pos = (int) (e % plane);
        long long p = e / plane;
        int iy = pos / g.width;
        int ix = pos % g.width;
        int y0, y1, x0, x1;
        windows_holding(iy, g.kernelH, g.strideH, g.padH, g.outH, y0, y1);
        windows_holding(ix, g.kernelW, g.strideW, g.padW, g.outW, x0, x1);
        const T* pi = idx + p * outPlane;
        const T* pg = gy + p * outPlane;
        T acc = 0;
        for (int y = y0; y < y1; y++) {
            for (int x = x0; x < x1; x++) {
                int o = y * g.outW + x;
                if ((int) pi[o] == pos) {
                    acc += pg[o];
                }
            }
        }
        gx[e] = acc;
    }
}

// The divisor of window (y, x): its size clipped at the padded edge (PoolGeometry, count_include_pad).
__device__ __forceinline__ double avg_divisor(const Geometry& g, int y, int x) {
    int h0 = y * g.strideH - g.padH;
    int w0 = x * g.strideW - g.padW;
    int h1 = min(h0 + g.kernelH, g.height + g.padH);
    int w1 = min(w0 + g.kernelW, g.width + g.padW);
    return (double) (h1 - h0) * (w1 - w0);
}

template <typename T>
__device__ void avg_pool_impl(const T* x, T* out, Geometry g) {
    long long planes = (long long) g.images * g.channels;
    int outPlane = g.outH * g.outW;
    long long total = planes * outPlane;
    for (long long e = global_index(); e < total; e += grid_stride()) {
        int o = (int) (e % outPlane);
        long long p = e / outPlane;
        int y = o / g.outW;
        int xo = o % g.outW;
        const T* in = x + p * g.height * g.width;
        double divisor = avg_divisor(g, y, xo);
        int h0 = max(y * g.strideH - g.padH, 0);
        int w0 = max(xo * g.strideW - g.padW, 0);
        int h1 = min(y * g.strideH - g.padH + g.kernelH, g.height);
        int w1 = min(xo * g.strideW - g.padW + g.kernelW, g.width);
        double acc = 0;
        for (int iy = h0; iy < h1; iy++) {
            for (int ix = w0; ix < w1; ix++) {
                acc += (double) in[iy * g.width + ix];
            }
        }
        out[e] = (T) (acc / divisor);
    }
}

template <typename T>
__device__ void avg_pool_backward_impl(const T* gy, T* gx, Geometry g) {
    long long total = (long long) g.images * g.channels * g.height * g.width;
    int plane = g.height * g.width;
    int outPlane = g.outH * g.outW;
    for (long long e = global_index(); e < total; e += grid_stride()) {
        int pos = (int) (e % plane);
        long long p = e / plane;
        int iy = pos / g.width;
        int ix = pos % g.width;
        int y0, y1, x0, x1;
        windows_holding(iy, g.kernelH, g.strideH, g.padH, g.outH, y0, y1);
        windows_holding(ix, g.kernelW, g.strideW, g.padW, g.outW, x0, x1);
        const T* pg = gy + p * outPlane;
        T acc = 0;
        for (int y = y0; y < y1; y++) {
            for (int x = x0; x < x1; x++) {
                acc = (T) ((double) acc + (double) pg[y * g.outW + x] / avg_divisor(g, y, x));
            }
        }
        gx[e] = acc;
    }
}

extern "C" {

__global__ void max_pool_f32(const float* x, float* out, float* idx, Geometry g) { max_pool_impl(x, out, idx, g); }
__global__ void max_pool_f64(const double* x, double* out, double* idx, Geometry g) { max_pool_impl(x, out, idx, g); }
__global__ void max_pool_backward_f32(const float* idx, const float* gy, float* gx, Geometry g) {
    max_pool_backward_impl(idx, gy, gx, g);
}
__global__ void max_pool_backward_f64(const double* idx, const double* gy, double* gx, Geometry g) {
    max_pool_backward_impl(idx, gy, gx, g);
}
__global__ void avg_pool_f32(const float* x, float* out, Geometry g) { avg_pool_impl(x, out, g); }
__global__ void avg_pool_f64(const double* x, double* out, Geometry g) { avg_pool_impl(x, out, g); }
__global__ void avg_pool_backward_f32(const float* gy, float* gx, Geometry g) { avg_pool_backward_impl(gy, gx, g); }
__global__ void avg_pool_backward_f64(const double* gy, double* gx, Geometry g) { avg_pool_backward_impl(gy, gx, g); }

}  // extern "C"
