/* multivariate_normal with JAX's semantics (spec sections 8-10): argument
 * checks in JAX's order, broadcasting, dtype promotion, factors computed
 * once per covariance batch element, opt-in validation, and sampling of any
 * row slice in blocks on worker threads. */
#include <math.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>

#include "internal.h"
#include "linalg/factor.h"
#include "linalg/transform.h"

/* Elements of z per block: buffers stay in L1/L2; a multiple of the SIMD
 * kernels' 288-element block (for n = 1, 2, 3, 4, 6, 8, 9, 12, 16 the rows
 * of a block fill it exactly). */
enum { JR_MVN_BLOCK = 2304 };

/* Everything the argument checks determine. */
typedef struct jr_mvn_plan {
  jr_dtype fdtype; /* P: promoted mean/cov dtype, the factor's dtype */
  jr_dtype zdtype; /* dtype of z = normal(...): the dtype argument or P */
  jr_dtype rdtype; /* result dtype: promotion of P and zdtype */
  int64_t n;
  int bndim; /* output batch shape */
  int64_t batch[JR_MAX_NDIM];
  int64_t rows;
  int mean_bndim, cov_bndim;
  int64_t mean_count, cov_count; /* batch elements of mean and of cov */
  /* Per output batch axis, the step in mean / cov batch elements (0 where
   * the axis is broadcast). */
  int64_t mean_step[JR_MAX_NDIM], cov_step[JR_MAX_NDIM];
} jr_mvn_plan;

struct jr_mvn {
  jr_mvn_plan plan;
  void *mean; /* mean_count * n, in rdtype (exact widening of P) */
  /* cov_count factors of fstride elements in rdtype: for n <= 16 (small)
   * transposed and padded for the exact kernels (jr_xform_transpose), else
   * row-major for BLAS. */
  void *factor;
  int64_t fstride;
  int small; /* n <= JR_XFORM_SMALL_MAX: the exact path */
  int lower; /* cholesky: the factor is lower triangular (BLAS uses trmm) */
};

static const char *jr_name(jr_dtype d) {
  const char *s = jr_dtype_name(d);
  return s ? s : "an unknown dtype";
}

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

/* Validates an input view: pointers, ndim, dims, dtype. */
static jr_status jr_check_view(const char *what, const jr_array *a) {
  if (!a)
    return jr_fail(JR_E_NULL_POINTER, "multivariate_normal: %s is NULL", what);
  if (a->dtype < JR_FLOAT16 || a->dtype > JR_BOOL)
    return jr_fail(JR_E_BAD_DTYPE,
                   "multivariate_normal: %s has unknown dtype "
                   "%d",
                   what, (int)a->dtype);
  char name[32];
  snprintf(name, sizeof name, "multivariate_normal: %s", what);
  int64_t size;
  jr_status st = jr_check_shape(name, a->ndim, a->shape, &size);
  if (st != JR_OK) return st;
  if (size > 0 && !a->data)
    return jr_fail(JR_E_NULL_POINTER,
                   "multivariate_normal: %s.data is NULL "
                   "with %lld elements",
                   what, (long long)size);
  return JR_OK;
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
                                    const int64_t *const *shapes) {
  char buf[3][800];
  for (int s = 0; s < k; s++)
    jr_format_shape(buf[s], sizeof buf[s], ndims[s], shapes[s]);
  if (k == 2)
    return jr_fail(JR_E_BROADCAST,
                   "Incompatible shapes for broadcasting: "
                   "shapes=[%s, %s] (mean.shape[:-1], cov.shape[:-2])",
                   buf[0], buf[1]);
  return jr_fail(JR_E_BROADCAST,
                 "Incompatible shapes for broadcasting: "
                 "shapes=[%s, %s, %s] (shape argument, mean.shape[:-1], "
                 "cov.shape[:-2])",
                 buf[0], buf[1], buf[2]);
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

static jr_status jr_mvn_make_plan(const jr_array *mean, const jr_array *cov,
                                  int shape_ndim, const int64_t *shape,
                                  jr_dtype dtype, jr_method method,
                                  jr_mvn_plan *p) {
  char b1[800], b2[800];
  jr_status st;
  memset(p, 0, sizeof *p);
  if ((st = jr_check_view("mean", mean)) != JR_OK) return st;
  if ((st = jr_check_view("cov", cov)) != JR_OK) return st;
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
                   jr_name(p->zdtype));
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
                   "multivariate_normal requires cov.ndim >= "
                   "2, got cov.ndim == %d",
                   cov->ndim);
  const int64_t n = mean->shape[mean->ndim - 1];
  if (cov->shape[cov->ndim - 2] != n || cov->shape[cov->ndim - 1] != n)
    return jr_fail(JR_E_COV_SHAPE,
                   "multivariate_normal requires cov.shape == "
                   "(..., n, n) for n=%lld, but got cov.shape == %s.",
                   (long long)n,
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
      return jr_broadcast_error(2, nd, sh);
  } else {
    int nd[3] = {shape_ndim, p->mean_bndim, p->cov_bndim};
    const int64_t *sh[3] = {shape, mean->shape, cov->shape};
    int64_t res[JR_MAX_NDIM];
    int rnd;
    if (!jr_broadcast(3, nd, sh, &rnd, res))
      return jr_broadcast_error(3, nd, sh);
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
                   "float64, complex64, complex128. (mean %s and cov %s "
                   "promote to %s; JAX's CPU LAPACK has no half precision: "
                   "cast them to float32)",
                   names[method], jr_name(p->fdtype), jr_name(mean->dtype),
                   jr_name(cov->dtype), jr_name(p->fdtype));
  }
  p->rdtype = jr_promote_float(p->fdtype, p->zdtype);
  jr_batch_steps(p, p->mean_bndim, mean->shape, p->mean_step);
  jr_batch_steps(p, p->cov_bndim, cov->shape, p->cov_step);
  return JR_OK;
}

