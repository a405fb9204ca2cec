/* The exact mean + F z transform with AVX2 + FMA (this file only is compiled
 * with -mavx2 -mfma). Lanes are output components i of one row: lane i runs
 * acc = fma(F[i][j], z[j], acc) for j = 0, 1, ... from +0, then mean[i] + acc,
 * the very chain of jr_transform_rows, so the bytes are identical. Up to four
 * vectors of components are live at once (all of them for n <= 16).
 *
 * A row's last, partial vector is stored whole (the lanes past n spill into
 * the next rows of this block, which are written afterwards) while it stays
 * inside the block: a masked store (vmaskmov) costs several times a plain
 * one on Zen. Only the block's last rows use the masked store, so nothing
 * outside the block is ever written. */
#include <immintrin.h>

#include "linalg/transform.h"

/* Lanes [0, k) set, for the masked load/store of a row's last vector. */
static inline __m256i jr_mask32(int64_t k) {
  const __m256i iota = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
  return _mm256_cmpgt_epi32(_mm256_set1_epi32((int)k), iota);
}
static inline __m256i jr_mask64(int64_t k) {
  const __m256i iota = _mm256_setr_epi64x(0, 1, 2, 3);
  return _mm256_cmpgt_epi64(_mm256_set1_epi64x(k), iota);
}

/* Components [i0, i0 + 8 nv) of one row (nv <= 4), float32. */
static inline void jr_row_f32(int nv, int64_t n, int64_t np, int64_t i0,
                              const float *ft, const float *zr, const float *m,
                              float *o, int over) {
  __m256 acc[4];
  for (int v = 0; v < 4; v++)
    acc[v] = _mm256_setzero_ps();
  for (int64_t j = 0; j < n; j++) {
    const __m256 zj = _mm256_broadcast_ss(zr + j);
    const float *fj = ft + j * np + i0;
    for (int v = 0; v < nv; v++)
      acc[v] = _mm256_fmadd_ps(_mm256_loadu_ps(fj + 8 * v), zj, acc[v]);
  }
  for (int v = 0; v < nv; v++) {
    const int64_t i = i0 + 8 * v;
    if (n - i >= 8) {
      _mm256_storeu_ps(o + i, _mm256_add_ps(_mm256_loadu_ps(m + i), acc[v]));
    } else if (over) {
      const __m256i k = jr_mask32(n - i);
      _mm256_storeu_ps(o + i,
                       _mm256_add_ps(_mm256_maskload_ps(m + i, k), acc[v]));
    } else {
      const __m256i k = jr_mask32(n - i);
      _mm256_maskstore_ps(o + i, k,
                          _mm256_add_ps(_mm256_maskload_ps(m + i, k), acc[v]));
    }
  }
}

static inline void jr_row_f64(int nv, int64_t n, int64_t np, int64_t i0,
                              const double *ft, const double *zr,
                              const double *m, double *o, int over) {
  __m256d acc[4];
  for (int v = 0; v < 4; v++)
    acc[v] = _mm256_setzero_pd();
  for (int64_t j = 0; j < n; j++) {
    const __m256d zj = _mm256_broadcast_sd(zr + j);
    const double *fj = ft + j * np + i0;
    for (int v = 0; v < nv; v++)
      acc[v] = _mm256_fmadd_pd(_mm256_loadu_pd(fj + 4 * v), zj, acc[v]);
  }
  for (int v = 0; v < nv; v++) {
    const int64_t i = i0 + 4 * v;
    if (n - i >= 4) {
      _mm256_storeu_pd(o + i, _mm256_add_pd(_mm256_loadu_pd(m + i), acc[v]));
    } else if (over) {
      const __m256i k = jr_mask64(n - i);
      _mm256_storeu_pd(o + i,
                       _mm256_add_pd(_mm256_maskload_pd(m + i, k), acc[v]));
    } else {
      const __m256i k = jr_mask64(n - i);
      _mm256_maskstore_pd(o + i, k,
                          _mm256_add_pd(_mm256_maskload_pd(m + i, k), acc[v]));
    }
  }
}

/* One row: chunks of four vectors, then the rest. The constant nv in each
 * call lets the compiler unroll and keep acc in registers. */
#define JR_ROW(W, ROW)                                                         \
  do {                                                                         \
    const int64_t nvec = np / (W);                                             \
    int64_t c = 0;                                                             \
    for (; c + 4 <= nvec; c += 4)                                              \
      ROW(4, n, np, c *(W), ft, zr, m, o, over);                               \
    switch (nvec - c) {                                                        \
    case 3: ROW(3, n, np, c *(W), ft, zr, m, o, over); break;                  \
    case 2: ROW(2, n, np, c *(W), ft, zr, m, o, over); break;                  \
    case 1: ROW(1, n, np, c *(W), ft, zr, m, o, over); break;                  \
    default: break;                                                            \
    }                                                                          \
  } while (0)

void jr_transform_rows_avx2(const jr_transform_block *b) {
  const int64_t n = b->n, np = jr_xform_pad(b->dtype, n);
  if (b->dtype == JR_FLOAT32) {
    for (int64_t r = 0; r < b->rows; r++) {
      const float *ft = b->factor_t[r], *m = b->mean[r];
      const float *zr = (const float *)b->z + r * n;
      float *o = (float *)b->out + r * n;
      const int over = (r + 1) * n + 8 <= b->rows * n;
      JR_ROW(8, jr_row_f32);
    }
  } else {
    for (int64_t r = 0; r < b->rows; r++) {
      const double *ft = b->factor_t[r], *m = b->mean[r];
      const double *zr = (const double *)b->z + r * n;
      double *o = (double *)b->out + r * n;
      const int over = (r + 1) * n + 4 <= b->rows * n;
      JR_ROW(4, jr_row_f64);
    }
  }
}
