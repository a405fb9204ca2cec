/* Covariance factorizations with LAPACKE, as JAX computes them on CPU: the
 * same routines, column-major, the same symmetrization and NaN on failure
 * (algorithm.md section 8.4). */
#include "linalg/factor.h"

#include <lapacke.h>
#include <math.h>
#include <stdatomic.h>
#include <stdlib.h>

/* Column-major working copy a[i + j n] of the (symmetrized) covariance. The
 * symmetrization (x + x^T) / 2 is rounded in the factor's dtype, as XLA does;
 * for a symmetric input it is exact. Tiles of JR_TILE x JR_TILE keep both the
 * row and the column reads in cache for large n (W3: n = 1000). */
enum { JR_TILE = 32 };
#define JR_DEFINE_LOAD(NAME, T)                                                \
  static void NAME(int64_t n, const T *cov, int symmetrize, T *a) {            \
    for (int64_t i0 = 0; i0 < n; i0 += JR_TILE)                                \
      for (int64_t j0 = 0; j0 < n; j0 += JR_TILE) {                            \
        const int64_t i1 = i0 + JR_TILE < n ? i0 + JR_TILE : n;                \
        const int64_t j1 = j0 + JR_TILE < n ? j0 + JR_TILE : n;                \
        for (int64_t j = j0; j < j1; j++)                                      \
          for (int64_t i = i0; i < i1; i++) {                                  \
            T x = cov[i * n + j];                                              \
            if (symmetrize) {                                                  \
              T s = x + cov[j * n + i];                                        \
              x = s / (T)2;                                                    \
            }                                                                  \
            a[i + j * n] = x;                                                  \
          }                                                                    \
      }                                                                        \
  }
JR_DEFINE_LOAD(jr_load_s, float)
JR_DEFINE_LOAD(jr_load_d, double)

static jr_status jr_lapack_status(const char *routine, lapack_int info) {
  if (info == LAPACK_WORK_MEMORY_ERROR || info == LAPACK_TRANSPOSE_MEMORY_ERROR)
    return jr_fail(JR_E_OUT_OF_MEMORY,
                   "%s: LAPACKE could not allocate its "
                   "workspace",
                   routine);
  return jr_fail(JR_E_LAPACK, "%s: LAPACK rejected argument %d", routine,
                 (int)-info);
}

/* The factor in row-major f from LAPACK's column-major results. `scale` is
 * NULL for cholesky (f = lower triangle of a), else the eigen/singular
 * values: f[i][k] = u[i + k n] * sqrt(scale[k]), each product rounded. */
#define JR_DEFINE_FACTOR(NAME, T, SQRT)                                        \
  static void NAME(int64_t n, const T *u, const T *scale, int failed, T *f) {  \
    const T nan = (T)NAN;                                                      \
    /* tiles: u is read down columns, f written along rows */                  \
    for (int64_t i0 = 0; i0 < n; i0 += JR_TILE)                                \
      for (int64_t k0 = 0; k0 < n; k0 += JR_TILE) {                            \
        const int64_t i1 = i0 + JR_TILE < n ? i0 + JR_TILE : n;                \
        const int64_t k1 = k0 + JR_TILE < n ? k0 + JR_TILE : n;                \
        for (int64_t i = i0; i < i1; i++)                                      \
          for (int64_t k = k0; k < k1; k++) {                                  \
            T v;                                                               \
            if (!scale)                                                        \
              v = k > i ? (T)0 : (failed ? nan : u[i + k * n]);                \
            else if (failed)                                                   \
              v = nan;                                                         \
            else                                                               \
              v = u[i + k * n] * SQRT(scale[k]);                               \
            f[i * n + k] = v;                                                  \
          }                                                                    \
      }                                                                        \
  }
JR_DEFINE_FACTOR(jr_factor_out_f32, float, sqrtf)
JR_DEFINE_FACTOR(jr_factor_out_f64, double, sqrt)

