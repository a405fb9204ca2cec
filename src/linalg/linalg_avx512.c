/* The own linear algebra (gemm_body.h, chol_body.h, product_body.h,
 * solve_body.h) with
 * AVX-512 (F, DQ, VL); this file only is compiled with -mavx512f -mavx512dq
 * -mavx512vl -mfma (or, in the test-only emulated build, against SIMDe with
 * -mavx2 -mfma). Register tile 12 x 2 vectors (24 of the 32 zmm registers hold
 * sums). */
#if defined(JR_EMULATE_AVX512)
#include "kernels/avx512_simde.h" /* test only: SIMDe emulates AVX-512 */
/* vgatherdps, which SIMDe 0.7.4 lacks: lane l loads the float at
 * (char *)base + ix[l] * scale (Intel's definition). */
static inline __m512 jr_emu_i32gather_ps(__m512i ix, const void *base,
                                         int scale) {
  int32_t j[16];
  float r[16];
  memcpy(j, &ix, sizeof j);
  for (int l = 0; l < 16; l++)
    memcpy(&r[l], (const char *)base + (int64_t)j[l] * scale, sizeof r[l]);
  __m512 v;
  memcpy(&v, r, sizeof v);
  return v;
}
#undef _mm512_i32gather_ps
#define _mm512_i32gather_ps jr_emu_i32gather_ps
#else
#include <immintrin.h>
#endif
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "linalg/chol.h"
#include "linalg/linalg_kernels.h"

#if defined(__GNUC__)
#define JR_INLINE inline __attribute__((always_inline))
#else
#define JR_INLINE inline
#endif

#define JR_F(name) jr_##name##_f64_avx512
#define T double
#define V __m512d
#define W 8
#define NV 2
#define MR 12
#define KC 192
#define MC 96
#define NC 256
#define NB 16
/* the triangular solve's register tile (the fastest of those tried:
 * docs/performance.md): SR rows of U by SNV vectors of samples */
#define SR 6
#define SNV 4
#define KCP JR_PRODUCT_KC
#define MCP JR_PRODUCT_MC
#define PW JR_PRODUCT_PANEL_F64
#define TBITS uint64_t
#define EXPMASK 0x7FF0000000000000ull
#define VLOADU _mm512_loadu_pd
#define VSTOREU _mm512_storeu_pd
#define VSET1 _mm512_set1_pd
#define VZERO _mm512_setzero_pd
#define VADD _mm512_add_pd
#define VSUB _mm512_sub_pd
#define VMUL _mm512_mul_pd
#define VDIV _mm512_div_pd
#define VSQRT _mm512_sqrt_pd
#define VFMA _mm512_fmadd_pd
#define VFNMA _mm512_fnmadd_pd
#define SFMA fma
#define SSQRT sqrt
#define SROW jr_product_row_f64
#define IT int64_t
#define VI __m512i
#define VILOAD(p) _mm512_load_si512(p)
#define VGATHER(p, ix) _mm512_i64gather_pd(ix, p, 8)
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

#define JR_F(name) jr_##name##_f32_avx512
#define T float
#define V __m512
#define W 16
#define PW JR_PRODUCT_PANEL_F32
#define TBITS uint32_t
#define EXPMASK 0x7F800000u
#define VLOADU _mm512_loadu_ps
#define VSTOREU _mm512_storeu_ps
#define VSET1 _mm512_set1_ps
#define VZERO _mm512_setzero_ps
#define VADD _mm512_add_ps
#define VSUB _mm512_sub_ps
#define VMUL _mm512_mul_ps
#define VDIV _mm512_div_ps
#define VSQRT _mm512_sqrt_ps
#define VFMA _mm512_fmadd_ps
#define VFNMA _mm512_fnmadd_ps
#define SFMA fmaf
#define SSQRT sqrtf
#define SROW jr_product_row_f32
#define IT int32_t
#define VGATHER(p, ix) _mm512_i32gather_ps(ix, p, 4)
/* the micro-kernel first: the other bodies use it */
#include "linalg/gemm_body.h"

#include "linalg/chol_body.h"
#include "linalg/product_body.h"
#include "linalg/solve_body.h"

/* This set's entries of the kernel table (the table is kernels_avx512.c's). */
JR_DEFINE_LINALG_SET(avx512)
