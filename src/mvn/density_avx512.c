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

#if defined(JR_EMULATE_AVX512)
void jr_dens_gather_avx512(int64_t n, int cnt, const double *const *x,
                           const double *const *m, double *d) {
  jr_dens_gather_ref(n, cnt, x, m, d);
}
#else
/* 8 points' components [i, i + 8) (masked past n) minus their means,
 * transposed in registers: 8 stores of 8 points each instead of 64 single
 * ones. Points past cnt are zeros. */
void jr_dens_gather_avx512(int64_t n, int cnt, const double *const *x,
                           const double *const *m, double *d) {
  enum { B = JR_DENS_BLOCK };
  for (int k0 = 0; k0 < B; k0 += 8) {
    const int valid = cnt - k0 < 0 ? 0 : cnt - k0 > 8 ? 8 : cnt - k0;
    for (int64_t i = 0; i < n; i += 8) {
      const int64_t left = n - i;
      const __mmask8 mask =
          left >= 8 ? (__mmask8)0xFF : (__mmask8)((1u << left) - 1u);
      __m512d r[8];
      for (int k = 0; k < 8; k++)
        r[k] = k < valid
                   ? _mm512_sub_pd(_mm512_maskz_loadu_pd(mask, x[k0 + k] + i),
                                   _mm512_maskz_loadu_pd(mask, m[k0 + k] + i))
                   : _mm512_setzero_pd();
      const __m512d t0 = _mm512_unpacklo_pd(r[0], r[1]),
                    t1 = _mm512_unpackhi_pd(r[0], r[1]),
                    t2 = _mm512_unpacklo_pd(r[2], r[3]),
                    t3 = _mm512_unpackhi_pd(r[2], r[3]),
                    t4 = _mm512_unpacklo_pd(r[4], r[5]),
                    t5 = _mm512_unpackhi_pd(r[4], r[5]),
                    t6 = _mm512_unpacklo_pd(r[6], r[7]),
                    t7 = _mm512_unpackhi_pd(r[6], r[7]);
      const __m512d u0 = _mm512_shuffle_f64x2(t0, t2, 0x88),
                    u1 = _mm512_shuffle_f64x2(t0, t2, 0xDD),
                    u2 = _mm512_shuffle_f64x2(t1, t3, 0x88),
                    u3 = _mm512_shuffle_f64x2(t1, t3, 0xDD),
                    u4 = _mm512_shuffle_f64x2(t4, t6, 0x88),
                    u5 = _mm512_shuffle_f64x2(t4, t6, 0xDD),
                    u6 = _mm512_shuffle_f64x2(t5, t7, 0x88),
                    u7 = _mm512_shuffle_f64x2(t5, t7, 0xDD);
      /* column j: component i + j of the 8 points */
      const __m512d c[8] = {_mm512_shuffle_f64x2(u0, u4, 0x88),
                            _mm512_shuffle_f64x2(u2, u6, 0x88),
                            _mm512_shuffle_f64x2(u1, u5, 0x88),
                            _mm512_shuffle_f64x2(u3, u7, 0x88),
                            _mm512_shuffle_f64x2(u0, u4, 0xDD),
                            _mm512_shuffle_f64x2(u2, u6, 0xDD),
                            _mm512_shuffle_f64x2(u1, u5, 0xDD),
                            _mm512_shuffle_f64x2(u3, u7, 0xDD)};
      for (int j = 0; j < 8 && j < left; j++)
        _mm512_storeu_pd(d + (i + j) * B + k0, c[j]);
    }
  }
}
#endif