/* ---- Cholesky of small matrices without a LAPACK call.
 *
 * LAPACK's potrf costs ~150-200 ns per 4 x 4 matrix in call overhead
 * (argument checks, OpenBLAS buffer allocation), far more than the
 * arithmetic. For n <= JR_CHOL_OWN_MAX we run the arithmetic of OpenBLAS's
 * potrf for small n (potf2_L: column by column, ajj = a_jj - dot, failure if
 * ajj <= 0 with info = j + 1, ajj = sqrt(ajj), the column below minus a
 * gemv, then scaled by 1 / ajj). For n <= 4 every dot and gemv is at most 3
 * long, where OpenBLAS's kernels run their scalar tail loops: in-order sums
 * of rounded products from 0, y += -1 * t. The result is LAPACK's bytes
 * whenever it succeeds with finite entries; anything else (not positive
 * definite, Inf/NaN anywhere: OpenBLAS's float NaN checks differ from this
 * model) is recomputed by LAPACK. A self-check against LAPACK on first use
 * (jr_own_chol_ok) turns the own path off process-wide should some BLAS
 * build differ. The choice depends only on the matrix, so its factor never
 * depends on whether it is alone or in a batch. */
#define JR_DEFINE_POTF2(NAME, T, SQRT)                                         \
  static inline int NAME##_n(int n, T *a) {                                    \
    for (int j = 0; j < n; j++) {                                              \
      T dot = 0;                                                               \
      for (int k = 0; k < j; k++) {                                            \
        T p = a[j + k * n] * a[j + k * n];                                     \
        dot = dot + p;                                                         \
      }                                                                        \
      T ajj = a[j + j * n] - dot;                                              \
      if (ajj <= 0) { /* NaN passes, as in OpenBLAS */                         \
        a[j + j * n] = ajj;                                                    \
        return j + 1;                                                          \
      }                                                                        \
      ajj = SQRT(ajj);                                                         \
      a[j + j * n] = ajj;                                                      \
      const T r = (T)1 / ajj;                                                  \
      for (int i = j + 1; i < n; i++) {                                        \
        T t = 0;                                                               \
        for (int k = 0; k < j; k++) {                                          \
          T p = a[i + k * n] * a[j + k * n];                                   \
          t = t + p;                                                           \
        }                                                                      \
        if (j > 0) a[i + j * n] = a[i + j * n] - t;                            \
        a[i + j * n] = a[i + j * n] * r;                                       \
      }                                                                        \
    }                                                                          \
    return 0;                                                                  \
  }                                                                            \
  /* constant n per case: the loops unroll (the latency chain dominates) */    \
  static int NAME(int n, T *a) {                                               \
    switch (n) {                                                               \
    case 1: return NAME##_n(1, a);                                             \
    case 2: return NAME##_n(2, a);                                             \
    case 3: return NAME##_n(3, a);                                             \
    default: return NAME##_n(4, a);                                            \
    }                                                                          \
  }
_Static_assert(JR_CHOL_OWN_MAX == 4, "jr_potf2_* dispatch on n = 1..4");
JR_DEFINE_POTF2(jr_potf2_s, float, sqrtf)
JR_DEFINE_POTF2(jr_potf2_d, double, sqrt)

/* 1 if the own Cholesky gives LAPACK's bytes here (checked once: racing
 * first calls compute the same answer). */
static atomic_int jr_own_chol_state; /* 0 unknown, 1 yes, -1 no */

