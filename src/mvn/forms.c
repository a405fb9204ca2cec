/* Sampling from other parameterizations of the covariance (jr_mvn_create_form):
 * a given lower factor (scale_tril), variances (diag) or a precision matrix.
 * Each puts a factor into jr_mvn's slots through the factoring hook: F for
 * scale_tril and diag, so samples are mean + F z by the one product of every
 * jr_mvn (factor_store.h); precision's Cholesky factor L_P, so samples are
 * mean + L_P^-T z by the triangular solve (linalg/solve.h).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "internal.h"
#include "linalg/chol.h"
#include "mvn/array_view.h"
#include "mvn/factoring.h"
#include "mvn/plan.h"
#include "mvn/validate.h"

typedef struct jr_form_job {
  const jr_ctx *ctx;
  const jr_array *param;
  jr_cov_form form;
  jr_dtype P; /* the factor's dtype (promotion of mean and param) */
  int64_t n;
} jr_form_job;

static const char *jr_form_name(jr_cov_form f) {
  return f == JR_COV_SCALE_TRIL  ? "scale_tril"
         : f == JR_COV_PRECISION ? "precision"
         : f == JR_COV_DIAG      ? "diag"
                                 : "cov";
}

static void jr_put(jr_dtype P, void *f, int64_t k, double v) {
  if (P == JR_FLOAT32)
    ((float *)f)[k] = (float)v;
  else
    ((double *)f)[k] = v;
}

/* scale_tril: finite lower triangle, diagonal > 0. */
static jr_status jr_check_tril(jr_report *r, int64_t ci, int64_t n,
                               const double *a) {
  char msg[320];
  for (int64_t i = 0; i < n; i++)
    for (int64_t j = 0; j <= i; j++) {
      const double v = a[i * n + j];
      const int bad = !isfinite(v) || (i == j && !(v > 0));
      if (!bad) continue;
      snprintf(msg, sizeof msg,
               "multivariate_normal: scale_tril batch element %lld has %s "
               "%g at (%lld, %lld); expected a lower-triangular factor with "
               "finite entries and a positive diagonal",
               (long long)ci,
               isfinite(v) ? "diagonal element" : "a non-finite entry", v,
               (long long)i, (long long)j);
      return jr_report_problem(r, isfinite(v) ? JR_E_NOT_PSD : JR_E_NON_FINITE,
                               msg);
    }
  return JR_OK;
}

/* diag: finite, >= 0. */
static jr_status jr_check_diag(jr_report *r, int64_t ci, int64_t n,
                               const double *v) {
  char msg[320];
  for (int64_t i = 0; i < n; i++) {
    if (isfinite(v[i]) && v[i] >= 0) continue;
    snprintf(msg, sizeof msg,
             "multivariate_normal: diag batch element %lld has variance %g "
             "at %lld; expected finite variances >= 0",
             (long long)ci, v[i], (long long)i);
    return jr_report_problem(r, isfinite(v[i]) ? JR_E_NOT_PSD : JR_E_NON_FINITE,
                             msg);
  }
  return JR_OK;
}

/* precision: finite and symmetric within ctx's tol (the positive
 * definiteness is the Cholesky's pivots, checked after it). */
static jr_status jr_check_prec(jr_report *r, int64_t ci, int64_t n,
                               const double *a) {
  char msg[384];
  double scale = 0.0;
  for (int64_t k = 0; k < n * n; k++) {
    if (!isfinite(a[k])) {
      snprintf(msg, sizeof msg,
               "multivariate_normal: precision batch element %lld has a "
               "non-finite entry %g at (%lld, %lld)",
               (long long)ci, a[k], (long long)(k / n), (long long)(k % n));
      return jr_report_problem(r, JR_E_NON_FINITE, msg);
    }
    if (fabs(a[k]) > scale) scale = fabs(a[k]);
  }
  const double tol = r->ctx->tol;
  for (int64_t i = 0; i < n; i++)
    for (int64_t j = i + 1; j < n; j++) {
      const double d = fabs(a[i * n + j] - a[j * n + i]);
      if (d <= tol * scale) continue;
      snprintf(msg, sizeof msg,
               "multivariate_normal: precision batch element %lld is not "
               "symmetric: |P[%lld, %lld] - P[%lld, %lld]| = %g > tol * "
               "max|P| = %g",
               (long long)ci, (long long)i, (long long)j, (long long)j,
               (long long)i, d, tol * scale);
      return jr_report_problem(r, JR_E_NOT_SYMMETRIC, msg);
    }
  return JR_OK;
}

