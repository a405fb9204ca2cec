/* Covariance factorizations: eigh and svd with LAPACKE, as JAX computes them
 * on CPU (the same routines, column-major, the same symmetrization and NaN
 * on failure, algorithm.md section 8.4, in XLA:CPU's flush-to-zero mode:
 * LAPACK inside MXCSR FTZ|DAZ, the scalar steps emulated, docs/linalg.md
 * "Arithmetic"); cholesky is the library's own (chol.h). LAPACKE is loaded
 * at the first eigh/svd (lapack.h). */
#include "linalg/factor.h"

#include <math.h>
#include <pthread.h>
#include <stdlib.h>

#include "linalg/chol.h"
#include "os/fpenv.h"
#include "linalg/lapack.h"
#include "math/ftz.h"

/* Column-major working copy a[i + j n] of the (symmetrized) covariance. The
 * symmetrization (x + x^T) / 2 is rounded in the factor's dtype, as XLA does;
 * for a symmetric input it is exact. Tiles of JR_TILE x JR_TILE keep both the
 * row and the column reads in cache for large n (W3: n = 1000). */
enum { JR_TILE = 32 };
#define JR_DEFINE_LOAD(NAME, T, X)                                             \
  static void NAME(int64_t n, const T *cov, int symmetrize, T *a) {            \
    for (int64_t i0 = 0; i0 < n; i0 += JR_TILE)                                \
      for (int64_t j0 = 0; j0 < n; j0 += JR_TILE) {                            \
        const int64_t i1 = i0 + JR_TILE < n ? i0 + JR_TILE : n;                \
        const int64_t j1 = j0 + JR_TILE < n ? j0 + JR_TILE : n;                \
        for (int64_t j = j0; j < j1; j++)                                      \
          for (int64_t i = i0; i < i1; i++) {                                  \
            T x = cov[i * n + j];                                              \
            if (symmetrize) {                                                  \
              T s = jr_add_##X(x, cov[j * n + i]);                             \
              x = jr_div_##X(s, (T)2);                                         \
            }                                                                  \
            a[i + j * n] = x;                                                  \
          }                                                                    \
      }                                                                        \
  }
JR_DEFINE_LOAD(jr_load_s, float, f32)
JR_DEFINE_LOAD(jr_load_d, double, f64)

static jr_status jr_lapack_status(const char *routine, lapack_int info) {
  if (info == LAPACK_WORK_MEMORY_ERROR || info == LAPACK_TRANSPOSE_MEMORY_ERROR)
    return jr_fail(JR_E_OUT_OF_MEMORY,
                   "%s: LAPACKE could not allocate its "
                   "workspace",
                   routine);
  return jr_fail(JR_E_LAPACK, "%s: LAPACK rejected argument %d", routine,
                 (int)-info);
}

/* The factor in row-major f from LAPACK's column-major results and the
 * eigen/singular values: f[i][k] = u[i + k n] * sqrt(scale[k]), each product
 * rounded. */
#define JR_DEFINE_FACTOR(NAME, T, X)                                           \
  static void NAME(int64_t n, const T *u, const T *scale, int failed, T *f) {  \
    const T nan = (T)NAN;                                                      \
    /* tiles: u is read down columns, f written along rows */                  \
    for (int64_t i0 = 0; i0 < n; i0 += JR_TILE)                                \
      for (int64_t k0 = 0; k0 < n; k0 += JR_TILE) {                            \
        const int64_t i1 = i0 + JR_TILE < n ? i0 + JR_TILE : n;                \
        const int64_t k1 = k0 + JR_TILE < n ? k0 + JR_TILE : n;                \
        for (int64_t i = i0; i < i1; i++)                                      \
          for (int64_t k = k0; k < k1; k++) {                                  \
            f[i * n + k] =                                                     \
                failed ? nan                                                   \
                       : jr_mul_##X(u[i + k * n], jr_sqrt_##X(scale[k]));      \
          }                                                                    \
      }                                                                        \
  }
