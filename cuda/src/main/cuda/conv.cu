// conv.cu: im2col and col2im, the lowering of a 2-D convolution to matrix products.
//
// Computes: Backend.im2col: contiguous input [N, C, H, W] -> contiguous columns [N, C*KH*KW, OH*OW],
// row (c*KH + kh)*KW + kw, column oh*OW + ow, zero where the window reaches into the padding.
// Backend.col2im, its adjoint: gradInput[n, c, iy, ix] = the sum of the column entries that im2col
// copied from (iy, ix), overwriting gradInput. col2im gathers (one thread per input pixel, summing
// its kernel positions in (kh, kw) order in the element type, as the CPU backend does) instead of
// scattering with atomics, so its result is deterministic and equals the CPU's.
//
// Convolution itself is Backend.conv2d's default lowering (ConvLowering: im2col, then one batched
// gemm from gemm.cu, then bias and ReLU from elementwise.cu); there is no direct-convolution kernel.
//
// Launch shape: 1-D grid-stride, 256 threads per block, one thread per column element (im2col,
// writes coalesced along output columns) or per input element (col2im).
#include "common.cuh"

template <typename T>
__device__ void im2col_impl(const T* x, T* cols, Geometry g) {
    int patch = g.channels * g.kernelH * g.kernelW;
    int outSize = g.outH * g.outW;
    long long total = (long long) g.images * patch * outSize;
    for (long long e = global_index(); e < total; e += grid_stride()) {
        int col = (int) (e % outSize);
        long long rest = e / outSize;
        int row = (int) (rest % patch);
        int n = (int) (rest / patch);
        int kw = row % g.kernelW;
        int kh = (row / g.kernelW) % g.kernelH;
        int c = row / (g.kernelW * g.kernelH);
        int iy = (col / g.outW) * g.strideH - g.padH + kh;
        int ix = (col % g.outW) * g.strideW - g.padW + kw;
        T v = 0;
        if (iy >= 0 && iy < g.height && ix >= 0 && ix < g.width) {
            v = x[(((long long) n * g.channels + c) * g.height + iy) * g.width + ix];
        }
        cols[e] = v;
    }
}

template <typename T>
__device__ void col2im_impl(const T* cols, T* dx, Geometry g) {
    int patch = g.channels * g.kernelH * g.kernelW;
    int outSize = g.outH * g.outW;
    long long total = (long long) g.images * g.channels * g.height * g.width;
    for (long long e = global_index(); e < total; e += grid_stride()) {
        int ix = (int) (e % g.width);
        long long rest = e / g.width;
        int iy = (int) (rest % g.height);
        rest /= g.height;
        int c = (int) (rest % g.channels);
        int n = (int) (rest / g.channels);
        const T* base = cols + (long long) n * patch * outSize;
        T acc = 0;
        for (int kh = 0; kh < g.kernelH; kh++) {
            int ty = iy + g.padH - kh;  // = oy * strideH for the output row that reads (iy, kh)
            if (ty < 0 || ty % g.strideH != 0 || ty / g.strideH >= g.outH) {
                continue;
            }
            int oy = ty / g.strideH;
            for (int kw = 0; kw < g.kernelW; kw++) {
                int tx = ix + g.padW - kw;
                if (tx < 0 || tx % g.strideW != 0 || tx / g.strideW >= g.outW) {
                    continue;
                }
                int ox = tx / g.strideW;
                int row = (c * g.kernelH + kh) * g.kernelW + kw;
                acc += base[(long long) row * outSize + oy * g.outW + ox];
            }
        }
        dx[e] = acc;
    }
}

extern "C" {

__global__ void im2col_f32(const float* x, float* cols, Geometry g) { im2col_impl(x, cols, g); }
__global__ void im2col_f64(const double* x, double* cols, Geometry g) { im2col_impl(x, cols, g); }
__global__ void col2im_f32(const float* cols, float* dx, Geometry g) { col2im_impl(cols, dx, g); }
__global__ void col2im_f64(const double* cols, double* dx, Geometry g) { col2im_impl(cols, dx, g); }

}  // extern "C"
