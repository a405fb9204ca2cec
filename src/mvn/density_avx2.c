/* The density solve (density_body.h) with AVX2 + FMA; this file only gets
 * -mavx2 -mfma. */
#include <immintrin.h>

#include "mvn/density_kernels.h"

#define JR_DENS_FN jr_dens_solve_avx2
#define JR_DENS_W 4
#define JR_DENS_NMA(a, s, y)                                                   \
  ((a) = (jr_dens_v)_mm256_fnmadd_pd(_mm256_set1_pd(s), (__m256d)(y),          \
                                     (__m256d)(a)))
#include "mvn/density_body.h"
