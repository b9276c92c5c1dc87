/*
 * OpenBLAS sgemm timing, the peer for Lethe's GEMM benchmark: C = A B for n x n float32 matrices,
 * row-major, for each n and thread count given. Prints one line per case: n threads median_ms
 * min_ms max_ms gflops (from the median). Build: gcc -O2 openblas_gemm.c -lopenblas -o openblas_gemm
 */
#include <cblas.h>
#include <stdio.h>
#include <stdlib.h>
#include "timing.h"

int main(int argc, char **argv) {
    int sizes[] = {256, 512, 1024, 2048};
    int threads[] = {1, 2};
    int reps = argc > 1 ? atoi(argv[1]) : 15;
    for (int si = 0; si < 4; si++) {
        int n = sizes[si];
        float *a = malloc(sizeof(float) * n * n), *b = malloc(sizeof(float) * n * n), *c = malloc(sizeof(float) * n * n);
        for (int i = 0; i < n * n; i++) {
            a[i] = (float)rand() / RAND_MAX - 0.5f;
            b[i] = (float)rand() / RAND_MAX - 0.5f;
        }
        for (int ti = 0; ti < 2; ti++) {
            openblas_set_num_threads(threads[ti]);
            double *ms = malloc(sizeof(double) * reps);
            for (int w = 0; w < 3; w++)
                cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, n, n, n, 1.0f, a, n, b, n, 0.0f, c, n);
            for (int r = 0; r < reps; r++) {
                double t0 = now();
                cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, n, n, n, 1.0f, a, n, b, n, 0.0f, c, n);
                ms[r] = (now() - t0) * 1e3;
            }
            qsort(ms, reps, sizeof(double), cmp);
            double med = ms[reps / 2];
            printf("%d %d %.3f %.3f %.3f %.1f\n", n, threads[ti], med, ms[0], ms[reps - 1], 2.0 * n * n * n / (med * 1e-3) / 1e9);
            free(ms);
        }
        free(a);
        free(b);
        free(c);
    }
    return 0;
}
