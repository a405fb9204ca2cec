/* The own linear algebra (gemm_body.h, chol_body.h, product_body.h,
 * solve_body.h) with AVX2 +
 * FMA; this file only is compiled with -mavx2 -mfma. Register tile 6 x 2
 * vectors (12 of the 16 ymm registers hold sums). */
#include <immintrin.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "linalg/chol.h"
#include "linalg/linalg_kernels.h"

#if defined(__GNUC__)
#define JR_INLINE inline __attribute__((always_inline))
#else
#define JR_INLINE inline
#endif

#define JR_F(name) jr_##name##_f64_avx2
#define T double
#define V __m256d
#define W 4
#define NV 2
#define MR 6
#define KC 192
#define MC 96
#define NC 256
#define NB 16
/* the triangular solve's register tile (the fastest of those tried:
 * docs/performance.md): SR rows of U by SNV vectors of samples */
#define SR 3
#define SNV 4
#define KCP JR_PRODUCT_KC
#define MCP JR_PRODUCT_MC
#define PW JR_PRODUCT_PANEL_F64
#define TBITS uint64_t
#define EXPMASK 0x7FF0000000000000ull
#define VLOADU _mm256_loadu_pd
#define VSTOREU _mm256_storeu_pd
#define VSET1 _mm256_set1_pd
#define VZERO _mm256_setzero_pd
#define VADD _mm256_add_pd
#define VSUB _mm256_sub_pd
#define VMUL _mm256_mul_pd
#define VDIV _mm256_div_pd
#define VSQRT _mm256_sqrt_pd
#define VFMA _mm256_fmadd_pd
#define VFNMA _mm256_fnmadd_pd
#define SFMA fma
#define SSQRT sqrt
#define SROW jr_product_row_f64
#define IT int64_t
#define VI __m256i
#define VILOAD(p) _mm256_load_si256((const __m256i *)(p))
#define VGATHER(p, ix) _mm256_i64gather_pd(p, ix, 8)
/* the micro-kernel first: the other bodies use it */
#include "linalg/gemm_body.h"

#include "linalg/chol_body.h"
#include "linalg/product_body.h"
#include "linalg/solve_body.h"
#undef JR_F
#undef T
#undef V
#undef W
#undef PW
#undef TBITS
#undef EXPMASK
#undef VLOADU
#undef VSTOREU
#undef VSET1
#undef VZERO
#undef VADD
#undef VSUB
#undef VMUL
#undef VDIV
#undef VSQRT
#undef VFMA
#undef VFNMA
#undef SFMA
#undef SSQRT
#undef SROW
#undef IT
#undef VGATHER

#define JR_F(name) jr_##name##_f32_avx2
#define T float
#define V __m256
#define W 8
#define PW JR_PRODUCT_PANEL_F32
#define TBITS uint32_t
#define EXPMASK 0x7F800000u
#define VLOADU _mm256_loadu_ps
#define VSTOREU _mm256_storeu_ps
#define VSET1 _mm256_set1_ps
#define VZERO _mm256_setzero_ps
#define VADD _mm256_add_ps
#define VSUB _mm256_sub_ps
#define VMUL _mm256_mul_ps
#define VDIV _mm256_div_ps
#define VSQRT _mm256_sqrt_ps
#define VFMA _mm256_fmadd_ps
#define VFNMA _mm256_fnmadd_ps
#define SFMA fmaf
#define SSQRT sqrtf
#define SROW jr_product_row_f32
#define IT int32_t
#define VGATHER(p, ix) _mm256_i32gather_ps(p, ix, 4)
/* the micro-kernel first: the other bodies use it */
#include "linalg/gemm_body.h"

#include "linalg/chol_body.h"
#include "linalg/product_body.h"
#include "linalg/solve_body.h"

/* This set's entries of the kernel table (the table is kernels_avx2.c's). */
JR_DEFINE_LINALG_SET(avx2)
