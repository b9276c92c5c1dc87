// gemm.cu: batched matrix products C[b] = alpha * A[b] @ B[b] + beta * C[b].
//
// Computes: Backend.gemm on views of shape [batch, M, K] @ [batch, K, N] -> [batch, M, N]: A and B
// each row-major ("n": A(i,p) = A[i*lda + p]) or column-major ("t": A(i,p) = A[i + p*lda]), so a
// transpose costs nothing; C row-major with leading dimension ldc. Batch strides are in elements; a
// batch stride of 0 in A or B shares that matrix across the batch. A summed batch (C's batch stride
// 0 in the view) is nsum > 1: C = alpha * sum_s A[s] @ B[s] + beta * C, the sum running through the
// same accumulators as the k loop (no atomics, a fixed order). When that leaves too few blocks to
// fill the device, the host splits the sum into G groups: grid z = G, group z sums its nsum terms
// into a partial product P[z] (outer strides move A, B by nsum matrices and C to the next partial),
// and gemm_sum_partials adds the G partials in order. With beta == 0, C is not read (NaN in C does
// not survive).
//
// Tiled kernel parameters: A, B, C point at the first matrix; grid z selects z*outer{A,B,C} further;
// within it terms s < min(nsum, total - z*nsum) are summed, term s at s*stride{A,B}. A plain batch
// is outer = the batch strides, nsum = 1; one summed batch is grid z = 1, nsum = total = batch.
//
// Versions:
//   gemm128_f32_{nn,nt,tn,tt}: SGEMM, 128x128 tiles of C per block of 256 threads, each thread an
//     8x8 register tile (two 4x4 halves 64 rows/columns apart, so the shared-memory fragment reads
//     are 16-byte vectors without bank conflicts), BK = 8, two shared-memory buffers with the next
//     tile prefetched into registers while the current one is multiplied (one barrier per k-tile).
//     Tiles of A are stored k-major (transposed) so both fragments are contiguous. float accumulators
//     with fused multiply-adds, like cuBLAS. The shape of the llm.c/siboehm "kernel 6" family.
//   gemm64_{f32,f64}_{nn,nt,tn,tt}: the same kernel with 64x64 tiles and 4x4 per thread: four times
//     as many blocks for mid-sized products (an LSTM's gates, the CNN's layers), and the float64
//     product (accumulators in double).
//   gemm_small_{f32,f64}: one thread per element of C, a dot product in double through arbitrary
//     strides; for products too thin to fill a tile (matrix-vector, m or n below 8).
//   gemm_sum_partials_{f32,f64}: adds the partial products of a split summed batch.
//
// Launch shape: tiled: grid (ceil(N/BN), ceil(M/BM), batches <= 65535 per launch, batch0 offsets
// the rest), 256 threads; small: 1-D grid-stride, 256 threads.
//
// Compiled with fused multiply-add (unlike the other files): results agree with the CPU backend to
// rounding, not bit for bit.
#include "common.cuh"

