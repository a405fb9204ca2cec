/* multivariate_normal's plan: JAX's argument checks in JAX's order, dtype
 * promotion, broadcasting of the batch shapes (algorithm.md sections 8-10). */
#include "mvn/plan.h"

#include <stdio.h>
#include <stdlib.h>

#include "mvn/array_view.h"

/* The float lattice: equal -> itself; f16 + bf16 -> f32; else the wider. */
static jr_dtype jr_promote_float(jr_dtype a, jr_dtype b) {
  if (a == b) return a;
  if (a == JR_FLOAT64 || b == JR_FLOAT64) return JR_FLOAT64;
  return JR_FLOAT32;
}

/* JAX's promote_dtypes_inexact without x64: integers and bool promote to the
 * default float (float32); float16 with bfloat16 gives float32. */
static jr_dtype jr_promote_inexact(jr_dtype a, jr_dtype b) {
  const int fa = jr_dtype_is_float(a), fb = jr_dtype_is_float(b);
  if (!fa && !fb) return JR_FLOAT32;
  if (!fa) return b;
  if (!fb) return a;
  return jr_promote_float(a, b);
}

jr_dtype jr_mvn_promote_inexact(jr_dtype a, jr_dtype b) {
  return jr_promote_inexact(a, b);
}

/* numpy broadcasting of k shapes into out; 0 if incompatible. */
static int jr_broadcast(int k, const int *ndims, const int64_t *const *shapes,
                        int *out_ndim, int64_t *out) {
  int nd = 0;
  for (int s = 0; s < k; s++)
    if (ndims[s] > nd) nd = ndims[s];
  for (int d = 0; d < nd; d++) {
    int64_t v = 1;
    for (int s = 0; s < k; s++) {
      int j = d - (nd - ndims[s]);
      if (j < 0) continue;
      int64_t x = shapes[s][j];
      if (x == 1) continue;
      if (v != 1 && v != x) return 0;
      v = x;
    }
    out[d] = v;
  }
  *out_ndim = nd;
  return 1;
}

static jr_status jr_broadcast_error(int k, const int *ndims,
                                    const int64_t *const *shapes,
                                    const char *cbatch) {
  char buf[3][800];
  for (int s = 0; s < k; s++)
    jr_format_shape(buf[s], sizeof buf[s], ndims[s], shapes[s]);
  if (k == 2)
    return jr_fail(JR_E_BROADCAST,
                   "Incompatible shapes for broadcasting: "
                   "shapes=[%s, %s] (mean.shape[:-1], %s)",
                   buf[0], buf[1], cbatch);
  return jr_fail(JR_E_BROADCAST,
                 "Incompatible shapes for broadcasting: "
                 "shapes=[%s, %s, %s] (shape argument, mean.shape[:-1], "
                 "%s)",
                 buf[0], buf[1], buf[2], cbatch);
}

/* Steps of a batch shape (ndim bnd) broadcast against the output batch. */
static void jr_batch_steps(const jr_mvn_plan *p, int bnd, const int64_t *bshape,
                           int64_t *step) {
  int64_t stride = 1;
  for (int d = p->bndim - 1; d >= 0; d--) {
    int j = d - (p->bndim - bnd);
    if (j < 0 || bshape[j] == 1) {
      step[d] = 0;
    } else {
      step[d] = stride;
    }
    if (j >= 0) stride *= bshape[j]; /* <= element count, no overflow */
  }
}

jr_status jr_mvn_plan_make(const jr_array *mean, const jr_array *cov,
                           int shape_ndim, const int64_t *shape, jr_dtype dtype,
                           jr_method method, jr_mvn_plan *p) {
  return jr_mvn_plan_make_form(mean, cov, JR_COV_FULL, shape_ndim, shape, dtype,
                               method, p);
}