/* One used batch element ci: read, validate as ctx asks, make the factor
 * (in P, row-major into f) and store it. a, b: n^2 doubles each. */
static jr_status jr_form_one(const jr_form_job *job, jr_report *r,
                             jr_mvn_factoring *mf, int64_t ci, void *f,
                             double *a, double *b) {
  const int64_t n = job->n, nn = n * n;
  const jr_dtype P = job->P;
  const int check = job->ctx->check != JR_CHECK_IGNORE;
  const char *what = jr_form_name(job->form);
  jr_status st;
  if (job->form == JR_COV_DIAG) {
    /* the values rounded to P, then widened (exact) */
    if ((st = jr_view_copy(what, job->param, ci * n, n, P, JR_FLOAT64, a)) !=
        JR_OK)
      return st;
    if (check && (st = jr_check_diag(r, ci, n, a)) != JR_OK) return st;
    if ((st = jr_mvn_factoring_keep(mf, ci, job->form, a)) != JR_OK) return st;
    /* F = diag(sqrt(v)) rounded to P; sqrt is correctly rounded, so float32
     * sqrt of the float32 variance equals (float)sqrt((double)v) */
    for (int64_t k = 0; k < nn; k++)
      jr_put(P, f, k, 0.0);
    for (int64_t i = 0; i < n; i++)
      jr_put(P, f, i * n + i, sqrt(a[i]));
    jr_mvn_factoring_store(mf, ci, P, f, b);
    return JR_OK;
  }
  if ((st = jr_view_copy(what, job->param, ci * nn, nn, P, JR_FLOAT64, a)) !=
      JR_OK)
    return st;
  if (job->form == JR_COV_SCALE_TRIL) {
    if (check && (st = jr_check_tril(r, ci, n, a)) != JR_OK) return st;
    if ((st = jr_mvn_factoring_keep(mf, ci, job->form, NULL)) != JR_OK)
      return st;
    /* tril: the upper triangle is ignored (+0), as jnp.tril would make it */
    for (int64_t i = 0; i < n; i++)
      for (int64_t j = 0; j < n; j++)
        jr_put(P, f, i * n + j, j <= i ? a[i * n + j] : 0.0);
    jr_mvn_factoring_store(mf, ci, P, f, b);
    return JR_OK;
  }
  /* precision: L_P = jr_chol in double of the values rounded to P */
  const int64_t reported = r->count; /* one report per batch element */
  if (check && (st = jr_check_prec(r, ci, n, a)) != JR_OK) return st;
  int64_t info = 0;
  int finite = 1;
  for (int64_t k = 0; k < nn; k++)
    finite &= isfinite(a[k]) != 0;
  if ((st = jr_chol(JR_FLOAT64, n, a, n, b, n, &info)) != JR_OK) return st;
  if ((st = jr_mvn_factoring_keep(mf, ci, job->form, b)) != JR_OK) return st;
  if (!finite || info != 0) {
    if (check && info != 0 && r->count == reported) {
      char msg[320];
      snprintf(msg, sizeof msg,
               "multivariate_normal: precision batch element %lld is not "
               "positive definite: its Cholesky pivot %lld is not > 0",
               (long long)ci, (long long)(info - 1));
      if ((st = jr_report_problem(r, JR_E_NOT_PSD, msg)) != JR_OK) return st;
    }
    for (int64_t k = 0; k < nn; k++)
      jr_put(P, f, k, NAN); /* as a failed Cholesky: NaN samples (also
                             * for Inf entries, whose pivots may pass) */
  } else {
    /* L_P rounded once to P: the solve's factor (no inverse is formed) */
    for (int64_t k = 0; k < nn; k++)
      jr_put(P, f, k, b[k]);
  }
  jr_mvn_factoring_store(mf, ci, P, f, b);
  return JR_OK;
}