template <typename T, int BM, int BN, int BK, int TM, int TN, bool TA, bool TB>
__device__ __forceinline__ void gemm_tile_impl(const T* A, const T* B, T* C, int M, int N, int K, int lda, int ldb,
                                               int ldc, long long outerA, long long outerB, long long outerC,
                                               long long strideA, long long strideB, int nsum, int total, int batch0,
                                               T alpha, T beta) {
    constexpr int THREADS = (BM / TM) * (BN / TN);
    constexpr int LA = BM * BK / THREADS;  // elements of A each thread loads per tile
    constexpr int LB = BN * BK / THREADS;
    constexpr int PAD = 16 / sizeof(T);    // keeps rows 16-byte aligned, breaks the transposing stores' conflicts
    static_assert(THREADS == LETHE_THREADS, "tiles are sized for 256 threads");
    static_assert(LA >= 1 && LB >= 1 && BK % LA == 0 && BK % LB == 0, "tile loads must divide the tile");

    __shared__ __align__(16) T As[2][BK][BM + PAD];
    __shared__ __align__(16) T Bs[2][BK][BN + PAD];

    const int tid = threadIdx.x;
    const int tx = tid % (BN / TN);
    const int ty = tid / (BN / TN);
    const int row0 = blockIdx.y * BM;
    const int col0 = blockIdx.x * BN;
    const long long z = (long long) blockIdx.z + batch0;
    A += z * outerA;
    B += z * outerB;
    C += z * outerC;
    const int terms = (int) min((long long) nsum, (long long) total - z * nsum);

    // Which elements this thread loads: along the contiguous direction of each operand, so that a
    // warp's loads are coalesced.
    const int aRow = TA ? 0 : tid / (BK / LA);            // A row-major: a row's BK values by BK/LA threads
    const int aK = TA ? tid / (BM / LA) : (tid % (BK / LA)) * LA;
    const int aI = TA ? (tid % (BM / LA)) * LA : aRow;     // A column-major: a column's BM values by BM/LA threads
    const int bK = TB ? (tid % (BK / LB)) * LB : tid / (BN / LB);
    const int bJ = TB ? tid / (BK / LB) : (tid % (BN / LB)) * LB;

    const int kTiles = (K + BK - 1) / BK;
    const int tiles = kTiles * terms;

    T ra[LA];
    T rb[LB];
    T acc[TM][TN];
#pragma unroll
    for (int i = 0; i < TM; i++) {
#pragma unroll
        for (int j = 0; j < TN; j++) {
            acc[i][j] = 0;
        }
    }

    // global -> registers, for tile t (batch term s = t / kTiles, k offset (t % kTiles) * BK)
#define LETHE_GEMM_LOAD(t)                                                                        \
    {                                                                                             \
        int s_ = (t) / kTiles;                                                                    \
        int k0_ = ((t) - s_ * kTiles) * BK;                                                       \
        const T* a_ = A + (long long) s_ * strideA;                                               \
        const T* b_ = B + (long long) s_ * strideB;                                               \
        _Pragma("unroll") for (int q = 0; q < LA; q++) {                                          \
            int i_ = row0 + aI + (TA ? q : 0);                                                    \
            int p_ = k0_ + aK + (TA ? 0 : q);                                                     \
            ra[q] = (i_ < M && p_ < K) ? a_[TA ? p_ * lda + i_ : i_ * lda + p_] : (T) 0;          \
        }                                                                                         \
        _Pragma("unroll") for (int q = 0; q < LB; q++) {                                          \
            int p_ = k0_ + bK + (TB ? q : 0);                                                     \
            int j_ = col0 + bJ + (TB ? 0 : q);                                                    \
            rb[q] = (p_ < K && j_ < N) ? b_[TB ? j_ * ldb + p_ : p_ * ldb + j_] : (T) 0;          \
        }                                                                                         \
    }
    // registers -> shared buffer `buf`, A transposed to k-major
#define LETHE_GEMM_STORE(buf)                                                                     \
    {                                                                                             \
        _Pragma("unroll") for (int q = 0; q < LA; q++) {                                          \
            As[buf][aK + (TA ? 0 : q)][aI + (TA ? q : 0)] = ra[q];                                \
        }                                                                                         \
        _Pragma("unroll") for (int q = 0; q < LB; q++) {                                          \
            Bs[buf][bK + (TB ? q : 0)][bJ + (TB ? 0 : q)] = rb[q];                                \
        }                                                                                         \
    }

    if (tiles > 0) {
        LETHE_GEMM_LOAD(0)
        LETHE_GEMM_STORE(0)
    }
    __syncthreads();
    int buf = 0;
    for (int t = 0; t < tiles; t++) {
        if (t + 1 < tiles) {
            LETHE_GEMM_LOAD(t + 1)
        }
#pragma unroll
        for (int k = 0; k < BK; k++) {
            T a[TM];
            T b[TN];
#pragma unroll
            for (int i = 0; i < TM / 2; i++) {
                a[i] = As[buf][k][ty * (TM / 2) + i];
                a[TM / 2 + i] = As[buf][k][BM / 2 + ty * (TM / 2) + i];
            }
#pragma unroll
            for (int j = 0; j < TN / 2; j++) {
                b[j] = Bs[buf][k][tx * (TN / 2) + j];
                b[TN / 2 + j] = Bs[buf][k][BN / 2 + tx * (TN / 2) + j];
            }
#pragma unroll
            for (int i = 0; i < TM; i++) {
#pragma unroll
                for (int j = 0; j < TN; j++) {
                    acc[i][j] += a[i] * b[j];
                }
            }
        }
        if (t + 1 < tiles) {
            LETHE_GEMM_STORE(buf ^ 1)
        }
        __syncthreads();
        buf ^= 1;
    }
#undef LETHE_GEMM_LOAD
#undef LETHE_GEMM_STORE

#pragma unroll
    for (int i = 0; i < TM; i++) {
        int r = row0 + (i < TM / 2 ? ty * (TM / 2) + i : BM / 2 + ty * (TM / 2) + i - TM / 2);
        if (r >= M) {
            continue;
        }
#pragma unroll
        for (int j = 0; j < TN; j++) {
            int c = col0 + (j < TN / 2 ? tx * (TN / 2) + j : BN / 2 + tx * (TN / 2) + j - TN / 2);
            if (c < N) {
                T* out = C + (long long) r * ldc + c;
                *out = beta == (T) 0 ? alpha * acc[i][j] : alpha * acc[i][j] + beta * *out;
            }
        }
    }
}