jr_status jr_multivariate_normal_shape(const jr_array *mean,
                                       const jr_array *cov, int shape_ndim,
                                       const int64_t *shape, jr_dtype dtype,
                                       jr_method method, jr_dtype *out_dtype,
                                       int *out_ndim, int64_t *out_shape) {
  jr_mvn_plan p;
  jr_status st =
      jr_mvn_make_plan(mean, cov, shape_ndim, shape, dtype, method, &p);
  if (st != JR_OK) return st;
  if (out_dtype) *out_dtype = p.rdtype;
  if (out_ndim) *out_ndim = p.bndim + 1;
  if (out_shape) {
    memcpy(out_shape, p.batch, sizeof *out_shape * (size_t)p.bndim);
    out_shape[p.bndim] = p.n;
  }
  return JR_OK;
}

/* ---- reading input views of any dtype */

/* Element offset (in elements) of flat C-order index `flat` of a view. */
static int jr_view_offset(const jr_array *a, int64_t flat, int64_t *off) {
  int64_t o = 0, bytes;
  if (!a->strides) {
    o = flat;
  } else {
    for (int d = a->ndim - 1; d >= 0; d--) {
      int64_t idx = flat % a->shape[d], t;
      flat /= a->shape[d];
      if (!jr_mul_i64(idx, a->strides[d], &t) || !jr_add_i64(o, t, &o))
        return 0;
    }
  }
  /* the byte offset must be representable too */
  if (!jr_mul_i64(o, (int64_t)jr_dtype_size(a->dtype), &bytes)) return 0;
  *off = o;
  return 1;
}

/* Element `off` of a view converted to P (float32 or float64) with one
 * rounding, as JAX's convert_element_type does. */
static double jr_view_load(const jr_array *a, int64_t off, jr_dtype P) {
  const char *base =
      (const char *)a->data + off * (int64_t)jr_dtype_size(a->dtype);
  int64_t i = 0;
  uint64_t u = 0;
  int is_signed = 1;
  switch (a->dtype) {
  case JR_FLOAT16: return jr_f16_to_f32(*(const uint16_t *)base);
  case JR_BFLOAT16: return jr_bf16_to_f32(*(const uint16_t *)base);
  case JR_FLOAT32: return *(const float *)base;
  case JR_FLOAT64: return *(const double *)base; /* P is float64 here */
  case JR_INT8: i = *(const int8_t *)base; break;
  case JR_INT16: i = *(const int16_t *)base; break;
  case JR_INT32: i = *(const int32_t *)base; break;
  case JR_INT64: i = *(const int64_t *)base; break;
  case JR_UINT8:
    u = *(const uint8_t *)base;
    is_signed = 0;
    break;
  case JR_UINT16:
    u = *(const uint16_t *)base;
    is_signed = 0;
    break;
  case JR_UINT32:
    u = *(const uint32_t *)base;
    is_signed = 0;
    break;
  case JR_UINT64:
    u = *(const uint64_t *)base;
    is_signed = 0;
    break;
  case JR_BOOL: return *(const uint8_t *)base ? 1.0 : 0.0;
  default: return NAN;
  }
  /* Integers go straight to P: through double first could round twice. */
  if (P == JR_FLOAT32) return is_signed ? (float)i : (float)u;
  return is_signed ? (double)i : (double)u;
}

/* Copies flat elements [first, first + count) of a view into dst as rdtype
 * (values rounded to P first). */
static jr_status jr_view_copy(const char *what, const jr_array *a,
                              int64_t first, int64_t count, jr_dtype P,
                              jr_dtype R, void *dst) {
  /* Contiguous float inputs (the common case, and per batch element of a
   * large batch): plain loops, the same single rounding to P. */
  if (!a->strides && (a->dtype == JR_FLOAT32 || a->dtype == JR_FLOAT64)) {
    if (a->dtype == JR_FLOAT32) {
      const float *s = (const float *)a->data + first;
      if (R == JR_FLOAT32)
        memcpy(dst, s, (size_t)count * sizeof *s);
      else
        for (int64_t k = 0; k < count; k++)
          ((double *)dst)[k] = s[k];
    } else { /* float64 input: P is float64, so R is too */
      memcpy(dst, (const double *)a->data + first, (size_t)count * 8);
    }
    return JR_OK;
  }
  for (int64_t k = 0; k < count; k++) {
    int64_t off;
    if (!jr_view_offset(a, first + k, &off))
      return jr_fail(JR_E_SIZE_OVERFLOW,
                     "multivariate_normal: %s's strides "
                     "overflow 64 bits at element %lld",
                     what, (long long)(first + k));
    double v = jr_view_load(a, off, P);
    if (R == JR_FLOAT32)
      ((float *)dst)[k] = (float)v;
    else
      ((double *)dst)[k] = v;
  }
  return JR_OK;
}

static double jr_get(jr_dtype d, const void *p, int64_t k) {
  return d == JR_FLOAT32 ? (double)((const float *)p)[k]
                         : ((const double *)p)[k];
}

/* ---- validation (opt-in, like NumPy's check_valid) */

typedef struct {
  const jr_ctx *ctx;
  jr_status first; /* status of the first problem (RAISE fails with it) */
  int64_t count;   /* problems found */
} jr_report;

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

