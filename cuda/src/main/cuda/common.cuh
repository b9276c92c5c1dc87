// common.cuh: what every Lethe kernel file shares.
//
// - Layout: up to three operands walked over one shape, the host having dropped size-1 dimensions
//   and merged dimensions that are contiguous in every operand (so a contiguous tensor of any rank
//   is rank 1). Strides are in elements and may be 0 (broadcast) or negative; every pointer passed
//   to a kernel already points at its view's first element.
// - The arithmetic of org.lethe.kernels.UnaryOp/BinaryOp/ReduceOp, in double precision with Java's
//   rules where C's differ (Math.max/min with NaN and signed zeros, Math.pow's special cases,
//   Math.signum), so that a result rounded once to the destination type equals the CPU backend's.
// - The operation codes; CudaOps.java holds the same numbers (one switch per enum, checked by the
//   Java compiler for exhaustiveness).
//
// Every file but gemm.cu is compiled with --fmad=false, so that a*b+c is two roundings as in Java.
#pragma once

#define LETHE_MAX_RANK 8
#define LETHE_THREADS 256

struct Layout {
    int rank;
    int shape[LETHE_MAX_RANK];
    int stride[3][LETHE_MAX_RANK];
};

// Offsets of element e (row-major over the layout's shape) in the first `operands` operands.
template <int operands>
__device__ __forceinline__ void layout_offsets(const Layout& L, long long e, int* off) {
    if (L.rank <= 1) {
        int i = (int) e;
        for (int k = 0; k < operands; k++) {
            off[k] = L.rank == 0 ? 0 : i * L.stride[k][0];
        }
        return;
    }
    for (int k = 0; k < operands; k++) {
        off[k] = 0;
    }
    unsigned rem = (unsigned) e;  // e < n < 2^31: 32-bit division is much cheaper than 64-bit
    for (int d = L.rank - 1; d >= 0; d--) {
        unsigned s = (unsigned) L.shape[d];
        int idx = (int) (rem % s);
        rem /= s;
        for (int k = 0; k < operands; k++) {
            off[k] += idx * L.stride[k][d];
        }
    }
}

// Index of this thread in a 1-D launch, and the grid's stride.
__device__ __forceinline__ long long global_index() {
    return (long long) blockIdx.x * blockDim.x + threadIdx.x;
}

__device__ __forceinline__ long long grid_stride() {
    return (long long) gridDim.x * blockDim.x;
}

// ---- Java's arithmetic ------------------------------------------------------------------------

__device__ __forceinline__ double java_max(double a, double b) {
    if (a != a) {
        return a;
    }
    if (a == 0.0 && b == 0.0 && signbit(a)) {
        return b;
    }
    return a >= b ? a : b;
}

__device__ __forceinline__ double java_min(double a, double b) {
    if (a != a) {
        return a;
    }
    if (a == 0.0 && b == 0.0 && signbit(b)) {
        return b;
    }
    return a <= b ? a : b;
}

// UnaryOp.pow: small integer powers as products (as PyTorch), else Math.pow, whose special cases
// differ from C's pow for a NaN exponent and for |x| == 1 with an infinite exponent.
__device__ __forceinline__ double java_pow(double x, double p) {
    if (p == 2.0) {
        return x * x;
    }
    if (p == 1.0) {
        return x;
    }
    if (p == 3.0) {
        return x * x * x;
    }
    if (p == 0.5) {
        return sqrt(x);
    }
    if (p != p) {
        return p;
    }
    if (fabs(x) == 1.0 && fabs(p) == HUGE_VAL) {
        return p - p;  // infinity minus infinity: NaN
    }
    return pow(x, p);
}

__device__ __forceinline__ double java_signum(double x) {
    return (x == 0.0 || x != x) ? x : copysign(1.0, x);
}

// UnaryOp.SIGMOID and CpuFused's sigmoid: no overflow for large |x|.
__device__ __forceinline__ double sigmoid_d(double x) {
    return x >= 0 ? 1.0 / (1.0 + exp(-x)) : exp(x) / (1.0 + exp(x));
}

