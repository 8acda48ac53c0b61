// The fixed-order product behind RowStableProduct (see row_stable.h). Written in C for one reason:
// Swift builds for baseline x86-64 (SSE2, 2 doubles a register, and it spilled the 8 × 4
// accumulators), while this file can carry an AVX2 version chosen at run time. FMA is never used
// and contraction is off, so both versions and the scalar tail compute x0*w0, then s + x1*w1, ...
// exactly alike.
#pragma STDC FP_CONTRACT OFF
#include "row_stable.h"
#include <stdlib.h>

typedef double lanes __attribute__((vector_size(32), aligned(8)));

// One row, one output: the reference order every vector lane follows too.
static inline double one_row(size_t r, size_t n, size_t k, const double *x, const double *w) {
    double s = x[r] * w[0];
    for (size_t f = 1; f < k; f++) s = s + x[f * n + r] * w[f];
    return s;
}

// For each 8-row chunk, the chunk's features are first packed contiguously (k × 8 doubles): the
// column-major input has k streams n doubles apart, too many for the prefetchers at k = 64, and
// the packed chunk then feeds every output group from L1.
#define KERNEL_BODY                                                                                   \
    size_t r = 0;                                                                                     \
    for (; r + 8 <= n; r += 8) {                                                                      \
        for (size_t f = 0; f < k; f++) __builtin_memcpy(pack + 8 * f, x + f * n + r, 8 * sizeof(double)); \
        size_t j = 0;                                                                                 \
        for (; j + 4 <= c; j += 4) {                                                                  \
            const double *w0 = w + j * k, *w1 = w0 + k, *w2 = w1 + k, *w3 = w2 + k;                   \
            lanes xa, xb;                                                                             \
            __builtin_memcpy(&xa, pack, sizeof xa);                                                   \
            __builtin_memcpy(&xb, pack + 4, sizeof xb);                                               \
            lanes a0 = xa * w0[0], b0 = xb * w0[0], a1 = xa * w1[0], b1 = xb * w1[0];                 \
            lanes a2 = xa * w2[0], b2 = xb * w2[0], a3 = xa * w3[0], b3 = xb * w3[0];                 \
            for (size_t f = 1; f < k; f++) {                                                          \
                __builtin_memcpy(&xa, pack + 8 * f, sizeof xa);                                       \
                __builtin_memcpy(&xb, pack + 8 * f + 4, sizeof xb);                                   \
                a0 = a0 + xa * w0[f]; b0 = b0 + xb * w0[f];                                           \
                a1 = a1 + xa * w1[f]; b1 = b1 + xb * w1[f];                                           \
                a2 = a2 + xa * w2[f]; b2 = b2 + xb * w2[f];                                           \
                a3 = a3 + xa * w3[f]; b3 = b3 + xb * w3[f];                                           \
            }                                                                                         \
            double *o = out + j * n + r;                                                              \
            __builtin_memcpy(o, &a0, sizeof a0); __builtin_memcpy(o + 4, &b0, sizeof b0);             \
            __builtin_memcpy(o + n, &a1, sizeof a1); __builtin_memcpy(o + n + 4, &b1, sizeof b1);     \
            __builtin_memcpy(o + 2 * n, &a2, sizeof a2); __builtin_memcpy(o + 2 * n + 4, &b2, sizeof b2); \
            __builtin_memcpy(o + 3 * n, &a3, sizeof a3); __builtin_memcpy(o + 3 * n + 4, &b3, sizeof b3); \
        }                                                                                             \
        for (; j < c; j++) {                                                                          \
            const double *wj = w + j * k;                                                             \
            lanes xa, xb;                                                                             \
            __builtin_memcpy(&xa, pack, sizeof xa);                                                   \
            __builtin_memcpy(&xb, pack + 4, sizeof xb);                                               \
            lanes a = xa * wj[0], b = xb * wj[0];                                                     \
            for (size_t f = 1; f < k; f++) {                                                          \
                __builtin_memcpy(&xa, pack + 8 * f, sizeof xa);                                       \
                __builtin_memcpy(&xb, pack + 8 * f + 4, sizeof xb);                                   \
                a = a + xa * wj[f]; b = b + xb * wj[f];                                               \
            }                                                                                         \
            double *o = out + j * n + r;                                                              \
            __builtin_memcpy(o, &a, sizeof a); __builtin_memcpy(o + 4, &b, sizeof b);                 \
        }                                                                                             \
    }                                                                                                 \
    for (; r < n; r++)                                                                                \
        for (size_t j = 0; j < c; j++) out[j * n + r] = one_row(r, n, k, x, w + j * k);

__attribute__((target("avx2")))
static void multiply_avx2(size_t n, size_t k, size_t c, const double *x, const double *w, double *out, double *pack) {
    KERNEL_BODY
}

static void multiply_baseline(size_t n, size_t k, size_t c, const double *x, const double *w, double *out, double *pack) {
    KERNEL_BODY
}

void bs_row_stable_multiply(size_t n, size_t k, size_t c, const double *x, const double *w, double *out) {
    if (n == 0 || c == 0) return;
    if (k == 0) {
        for (size_t i = 0; i < n * c; i++) out[i] = 0;
        return;
    }
    double small[8 * 256];
    double *pack = k <= 256 ? small : malloc(8 * k * sizeof(double));
    if (!pack) {  // out of memory for a huge layer: the unpacked reference order, same bits
        for (size_t r = 0; r < n; r++)
            for (size_t j = 0; j < c; j++) out[j * n + r] = one_row(r, n, k, x, w + j * k);
        return;
    }
    if (__builtin_cpu_supports("avx2")) multiply_avx2(n, k, c, x, w, out, pack);
    else multiply_baseline(n, k, c, x, w, out, pack);
    if (pack != small) free(pack);
}