static jr_status jr_validate_cov(jr_report *r, jr_method method, int64_t n,
                                 int64_t index, jr_dtype P, const void *cov,
                                 double *work) {
  char msg[512];
  double scale = 0.0;
  for (int64_t k = 0; k < n * n; k++) {
    double v = jr_get(P, cov, k);
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

/* ---- creation */

void jr_mvn_free(jr_mvn *mvn) {
  if (!mvn) return;
  free(mvn->mean);
  free(mvn->factor);
  free(mvn);
}

/* Stores the factor f (n x n row-major in P) as the sampler reads it, in R
 * at dst: padded transpose for the small path, else row-major; work (n^2
 * doubles) holds the widening when P != R (exact). */
static void jr_factor_put(jr_dtype P, jr_dtype R, int64_t n, int small,
                          const void *f, double *work, void *dst) {
  const int64_t nn = n * n;
  const void *fr = f;
  if (P != R) { /* float32 factor, float64 result: widen (exact) */
    for (int64_t k = 0; k < nn; k++)
      work[k] = ((const float *)f)[k];
    fr = work;
  }
  if (small)
    jr_xform_transpose(R, n, fr, dst);
  else
    memcpy(dst, fr, (size_t)nn * jr_dtype_size(R));
}

/* The factor of one covariance c (n x n in P) as the sampler stores it (see
 * jr_factor_put); f (n^2 in P) receives it in P first. The one function
 * behind jr_mvn_create and the one-shot path, so a factor has the same bytes
 * either way. */
static jr_status jr_factor_store(jr_method method, jr_dtype P, jr_dtype R,
                                 int64_t n, int small, const void *c, void *f,
                                 double *work, void *dst, int *failed) {
  /* The BLAS path stores the row-major factor as is: straight into place
   * (for W3, n = 1000, that saves an 8 MB buffer and its copy). */
  if (!small && P == R) return jr_linalg_factor(method, P, n, c, dst, failed);
  jr_status st = jr_linalg_factor(method, P, n, c, f, failed);
  if (st != JR_OK) return st;
  jr_factor_put(P, R, n, small, f, work, dst);
  return JR_OK;
}

/* Matrices per chunk of jr_factor_chunk: its buffers stay in L1/L2. */
enum { JR_FACTOR_CHUNK = 256 };

/* jr_factor_store for cnt contiguous covariances c (cnt
 * n^2 in P), the factor of matrix k to dst + k * dstep bytes. The own small
 * Cholesky runs over the whole chunk (several matrices per vector, the same
 * bytes); a matrix it leaves (not positive definite, non-finite) goes
 * through jr_factor_store like any other, so every factor is
 * jr_linalg_factor's. fb: cnt n^2 in P; ok: cnt; f, work as for
 * jr_factor_store. */
static jr_status jr_factor_chunk(jr_method method, jr_dtype P, jr_dtype R,
                                 int64_t n, int small, int64_t cnt,
                                 const char *c, char *fb, unsigned char *ok,
                                 void *f, double *work, char *dst,
                                 size_t dstep) {
  const size_t mbytes = (size_t)(n * n) * jr_dtype_size(P);
  /* Where the sampler's layout is exactly the column-major factor (no
   * padding: float64 n = 4, W4's case) the batch writes it in place. */
  const int direct =
      P == R && small && dstep == mbytes && jr_xform_pad(R, n) == n;
  if (method == JR_CHOLESKY && n >= 1 && n <= JR_CHOL_OWN_MAX &&
      jr_own_chol_ok())
    jr_chol_small_batch(P, n, cnt, c, direct ? dst : fb, ok, direct);
  else
    memset(ok, 0, (size_t)cnt);
  for (int64_t k = 0; k < cnt; k++) {
    char *d = dst + (size_t)k * dstep;
    if (ok[k] && direct) continue;
    if (ok[k]) {
      jr_factor_put(P, R, n, small, fb + (size_t)k * mbytes, work, d);
    } else {
      int failed;
      jr_status st = jr_factor_store(
          method, P, R, n, small, c + (size_t)k * mbytes, f, work, d, &failed);
      if (st != JR_OK) return st;
    }
  }
  return JR_OK;
}

static jr_status jr_mvn_build(const jr_ctx *ctx, const jr_array *mean,
                              const jr_array *cov, jr_method method,
                              jr_mvn *m) {
  const jr_mvn_plan *p = &m->plan;
  const int64_t n = p->n;
  const jr_dtype P = p->fdtype, R = p->rdtype;
  const size_t rsize = jr_dtype_size(R), psize = jr_dtype_size(P);
  int64_t mean_elems, nn, factor_elems;
  jr_status st;
  jr_report rep = {ctx, JR_OK, 0};
  const int check = ctx->check != JR_CHECK_IGNORE;
  void *c = NULL, *f = NULL;
  double *work = NULL;
  if (n > JR_LINALG_MAX_N)
    return jr_fail(JR_E_TOO_LARGE,
                   "multivariate_normal: n = %lld; LAPACK "
                   "factorizations support n <= %d",
                   (long long)n, JR_LINALG_MAX_N);
  /* Sizes of data the caller passed in, so bounded by real memory. */
  m->small = n <= JR_XFORM_SMALL_MAX;
  m->lower = method == JR_CHOLESKY;
  m->fstride = m->small ? n * jr_xform_pad(R, n) : n * n;
  if (!jr_mul_i64(p->mean_count, n, &mean_elems) || !jr_mul_i64(n, n, &nn) ||
      !jr_mul_i64(p->cov_count, m->fstride, &factor_elems) ||
      factor_elems > INT64_MAX / 8)
    return jr_fail(JR_E_SIZE_OVERFLOW, "multivariate_normal: factor storage "
                                       "overflows 64 bits");
  m->mean = malloc(mean_elems ? (size_t)mean_elems * rsize : 1);
  m->factor = malloc(factor_elems ? (size_t)factor_elems * rsize : 1);
  /* One covariance in P, its factor in P, and a double copy to validate
   * (also the factor widened to R). */
  c = malloc(nn ? (size_t)nn * psize : 1);
  f = malloc(nn ? (size_t)nn * psize : 1);
  work = malloc(nn ? (size_t)nn * sizeof(double) : 1);
  if (!m->mean || !m->factor || !c || !f || !work) {
    st = jr_fail(JR_E_OUT_OF_MEMORY,
                 "multivariate_normal: cannot allocate "
                 "factors for %lld covariances of size %lld x %lld",
                 (long long)p->cov_count, (long long)n, (long long)n);
    goto done;
  }
  if ((st = jr_view_copy("mean", mean, 0, mean_elems, P, R, m->mean)) != JR_OK)
    goto done;
  if (check)
    for (int64_t b = 0; b < p->mean_count; b++)
      for (int64_t i = 0; i < n; i++) {
        double v = jr_get(R, m->mean, b * n + i);
        if (!isfinite(v)) {
          char msg[256];
          snprintf(msg, sizeof msg,
                   "multivariate_normal: mean batch element "
                   "%lld has a non-finite entry %g at %lld",
                   (long long)b, v, (long long)i);
          if ((st = jr_problem(&rep, JR_E_NON_FINITE, msg)) != JR_OK) goto done;
          i = n; /* one report per batch element */
        }
      }
  /* Without validation, many small Cholesky factors are made a chunk at a
   * time (jr_factor_chunk: several matrices per vector, the same bytes). */
  if (!check && method == JR_CHOLESKY && n >= 1 && n <= JR_CHOL_OWN_MAX &&
      p->cov_count > 1) {
    const size_t cbytes = (size_t)(JR_FACTOR_CHUNK * nn) * psize;
    char *cb = malloc(cbytes), *fb = malloc(cbytes);
    unsigned char *ok = malloc(JR_FACTOR_CHUNK);
    st = cb && fb && ok ? JR_OK
                        : jr_fail(JR_E_OUT_OF_MEMORY,
                                  "multivariate_normal: out of memory");
    for (int64_t b = 0; st == JR_OK && b < p->cov_count; b += JR_FACTOR_CHUNK) {
      const int64_t left = p->cov_count - b,
                    cnt = left < JR_FACTOR_CHUNK ? left : JR_FACTOR_CHUNK;
      st = jr_view_copy("cov", cov, b * nn, cnt * nn, P, P, cb);
      if (st == JR_OK)
        st = jr_factor_chunk(
            method, P, R, n, m->small, cnt, cb, fb, ok, f, work,
            (char *)m->factor + (size_t)(b * m->fstride) * rsize,
            (size_t)m->fstride * rsize);
    }
    free(cb);
    free(fb);
    free(ok);
    goto done;
  }
  for (int64_t b = 0; b < p->cov_count; b++) {
    int failed;
    const int64_t reported = rep.count;
    /* a contiguous cov already in P is read in place */
    const void *cin = c;
    if (!cov->strides && cov->dtype == P)
      cin = (const char *)cov->data + (size_t)(b * nn) * psize;
    else if ((st = jr_view_copy("cov", cov, b * nn, nn, P, P, c)) != JR_OK)
      goto done;
    if (check &&
        (st = jr_validate_cov(&rep, method, n, b, P, cin, work)) != JR_OK)
      goto done;
    void *dst = (char *)m->factor + (size_t)(b * m->fstride) * rsize;
    if ((st = jr_factor_store(method, P, R, n, m->small, cin, f, work, dst,
                              &failed)) != JR_OK)
      goto done;
    int has_nan = failed;
    /* the factor in R: work when widened, dst when stored as is */
    const void *fr = P != R ? (const void *)work : m->small ? f : dst;
    if (check)
      for (int64_t k = 0; k < nn; k++) {
        double v = jr_get(R, fr, k);
        if (v != v) has_nan = 1;
      }
    /* A valid-looking covariance can still give NaN (cholesky of a singular
     * matrix, eigh with an eigenvalue rounded below 0): report it too. */
    if (check && has_nan && rep.count == reported) {
      char msg[320];
      snprintf(msg, sizeof msg,
               "multivariate_normal: %s of cov batch element "
               "%lld gives a NaN factor (%s), so its samples are NaN as in JAX",
               method == JR_CHOLESKY ? "cholesky"
               : method == JR_EIGH   ? "eigh"
                                     : "svd",
               (long long)b,
               failed ? (method == JR_CHOLESKY
                             ? "potrf: not positive definite; use eigh or svd "
                               "for a singular covariance"
                             : "LAPACK did not converge")
                      : "an eigenvalue computed below 0");
      if ((st = jr_problem(&rep, JR_E_NOT_PSD, msg)) != JR_OK) goto done;
    }
  }
  st = JR_OK;
done:
  free(c);
  free(f);
  free(work);
  return st;
}

jr_status jr_mvn_create(const jr_ctx *ctx, const jr_array *mean,
                        const jr_array *cov, int shape_ndim,
                        const int64_t *shape, jr_dtype dtype, jr_method method,
                        jr_mvn **out) {
  jr_status st;
  if (!out) return jr_fail(JR_E_NULL_POINTER, "jr_mvn_create: out is NULL");
  *out = NULL;
  ctx = jr_ctx_or_default(ctx);
  if ((st = jr_check_ctx(ctx)) != JR_OK) return st;
  if (ctx->check != JR_CHECK_IGNORE && ctx->check != JR_CHECK_WARN &&
      ctx->check != JR_CHECK_RAISE)
    return jr_fail(JR_E_BAD_MODE, "ctx check level %d is not a jr_check",
                   (int)ctx->check);
  jr_mvn *m = calloc(1, sizeof *m);
  if (!m) return jr_fail(JR_E_OUT_OF_MEMORY, "jr_mvn_create: out of memory");
  st = jr_mvn_make_plan(mean, cov, shape_ndim, shape, dtype, method, &m->plan);
  /* OpenBLAS's syevd/gesdd give thread-count dependent bytes: factor with it
   * pinned to one thread so factors never depend on the process's setting. */
  if (st == JR_OK) {
    jr_blas_enter();
    st = jr_mvn_build(ctx, mean, cov, method, m);
    jr_blas_leave();
  }
  if (st != JR_OK) {
    jr_mvn_free(m);
    return st;
  }
  *out = m;
  return JR_OK;
}

jr_status jr_mvn_describe(const jr_mvn *mvn, jr_dtype *dtype, int *ndim,
                          int64_t *shape, int64_t *rows, int64_t *n) {
  if (!mvn) return jr_fail(JR_E_NULL_POINTER, "jr_mvn_describe: mvn is NULL");
  const jr_mvn_plan *p = &mvn->plan;
  if (dtype) *dtype = p->rdtype;
  if (ndim) *ndim = p->bndim + 1;
  if (shape) {
    memcpy(shape, p->batch, sizeof *shape * (size_t)p->bndim);
    shape[p->bndim] = p->n;
  }
  if (rows) *rows = p->rows;
  if (n) *n = p->n;
  return JR_OK;
}

/* Batch element indices of mean and cov for output row `row`. */
static void jr_row_sources(const jr_mvn_plan *p, int64_t row, int64_t *mi,
                           int64_t *ci) {
  int64_t a = 0, b = 0;
  for (int d = p->bndim - 1; d >= 0; d--) {
    int64_t idx = row % p->batch[d];
    row /= p->batch[d];
    a += idx * p->mean_step[d];
    b += idx * p->cov_step[d];
  }
  *mi = a;
  *ci = b;
}

jr_status jr_mvn_factor(const jr_mvn *mvn, int64_t row, double *out) {
  if (!mvn || !out)
    return jr_fail(JR_E_NULL_POINTER, "jr_mvn_factor: %s is NULL",
                   mvn ? "out" : "mvn");
  const jr_mvn_plan *p = &mvn->plan;
  if (row < 0 || row >= p->rows)
    return jr_fail(JR_E_BAD_RANGE,
                   "jr_mvn_factor: row %lld is outside [0, "
                   "%lld)",
                   (long long)row, (long long)p->rows);
  int64_t mi, ci;
  jr_row_sources(p, row, &mi, &ci);
  const int64_t n = p->n, np = jr_xform_pad(p->rdtype, n);
  for (int64_t i = 0; i < n; i++)
    for (int64_t j = 0; j < n; j++)
      out[i * n + j] =
          jr_get(p->rdtype, mvn->factor,
                 ci * mvn->fstride + (mvn->small ? j * np + i : i * n + j));
  return JR_OK;
}

/* ---- sampling */

typedef struct {
  const jr_mvn *mvn;
  jr_ctx inner; /* the caller's ctx on one thread: threads are ours */
  jr_key key;
  int64_t row0, row1; /* the absolute rows asked for; out[0] is row0 */
  int64_t k0;         /* BLAS path: first absolute block */
  void *out;
  jr_transform_fn xform; /* the exact small-n kernel of the active ISA */
  atomic_int status;
} jr_sample_job;

static void jr_set_status(jr_sample_job *job, jr_status st) {
  int expected = JR_OK;
  atomic_compare_exchange_strong(&job->status, &expected, (int)st);
}

/* Where a row's factor and mean live, stepped row by row (an odometer over
 * the batch shape). */
typedef struct {
  int64_t idx[JR_MAX_NDIM];
  int64_t mi, ci; /* batch elements of mean and cov */
} jr_row_cursor;

static void jr_cursor_init(const jr_mvn_plan *p, int64_t row,
                           jr_row_cursor *c) {
  c->mi = c->ci = 0;
  for (int d = p->bndim - 1; d >= 0; d--) {
    c->idx[d] = row % p->batch[d];
    row /= p->batch[d];
    c->mi += c->idx[d] * p->mean_step[d];
    c->ci += c->idx[d] * p->cov_step[d];
  }
}

static void jr_cursor_next(const jr_mvn_plan *p, jr_row_cursor *c) {
  for (int d = p->bndim - 1; d >= 0; d--) {
    c->idx[d]++;
    c->mi += p->mean_step[d];
    c->ci += p->cov_step[d];
    if (c->idx[d] < p->batch[d]) break;
    c->mi -= c->idx[d] * p->mean_step[d];
    c->ci -= c->idx[d] * p->cov_step[d];
    c->idx[d] = 0;
  }
}

/* z of absolute rows [row, row + cnt) in the result dtype into zr; zraw is
 * scratch for z as drawn when its dtype differs (widening is exact). */
static jr_status jr_draw_z(const jr_sample_job *job, int64_t row, int64_t cnt,
                           void *zraw, void *zr) {
  const jr_mvn_plan *p = &job->mvn->plan;
  const int64_t n = p->n;
  void *dst = p->zdtype == p->rdtype ? zr : zraw;
  jr_status st = jr_normal_range(&job->inner, job->key, p->zdtype, p->rows * n,
                                 row * n, cnt * n, dst);
  if (st != JR_OK || dst == zr) return st;
  for (int64_t k = 0; k < cnt * n; k++) {
    double v;
    switch (p->zdtype) {
    case JR_FLOAT16: v = jr_f16_to_f32(((uint16_t *)zraw)[k]); break;
    case JR_BFLOAT16: v = jr_bf16_to_f32(((uint16_t *)zraw)[k]); break;
    case JR_FLOAT32: v = ((float *)zraw)[k]; break;
    default: v = ((double *)zraw)[k]; break;
    }
    if (p->rdtype == JR_FLOAT32)
      ((float *)zr)[k] = (float)v;
    else
      ((double *)zr)[k] = v;
  }
  return JR_OK;
}

static const void *jr_factor_at(const jr_mvn *m, int64_t ci) {
  return (const char *)m->factor +
         (size_t)(ci * m->fstride) * jr_dtype_size(m->plan.rdtype);
}
static const void *jr_mean_at(const jr_mvn *m, int64_t mi) {
  return (const char *)m->mean +
         (size_t)(mi * m->plan.n) * jr_dtype_size(m->plan.rdtype);
}

/* Small n: rows [row0 + begin, row0 + end) in blocks of about JR_MVN_BLOCK
 * elements; z is drawn into an L1-sized block just before the exact
 * transform reads it. */
static void jr_sample_small(void *arg, int64_t begin, int64_t end) {
  jr_sample_job *job = arg;
  const jr_mvn_plan *p = &job->mvn->plan;
  const int64_t n = p->n;
  const size_t rsize = jr_dtype_size(p->rdtype);
  const int64_t brows = n >= JR_MVN_BLOCK ? 1 : JR_MVN_BLOCK / n;
  const size_t belems = (size_t)(brows * n);
  char *zr = malloc(belems * rsize);
  char *zraw =
      p->zdtype == p->rdtype ? NULL : malloc(belems * jr_dtype_size(p->zdtype));
  const void **fptr = malloc(sizeof *fptr * (size_t)brows * 2);
  if (!zr || (!zraw && p->zdtype != p->rdtype) || !fptr) {
    jr_set_status(job, JR_E_OUT_OF_MEMORY);
    goto done;
  }
  const void **mptr = fptr + brows;
  /* Byte steps hoisted out of the row loop (no call per row). */
  const char *fbase = job->mvn->factor, *mbase = job->mvn->mean;
  const size_t fbytes = (size_t)job->mvn->fstride * rsize,
               mbytes = (size_t)n * rsize;
  /* One factor and one mean for every row (the common shape=(rows,) case):
   * the pointer arrays are filled once. */
  const int shared = p->cov_count == 1 && p->mean_count == 1;
  if (shared)
    for (int64_t k = 0; k < brows; k++) {
      fptr[k] = fbase;
      mptr[k] = mbase;
    }
  jr_row_cursor cur;
  jr_cursor_init(p, job->row0 + begin, &cur);
  for (int64_t r = begin; r < end; r += brows) {
    const int64_t cnt = end - r < brows ? end - r : brows;
    jr_status st = jr_draw_z(job, job->row0 + r, cnt, zraw, zr);
    if (st != JR_OK) {
      jr_set_status(job, st);
      goto done;
    }
    for (int64_t k = 0; !shared && k < cnt; k++) {
      fptr[k] = fbase + (size_t)cur.ci * fbytes;
      mptr[k] = mbase + (size_t)cur.mi * mbytes;
      jr_cursor_next(p, &cur);
    }
    jr_transform_block blk = {p->rdtype,
                              n,
                              cnt,
                              zr,
                              fptr,
                              mptr,
                              (char *)job->out + (size_t)(r * n) * rsize,
                              shared};
    job->xform(&blk);
  }
done:
  free(zr);
  free(zraw);
  free(fptr);
}

/* ---- one-shot sampling with one covariance per row
 *
 * jr_multivariate_normal with a small n and as many covariances as rows (W4:
 * 10^5 4 x 4 matrices, one sample each) would spend most of its time in
 * jr_mvn_create storing every factor and a copy of the mean (about 16 MB of
 * fresh pages for W4, first-touched at ~1 GB/s in this VM) for one use each.
 * Instead each worker factors a block of rows into a cache-resident buffer
 * and samples that block at once. The factor of every row comes from
 * jr_factor_store (the function jr_mvn_create uses), z from jr_draw_z and the
 * transform from the same kernel, so the bytes are those of
 * jr_mvn_create + jr_mvn_sample_rows (tested). */
typedef struct {
  jr_sample_job base; /* base.mvn is &shell: the plan, no stored factors */
  jr_mvn shell;
  const jr_array *mean, *cov;
  jr_method method;
  const void *mean_all; /* whole mean in R when mean is broadcast, else NULL */
} jr_oneshot_job;

static void jr_sample_oneshot(void *arg, int64_t begin, int64_t end) {
  jr_oneshot_job *job = arg;
  const jr_mvn_plan *p = &job->shell.plan;
  const int64_t n = p->n, nn = n * n, fstride = job->shell.fstride;
  const jr_dtype P = p->fdtype, R = p->rdtype;
  const size_t rsize = jr_dtype_size(R), psize = jr_dtype_size(P);
  const int64_t brows = JR_MVN_BLOCK / n; /* n <= 16: >= 128 rows */
  char *zr = malloc((size_t)(brows * n) * rsize);
  char *zraw = p->zdtype == R
                   ? NULL
                   : malloc((size_t)(brows * n) * jr_dtype_size(p->zdtype));
  char *fbuf = malloc((size_t)(brows * fstride) * rsize);
  char *mbuf = malloc((size_t)(brows * n) * rsize);
  char *cbuf = malloc((size_t)(brows * nn) * psize);
  char *fb = malloc((size_t)(brows * nn) * psize);
  unsigned char *ok = malloc((size_t)brows);
  char *f = malloc((size_t)nn * psize);
  double *work = malloc((size_t)nn * sizeof *work);
  const void **fptr = malloc(sizeof *fptr * (size_t)brows * 2);
  if (!zr || (!zraw && p->zdtype != R) || !fbuf || !mbuf || !cbuf || !fb ||
      !ok || !f || !work || !fptr) {
    jr_set_status(&job->base, JR_E_OUT_OF_MEMORY);
    goto done;
  }
  const void **mptr = fptr + brows;
  for (int64_t k = 0; k < brows; k++)
    fptr[k] = fbuf + (size_t)(k * fstride) * rsize;
  jr_row_cursor cur;
  jr_cursor_init(p, begin, &cur);
  for (int64_t r = begin; r < end; r += brows) {
    const int64_t cnt = end - r < brows ? end - r : brows;
    /* cov batch element of row r is r (cov_count == rows); inputs already
     * in P (cov) or R (mean) are read in place, not copied */
    jr_status st = JR_OK;
    const char *cb = cbuf;
    if (job->cov->dtype == P)
      cb = (const char *)job->cov->data + (size_t)(r * nn) * psize;
    else
      st = jr_view_copy("cov", job->cov, r * nn, cnt * nn, P, P, cbuf);
    if (st == JR_OK)
      st = jr_factor_chunk(job->method, P, R, n, 1, cnt, cb, fb, ok, f, work,
                           fbuf, (size_t)fstride * rsize);
    if (st == JR_OK && !job->mean_all) {
      const char *mb = mbuf;
      if (job->mean->dtype == R)
        mb = (const char *)job->mean->data + (size_t)(r * n) * rsize;
      else
        st = jr_view_copy("mean", job->mean, r * n, cnt * n, P, R, mbuf);
      for (int64_t k = 0; k < cnt; k++)
        mptr[k] = mb + (size_t)(k * n) * rsize;
    } else if (st == JR_OK) {
      for (int64_t k = 0; k < cnt; k++) {
        mptr[k] = (const char *)job->mean_all + (size_t)(cur.mi * n) * rsize;
        jr_cursor_next(p, &cur);
      }
    }
    if (st == JR_OK) st = jr_draw_z(&job->base, r, cnt, zraw, zr);
    if (st != JR_OK) {
      jr_set_status(&job->base, st);
      goto done;
    }
    jr_transform_block blk = {R,
                              n,
                              cnt,
                              zr,
                              fptr,
                              mptr,
                              (char *)job->base.out + (size_t)(r * n) * rsize,
                              0};
    job->base.xform(&blk);
  }
done:
  free(zr);
  free(zraw);
  free(fbuf);
  free(mbuf);
  free(cbuf);
  free(fb);
  free(ok);
  free(f);
  free(work);
  free(fptr);
}

/* 1 if jr_multivariate_normal takes the one-shot path: cholesky, the small
 * exact path, no validation (it reports per batch element before sampling),
 * contiguous inputs and one covariance per row. Not eigh/svd: OpenBLAS's
 * syevd gave other bytes with its thread count set to 1 in our workers than
 * on the caller's thread (a test caught it), and their cost is LAPACK's
 * anyway, not the stored factors. */
static int jr_oneshot_applies(const jr_ctx *ctx, const jr_mvn_plan *p,
                              const jr_array *mean, const jr_array *cov,
                              jr_method method) {
  return method == JR_CHOLESKY && ctx->check == JR_CHECK_IGNORE && p->n >= 1 &&
         p->n <= JR_XFORM_SMALL_MAX && p->rows > 1 && p->cov_count == p->rows &&
         !mean->strides && !cov->strides;
}

static jr_status jr_mvn_oneshot(const jr_ctx *ctx, jr_key key,
                                const jr_mvn_plan *p, const jr_array *mean,
                                const jr_array *cov, jr_method method,
                                void *out) {
  jr_status st;
  /* kernel-selection and mode errors on the caller's thread */
  if ((st = jr_normal_range(ctx, key, p->zdtype, p->rows * p->n, 0, 0, NULL)) !=
      JR_OK)
    return st;
  jr_oneshot_job *job = calloc(1, sizeof *job);
  void *mean_all = NULL;
  if (!job)
    return jr_fail(JR_E_OUT_OF_MEMORY, "multivariate_normal: out of memory");
  job->shell.plan = *p;
  job->shell.small = 1;
  job->shell.lower = method == JR_CHOLESKY;
  job->shell.fstride = p->n * jr_xform_pad(p->rdtype, p->n);
  job->base.mvn = &job->shell;
  job->base.inner = *ctx;
  job->base.inner.threads = 1;
  job->base.key = key;
  job->base.row0 = 0;
  job->base.row1 = p->rows;
  job->base.out = out;
  job->base.xform = jr_transform_for_isa(jr_isa_active());
  atomic_init(&job->base.status, JR_OK);
  job->mean = mean;
  job->cov = cov;
  job->method = method;
  if (p->mean_count != p->rows) { /* broadcast mean: fewer rows, copy once */
    const int64_t me = p->mean_count * p->n;
    mean_all = malloc(me ? (size_t)me * jr_dtype_size(p->rdtype) : 1);
    if (!mean_all) {
      free(job);
      return jr_fail(JR_E_OUT_OF_MEMORY, "multivariate_normal: out of memory");
    }
    if ((st = jr_view_copy("mean", mean, 0, me, p->fdtype, p->rdtype,
                           mean_all)) != JR_OK)
      goto done;
    job->mean_all = mean_all;
  }
  /* Work per row: z, the transform and a factorization (~ n^2). */
  int64_t work;
  if (!jr_mul_i64(p->rows, p->n * (p->n + 2), &work)) work = INT64_MAX;
  /* LAPACK (a matrix the own Cholesky leaves to it, eigh, svd) runs in our
   * workers: OpenBLAS single-threaded meanwhile, as on the BLAS path. */
  jr_blas_enter();
  st = jr_parallel_for(jr_ctx_threads(ctx, work), p->rows, jr_sample_oneshot,
                       job);
  jr_blas_leave();
  if (st == JR_OK && atomic_load(&job->base.status) != JR_OK) {
    st = (jr_status)atomic_load(&job->base.status);
    jr_fail(st, "multivariate_normal: a worker failed (%s)",
            jr_status_string(st));
  }
done:
  free(mean_all);
  free(job);
  return st;
}

/* Larger n: absolute blocks k0 + [begin, end) of JR_XFORM_GEMM_ROWS rows
 * (block k holds rows [k G, k G + G)). In each block, every run of rows sharing
 * a factor is one BLAS call over the whole run: z of the rows asked for, zero
 * for the others, so the call for a row has the same shape and position
 * whatever the slice or thread split (see transform_blas.c). */
static void jr_sample_blas(void *arg, int64_t begin, int64_t end) {
  jr_sample_job *job = arg;
  const jr_mvn *mvn = job->mvn;
  const jr_mvn_plan *p = &mvn->plan;
  const int64_t n = p->n, G = JR_XFORM_GEMM_ROWS;
  const size_t rsize = jr_dtype_size(p->rdtype);
  /* 64-byte aligned, so each call sees the same alignment. */
  const size_t bbytes = ((size_t)(G * n) * rsize + 63) / 64 * 64;
  char *zr = aligned_alloc(64, bbytes);
  char *c = aligned_alloc(64, bbytes);
  char *zraw = p->zdtype == p->rdtype
                   ? NULL
                   : malloc((size_t)(G * n) * jr_dtype_size(p->zdtype));
  const void **mptr = malloc(sizeof *mptr * (size_t)G);
  int64_t *cis = malloc(sizeof *cis * (size_t)G);
  if (!zr || !c || (!zraw && p->zdtype != p->rdtype) || !mptr || !cis) {
    jr_set_status(job, JR_E_OUT_OF_MEMORY);
    goto done;
  }
  jr_row_cursor cur;
  jr_cursor_init(p, (job->k0 + begin) * G, &cur);
  for (int64_t k = job->k0 + begin; k < job->k0 + end; k++) {
    const int64_t blo = k * G, bhi = blo + G < p->rows ? blo + G : p->rows;
    const int64_t lo = blo > job->row0 ? blo : job->row0;
    const int64_t hi = bhi < job->row1 ? bhi : job->row1;
    /* z of the wanted rows; zeros elsewhere (they only fill the call) */
    memset(zr, 0, (size_t)((bhi - blo) * n) * rsize);
    jr_status st = jr_draw_z(job, lo, hi - lo, zraw,
                             zr + (size_t)((lo - blo) * n) * rsize);
    if (st != JR_OK) {
      jr_set_status(job, st);
      goto done;
    }
    for (int64_t r = blo; r < bhi; r++) {
      cis[r - blo] = cur.ci;
      mptr[r - blo] = jr_mean_at(mvn, cur.mi);
      jr_cursor_next(p, &cur);
    }
    for (int64_t ra = blo, rb; ra < bhi; ra = rb) {
      for (rb = ra + 1; rb < bhi && cis[rb - blo] == cis[ra - blo]; rb++) {
      }
      const int64_t a = ra > lo ? ra : lo, b = rb < hi ? rb : hi;
      if (a >= b) continue;
      jr_transform_blas(
          p->rdtype, n, mvn->lower, rb - ra, jr_factor_at(mvn, cis[ra - blo]),
          zr + (size_t)((ra - blo) * n) * rsize, c, a - ra, b - ra,
          mptr + (a - blo),
          (char *)job->out + (size_t)((a - job->row0) * n) * rsize);
    }
  }
done:
  free(zr);
  free(c);
  free(zraw);
  free(mptr);
  free(cis);
}

jr_status jr_mvn_sample_rows(const jr_mvn *mvn, const jr_ctx *ctx, jr_key key,
                             int64_t row_begin, int64_t row_end, void *out) {
  if (!mvn)
    return jr_fail(JR_E_NULL_POINTER, "jr_mvn_sample_rows: mvn is NULL");
  const jr_mvn_plan *p = &mvn->plan;
  jr_status st;
  ctx = jr_ctx_or_default(ctx);
  if ((st = jr_check_ctx(ctx)) != JR_OK) return st;
  if (row_begin < 0 || row_end < row_begin || row_end > p->rows)
    return jr_fail(JR_E_BAD_RANGE,
                   "jr_mvn_sample_rows: rows [%lld, %lld) are "
                   "not a range inside [0, %lld)",
                   (long long)row_begin, (long long)row_end,
                   (long long)p->rows);
  const int64_t count = row_end - row_begin;
  if (count == 0 || p->n == 0) return JR_OK;
  if (!out)
    return jr_fail(JR_E_NULL_POINTER, "jr_mvn_sample_rows: out is NULL");
  /* Surfaces kernel-selection and mode errors here, on the caller's thread
   * (the plan guarantees rows * n fits). */
  if ((st = jr_normal_range(ctx, key, p->zdtype, p->rows * p->n,
                            row_begin * p->n, 0, NULL)) != JR_OK)
    return st;
  jr_sample_job *job = malloc(sizeof *job);
  if (!job)
    return jr_fail(JR_E_OUT_OF_MEMORY, "jr_mvn_sample_rows: out of memory");
  job->mvn = mvn;
  job->inner = *ctx;
  job->inner.threads = 1;
  job->key = key;
  job->row0 = row_begin;
  job->row1 = row_end;
  job->out = out;
  job->xform = jr_transform_for_isa(jr_isa_active());
  atomic_init(&job->status, JR_OK);
  /* Work: drawing z dominates for small n, the dot for large n. */
  int64_t work = count * p->n, dot;
  if (!jr_mul_i64(work, p->n / 16, &dot) || !jr_add_i64(work, dot, &work))
    work = INT64_MAX;
  const int threads = jr_ctx_threads(ctx, work);
  if (mvn->small) {
    st = jr_parallel_for(threads, count, jr_sample_small, job);
  } else {
    /* Threads split whole absolute blocks, so no block is computed twice. */
    const int64_t G = JR_XFORM_GEMM_ROWS;
    job->k0 = row_begin / G;
    jr_blas_enter();
    st = jr_parallel_for(threads, (row_end + G - 1) / G - job->k0,
                         jr_sample_blas, job);
    jr_blas_leave();
  }
  if (st == JR_OK && atomic_load(&job->status) != JR_OK) {
    st = (jr_status)atomic_load(&job->status);
    jr_fail(st,
            "jr_mvn_sample_rows: a worker failed (%s) while sampling "
            "rows [%lld, %lld)",
            jr_status_string(st), (long long)row_begin, (long long)row_end);
  }
  free(job);
  return st;
}

jr_status jr_multivariate_normal(const jr_ctx *ctx, jr_key key,
                                 const jr_array *mean, const jr_array *cov,
                                 int shape_ndim, const int64_t *shape,
                                 jr_dtype dtype, jr_method method,
                                 jr_array *out) {
  jr_mvn_plan p;
  char b1[800], b2[800];
  jr_status st =
      jr_mvn_make_plan(mean, cov, shape_ndim, shape, dtype, method, &p);
  if (st != JR_OK) return st;
  if (!out)
    return jr_fail(JR_E_NULL_POINTER, "multivariate_normal: out is NULL");
  int same = out->ndim == p.bndim + 1 && (out->shape || out->ndim == 0);
  for (int d = 0; same && d < p.bndim; d++)
    same = out->shape[d] == p.batch[d];
  if (same) same = out->shape[p.bndim] == p.n;
  if (!same) {
    int64_t want[JR_MAX_NDIM];
    memcpy(want, p.batch, sizeof *want * (size_t)p.bndim);
    want[p.bndim] = p.n;
    return jr_fail(JR_E_BAD_SHAPE,
                   "multivariate_normal: out has shape %s; "
                   "expected %s",
                   out->ndim >= 0 && out->ndim <= JR_MAX_NDIM
                       ? jr_format_shape(b1, sizeof b1, out->ndim, out->shape)
                       : "(invalid ndim)",
                   jr_format_shape(b2, sizeof b2, p.bndim + 1, want));
  }
  if (out->dtype != p.rdtype)
    return jr_fail(JR_E_BAD_DTYPE,
                   "multivariate_normal: out has dtype %s; "
                   "expected %s",
                   jr_name(out->dtype), jr_name(p.rdtype));
  if (out->strides)
    return jr_fail(JR_E_BAD_ARGUMENT, "multivariate_normal: out must be "
                                      "C-contiguous (strides NULL)");
  const jr_ctx *cx = jr_ctx_or_default(ctx);
  if (jr_check_ctx(cx) == JR_OK && out->data &&
      jr_oneshot_applies(cx, &p, mean, cov, method))
    return jr_mvn_oneshot(cx, key, &p, mean, cov, method, out->data);
  jr_mvn *m;
  if ((st = jr_mvn_create(ctx, mean, cov, shape_ndim, shape, dtype, method,
                          &m)) != JR_OK)
    return st;
  st = jr_mvn_sample_rows(m, ctx, key, 0, p.rows, out->data);
  jr_mvn_free(m);
  return st;
}