jr_status jr_mvn_plan_make_form(const jr_array *mean, const jr_array *cov,
                                jr_cov_form form, int shape_ndim,
                                const int64_t *shape, jr_dtype dtype,
                                jr_method method, jr_mvn_plan *p) {
  char b1[800], b2[800];
  jr_status st;
  /* what the messages call the covariance argument and its batch */
  const char *cname = form == JR_COV_SCALE_TRIL  ? "scale_tril"
                      : form == JR_COV_PRECISION ? "precision"
                      : form == JR_COV_DIAG      ? "diag"
                                                 : "cov";
  char cbatch[32];
  snprintf(cbatch, sizeof cbatch, "%s.shape[:-%d]", cname,
           form == JR_COV_DIAG ? 1 : 2);
  memset(p, 0, sizeof *p);
  p->method = method;
  if ((st = jr_view_check("mean", mean)) != JR_OK) return st;
  if ((st = jr_view_check(cname, cov)) != JR_OK) return st;
  p->fdtype = jr_promote_inexact(mean->dtype, cov->dtype);
  if (method != JR_CHOLESKY && method != JR_EIGH && method != JR_SVD)
    return jr_fail(JR_E_BAD_METHOD,
                   "method must be one of {'svd', 'eigh', "
                   "'cholesky'}, got jr_method %d",
                   (int)method);
  p->zdtype = dtype == JR_DTYPE_NONE ? p->fdtype : dtype;
  if (!jr_dtype_is_float(p->zdtype))
    return jr_fail(JR_E_BAD_DTYPE,
                   "dtype argument to `multivariate_normal` "
                   "must be a float dtype, got %s",
                   jr_mvn_dtype_name(p->zdtype));
  if (shape_ndim != JR_SHAPE_NONE) {
    if (shape_ndim < 0 || shape_ndim >= JR_MAX_NDIM)
      return jr_fail(JR_E_BAD_SHAPE,
                     "multivariate_normal: shape has ndim %d; "
                     "expected JR_SHAPE_NONE or 0..%d (the result has one "
                     "more axis)",
                     shape_ndim, JR_MAX_NDIM - 1);
    if ((st = jr_check_shape("multivariate_normal: shape", shape_ndim, shape,
                             NULL)) != JR_OK)
      return st;
  }
  if (mean->ndim < 1)
    return jr_fail(JR_E_MEAN_NDIM,
                   "multivariate_normal requires mean.ndim >= "
                   "1, got mean.ndim == %d",
                   mean->ndim);
  if (cov->ndim < 2)
    return jr_fail(JR_E_COV_NDIM,
                   "multivariate_normal requires %s.ndim >= "
                   "2, got %s.ndim == %d",
                   cname, cname, cov->ndim);
  const int64_t n = mean->shape[mean->ndim - 1];
  if (cov->shape[cov->ndim - 2] != n || cov->shape[cov->ndim - 1] != n)
    return jr_fail(JR_E_COV_SHAPE,
                   "multivariate_normal requires %s.shape == "
                   "(..., n, n) for n=%lld, but got %s.shape == %s.",
                   cname, (long long)n, cname,
                   jr_format_shape(b1, sizeof b1, cov->ndim, cov->shape));
  p->n = n;
  p->mean_bndim = mean->ndim - 1;
  p->cov_bndim = cov->ndim - 2;
  jr_shape_size(p->mean_bndim, mean->shape, &p->mean_count);
  jr_shape_size(p->cov_bndim, cov->shape, &p->cov_count);
  if (shape_ndim == JR_SHAPE_NONE) {
    int nd[2] = {p->mean_bndim, p->cov_bndim};
    const int64_t *sh[2] = {mean->shape, cov->shape};
    if (!jr_broadcast(2, nd, sh, &p->bndim, p->batch))
      return jr_broadcast_error(2, nd, sh, cbatch);
  } else {
    int nd[3] = {shape_ndim, p->mean_bndim, p->cov_bndim};
    const int64_t *sh[3] = {shape, mean->shape, cov->shape};
    int64_t res[JR_MAX_NDIM];
    int rnd;
    if (!jr_broadcast(3, nd, sh, &rnd, res))
      return jr_broadcast_error(3, nd, sh, cbatch);
    int same = rnd == shape_ndim;
    for (int d = 0; same && d < rnd; d++)
      same = res[d] == shape[d];
    if (!same)
      return jr_fail(
          JR_E_SHAPE_ARGUMENT,
          "normal parameter shapes must be "
          "broadcast-compatible with shape argument, and the result "
          "of broadcasting the shapes must equal the shape argument, "
          "but got result %s for shape argument %s.",
          jr_format_shape(b1, sizeof b1, rnd, res),
          jr_format_shape(b2, sizeof b2, shape_ndim, shape));
    p->bndim = shape_ndim;
    if (shape_ndim > 0) /* shape may be NULL for () */
      memcpy(p->batch, shape, sizeof *shape * (size_t)shape_ndim);
  }
  if (p->bndim + 1 > JR_MAX_NDIM)
    return jr_fail(JR_E_BAD_SHAPE,
                   "multivariate_normal: the result would have "
                   "%d axes; at most %d are supported",
                   p->bndim + 1, JR_MAX_NDIM);
  if ((st = jr_check_shape("multivariate_normal: batch", p->bndim, p->batch,
                           &p->rows)) != JR_OK)
    return st;
  int64_t total;
  if (!jr_mul_i64(p->rows, n, &total) || !jr_mul_i64(total, 8, &total))
    return jr_fail(JR_E_SIZE_OVERFLOW,
                   "multivariate_normal: the result of "
                   "%lld rows of %lld elements overflows 64 bits",
                   (long long)p->rows, (long long)n);
  /* JAX's CPU linalg primitives take float32/float64 only. */
  if (p->fdtype != JR_FLOAT32 && p->fdtype != JR_FLOAT64) {
    static const char *const names[] = {"cholesky", "eigh", "svd"};
    return jr_fail(JR_E_BAD_DTYPE,
                   "%s does not accept dtype %s at position "
                   "0. Accepted dtypes at position 0 are subtypes of float32, "
                   "float64, complex64, complex128. (mean %s and %s %s "
                   "promote to %s; JAX's CPU LAPACK has no half precision: "
                   "cast them to float32)",
                   names[method], jr_mvn_dtype_name(p->fdtype),
                   jr_mvn_dtype_name(mean->dtype), cname,
                   jr_mvn_dtype_name(cov->dtype), jr_mvn_dtype_name(p->fdtype));
  }
  p->rdtype = jr_promote_float(p->fdtype, p->zdtype);
  jr_batch_steps(p, p->mean_bndim, mean->shape, p->mean_step);
  jr_batch_steps(p, p->cov_bndim, cov->shape, p->cov_step);
  return JR_OK;
}