static int jr_own_chol_check(void) {
  uint64_t s = 0x9E3779B97F4A7C15ull;
  for (int trial = 0; trial < 40; trial++) {
    for (int n = 1; n <= JR_CHOL_OWN_MAX; n++) {
      enum { NN = JR_CHOL_OWN_MAX * JR_CHOL_OWN_MAX };
      double b[NN], c[NN], ad[NN], ld[NN];
      float as[NN], ls[NN];
      for (int k = 0; k < n * n; k++) {
        s = s * 6364136223846793005ull + 1442695040888963407ull;
        b[k] = (double)(s >> 11) * 0x1p-53 - 0.5;
      }
      const double shift = 0.01 * trial; /* b b^T + shift: definite */
      for (int i = 0; i < n; i++)
        for (int j = 0; j < n; j++) {
          double v = i == j ? shift : 0;
          for (int k = 0; k < n; k++)
            v += b[i * n + k] * b[j * n + k];
          c[i + j * n] = v;
        }
      for (int k = 0; k < n * n; k++) {
        ad[k] = ld[k] = c[k];
        as[k] = ls[k] = (float)c[k];
      }
      int id = jr_potf2_d(n, ad), is = jr_potf2_s(n, as);
      lapack_int jd = LAPACKE_dpotrf_work(LAPACK_COL_MAJOR, 'L', n, ld, n);
      lapack_int js = LAPACKE_spotrf_work(LAPACK_COL_MAJOR, 'L', n, ls, n);
      if (id != jd || is != js) return 0;
      if (id == 0)
        for (int j = 0; j < n; j++)
          for (int i = j; i < n; i++)
            if (memcmp(&ad[i + j * n], &ld[i + j * n], sizeof(double)))
              return 0;
      if (is == 0)
        for (int j = 0; j < n; j++)
          for (int i = j; i < n; i++)
            if (memcmp(&as[i + j * n], &ls[i + j * n], sizeof(float))) return 0;
    }
  }
  return 1;
}

int jr_own_chol_ok(void) {
  int st = atomic_load_explicit(&jr_own_chol_state, memory_order_relaxed);
  if (st == 0) {
    st = jr_own_chol_check() ? 1 : -1;
    atomic_store_explicit(&jr_own_chol_state, st, memory_order_relaxed);
  }
  return st == 1;
}

/* The own path of jr_linalg_factor, without allocation: 1 if it produced
 * the factor (a finite success), 0 to leave the matrix to LAPACK. */
