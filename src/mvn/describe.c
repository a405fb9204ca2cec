/* What a covariance's factorization tells: whether the Cholesky
 * factorization succeeds (and the first pivot that fails), the
 * log-determinant, the numerical rank and the extreme eigenvalues (or
 * singular values), and the entropy of the normal distribution. */
#include <float.h>
#include <math.h>
#include <stdlib.h>

#include "internal.h"
#include "linalg/chol.h"
#include "linalg/factor.h"
#include "linalg/lapack.h"
#include "mvn/array_view.h"

#define JR_LOG_2PI 1.8378770664093454836

jr_status jr_cov_describe(const jr_array *cov, int64_t index, jr_method method,
                          jr_cov_info *info) {
  jr_status st;
  if (!info) return jr_fail(JR_E_NULL_POINTER, "describe: info is NULL");
  if ((st = jr_view_check("cov", cov)) != JR_OK) return st;
  if (method != JR_CHOLESKY && method != JR_EIGH && method != JR_SVD)
    return jr_fail(JR_E_BAD_METHOD,
                   "describe: method must be one of {'svd', 'eigh', "
                   "'cholesky'}, got jr_method %d",
                   (int)method);
  if (cov->ndim < 2)
    return jr_fail(JR_E_COV_NDIM,
                   "describe: cov must have ndim >= 2, got cov.ndim == %d",
                   cov->ndim);
  const int64_t n = cov->shape[cov->ndim - 1];
  if (cov->shape[cov->ndim - 2] != n) {
    char s[800];
    jr_format_shape(s, sizeof s, cov->ndim, cov->shape);
    return jr_fail(JR_E_COV_SHAPE,
                   "describe: cov.shape %s is not (..., n, n): the last two "
                   "axes must be equal",
                   s);
  }
  int64_t count;
  jr_shape_size(cov->ndim - 2, cov->shape, &count);
  if (index < 0 || index >= count)
    return jr_fail(JR_E_BAD_RANGE,
                   "describe: batch element %lld is outside the %lld "
                   "covariances of cov",
                   (long long)index, (long long)count);
  /* LAPACK takes int sizes */
  if (n > 46340)
    return jr_fail(JR_E_TOO_LARGE,
                   "describe: n = %lld is larger than LAPACK's int sizes "
                   "allow (46340)",
                   (long long)n);
  const jr_dtype P = cov->dtype == JR_FLOAT64 ? JR_FLOAT64 : JR_FLOAT32;
  const int64_t nn = n * n;
  double *a = malloc((size_t)(nn > 0 ? nn : 1) * sizeof(double) * 3);
  if (!a)
    return jr_fail(JR_E_OUT_OF_MEMORY,
                   "describe: out of memory for a %lld x %lld matrix",
                   (long long)n, (long long)n);
  double *f = a + nn, *w = f + nn;
  if ((st = jr_view_copy("cov", cov, index * nn, nn, P, JR_FLOAT64, a)) !=
      JR_OK) {
    free(a);
    return st;
  }
  memset(info, 0, sizeof *info);
  info->n = n;
  info->method = method;
  info->dtype = P;
  int finite = 1;
  for (int64_t k = 0; k < nn; k++)
    finite &= isfinite(a[k]) != 0;
  int64_t ci = 0;
  if ((st = jr_chol(JR_FLOAT64, n, a, n, f, n, &ci)) != JR_OK) {
    free(a);
    return st;
  }
  info->chol_info = ci;
  const double eps = P == JR_FLOAT64 ? DBL_EPSILON : (double)FLT_EPSILON;
  info->min_value = info->max_value = NAN;
  info->rank = -1;
  double logdet = 0.0;
  if (method == JR_CHOLESKY) {
    for (int64_t i = 0; i < n; i++)
      logdet += log(f[i * n + i]);
    logdet *= 2.0;
    info->rank = ci == 0 ? n : ci - 1;
  } else if (!finite) {
    logdet = NAN;
  } else {
    const jr_lapack *lp;
    if ((st = jr_lapack_get("describe", &lp)) != JR_OK) {
      free(a);
      return st;
    }
    lapack_int r;
    jr_blas_enter();         /* one OpenBLAS thread, as every factorization */
    if (method == JR_EIGH) { /* the symmetrized matrix, as the Cholesky */
      for (int64_t i = 0; i < n; i++)
        for (int64_t j = 0; j < i; j++) {
          const double s = (a[i * n + j] + a[j * n + i]) / 2.0;
          a[i * n + j] = a[j * n + i] = s;
        }
      r = n ? lp->dsyevd(LAPACK_ROW_MAJOR, 'N', 'L', (lapack_int)n, a,
                         (lapack_int)n, w)
            : 0; /* ascending */
    } else {
      r = n ? lp->dgesdd(LAPACK_ROW_MAJOR, 'N', (lapack_int)n, (lapack_int)n, a,
                         (lapack_int)n, w, NULL, (lapack_int)n, NULL,
                         (lapack_int)n)
            : 0; /* descending */
    }
    jr_blas_leave();
    if (r != 0) {
      free(a);
      return jr_fail(JR_E_LAPACK, "describe: LAPACK %s failed (info %d)",
                     method == JR_EIGH ? "dsyevd" : "dgesdd", (int)r);
    }
    if (n > 0) {
      const double lo = method == JR_EIGH ? w[0] : w[n - 1];
      const double hi = method == JR_EIGH ? w[n - 1] : w[0];
      info->min_value = lo;
      info->max_value = hi;
      /* NumPy's matrix_rank: values above max * n * eps */
      const double tol = fabs(hi) * (double)n * eps;
      info->rank = 0;
      for (int64_t k = 0; k < n; k++)
        info->rank += fabs(w[k]) > tol;
    } else {
      info->rank = 0;
    }
    for (int64_t k = 0; k < n; k++)
      logdet += w[k] < 0 ? NAN : log(w[k]);
  }
  info->logdet = logdet;
  info->entropy = 0.5 * (double)n * (1.0 + JR_LOG_2PI) + 0.5 * logdet;
  free(a);
  return JR_OK;
}
