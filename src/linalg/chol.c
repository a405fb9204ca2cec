/* The own Cholesky: the scalar definition of truth (jr_chol_ref_*, potf2
 * order for n <= JR_CHOL_POTF2_MAX), the symmetrizing load, JAX's NaN factor
 * on failure, and the entry points that run the active kernel set. The
 * order is written down in docs/linalg.md; every operation is XLA:CPU's
 * flush-to-zero arithmetic (math/ftz.h). */
#include "linalg/chol.h"

#include <math.h>
#include <stdlib.h>

#include "linalg/linalg_kernels.h"
#include "math/ftz.h"

/* Tiles keep both the row and the column reads of the symmetrization in
 * cache for large n. */
enum { JR_TILE = 32 };

#define JR_DEFINE_CHOL_REF(X, T)                                               \
  void jr_chol_load_##X(int64_t n, const T *cov, int64_t ldc, T *a,            \
                        int64_t lda) {                                         \
    for (int64_t i0 = 0; i0 < n; i0 += JR_TILE)                                \
      for (int64_t j0 = 0; j0 <= i0; j0 += JR_TILE) {                          \
        const int64_t i1 = i0 + JR_TILE < n ? i0 + JR_TILE : n;                \
        const int64_t j1 = j0 + JR_TILE < n ? j0 + JR_TILE : n;                \
        for (int64_t i = i0; i < i1; i++)                                      \
          for (int64_t j = j0; j < j1; j++) {                                  \
            const T s = jr_add_##X(cov[i * ldc + j], cov[j * ldc + i]);        \
            /* * 0.5 rounds exactly as / 2 (the same exact value) */           \
            a[i * lda + j] = j > i ? (T)0 : jr_mul_##X(s, (T)0.5);             \
          }                                                                    \
      }                                                                        \
    for (int64_t i = 0; i < n; i++)                                            \
      for (int64_t j = (i / JR_TILE + 1) * JR_TILE; j < n; j++)                \
        a[i * lda + j] = (T)0;                                                 \
  }                                                                            \
  void jr_chol_finish_##X(int64_t n, T *a, int64_t lda, int64_t info) {        \
    const T nan = (T)NAN;                                                      \
    for (int64_t i = 0; i < n; i++) {                                          \
      if (info > 0)                                                            \
        for (int64_t j = 0; j <= i; j++)                                       \
          a[i * lda + j] = nan;                                                \
      for (int64_t j = i + 1; j < n; j++)                                      \
        a[i * lda + j] = (T)0;                                                 \
    }                                                                          \
  }                                                                            \
  /* OpenBLAS's potf2_L for small n: its dot and gemv tails are in-order       \
   * sums of separately rounded products from +0. */                           \
  int64_t jr_potf2_ref_##X(int64_t n, T *a, int64_t lda) {                     \
    for (int64_t j = 0; j < n; j++) {                                          \
      T *aj = a + j * lda;                                                     \
      T dot = 0;                                                               \
      for (int64_t k = 0; k < j; k++) {                                        \
        const T p = jr_mul_##X(aj[k], aj[k]);                                  \
        dot = jr_add_##X(dot, p);                                              \
      }                                                                        \
      const T d = jr_sub_##X(aj[j], dot);                                      \
      if (!jr_gt0_##X(d)) return j + 1;                                        \
      aj[j] = jr_sqrt_##X(d);                                                  \
      const T r = jr_div_##X((T)1, aj[j]);                                     \
      for (int64_t i = j + 1; i < n; i++) {                                    \
        T *ai = a + i * lda;                                                   \
        T t = 0;                                                               \
        for (int64_t k = 0; k < j; k++) {                                      \
          const T p = jr_mul_##X(ai[k], aj[k]);                                \
          t = jr_add_##X(t, p);                                                \
        }                                                                      \
        if (j > 0) ai[j] = jr_sub_##X(ai[j], t);                               \
        ai[j] = jr_mul_##X(ai[j], r);                                          \
      }                                                                        \
    }                                                                          \
    return 0;                                                                  \
  }                                                                            \
  /* The fma order: c = a_ij; c = fma(-L_ik, L_jk, c), k = 0..j-1; the         \
   * pivot fails unless c > 0; L_jj = sqrt(c); L_ij = c * (1 / L_jj). */       \
  int64_t jr_chol_ref_##X(int64_t n, T *a, int64_t lda) {                      \
    if (n <= JR_CHOL_POTF2_MAX) return jr_potf2_ref_##X(n, a, lda);            \
    for (int64_t j = 0; j < n; j++) {                                          \
      T *aj = a + j * lda;                                                     \
      T d = aj[j];                                                             \
      for (int64_t k = 0; k < j; k++)                                          \
        d = jr_fma_##X(-aj[k], aj[k], d);                                      \
      if (!jr_gt0_##X(d)) return j + 1;                                        \
      aj[j] = jr_sqrt_##X(d);                                                  \
      const T r = jr_div_##X((T)1, aj[j]);                                     \
      for (int64_t i = j + 1; i < n; i++) {                                    \
        T *ai = a + i * lda;                                                   \
        T c = ai[j];                                                           \
        for (int64_t k = 0; k < j; k++)                                        \
          c = jr_fma_##X(-ai[k], aj[k], c);                                    \
        ai[j] = jr_mul_##X(c, r);                                              \
      }                                                                        \
    }                                                                          \
    return 0;                                                                  \
  }                                                                            \
  void jr_chol_batch_ref_##X(int64_t n, int64_t count, const T *cov, T *f,     \
                             int64_t *info, int colmajor) {                    \
    const int64_t nn = n * n;                                                  \
    for (int64_t e = 0; e < count; e++) {                                      \
      T *fe = f + e * nn;                                                      \
      jr_chol_load_##X(n, cov + e * nn, n, fe, n);                             \
      info[e] = jr_chol_ref_##X(n, fe, n);                                     \
      jr_chol_finish_##X(n, fe, n, info[e]);                                   \
      for (int64_t i = 0; colmajor && i < n; i++)                              \
        for (int64_t j = i + 1; j < n; j++) {                                  \
          const T t = fe[i * n + j];                                           \
          fe[i * n + j] = fe[j * n + i];                                       \
          fe[j * n + i] = t;                                                   \
        }                                                                      \
    }                                                                          \
  }