#define JR_DEFINE_CHOL_SMALL(NAME, T, X, OUT)                                  \
  static int NAME(int64_t n, const T *cov, T *f) {                             \
    T a[JR_CHOL_OWN_MAX * JR_CHOL_OWN_MAX];                                    \
    jr_load_##X(n, cov, 1, a);                                                 \
    if (jr_potf2_##X((int)n, a) != 0) return 0;                                \
    for (int64_t j = 0; j < n; j++)                                            \
      for (int64_t i = j; i < n; i++)                                          \
        if (!isfinite(a[i + j * n])) return 0;                                 \
    OUT(n, a, NULL, 0, f);                                                     \
    return 1;                                                                  \
  }
JR_DEFINE_CHOL_SMALL(jr_chol_small_s, float, s, jr_factor_out_f32)
JR_DEFINE_CHOL_SMALL(jr_chol_small_d, double, d, jr_factor_out_f64)

/* Row-major factor f (n x n) to its transpose, in place. */
#define JR_DEFINE_TRANSPOSE_SQ(NAME, T)                                        \
  static void NAME(int64_t n, T *f) {                                          \
    for (int64_t i = 0; i < n; i++)                                            \
      for (int64_t j = i + 1; j < n; j++) {                                    \
        T t = f[i * n + j];                                                    \
        f[i * n + j] = f[j * n + i];                                           \
        f[j * n + i] = t;                                                      \
      }                                                                        \
  }
JR_DEFINE_TRANSPOSE_SQ(jr_transpose_sq_s, float)
JR_DEFINE_TRANSPOSE_SQ(jr_transpose_sq_d, double)

void jr_chol_small_batch(jr_dtype dtype, int64_t n, int64_t count,
                         const void *cov, void *f, unsigned char *ok,
                         int colmajor) {
#if defined(JR_HAVE_AVX2_CHOL)
  const jr_isa isa = jr_isa_active();
  if (isa == JR_ISA_AVX2 || isa == JR_ISA_AVX512) {
    jr_chol_small_batch_avx2(dtype, n, count, cov, f, ok, colmajor);
    return;
  }
#endif
  const int64_t nn = n * n;
  for (int64_t e = 0; e < count; e++)
    ok[e] =
        (unsigned char)(dtype == JR_FLOAT32
                            ? jr_chol_small_s(n, (const float *)cov + e * nn,
                                              (float *)f + e * nn)
                            : jr_chol_small_d(n, (const double *)cov + e * nn,
                                              (double *)f + e * nn));
  for (int64_t e = 0; colmajor && e < count; e++)
    if (ok[e]) {
      if (dtype == JR_FLOAT32)
        jr_transpose_sq_s(n, (float *)f + e * nn);
      else
        jr_transpose_sq_d(n, (double *)f + e * nn);
    }
}

/* One factorization in T with LAPACK prefix X (s or d). The _work entry
 * points call LAPACK directly, as JAX's CPU kernels do: LAPACKE's high-level
 * wrappers would refuse NaN inputs instead of letting LAPACK produce its
 * (NaN) result. Workspace sizes are JAX's: syevd 1 + 6n + 2n^2 and 3 + 5n,
 * gesdd the size LAPACK asks for and 8n. */
#define JR_DEFINE_FACTORIZE(NAME, T, X, OUT)                                   \
  static jr_status NAME(jr_method method, int64_t n, const T *cov, T *f,       \
                        int *failed) {                                         \
    const size_t nn = (size_t)n * (size_t)n;                                   \
    const lapack_int ln = (lapack_int)n;                                       \
    lapack_int info = 0, lwork = 0, liwork = 0;                                \
    T query = 0;                                                               \
    const char *routine = method == JR_CHOLESKY ? #X "potrf"                   \
                          : method == JR_EIGH   ? #X "syevd"                   \
                                                : #X "gesdd";                    \
    if (method == JR_EIGH) {                                                   \
      lwork = (lapack_int)(1 + 6 * n + 2 * n * n);                             \
      liwork = (lapack_int)(3 + 5 * n);                                        \
    } else if (method == JR_SVD) {                                             \
      lapack_int iq = 0;                                                       \
      info =                                                                   \
          LAPACKE_##X##gesdd_work(LAPACK_COL_MAJOR, 'A', ln, ln, NULL, ln,     \
                                  NULL, NULL, ln, NULL, ln, &query, -1, &iq);  \
      if (info < 0) return jr_lapack_status(routine, info);                    \
      lwork = (lapack_int)query;                                               \
      if (lwork < 1) lwork = 1;                                                \
      liwork = (lapack_int)(8 * n);                                            \
    }                                                                          \
    /* a, w, u, vt, work; then iwork */                                        \
    /* cholesky needs a alone */                                               \
    T *a = malloc(sizeof *a * (method == JR_CHOLESKY                           \
                                   ? nn                                        \
                                   : 3 * nn + (size_t)n + (size_t)lwork));     \
    lapack_int *iwork = malloc(sizeof *iwork * (size_t)(liwork + 1));          \
    if (!a || !iwork) {                                                        \
      free(a);                                                                 \
      free(iwork);                                                             \
      return jr_fail(JR_E_OUT_OF_MEMORY,                                       \
                     "cannot allocate the %lld x %lld "                        \
                     "factorization workspace",                                \
                     (long long)n, (long long)n);                              \
    }                                                                          \
    T *w = NULL, *u = NULL, *vt = NULL, *work = NULL;                          \
    if (method != JR_CHOLESKY) {                                               \
      w = a + nn;                                                              \
      u = w + n;                                                               \
      vt = u + nn;                                                             \
      work = vt + nn;                                                          \
    }                                                                          \
    jr_load_##X(n, cov, method != JR_SVD, a);                                  \
    if (method == JR_CHOLESKY)                                                 \
      info = LAPACKE_##X##potrf_work(LAPACK_COL_MAJOR, 'L', ln, a, ln);        \
    else if (method == JR_EIGH)                                                \
      info = LAPACKE_##X##syevd_work(LAPACK_COL_MAJOR, 'V', 'L', ln, a, ln, w, \
                                     work, lwork, iwork, liwork);              \
    else                                                                       \
      info = LAPACKE_##X##gesdd_work(LAPACK_COL_MAJOR, 'A', ln, ln, a, ln, w,  \
                                     u, ln, vt, ln, work, lwork, iwork);       \
    jr_status st = JR_OK;                                                      \
    if (info < 0) {                                                            \
      st = jr_lapack_status(routine, info);                                    \
    } else {                                                                   \
      *failed = info > 0;                                                      \
      OUT(n, method == JR_SVD ? u : a, method == JR_CHOLESKY ? NULL : w,       \
          *failed, f);                                                         \
    }                                                                          \
    free(a);                                                                   \
    free(iwork);                                                               \
    return st;                                                                 \
  }