JR_DEFINE_FACTOR(jr_factor_out_f32, float, f32)
JR_DEFINE_FACTOR(jr_factor_out_f64, double, f64)

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
    const char *routine = method == JR_EIGH ? #X "syevd" : #X "gesdd";         \
    const jr_lapack *lp;                                                       \
    jr_status lst = jr_lapack_get(method == JR_EIGH ? "eigh" : "svd", &lp);    \
    if (lst != JR_OK) return lst;                                              \
    if (method == JR_EIGH) {                                                   \
      lwork = (lapack_int)(1 + 6 * n + 2 * n * n);                             \
      liwork = (lapack_int)(3 + 5 * n);                                        \
    } else if (method == JR_SVD) {                                             \
      lapack_int iq = 0;                                                       \
      info = lp->X##gesdd_work(LAPACK_COL_MAJOR, 'A', ln, ln, NULL, ln, NULL,  \
                               NULL, ln, NULL, ln, &query, -1, &iq);           \
      if (info < 0) return jr_lapack_status(routine, info);                    \
      lwork = (lapack_int)query;                                               \
      if (lwork < 1) lwork = 1;                                                \
      liwork = (lapack_int)(8 * n);                                            \
    }                                                                          \
    /* a, w, u, vt, work; then iwork */                                        \
    T *a = malloc(sizeof *a * (3 * nn + (size_t)n + (size_t)lwork));           \
    lapack_int *iwork = malloc(sizeof *iwork * (size_t)(liwork + 1));          \
    if (!a || !iwork) {                                                        \
      free(a);                                                                 \
      free(iwork);                                                             \
      return jr_fail(JR_E_OUT_OF_MEMORY,                                       \
                     "cannot allocate the %lld x %lld "                        \
                     "factorization workspace",                                \
                     (long long)n, (long long)n);                              \
    }                                                                          \
    T *w = a + nn, *u = w + n, *vt = u + nn, *work = vt + nn;                  \
    jr_load_##X(n, cov, method != JR_SVD, a);                                  \
    /* LAPACK runs in this thread alone (jr_blas_enter pins OpenBLAS to one    \
     * thread), as JAX's custom call does in XLA's: in its FTZ / DAZ mode */   \
    const unsigned fp = jr_fpenv_flush_begin();                                \
    if (method == JR_EIGH)                                                     \
      info = lp->X##syevd_work(LAPACK_COL_MAJOR, 'V', 'L', ln, a, ln, w, work, \
                               lwork, iwork, liwork);                          \
    else                                                                       \
      info = lp->X##gesdd_work(LAPACK_COL_MAJOR, 'A', ln, ln, a, ln, w, u, ln, \
                               vt, ln, work, lwork, iwork);                    \
    jr_fpenv_flush_end(fp);                                                    \
    jr_status st = JR_OK;                                                      \
    if (info < 0) {                                                            \
      st = jr_lapack_status(routine, info);                                    \
    } else {                                                                   \
      *failed = info > 0;                                                      \
      OUT(n, method == JR_SVD ? u : a, w, *failed, f);                         \
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
  if (method == JR_CHOLESKY) {
    int64_t info;
    jr_status st = jr_chol(dtype, n, cov, n, factor, n, &info);
    *failed = info > 0;
    return st;
  }
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
  const jr_lapack *lp;
  jr_status lst = jr_lapack_get("validation (check_valid)", &lp);
  if (lst != JR_OK) return lst;
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
  lapack_int info = lp->dsyevd_work(LAPACK_COL_MAJOR, 'N', 'L', (lapack_int)n,
                                    a, (lapack_int)n, w, work,
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

/* OpenBLAS's thread count is process-wide (0.3.21 has no per-call setting):
 * pin it to 1 while any factorization runs, restore it after the last.
 * Entering loads LAPACKE (lapack.h); when it cannot be loaded there is
 * nothing to pin, and the factorization reports why. */
static pthread_mutex_t jr_blas_lock = PTHREAD_MUTEX_INITIALIZER;
static int jr_blas_users, jr_blas_saved;

void jr_blas_enter(void) {
  const jr_lapack *lp;
  if (jr_lapack_get("eigh/svd", &lp) != JR_OK || !lp->set_num_threads) return;
  pthread_mutex_lock(&jr_blas_lock);
  if (jr_blas_users++ == 0) {
    jr_blas_saved = lp->get_num_threads();
    if (jr_blas_saved != 1) lp->set_num_threads(1);
  }
  pthread_mutex_unlock(&jr_blas_lock);
}

void jr_blas_leave(void) {
  const jr_lapack *lp;
  if (jr_lapack_get("eigh/svd", &lp) != JR_OK || !lp->set_num_threads) return;
  pthread_mutex_lock(&jr_blas_lock);
  if (--jr_blas_users == 0 && jr_blas_saved != 1)
    lp->set_num_threads(jr_blas_saved);
  pthread_mutex_unlock(&jr_blas_lock);
}
