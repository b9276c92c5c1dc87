/* Timing helpers shared by the native peers (openblas_gemm.c, step_products.c). */
#ifndef LETHE_TIMING_H
#define LETHE_TIMING_H

#include <time.h>

extern void openblas_set_num_threads(int);

/* Monotonic seconds. */
static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

/* qsort order of doubles. */
static int cmp(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

#endif