JR_DEFINE_FACTORIZE(jr_factor_f32, float, s, jr_factor_out_f32)
JR_DEFINE_FACTORIZE(jr_factor_f64, double, d, jr_factor_out_f64)

jr_status jr_linalg_factor(jr_method method, jr_dtype dtype, int64_t n,
                           const void *cov, void *factor, int *failed) {
  *failed = 0;
  if (n < 0 || n > JR_LINALG_MAX_N)
    return jr_fail(JR_E_TOO_LARGE,
                   "covariance of size %lld x %lld: LAPACK "
                   "supports n <= %d",
                   (long long)n, (long long)n, JR_LINALG_MAX_N);
  if (n == 0) return JR_OK;
  if (method == JR_CHOLESKY && n <= JR_CHOL_OWN_MAX && jr_own_chol_ok() &&
      (dtype == JR_FLOAT32 ? jr_chol_small_s(n, cov, factor)
                           : jr_chol_small_d(n, cov, factor)))
    return JR_OK;
  if (dtype == JR_FLOAT32) return jr_factor_f32(method, n, cov, factor, failed);
  return jr_factor_f64(method, n, cov, factor, failed);
}

jr_status jr_linalg_eig_range(int64_t n, const double *cov, double *w_min,
                              double *w_max) {
  *w_min = *w_max = 0.0;
  if (n <= 0) return JR_OK;
  if (n > JR_LINALG_MAX_N)
    return jr_fail(JR_E_TOO_LARGE,
                   "covariance of size %lld x %lld: LAPACK "
                   "supports n <= %d",
                   (long long)n, (long long)n, JR_LINALG_MAX_N);
  const size_t nn = (size_t)n * (size_t)n;
  /* dsyevd 'N' needs 2n + 1 and 1 (JAX's sizes for no eigenvectors) */
  double *a = malloc(sizeof *a * (nn + (size_t)n + 2 * (size_t)n + 1));
  lapack_int iwork[1];
  if (!a)
    return jr_fail(JR_E_OUT_OF_MEMORY,
                   "cannot allocate the %lld x %lld "
                   "validation workspace",
                   (long long)n, (long long)n);
  double *w = a + nn, *work = w + n;
  jr_load_d(n, cov, 1, a);
  lapack_int info = LAPACKE_dsyevd_work(
      LAPACK_COL_MAJOR, 'N', 'L', (lapack_int)n, a, (lapack_int)n, w, work,
      (lapack_int)(2 * n + 1), iwork, 1);
  jr_status st = JR_OK;
  if (info < 0)
    st = jr_lapack_status("dsyevd", info);
  else if (info > 0)
    st = jr_fail(JR_E_LAPACK,
                 "dsyevd did not converge (info %d) while "
                 "validating a covariance",
                 (int)info);
  else {
    *w_min = w[0]; /* ascending */
    *w_max = w[n - 1];
  }
  free(a);
  return st;
}
