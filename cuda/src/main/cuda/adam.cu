// adam.cu: one fused Adam / AdamW update in place (Backend.adamStep, AdamStep.apply).
//
// Computes, per element, in double and stored rounded once:
//   weight decay: p *= 1 - lr*wd (decoupled, AdamW) or g += wd*p (coupled, Adam);
//   m = beta1*m + (1-beta1)*g;  v = beta2*v + (1-beta2)*g*g;  vMax = max(vMax, v) (AMSGrad only);
//   p -= lr/bias1 * m / (sqrt(vMax or v)/sqrt(bias2) + eps),
// with lr/bias1 and sqrt(bias2) (bias_k = 1 - beta_k^step) computed once on the host in the same
// order as AdamStep.apply, and no fused multiply-adds: the result equals the CPU backend's bit for
// bit. Operands contiguous and of one element type; vMax is null without AMSGrad.
//
// Launch shape: 1-D grid-stride over the elements, 256 threads per block.
#include "common.cuh"

template <typename T>
__device__ void adam_impl(T* p, const T* grad, T* m, T* v, T* vMax, int n, double lr, double beta1, double beta2,
                          double eps, double wd, int decoupled, double lrOverBias1, double sqrtBias2) {
    for (long long e = global_index(); e < n; e += grid_stride()) {
        double pe = p[e];
        double g = grad[e];
        if (wd != 0) {
            if (decoupled) {
                pe *= 1 - lr * wd;
            } else {
                g += wd * pe;
            }
        }
        double me = beta1 * (double) m[e] + (1 - beta1) * g;
        double ve = beta2 * (double) v[e] + (1 - beta2) * g * g;
        double vm = ve;
        if (vMax != nullptr) {
            vm = java_max((double) vMax[e], ve);
            vMax[e] = (T) vm;
        }
        double denom = sqrt(vm) / sqrtBias2 + eps;
        pe -= lrOverBias1 * me / denom;
        p[e] = (T) pe;
        m[e] = (T) me;
        v[e] = (T) ve;
    }
}

extern "C" {

__global__ void adam_f32(float* p, const float* grad, float* m, float* v, float* vMax, int n, double lr, double beta1,
                         double beta2, double eps, double wd, int decoupled, double lrOverBias1, double sqrtBias2) {
    adam_impl(p, grad, m, v, vMax, n, lr, beta1, beta2, eps, wd, decoupled, lrOverBias1, sqrtBias2);
}
__global__ void adam_f64(double* p, const double* grad, double* m, double* v, double* vMax, int n, double lr,
                         double beta1, double beta2, double eps, double wd, int decoupled, double lrOverBias1,
                         double sqrtBias2) {
    adam_impl(p, grad, m, v, vMax, n, lr, beta1, beta2, eps, wd, decoupled, lrOverBias1, sqrtBias2);
}

}  // extern "C"
