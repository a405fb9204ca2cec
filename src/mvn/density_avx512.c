/* The density solve (density_body.h) with AVX-512F; this file only gets the
 * AVX-512 flags. The emulated AVX-512 test build runs on CPUs without it:
 * there each fused step is the C library's fma per lane (the same bytes). */
#include <math.h>

#include "mvn/density_kernels.h"

#define JR_DENS_FN jr_dens_solve_avx512
#define JR_DENS_W 8
/* 4 rows x 4 vectors (a 32-point block): 16 partial sums, 4 y and a
 * broadcast in the 32 registers; 8 loads per 16 fused steps. Measured best
 * of 8x1, 8x2, 4x2, 3x4, 5x4, 6x4 at n = 100 (docs/performance.md) */
#define JR_DENS_R 4
#define JR_DENS_G 4
#if defined(JR_EMULATE_AVX512)
#define JR_DENS_NMA(a, s, y)                                                   \
  for (int j_ = 0; j_ < JR_DENS_W; j_++)                                       \
  (a)[j_] = fma(-(s), (y)[j_], (a)[j_])
#else
#include <immintrin.h>
#define JR_DENS_NMA(a, s, y)                                                   \
  ((a) = (jr_dens_v)_mm512_fnmadd_pd(_mm512_set1_pd(s), (__m512d)(y),          \
                                     (__m512d)(a)))
#endif
#include "mvn/density_body.h"
