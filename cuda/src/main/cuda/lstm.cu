// lstm.cu: the fused LSTM cell and its adjoint (Backend.lstmCell, Backend.lstmCellBackward).
//
// Computes, for row r < N and hidden unit k < H, with gates [N, 4H] = the pre-activations of the
// input, forget, cell and output gates:
//   forward:  i, f, o = sigmoid(gate), g = tanh(gate), each rounded to the element type and stored in
//             act [N, 4H]; c = f*cPrev + i*g from the stored values; tanhC = tanh(c) of the stored c;
//             h = o * tanhC. The functions are the CPU backend's (cpu.FastMath: overflow-free
//             sigmoid, tanh through exp), computed in double and rounded once.
//   backward: from act, cPrev, tanhC and the incoming gradients gradH, gradC (either may be absent:
//             zero), dc = gradC + gradH*o*(1 - tanhC^2), and
//             d gates = [dc*g*i(1-i), dc*cPrev*f(1-f), dc*i*(1-g^2), gradH*tanhC*o(1-o)],
//             gradCPrev = dc*f, in double, rounded once.
// All operands contiguous. One thread per (row, hidden unit) reads its four gates and writes its
// outputs: a dozen elementwise passes of the composite become one.
//
// Launch shape: 1-D grid-stride over N*H, 256 threads per block.
#include "common.cuh"

template <typename T>
__device__ void lstm_cell_impl(const T* gates, const T* cPrev, T* act, T* c, T* tanhC, T* h, int n, int hidden) {
    long long total = (long long) n * hidden;
    for (long long e = global_index(); e < total; e += grid_stride()) {
        int k = (int) (e % hidden);
        long long r = e / hidden;
        const T* g = gates + r * 4 * hidden;
        T* a = act + r * 4 * hidden;
        T i = (T) sigmoid_d((double) g[k]);
        T f = (T) sigmoid_d((double) g[hidden + k]);
        T gg = (T) tanh_fast((double) g[2 * hidden + k]);
        T o = (T) sigmoid_d((double) g[3 * hidden + k]);
        a[k] = i;
        a[hidden + k] = f;
        a[2 * hidden + k] = gg;
        a[3 * hidden + k] = o;
        T cNew = (T) ((double) f * (double) cPrev[e] + (double) i * (double) gg);
        c[e] = cNew;
        T t = (T) tanh_fast((double) cNew);
        tanhC[e] = t;
        h[e] = (T) ((double) o * (double) t);
    }
}

template <typename T>
__device__ void lstm_cell_backward_impl(const T* act, const T* cPrev, const T* tanhC, const T* gradH, const T* gradC,
                                        T* gradGates, T* gradCPrev, int n, int hidden) {
    long long total = (long long) n * hidden;
    for (long long e = global_index(); e < total; e += grid_stride()) {
        int k = (int) (e % hidden);
        long long r = e / hidden;
        const T* a = act + r * 4 * hidden;
        T* q = gradGates + r * 4 * hidden;
        // in T's arithmetic, as the CPU backend (float for float32: CpuFused.lstmCellBackwardUnits),
        // each product left to right, no fused multiply-add (--fmad=false)
        T i = a[k];
        T f = a[hidden + k];
        T g = a[2 * hidden + k];
        T o = a[3 * hidden + k];
        T t = tanhC[e];
        T dh = gradH == nullptr ? T(0) : gradH[e];
        T dc = (gradC == nullptr ? T(0) : gradC[e]) + dh * o * (T(1) - t * t);
        q[k] = dc * g * i * (T(1) - i);
        q[hidden + k] = dc * cPrev[e] * f * (T(1) - f);
        q[2 * hidden + k] = dc * i * (T(1) - g * g);
        q[3 * hidden + k] = dh * t * o * (T(1) - o);
        gradCPrev[e] = dc * f;
    }
}

extern "C" {

__global__ void lstm_cell_f32(const float* gates, const float* cPrev, float* act, float* c, float* tanhC, float* h, int n,
                              int hidden) {
    lstm_cell_impl(gates, cPrev, act, c, tanhC, h, n, hidden);
}
__global__ void lstm_cell_f64(const double* gates, const double* cPrev, double* act, double* c, double* tanhC, double* h,
                              int n, int hidden) {
    lstm_cell_impl(gates, cPrev, act, c, tanhC, h, n, hidden);
}
__global__ void lstm_cell_backward_f32(const float* act, const float* cPrev, const float* tanhC, const float* gradH,
                                       const float* gradC, float* gradGates, float* gradCPrev, int n, int hidden) {
    lstm_cell_backward_impl(act, cPrev, tanhC, gradH, gradC, gradGates, gradCPrev, n, hidden);
}
__global__ void lstm_cell_backward_f64(const double* act, const double* cPrev, const double* tanhC, const double* gradH,
                                       const double* gradC, double* gradGates, double* gradCPrev, int n, int hidden) {
    lstm_cell_backward_impl(act, cPrev, tanhC, gradH, gradC, gradGates, gradCPrev, n, hidden);
}

}  // extern "C"
