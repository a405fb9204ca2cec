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

#include "os/fpenv.h"
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

#if defined(__GNUC__)
#define JR_INLINE inline __attribute__((always_inline))
#else
#define JR_INLINE inline
#endif

/* One factor and mean for all rows and n within one vector (float32 n <= 8,
 * float64 n <= 4): the factor's columns and the mean stay in registers and n
 * is a constant (inlined per n), so a row is n broadcasts, n fmas, an add
 * and a store. The same chain per lane as jr_row_*. */
#define JR_DEFINE_SHARED(NAME, T, V, W, S, MASK, MASKLOAD, MASKSTORE, BCAST)   \
  static JR_INLINE void NAME(int64_t n, int64_t rows, const T *ft, const T *m, \
                             const T *z, T *out) {                             \
    V f[W];                                                                    \
    for (int64_t j = 0; j < n; j++)                                            \
      f[j] = _mm256_loadu_##S(ft + j * W); /* np == W */                       \
    const __m256i k = MASK(n);                                                 \
    const V mv = MASKLOAD(m, k);                                               \
    /* rows whose whole-vector store stays inside the block */                 \
    const int64_t full = rows * n >= W ? (rows * n - W) / n : 0;               \
    int64_t r = 0;                                                             \
    for (; r < full; r++) {                                                    \
      V acc = _mm256_setzero_##S();                                            \
      for (int64_t j = 0; j < n; j++)                                          \
        acc = _mm256_fmadd_##S(f[j], BCAST(z + r * n + j), acc);               \
      _mm256_storeu_##S(out + r * n, _mm256_add_##S(mv, acc));                 \
    }                                                                          \
    for (; r < rows; r++) {                                                    \
      V acc = _mm256_setzero_##S();                                            \
      for (int64_t j = 0; j < n; j++)                                          \
        acc = _mm256_fmadd_##S(f[j], BCAST(z + r * n + j), acc);               \
      MASKSTORE(out + r * n, k, _mm256_add_##S(mv, acc));                      \
    }                                                                          \
  }
JR_DEFINE_SHARED(jr_shared_f32, float, __m256, 8, ps, jr_mask32,
                 _mm256_maskload_ps, _mm256_maskstore_ps, _mm256_broadcast_ss)
JR_DEFINE_SHARED(jr_shared_f64, double, __m256d, 4, pd, jr_mask64,
                 _mm256_maskload_pd, _mm256_maskstore_pd, _mm256_broadcast_sd)

/* A factor and mean per row, n within one vector: n constant (inlined per
 * n), the same chain per lane as jr_row_* (W4: 4 x 4 float64, one factor
 * per row). */
#define JR_DEFINE_PERROW(NAME, T, V, W, S, MASK, MASKLOAD, MASKSTORE, BCAST)   \
  static JR_INLINE void NAME(int64_t n, int64_t rows, const void *const *fts,  \
                             const void *const *ms, const T *z, T *out) {      \
    const __m256i k = MASK(n);                                                 \
    const int64_t full = rows * n >= W ? (rows * n - W) / n : 0;               \
    for (int64_t r = 0; r < rows; r++) {                                       \
      const T *ft = fts[r];                                                    \
      V acc = _mm256_setzero_##S();                                            \
      for (int64_t j = 0; j < n; j++)                                          \
        acc = _mm256_fmadd_##S(_mm256_loadu_##S(ft + j * W),                   \
                               BCAST(z + r * n + j), acc);                     \
      const V res = _mm256_add_##S(MASKLOAD((const T *)ms[r], k), acc);        \
      if (r < full)                                                            \
        _mm256_storeu_##S(out + r * n, res);                                   \
      else                                                                     \
        MASKSTORE(out + r * n, k, res);                                        \
    }                                                                          \
  }
JR_DEFINE_PERROW(jr_perrow_f32, float, __m256, 8, ps, jr_mask32,
                 _mm256_maskload_ps, _mm256_maskstore_ps, _mm256_broadcast_ss)
JR_DEFINE_PERROW(jr_perrow_f64, double, __m256d, 4, pd, jr_mask64,
                 _mm256_maskload_pd, _mm256_maskstore_pd, _mm256_broadcast_sd)

/* 1 if handled by the per-row one-vector kernels. */
static int jr_transform_perrow(const jr_transform_block *b) {
  const int64_t rows = b->rows;
  const void *const *ft = b->factor_t, *const *m = b->mean;
  if (b->dtype == JR_FLOAT32) {
    const float *z = b->z;
    float *o = b->out;
    switch (b->n) {
    case 2: jr_perrow_f32(2, rows, ft, m, z, o); return 1;
    case 3: jr_perrow_f32(3, rows, ft, m, z, o); return 1;
    case 4: jr_perrow_f32(4, rows, ft, m, z, o); return 1;
    default: return 0;
    }
  }
  const double *z = b->z;
  double *o = b->out;
  switch (b->n) {
  case 2: jr_perrow_f64(2, rows, ft, m, z, o); return 1;
  case 3: jr_perrow_f64(3, rows, ft, m, z, o); return 1;
  case 4: jr_perrow_f64(4, rows, ft, m, z, o); return 1;
  default: return 0;
  }
}

/* 1 if handled by the shared-factor kernels. */
static int jr_transform_shared(const jr_transform_block *b) {
  const int64_t n = b->n, rows = b->rows;
  if (b->dtype == JR_FLOAT32) {
    const float *ft = b->factor_t[0], *m = b->mean[0], *z = b->z;
    float *o = b->out;
    switch (n) {
    case 1: jr_shared_f32(1, rows, ft, m, z, o); return 1;
    case 2: jr_shared_f32(2, rows, ft, m, z, o); return 1;
    case 3: jr_shared_f32(3, rows, ft, m, z, o); return 1;
    case 4: jr_shared_f32(4, rows, ft, m, z, o); return 1;
    case 5: jr_shared_f32(5, rows, ft, m, z, o); return 1;
    case 6: jr_shared_f32(6, rows, ft, m, z, o); return 1;
    case 7: jr_shared_f32(7, rows, ft, m, z, o); return 1;
    case 8: jr_shared_f32(8, rows, ft, m, z, o); return 1;
    default: return 0;
    }
  }
  const double *ft = b->factor_t[0], *m = b->mean[0], *z = b->z;
  double *o = b->out;
  switch (n) {
  case 1: jr_shared_f64(1, rows, ft, m, z, o); return 1;
  case 2: jr_shared_f64(2, rows, ft, m, z, o); return 1;
  case 3: jr_shared_f64(3, rows, ft, m, z, o); return 1;
  case 4: jr_shared_f64(4, rows, ft, m, z, o); return 1;
  default: return 0;
  }
}

static void jr_transform_any(const jr_transform_block *b) {
  if (b->shared && b->rows > 0 && jr_transform_shared(b)) return;
  if (!b->shared && jr_transform_perrow(b)) return;
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

/* The kernel table's entry: inside XLA:CPU's FTZ / DAZ mode (fpenv.h). */
void jr_transform_rows_avx2(const jr_transform_block *b) {
  const unsigned fp = jr_fpenv_flush_begin();
  jr_transform_any(b);
  jr_fpenv_flush_end(fp);
}