void jr_mvn_plan_shape(const jr_mvn_plan *p, int *ndim, int64_t *shape) {
  if (ndim) *ndim = p->bndim + 1;
  if (shape) {
    memcpy(shape, p->batch, sizeof *shape * (size_t)p->bndim);
    shape[p->bndim] = p->n;
  }
}

jr_status jr_mvn_plan_check_out(const jr_mvn_plan *p, const jr_array *out) {
  char b1[800], b2[800];
  if (!out)
    return jr_fail(JR_E_NULL_POINTER, "multivariate_normal: out is NULL");
  int same = out->ndim == p->bndim + 1 && (out->shape || out->ndim == 0);
  for (int d = 0; same && d < p->bndim; d++)
    same = out->shape[d] == p->batch[d];
  if (same) same = out->shape[p->bndim] == p->n;
  if (!same) {
    int64_t want[JR_MAX_NDIM];
    jr_mvn_plan_shape(p, NULL, want);
    return jr_fail(JR_E_BAD_SHAPE,
                   "multivariate_normal: out has shape %s; "
                   "expected %s",
                   out->ndim >= 0 && out->ndim <= JR_MAX_NDIM
                       ? jr_format_shape(b1, sizeof b1, out->ndim, out->shape)
                       : "(invalid ndim)",
                   jr_format_shape(b2, sizeof b2, p->bndim + 1, want));
  }
  if (out->dtype != p->rdtype)
    return jr_fail(JR_E_BAD_DTYPE,
                   "multivariate_normal: out has dtype %s; "
                   "expected %s",
                   jr_mvn_dtype_name(out->dtype), jr_mvn_dtype_name(p->rdtype));
  if (out->strides)
    return jr_fail(JR_E_BAD_ARGUMENT, "multivariate_normal: out must be "
                                      "C-contiguous (strides NULL)");
  return JR_OK;
}

jr_status jr_mvn_plan_uses(const jr_mvn_plan *p, int64_t a, int64_t b,
                           jr_mvn_uses *u) {
  memset(u, 0, sizeof *u);
  if (a == 0 && b == p->rows) {
    u->mcount = p->mean_count;
    u->ccount = p->cov_count;
    return JR_OK;
  }
  int64_t mlo = INT64_MAX, mhi = -1, clo = INT64_MAX, chi = -1;
  jr_row_cursor cur;
  jr_row_cursor_init(p, a, &cur);
  for (int64_t r = a; r < b; r++) {
    if (cur.mi < mlo) mlo = cur.mi;
    if (cur.mi > mhi) mhi = cur.mi;
    if (cur.ci < clo) clo = cur.ci;
    if (cur.ci > chi) chi = cur.ci;
    jr_row_cursor_next(p, &cur);
  }
  if (a == b) mlo = clo = 0;
  u->mfirst = mlo;
  u->mcount = mhi - mlo + 1;
  u->cfirst = clo;
  u->ccount = chi - clo + 1;
  /* the ranges lie inside mean's and cov's batches: bounded by the input */
  u->mused = calloc((size_t)u->mcount + 1, 1);
  u->cused = calloc((size_t)u->ccount + 1, 1);
  if (!u->mused || !u->cused) {
    jr_mvn_uses_free(u);
    return jr_fail(JR_E_OUT_OF_MEMORY, "multivariate_normal: out of memory");
  }
  jr_row_cursor_init(p, a, &cur);
  for (int64_t r = a; r < b; r++) {
    u->mused[cur.mi - mlo] = 1;
    u->cused[cur.ci - clo] = 1;
    jr_row_cursor_next(p, &cur);
  }
  return JR_OK;
}

void jr_mvn_uses_free(jr_mvn_uses *u) {
  free(u->mused);
  free(u->cused);
  u->mused = u->cused = NULL;
}
