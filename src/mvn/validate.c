/* multivariate_normal's opt-in validation of the covariance and mean values
 * (like NumPy's check_valid), with messages that name the batch element. */
#include "mvn/validate.h"

#include <math.h>
#include <stdio.h>

#include "linalg/factor.h"
#include "mvn/array_view.h"

/* Records one problem: RAISE fails at once, WARN warns (the first few). */
static jr_status jr_problem(jr_report *r, jr_status st, const char *msg) {
  if (r->ctx->check == JR_CHECK_RAISE) return jr_fail(st, "%s", msg);
  if (r->count < 8) jr_warn(r->ctx, "%s", msg);
  if (r->count == 8)
    jr_warn(r->ctx, "multivariate_normal: more invalid batch elements follow; "
                    "only the first 8 are reported");
  if (r->count == 0) r->first = st;
  r->count++;
  return JR_OK;
}

jr_status jr_report_problem(jr_report *r, jr_status st, const char *msg) {
  return jr_problem(r, st, msg);
}

jr_status jr_validate_means(jr_report *r, jr_dtype R, int64_t n, int64_t first,
                            int64_t count, const unsigned char *used,
                            const void *mean) {
  for (int64_t b = 0; b < count; b++)
    for (int64_t i = 0; i < n && (!used || used[b]); i++) {
      double v = jr_buf_get(R, mean, b * n + i);
      if (!isfinite(v)) {
        char msg[256];
        snprintf(msg, sizeof msg,
                 "multivariate_normal: mean batch element "
                 "%lld has a non-finite entry %g at %lld",
                 (long long)(first + b), v, (long long)i);
        jr_status st = jr_problem(r, JR_E_NON_FINITE, msg);
        if (st != JR_OK) return st;
        break; /* one report per batch element */
      }
    }
  return JR_OK;
}

jr_status jr_validate_cov(jr_report *r, jr_method method, int64_t n,
                          int64_t index, jr_dtype P, const void *cov,
                          double *work) {
  char msg[512];
  double scale = 0.0;
  for (int64_t k = 0; k < n * n; k++) {
    double v = jr_buf_get(P, cov, k);
    if (!isfinite(v)) {
      snprintf(msg, sizeof msg,
               "multivariate_normal: cov batch element %lld "
               "has a non-finite entry %g at (%lld, %lld)",
               (long long)index, v, (long long)(k / n), (long long)(k % n));
      return jr_problem(r, JR_E_NON_FINITE, msg);
    }
    work[k] = v;
    if (fabs(v) > scale) scale = fabs(v);
  }
  const double tol = r->ctx->tol;
  for (int64_t i = 0; i < n; i++)
    for (int64_t j = i + 1; j < n; j++) {
      double d = fabs(work[i * n + j] - work[j * n + i]);
      if (d > tol * scale) {
        snprintf(msg, sizeof msg,
                 "multivariate_normal: cov batch element "
                 "%lld is not symmetric: |cov[%lld, %lld] - cov[%lld, %lld]| "
                 "= %g > tol * max|cov| = %g",
                 (long long)index, (long long)i, (long long)j, (long long)j,
                 (long long)i, d, tol * scale);
        return jr_problem(r, JR_E_NOT_SYMMETRIC, msg);
      }
    }
  double wmin, wmax;
  jr_status st = jr_linalg_eig_range(n, work, &wmin, &wmax);
  if (st != JR_OK) return st;
  double wscale = fmax(fabs(wmin), fabs(wmax));
  if (wmin < -tol * wscale) {
    snprintf(msg, sizeof msg,
             "multivariate_normal: cov batch element %lld is "
             "not positive semidefinite: smallest eigenvalue %.17g < -tol * "
             "max|eigenvalue| = %g%s",
             (long long)index, wmin, -tol * wscale,
             method == JR_SVD    ? " (svd would silently sample it as |cov|, "
                                   "the matrix of absolute eigenvalues)"
             : method == JR_EIGH ? " (eigh gives NaN samples)"
                                 : " (cholesky gives NaN samples)");
    return jr_problem(r, JR_E_NOT_PSD, msg);
  }
  return JR_OK;
}

jr_status jr_validate_factor(jr_report *r, jr_method method, int64_t index,
                             int failed, int has_nan, int64_t reported_before) {
  if (!has_nan || r->count != reported_before) return JR_OK;
  char msg[320];
  snprintf(msg, sizeof msg,
           "multivariate_normal: %s of cov batch element "
           "%lld gives a NaN factor (%s), so its samples are NaN as in JAX",
           method == JR_CHOLESKY ? "cholesky"
           : method == JR_EIGH   ? "eigh"
                                 : "svd",
           (long long)index,
           failed ? (method == JR_CHOLESKY
                         ? "potrf: not positive definite; use eigh or svd "
                           "for a singular covariance"
                         : "LAPACK did not converge")
                  : "an eigenvalue computed below 0");
  return jr_problem(r, JR_E_NOT_PSD, msg);
}