// The thin-product fallback: one output element per thread, a double dot product through strides.
template <typename T>
__device__ void gemm_small_impl(const T* A, const T* B, T* C, int M, int N, int K, int as1, int as2, int bs1, int bs2,
                                int ldc, long long strideA, long long strideB, long long strideC, int nsum, int batches,
                                double alpha, double beta) {
    long long total = (long long) (nsum > 1 ? 1 : batches) * M * N;
    for (long long e = global_index(); e < total; e += grid_stride()) {
        int j = (int) (e % N);
        long long rest = e / N;
        int i = (int) (rest % M);
        long long b = rest / M;
        double acc = 0;
        for (int s = 0; s < nsum; s++) {
            const T* a = A + (b + s) * strideA + (long long) i * as1;
            const T* bb = B + (b + s) * strideB + (long long) j * bs2;
            for (int p = 0; p < K; p++) {
                acc += (double) a[(long long) p * as2] * (double) bb[(long long) p * bs1];
            }
        }
        T* out = C + b * strideC + (long long) i * ldc + j;
        *out = (T) (beta == 0 ? alpha * acc : alpha * acc + beta * (double) *out);
    }
}

// C = alpha * sum_g P[g] + beta * C over a contiguous [G, M, N] of partial products (a summed batch
// split into G groups so that more blocks run); partials added in order of g, in double.
template <typename T>
__device__ void gemm_sum_partials_impl(const T* P, T* C, int M, int N, int ldc, int groups, double alpha, double beta) {
    long long total = (long long) M * N;
    for (long long e = global_index(); e < total; e += grid_stride()) {
        double acc = 0;
        for (int g = 0; g < groups; g++) {
            acc += (double) P[g * total + e];
        }
        T* out = C + (e / N) * ldc + e % N;
        *out = (T) (beta == 0 ? alpha * acc : alpha * acc + beta * (double) *out);
    }
}

extern "C" {

#define LETHE_GEMM_TILE(NAME, T, BM, BN, TM, TN, TA, TB)                                                      \
    __global__ void __launch_bounds__(LETHE_THREADS) NAME(const T* A, const T* B, T* C, int M, int N, int K,    \
                                                          int lda, int ldb, int ldc, long long outerA,          \
                                                          long long outerB, long long outerC, long long strideA, \
                                                          long long strideB, int nsum, int total, int batch0,   \
                                                          T alpha, T beta) {                                    \
        gemm_tile_impl<T, BM, BN, 8, TM, TN, TA, TB>(A, B, C, M, N, K, lda, ldb, ldc, outerA, outerB, outerC,    \
                                                     strideA, strideB, nsum, total, batch0, alpha, beta);       \
    }

LETHE_GEMM_TILE(gemm128_f32_nn, float, 128, 128, 8, 8, false, false)
LETHE_GEMM_TILE(gemm128_f32_nt, float, 128, 128, 8, 8, false, true)
LETHE_GEMM_TILE(gemm128_f32_tn, float, 128, 128, 8, 8, true, false)
LETHE_GEMM_TILE(gemm128_f32_tt, float, 128, 128, 8, 8, true, true)
LETHE_GEMM_TILE(gemm64_f32_nn, float, 64, 64, 4, 4, false, false)
LETHE_GEMM_TILE(gemm64_f32_nt, float, 64, 64, 4, 4, false, true)
LETHE_GEMM_TILE(gemm64_f32_tn, float, 64, 64, 4, 4, true, false)
LETHE_GEMM_TILE(gemm64_f32_tt, float, 64, 64, 4, 4, true, true)
LETHE_GEMM_TILE(gemm64_f64_nn, double, 64, 64, 4, 4, false, false)
LETHE_GEMM_TILE(gemm64_f64_nt, double, 64, 64, 4, 4, false, true)
LETHE_GEMM_TILE(gemm64_f64_tn, double, 64, 64, 4, 4, true, false)
LETHE_GEMM_TILE(gemm64_f64_tt, double, 64, 64, 4, 4, true, true)

__global__ void gemm_small_f32(const float* A, const float* B, float* C, int M, int N, int K, int as1, int as2, int bs1,
                               int bs2, int ldc, long long strideA, long long strideB, long long strideC, int nsum,
                               int batches, double alpha, double beta) {
    gemm_small_impl(A, B, C, M, N, K, as1, as2, bs1, bs2, ldc, strideA, strideB, strideC, nsum, batches, alpha, beta);
}

__global__ void gemm_small_f64(const double* A, const double* B, double* C, int M, int N, int K, int as1, int as2,
                               int bs1, int bs2, int ldc, long long strideA, long long strideB, long long strideC,
                               int nsum, int batches, double alpha, double beta) {
    gemm_small_impl(A, B, C, M, N, K, as1, as2, bs1, bs2, ldc, strideA, strideB, strideC, nsum, batches, alpha, beta);
}

__global__ void gemm_sum_partials_f32(const float* P, float* C, int M, int N, int ldc, int groups, double alpha,
                                      double beta) {
    gemm_sum_partials_impl(P, C, M, N, ldc, groups, alpha, beta);
}

__global__ void gemm_sum_partials_f64(const double* P, double* C, int M, int N, int ldc, int groups, double alpha,
                                      double beta) {
    gemm_sum_partials_impl(P, C, M, N, ldc, groups, alpha, beta);
}

}  // extern "C"
