#ifndef BATCHSCORE_ROW_STABLE_H
#define BATCHSCORE_ROW_STABLE_H
#include <stddef.h>

/// out (n × c, column-major) = x (n × k, column-major) · W (k × c, column-major), every output
/// summed in feature order with a separate multiply and add, for every row alike: a row's bits do
/// not depend on n or on its position. AVX2 where the CPU has it, SSE2 otherwise — the same bits
/// either way (IEEE multiply and add are lane-independent; nothing is fused).
void bs_row_stable_multiply(size_t n, size_t k, size_t c, const double *x, const double *w, double *out);

#endif