static jr_status jr_form_fill(void *user, jr_mvn_factoring *mf) {
  const jr_form_job *job = user;
  const int64_t n = job->n;
  /* n <= JR_LINALG_MAX_N here (checked before the hook runs) */
  const size_t nn = (size_t)(n * n);
  int64_t first, count;
  const unsigned char *used;
  jr_report rep;
  jr_report_init(&rep, job->ctx);
  jr_mvn_factoring_uses(mf, &first, &count, &used);
  void *f = malloc(nn ? nn * sizeof(double) : 1);
  double *a = malloc(nn ? nn * sizeof *a : 1);
  double *b = malloc(nn ? nn * sizeof *b : 1);
  jr_status st = JR_OK;
  if (!f || !a || !b)
    st = jr_fail(JR_E_OUT_OF_MEMORY, "multivariate_normal: out of memory");
  for (int64_t k = 0; st == JR_OK && k < count; k++)
    if (!used || used[k]) st = jr_form_one(job, &rep, mf, first + k, f, a, b);
  free(f);
  free(a);
  free(b);
  return st;
}

jr_status jr_mvn_create_form(const jr_ctx *ctx, const jr_array *mean,
                             const jr_array *param, jr_cov_form form,
                             int shape_ndim, const int64_t *shape,
                             jr_dtype dtype, int64_t row_begin, int64_t row_end,
                             jr_mvn **out) {
  if (form == JR_COV_FULL)
    return jr_mvn_create_rows(ctx, mean, param, shape_ndim, shape, dtype,
                              JR_CHOLESKY, row_begin, row_end, out);
  if (out) *out = NULL;
  if (form != JR_COV_SCALE_TRIL && form != JR_COV_PRECISION &&
      form != JR_COV_DIAG)
    return jr_fail(JR_E_BAD_MODE,
                   "jr_mvn_create_form: form %d is not a "
                   "jr_cov_form",
                   (int)form);
  /* mean first, as the plan checks it (jr_view_check names a NULL) */
  jr_status st;
  if ((st = jr_view_check("mean", mean)) != JR_OK) return st;
  if ((st = jr_view_check(jr_form_name(form), param)) != JR_OK) return st;
  /* The plan sees the covariance's shape (..., n, n): for diag (..., n) the
   * same batch with n x n matrices (only its shape and dtype are read; the
   * hook reads param itself). */
  jr_array cov = *param;
  int64_t cshape[JR_MAX_NDIM];
  const int64_t n = mean->ndim >= 1 ? mean->shape[mean->ndim - 1] : 0;
  if (form == JR_COV_DIAG) {
    char b1[800];
    if (param->ndim < 1 || mean->ndim < 1 || param->shape[param->ndim - 1] != n)
      return jr_fail(JR_E_COV_SHAPE,
                     "multivariate_normal requires diag.shape == (..., n) "
                     "for n=%lld (mean.shape[-1]), but got diag.shape == %s.",
                     (long long)n,
                     jr_format_shape(b1, sizeof b1, param->ndim, param->shape));
    if (param->ndim + 1 > JR_MAX_NDIM)
      return jr_fail(JR_E_BAD_SHAPE,
                     "multivariate_normal: diag has ndim %d; at most %d",
                     param->ndim, JR_MAX_NDIM - 1);
    for (int d = 0; d < param->ndim; d++)
      cshape[d] = param->shape[d];
    cshape[param->ndim] = n;
    cov.ndim = param->ndim + 1;
    cov.shape = cshape;
    cov.strides = NULL;
  }
  jr_form_job job = {.ctx = jr_ctx_or_default(ctx),
                     .param = param,
                     .form = form,
                     .P = jr_mvn_promote_inexact(mean->dtype, param->dtype),
                     .n = n};
  /* precision: the slots hold L_P, rows are the triangular solve (the plan
   * keeps eigh's method, as before, for its messages); the others' F is
   * lower: cholesky's */
  return jr_mvn_create_form_with(
      ctx, mean, &cov, form, shape_ndim, shape, dtype,
      form == JR_COV_PRECISION ? JR_EIGH : JR_CHOLESKY, row_begin, row_end,
      jr_form_fill, &job, out);
}