JR_DEFINE_CHOL_REF(f32, float)
JR_DEFINE_CHOL_REF(f64, double)

jr_status jr_chol(jr_dtype dtype, int64_t n, const void *cov, int64_t ldc,
                  void *f, int64_t ldf, int64_t *info) {
  *info = 0;
  if (n <= 0) return JR_OK;
  const jr_kernels *k;
  /* the unblocked sizes use no kernel entry, so no linear-algebra check */
  jr_status st =
      n <= JR_CHOL_POTF2_MAX ? jr_kernels_get(&k) : jr_kernels_get_linalg(&k);
  if (st != JR_OK) return st;
  int64_t r;
  if (dtype == JR_FLOAT32) {
    jr_chol_load_f32(n, cov, ldc, f, ldf);
    r = n <= JR_CHOL_POTF2_MAX ? jr_potf2_ref_f32(n, f, ldf)
                               : k->chol_f32(n, f, ldf);
    if (r >= 0) jr_chol_finish_f32(n, f, ldf, r);
  } else {
    jr_chol_load_f64(n, cov, ldc, f, ldf);
    r = n <= JR_CHOL_POTF2_MAX ? jr_potf2_ref_f64(n, f, ldf)
                               : k->chol_f64(n, f, ldf);
    if (r >= 0) jr_chol_finish_f64(n, f, ldf, r);
  }
  if (r < 0)
    return jr_fail(JR_E_OUT_OF_MEMORY,
                   "cannot allocate the packing scratch of a %lld x %lld "
                   "Cholesky factorization",
                   (long long)n, (long long)n);
  *info = r;
  return JR_OK;
}

void jr_chol_batch(jr_dtype dtype, int64_t n, int64_t count, const void *cov,
                   void *f, int64_t *info, int colmajor) {
  if (n <= 0 || count <= 0) return;
  /* No status to return: callers take the table with jr_kernels_get_linalg
   * first (and stop on its error), so the reference here is never a
   * switch. */
  const jr_kernels *k;
  if (jr_kernels_get_linalg(&k) != JR_OK) k = &jr_kernels_ref;
  if (dtype == JR_FLOAT32)
    k->chol_batch_f32(n, count, cov, f, info, colmajor);
  else
    k->chol_batch_f64(n, count, cov, f, info, colmajor);
}
