/* The density solve (density_body.h) with AVX2 + FMA; this file only gets
 * -mavx2 -mfma. */
#include <immintrin.h>

#include "mvn/density_kernels.h"

#define JR_DENS_FN jr_dens_solve_avx2
#define JR_DENS_W 4
/* 4 rows x 2 vectors: 8 partial sums, 2 y and a broadcast in the 16
 * registers; measured best of 8x1, 4x2, 5x2, 6x2, 2x4 (docs/performance.md) */
#define JR_DENS_R 4
#define JR_DENS_G 2
#define JR_DENS_NMA(a, s, y)                                                   \
  ((a) = (jr_dens_v)_mm256_fnmadd_pd(_mm256_set1_pd(s), (__m256d)(y),          \
                                     (__m256d)(a)))
#include "mvn/density_body.h"
