/*
 * The matrix products of the three reference training steps (mlp, cnn, lstm; the shapes of
 * docs/performance.md's workloads), timed one by one with OpenBLAS sgemm: a floor for any
 * implementation that computes the step through these products, as Lethe and PyTorch's im2col path
 * do. Convolutions are lowered over the whole batch (one product per convolution and pass, the
 * largest and most efficient form); the LSTM's input and weight-gradient products are batched over
 * the 24 steps, its recurrent products are not (each needs the previous step's result). Outer
 * products (k = 1: a one-feature input's gates, the input gradient of a one-output layer) are left
 * out: they are elementwise work, which a product routine only slows down.
 * Prints one line per product: workload name m k n count median_ms_total, then one line per
 * workload: workload total median_ms. Build: gcc -O2 step_products.c -lopenblas -o step_products
 * Usage: step_products [threads] [reps]
 */
#include <cblas.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "timing.h"

typedef struct {
    const char *workload, *name;
    int m, k, n, transA, transB, count;
} Product;

static const Product PRODUCTS[] = {
    /* mlp: 64 -> 256 -> 256 -> 1, batch 256; no input gradient for the first layer */
    {"mlp", "fc1 forward", 256, 64, 256, 0, 0, 1},
    {"mlp", "fc2 forward", 256, 256, 256, 0, 0, 1},
    {"mlp", "fc3 forward", 256, 256, 1, 0, 0, 1},
    {"mlp", "fc3 weight grad", 256, 256, 1, 1, 0, 1},
    {"mlp", "fc2 weight grad", 256, 256, 256, 1, 0, 1},
    {"mlp", "fc2 input grad", 256, 256, 256, 0, 1, 1},
    {"mlp", "fc1 weight grad", 64, 256, 256, 1, 0, 1},
    /* cnn: batch 128, 1x28x28 -> conv 16 -> pool -> conv 32 -> pool -> 1568 -> 64 -> 1 */
    {"cnn", "conv1 forward", 16, 9, 100352, 0, 0, 1},
    {"cnn", "conv1 weight grad", 16, 100352, 9, 0, 1, 1},
    {"cnn", "conv2 forward", 32, 144, 25088, 0, 0, 1},
    {"cnn", "conv2 weight grad", 32, 25088, 144, 0, 1, 1},
    {"cnn", "conv2 input grad", 144, 32, 25088, 1, 0, 1},
    {"cnn", "fc1 forward", 128, 1568, 64, 0, 0, 1},
    {"cnn", "fc1 weight grad", 1568, 128, 64, 1, 0, 1},
    {"cnn", "fc1 input grad", 128, 64, 1568, 0, 1, 1},
    {"cnn", "fc2 forward", 128, 64, 1, 0, 0, 1},
    {"cnn", "fc2 weight grad", 64, 128, 1, 1, 0, 1},
    /* lstm: batch 128, 24 steps of 1 feature, hidden 64 (4 gates: 256), last step -> 1 */
    {"lstm", "recurrent gates", 128, 64, 256, 0, 0, 24},
    {"lstm", "recurrent input grad", 128, 256, 64, 0, 1, 24},
    {"lstm", "recurrent weight grad", 64, 3072, 256, 1, 0, 1},
    {"lstm", "input weight grad", 1, 3072, 256, 1, 0, 1},
    {"lstm", "fc forward", 128, 64, 1, 0, 0, 1},
    {"lstm", "fc weight grad", 64, 128, 1, 1, 0, 1},
};

static float *randoms(long n) {
    float *p = malloc(sizeof(float) * n);
    for (long i = 0; i < n; i++) {
        p[i] = (float)rand() / RAND_MAX - 0.5f;
    }
    return p;
}

/* Median time of `count` back-to-back products, over `reps` repetitions, in ms. */
static double time_product(const Product *p, int reps) {
    float *a = randoms((long)p->m * p->k), *b = randoms((long)p->k * p->n), *c = randoms((long)p->m * p->n);
    int lda = p->transA ? p->m : p->k, ldb = p->transB ? p->k : p->n;
    double *ms = malloc(sizeof(double) * reps);
    for (int r = -5; r < reps; r++) {
        double t0 = now();
        for (int i = 0; i < p->count; i++) {
            cblas_sgemm(CblasRowMajor, p->transA ? CblasTrans : CblasNoTrans, p->transB ? CblasTrans : CblasNoTrans,
                        p->m, p->n, p->k, 1.0f, a, lda, b, ldb, 0.0f, c, p->n);
        }
        if (r >= 0) {
            ms[r] = (now() - t0) * 1e3;
        }
    }
    qsort(ms, reps, sizeof(double), cmp);
    double med = ms[reps / 2];
    free(ms);
    free(a);
    free(b);
    free(c);
    return med;
}

int main(int argc, char **argv) {
    int threads = argc > 1 ? atoi(argv[1]) : 2;
    int reps = argc > 2 ? atoi(argv[2]) : 101;
    openblas_set_num_threads(threads);
    const char *workloads[] = {"mlp", "cnn", "lstm"};
    for (int w = 0; w < 3; w++) {
        double total = 0;
        for (size_t i = 0; i < sizeof PRODUCTS / sizeof PRODUCTS[0]; i++) {
            const Product *p = &PRODUCTS[i];
            if (strcmp(p->workload, workloads[w]) != 0) {
                continue;
            }
            double ms = time_product(p, reps);
            total += ms;
            printf("product %s %d %d %d %d %.4f %s\n", p->workload, p->m, p->k, p->n, p->count, ms, p->name);
        }
        printf("total %s %.4f\n", workloads[w], total);
    }
    return 0;
}