// cpu.FastMath.tanh, the form the CPU backend's LSTM cell uses.
__device__ __forceinline__ double tanh_fast(double x) {
    double a = fabs(x);
    if (a < 1e-5) {
        return x - x * x * x / 3;
    }
    if (a > 20) {
        return copysign(1.0, x);
    }
    double t = exp(-2 * a);
    return copysign((1 - t) / (1 + t), x);
}

// ---- operation codes (CudaOps.java) -------------------------------------------------------------

enum UnaryCode {
    U_NEG = 0, U_EXP, U_LOG, U_SQRT, U_ABS, U_SIGN, U_RELU, U_HEAVISIDE, U_SIGMOID, U_TANH, U_RECIPROCAL,
    U_SQUARE, U_ADD_SCALAR, U_MUL_SCALAR, U_RSUB_SCALAR, U_POW_SCALAR, U_CLAMP_MIN, U_CLAMP_MAX, U_GT_SCALAR,
    U_GE_SCALAR, U_LT_SCALAR, U_LE_SCALAR
};

enum BinaryCode {
    B_ADD = 0, B_SUB, B_MUL, B_DIV, B_POW, B_MAXIMUM, B_MINIMUM, B_EQ, B_GT, B_GE, B_LT, B_LE, B_RELU_BACKWARD
};

enum ReduceCode {
    R_SUM = 0, R_MAX, R_MIN
};

__device__ __forceinline__ double unary_apply(int op, double x, double s) {
    switch (op) {
        case U_NEG: return -x;
        case U_EXP: return exp(x);
        case U_LOG: return log(x);
        case U_SQRT: return sqrt(x);
        case U_ABS: return fabs(x);
        case U_SIGN: return java_signum(x);
        case U_RELU: return x <= 0 ? 0.0 : x;
        case U_HEAVISIDE: return x > 0 ? 1.0 : 0.0;
        case U_SIGMOID: return sigmoid_d(x);
        case U_TANH: return tanh(x);
        case U_RECIPROCAL: return 1.0 / x;
        case U_SQUARE: return x * x;
        case U_ADD_SCALAR: return x + s;
        case U_MUL_SCALAR: return x * s;
        case U_RSUB_SCALAR: return s - x;
        case U_POW_SCALAR: return java_pow(x, s);
        case U_CLAMP_MIN: return x != x ? x : java_max(x, s);
        case U_CLAMP_MAX: return x != x ? x : java_min(x, s);
        case U_GT_SCALAR: return x > s ? 1.0 : 0.0;
        case U_GE_SCALAR: return x >= s ? 1.0 : 0.0;
        case U_LT_SCALAR: return x < s ? 1.0 : 0.0;
        default: return x <= s ? 1.0 : 0.0;  // U_LE_SCALAR
    }
}

__device__ __forceinline__ double binary_apply(int op, double a, double b) {
    switch (op) {
        case B_ADD: return a + b;
        case B_SUB: return a - b;
        case B_MUL: return a * b;
        case B_DIV: return a / b;
        case B_POW: return java_pow(a, b);
        case B_MAXIMUM: return java_max(a, b);
        case B_MINIMUM: return java_min(a, b);
        case B_EQ: return a == b ? 1.0 : 0.0;
        case B_GT: return a > b ? 1.0 : 0.0;
        case B_GE: return a >= b ? 1.0 : 0.0;
        case B_LT: return a < b ? 1.0 : 0.0;
        case B_LE: return a <= b ? 1.0 : 0.0;
        default: return b <= 0 ? 0.0 : a;  // B_RELU_BACKWARD
    }
}

__device__ __forceinline__ double reduce_identity(int op) {
    return op == R_SUM ? 0.0 : (op == R_MAX ? -HUGE_VAL : HUGE_VAL);
}

__device__ __forceinline__ double reduce_combine(int op, double acc, double x) {
    return op == R_SUM ? acc + x : (op == R_MAX ? java_max(acc, x) : java_min(acc, x));
}

// The geometry of a convolution's lowering or of a pooling window (ConvGeometry / PoolGeometry).
struct Geometry {
    int images, channels, height, width;
    int kernelH, kernelW, strideH, strideW, padH, padW;
    int outH, outW;
};
