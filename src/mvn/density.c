/* jax.scipy.stats.multivariate_normal.logpdf / pdf: JAX's three cases (scalar
 * mean, scalar cov, full cov), its dtype promotion, broadcasting and checks
 * in its order; the full case factors each covariance once (the library's
 * own Cholesky, so NaN where it fails, as JAX) and solves L y = x - mean.
 * Everything is computed in double and rounded once to the result dtype. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "internal.h"
#include "linalg/chol.h"
#include "mvn/array_view.h"
#include "mvn/density_build.h"
#include "mvn/density_kernels.h"

/* log(2 pi), correctly rounded */
#define JR_LOG_2PI 1.8378770664093454836

enum { KIND_SCALAR, KIND_ISO, KIND_FULL };

struct jr_mvn_density {
  int kind;   /* KIND_SCALAR: mean.ndim == 0; KIND_ISO: cov.ndim == 0 */
  jr_dtype P; /* the promoted dtype: of the inputs and of the result */
  int64_t n;  /* mean.shape[-1] (not KIND_SCALAR) */
  int m_ndim, c_ndim;
  int64_t m_shape[JR_MAX_NDIM], c_shape[JR_MAX_NDIM];
  int64_t cb_count; /* batch elements of cov */
  int64_t m_len;    /* elements per mean row (1 for scalar) */
  double *mean;     /* all of mean, rounded to P */
  double *cov;      /* KIND_SCALAR / ISO: all of cov, rounded */
  double *L;        /* KIND_FULL: cb_count lower factors n x n */
  double *c0;       /* KIND_FULL: -n/2 log(2 pi) - sum log L_ii */
  int64_t *info;    /* KIND_FULL: jr_chol's info per factor */
  jr_cov_form form; /* KIND_FULL: what `cov` holds */
  int cb_trim;      /* KIND_FULL: axes of cov after its batch (2; diag 1) */
};

/* The promotion of JAX's promote_dtypes_inexact without x64 (as plan.c's):
 * any float: the float lattice (equal: itself; f16 + bf16: f32; else the
 * wider); only integers and bool: float32. NONE is skipped. */
static jr_dtype jr_dens_promote(int k, const jr_dtype *d) {
  jr_dtype r = JR_DTYPE_NONE;
  for (int i = 0; i < k; i++) {
    if (d[i] == JR_DTYPE_NONE || !jr_dtype_is_float(d[i])) continue;
    if (r == JR_DTYPE_NONE || r == d[i])
      r = d[i];
    else if (r == JR_FLOAT64 || d[i] == JR_FLOAT64)
      r = JR_FLOAT64;
    else
      r = JR_FLOAT32;
  }
  return r == JR_DTYPE_NONE ? JR_FLOAT32 : r;
}

/* numpy broadcasting of two shapes into out; 0 if incompatible. */
static int jr_dens_bcast(int na, const int64_t *a, int nb, const int64_t *b,
                         int *nout, int64_t *out) {
  int nd = na > nb ? na : nb;
  int64_t tmp[JR_MAX_NDIM];
  for (int d = 0; d < nd; d++) {
    int ia = d - (nd - na), ib = d - (nd - nb);
    int64_t x = ia >= 0 ? a[ia] : 1, y = ib >= 0 ? b[ib] : 1;
    if (x != 1 && y != 1 && x != y) return 0;
    tmp[d] = x == 1 ? y : x;
  }
  memcpy(out, tmp, sizeof(int64_t) * (size_t)nd);
  *nout = nd;
  return 1;
}

static jr_status jr_dens_bcast_error(int na, const int64_t *a, const char *wa,
                                     int nb, const int64_t *b, const char *wb) {
  char sa[800], sb[800];
  jr_format_shape(sa, sizeof sa, na, a);
  jr_format_shape(sb, sizeof sb, nb, b);
  return jr_fail(JR_E_BROADCAST,
                 "multivariate_normal.logpdf: Incompatible shapes for "
                 "broadcasting: shapes=[%s, %s] (%s, %s)",
                 sa, sb, wa, wb);
}

/* Rounds v (already rounded to float32 if P is 16-bit) to P. */
static double jr_dens_round(jr_dtype P, double v) {
  switch (P) {
  case JR_FLOAT16: return jr_f16_to_f32(jr_f32_to_f16((float)v));
  case JR_BFLOAT16: return jr_bf16_to_f32(jr_f32_to_bf16((float)v));
  case JR_FLOAT32: return (float)v;
  default: return v;
  }
}

/* Flat elements [first, first + count) of a view, rounded to P, as double. */
static jr_status jr_dens_load(const char *what, const jr_array *a,
                              int64_t first, int64_t count, jr_dtype P,
                              double *dst) {
  if (count <= 0) return JR_OK;
  if (!a->strides && a->dtype == JR_FLOAT64) { /* then P is float64 */
    memcpy(dst, (const double *)a->data + first, (size_t)count * 8);
    return JR_OK;
  }
  if (!a->strides && a->dtype == JR_FLOAT32 && P != JR_FLOAT16 &&
      P != JR_BFLOAT16) {
    const float *s = (const float *)a->data + first;
    for (int64_t k = 0; k < count; k++)
      dst[k] = s[k];
    return JR_OK;
  }
  const int half = P == JR_FLOAT16 || P == JR_BFLOAT16;
  jr_status st = jr_view_copy(what, a, first, count, half ? JR_FLOAT32 : P,
                              JR_FLOAT64, dst);
  if (st != JR_OK) return st;
  if (half)
    for (int64_t k = 0; k < count; k++)
      dst[k] = jr_dens_round(P, dst[k]);
  return JR_OK;
}

static void jr_dens_store(jr_dtype P, void *out, int64_t k, double v) {
  switch (P) {
  case JR_FLOAT16: ((uint16_t *)out)[k] = jr_f32_to_f16((float)v); break;
  case JR_BFLOAT16: ((uint16_t *)out)[k] = jr_f32_to_bf16((float)v); break;
  case JR_FLOAT32: ((float *)out)[k] = (float)v; break;
  default: ((double *)out)[k] = v; break;
  }
}

void jr_mvn_density_free(jr_mvn_density *d) {
  if (!d) return;
  free(d->mean);
  free(d->cov);
  free(d->L);
  free(d->c0);
  free(d->info);
  free(d);
}

static void *jr_dens_alloc(int64_t count, size_t size) {
  int64_t bytes;
  if (count < 1) count = 1;
  if (!jr_mul_i64(count, (int64_t)size, &bytes) || (uint64_t)bytes > SIZE_MAX)
    return NULL;
  return malloc((size_t)bytes);
}

static const char *jr_dens_form_name(jr_cov_form f) {
  return f == JR_COV_SCALE_TRIL  ? "scale_tril"
         : f == JR_COV_PRECISION ? "precision"
         : f == JR_COV_DIAG      ? "diag"
                                 : "cov";
}

/* The lower factor of batch element c from its values a (n x n, or n for
 * diag): cov: Cholesky; precision: Cholesky of P (y = L_P^T d later);
 * scale_tril: its lower triangle; diag: sqrt of the variances. A pivot that
 * is not > 0 (or NaN) sets info[c] = j + 1 and the factor to NaN, as a
 * failed Cholesky. */
static _Atomic int64_t jr_dens_factorizations;

int64_t jr_dens_factorization_count(void) {
  return jr_dens_factorizations;
}

static jr_status jr_dens_prepare(jr_mvn_density *d, int64_t c, const double *a,
                                 double *L) {
  const int64_t n = d->n;
  if (d->form == JR_COV_FULL || d->form == JR_COV_PRECISION) {
    jr_dens_factorizations++;
    return jr_chol(JR_FLOAT64, n, a, n, L, n, &d->info[c]);
  }
  d->info[c] = 0;
  for (int64_t i = 0; i < n; i++)
    for (int64_t j = 0; j < n; j++) {
      double v = 0.0;
      if (d->form == JR_COV_SCALE_TRIL && j <= i) v = a[i * n + j];
      if (d->form == JR_COV_DIAG && j == i) v = sqrt(a[i]);
      L[i * n + j] = v;
    }
  for (int64_t i = 0; i < n && !d->info[c]; i++)
    if (!(L[i * n + i] > 0)) d->info[c] = i + 1;
  if (d->info[c])
    for (int64_t i = 0; i < n; i++)
      for (int64_t j = 0; j <= i; j++)
        L[i * n + j] = NAN;
  return JR_OK;
}

/* Factors every covariance of the batch (KIND_FULL): read from cov, or
 * given by src (cov then only gives the shape). */
static jr_status jr_dens_factor(const jr_ctx *ctx, const jr_array *cov,
                                jr_dens_source_fn src, void *user,
                                jr_mvn_density *d) {
  const int64_t n = d->n, nn = n * n; /* n x n elements exist in cov */
  const int64_t cnt = d->cb_count;
  int64_t total;
  if (!jr_mul_i64(cnt, nn, &total))
    return jr_fail(JR_E_SIZE_OVERFLOW,
                   "multivariate_normal.logpdf: %s size overflows 64 bits",
                   jr_dens_form_name(d->form));
  d->L = jr_dens_alloc(total, sizeof(double));
  d->c0 = jr_dens_alloc(cnt, sizeof(double));
  d->info = jr_dens_alloc(cnt, sizeof(int64_t));
  double *a = jr_dens_alloc(nn, sizeof(double));
  if (!d->L || !d->c0 || !d->info || !a) { /* (diag needs n <= n*n of a) */
    free(a);
    return jr_fail(JR_E_OUT_OF_MEMORY,
                   "multivariate_normal.logpdf: out of memory for %lld "
                   "factors of %lld x %lld",
                   (long long)cnt, (long long)n, (long long)n);
  }
  jr_status st = JR_OK;
  for (int64_t c = 0; c < cnt && st == JR_OK; c++) {
    const int64_t per = d->form == JR_COV_DIAG ? n : nn;
    double *L = d->L + c * nn;
    int factored = 0;
    if (src)
      st = src(user, c, a, &factored);
    else
      st = jr_dens_load(jr_dens_form_name(d->form), cov, c * per, per, d->P, a);
    if (st != JR_OK) break;
    if (factored) { /* jr_chol's factor of these values, as it gave it */
      memcpy(L, a, (size_t)nn * sizeof *L);
      d->info[c] = 0;
    } else if ((st = jr_dens_prepare(d, c, a, L)) != JR_OK) {
      break;
    }
    double s = 0.0;
    for (int64_t i = 0; i < n; i++)
      s += log(L[i * n + i]);
    /* precision: log det cov = -2 sum log L_P,ii */
    d->c0[c] = -((double)n / 2.0) * JR_LOG_2PI +
               (d->form == JR_COV_PRECISION ? s : -s);
    if (d->info[c] != 0 && ctx->check != JR_CHECK_IGNORE) {
      char where[64] = "";
      if (cnt > 1)
        snprintf(where, sizeof where, " (batch element %lld)", (long long)c);
      if (ctx->check == JR_CHECK_RAISE)
        st = jr_fail(JR_E_NOT_PSD,
                     "multivariate_normal.logpdf: %s%s is not %s: %s %lld "
                     "is not > 0 (the density would be NaN)",
                     jr_dens_form_name(d->form), where,
                     d->form == JR_COV_DIAG ? "a vector of positive "
                                              "variances"
                     : d->form == JR_COV_SCALE_TRIL
                         ? "a factor with a positive diagonal"
                         : "positive definite",
                     d->form == JR_COV_DIAG         ? "variance"
                     : d->form == JR_COV_SCALE_TRIL ? "diagonal element"
                                                    : "Cholesky pivot",
                     (long long)(d->info[c] - 1));
      else
        jr_warn(ctx,
                "multivariate_normal.logpdf: %s%s: element or pivot %lld "
                "is not > 0; its densities are NaN",
                jr_dens_form_name(d->form), where, (long long)(d->info[c] - 1));
    }
  }
  free(a);
  return st;
}

/* factor = 0: the checks and the shapes only (jr_mvn_logpdf_shape). P:
 * the dtype (JR_DTYPE_NONE: the promotion of x_dtype, mean and cov). src:
 * where the factors come from (NULL: cov's values). */
static jr_status jr_dens_create(const jr_ctx *ctx, const jr_array *mean,
                                const jr_array *cov, jr_cov_form form,
                                jr_dtype x_dtype, int factor, jr_dtype P,
                                jr_dens_source_fn src, void *user,
                                jr_mvn_density **out) {
  jr_status st;
  if (!out)
    return jr_fail(JR_E_NULL_POINTER, "multivariate_normal.logpdf: out is "
                                      "NULL");
  *out = NULL;
  ctx = jr_ctx_or_default(ctx);
  if ((st = jr_check_ctx(ctx)) != JR_OK) return st;
  if ((st = jr_view_check("mean", mean)) != JR_OK) return st;
  if ((st = jr_view_check(jr_dens_form_name(form), cov)) != JR_OK) return st;
  if (x_dtype != JR_DTYPE_NONE && (x_dtype < JR_FLOAT16 || x_dtype > JR_BOOL))
    return jr_fail(JR_E_BAD_DTYPE,
                   "multivariate_normal.logpdf: x has unknown dtype %d",
                   (int)x_dtype);
  jr_mvn_density *d = calloc(1, sizeof *d);
  if (!d)
    return jr_fail(JR_E_OUT_OF_MEMORY, "multivariate_normal.logpdf: out of "
                                       "memory");
  const jr_dtype ds[3] = {x_dtype, mean->dtype, cov->dtype};
  d->P = P != JR_DTYPE_NONE ? P : jr_dens_promote(3, ds);
  d->m_ndim = mean->ndim;
  d->c_ndim = cov->ndim;
  for (int k = 0; k < mean->ndim; k++)
    d->m_shape[k] = mean->shape[k];
  for (int k = 0; k < cov->ndim; k++)
    d->c_shape[k] = cov->shape[k];
  int64_t msize, csize;
  jr_shape_size(mean->ndim, mean->shape, &msize);
  jr_shape_size(cov->ndim, cov->shape, &csize);
  if (mean->ndim == 0) {
    d->kind = KIND_SCALAR;
    d->n = 1;
    d->m_len = 1;
  } else {
    d->n = mean->shape[mean->ndim - 1];
    d->m_len = d->n;
    d->kind = cov->ndim == 0 ? KIND_ISO : KIND_FULL;
  }
  d->form = form;
  d->cb_trim = form == JR_COV_DIAG ? 1 : 2;
  if (form != JR_COV_FULL && d->kind != KIND_FULL) {
    char sm[800], sc[800];
    jr_format_shape(sm, sizeof sm, mean->ndim, mean->shape);
    jr_format_shape(sc, sizeof sc, cov->ndim, cov->shape);
    jr_mvn_density_free(d);
    return jr_fail(JR_E_COV_SHAPE,
                   "multivariate_normal.logpdf: %s needs mean.ndim >= 1 and "
                   "%s; got mean.shape %s and %s.shape %s",
                   jr_dens_form_name(form),
                   form == JR_COV_DIAG ? "variances of shape (..., n)"
                                       : "a matrix of shape (..., n, n)",
                   sm, jr_dens_form_name(form), sc);
  }
  if (d->kind == KIND_FULL) {
    const int64_t n = d->n;
    if (form == JR_COV_DIAG
            ? cov->shape[cov->ndim - 1] != n
            : (cov->ndim < 2 || cov->shape[cov->ndim - 1] != n ||
               cov->shape[cov->ndim - 2] != n)) {
      char sc[800];
      jr_format_shape(sc, sizeof sc, cov->ndim, cov->shape);
      jr_mvn_density_free(d);
      if (form == JR_COV_DIAG)
        return jr_fail(JR_E_COV_SHAPE,
                       "multivariate_normal.logpdf got incompatible shapes: "
                       "diag.shape %s, expected (..., %lld) with n = "
                       "mean.shape[-1] = %lld",
                       sc, (long long)n, (long long)n);
      return jr_fail(JR_E_COV_SHAPE,
                     "multivariate_normal.logpdf got incompatible shapes: "
                     "%s.shape %s, expected (..., %lld, %lld) with n = "
                     "mean.shape[-1] = %lld",
                     jr_dens_form_name(form), sc, (long long)n, (long long)n,
                     (long long)n);
    }
    if (d->P == JR_FLOAT16 || d->P == JR_BFLOAT16) {
      st = jr_fail(JR_E_BAD_DTYPE,
                   "multivariate_normal.logpdf: the Cholesky factorization "
                   "does not support %s on CPU (JAX's linalg rejects half "
                   "precision); pass float32 or float64 arrays",
                   jr_dtype_name(d->P));
      jr_mvn_density_free(d);
      return st;
    }
    jr_shape_size(cov->ndim - d->cb_trim, cov->shape, &d->cb_count);
  } else {
    d->cb_count = csize;
  }
  d->mean = jr_dens_alloc(msize, sizeof(double));
  if (!d->mean) {
    jr_mvn_density_free(d);
    return jr_fail(JR_E_OUT_OF_MEMORY, "multivariate_normal.logpdf: out of "
                                       "memory for the mean");
  }
  st = jr_dens_load("mean", mean, 0, msize, d->P, d->mean);
  if (st == JR_OK && d->kind != KIND_FULL) {
    d->cov = jr_dens_alloc(csize, sizeof(double));
    if (!d->cov)
      st = jr_fail(JR_E_OUT_OF_MEMORY, "multivariate_normal.logpdf: out of "
                                       "memory for cov");
    else
      st = jr_dens_load("cov", cov, 0, csize, d->P, d->cov);
  }
  if (st == JR_OK && d->kind == KIND_FULL && factor)
    st = jr_dens_factor(ctx, cov, src, user, d);
  if (st != JR_OK) {
    jr_mvn_density_free(d);
    return st;
  }
  *out = d;
  return JR_OK;
}

jr_status jr_mvn_density_create(const jr_ctx *ctx, const jr_array *mean,
                                const jr_array *cov, jr_dtype x_dtype,
                                jr_mvn_density **out) {
  return jr_dens_create(ctx, mean, cov, JR_COV_FULL, x_dtype, 1, JR_DTYPE_NONE,
                        NULL, NULL, out);
}

jr_status jr_mvn_density_create_form(const jr_ctx *ctx, const jr_array *mean,
                                     const jr_array *param, jr_cov_form form,
                                     jr_dtype x_dtype, jr_mvn_density **out) {
  if (form != JR_COV_FULL && form != JR_COV_SCALE_TRIL &&
      form != JR_COV_PRECISION && form != JR_COV_DIAG)
    return jr_fail(JR_E_BAD_MODE,
                   "multivariate_normal.logpdf: form %d is not a "
                   "jr_cov_form",
                   (int)form);
  return jr_dens_create(ctx, mean, param, form, x_dtype, 1, JR_DTYPE_NONE, NULL,
                        NULL, out);
}

jr_status jr_dens_create_from(const jr_array *mean, const jr_array *shape_of,
                              jr_cov_form form, jr_dtype P,
                              jr_dens_source_fn src, void *user,
                              jr_mvn_density **out) {
  return jr_dens_create(NULL, mean, shape_of, form, JR_DTYPE_NONE, 1, P, src,
                        user, out);
}

/* ---- evaluation: the output batch and where each output row reads */

typedef struct jr_dens_plan {
  int ondim;
  int64_t oshape[JR_MAX_NDIM]; /* the result's shape */
  int64_t rows;                /* its elements */
  int64_t xlen, ylen;          /* elements per x row; of x - mean's last axis */
  int64_t xstep[JR_MAX_NDIM], mstep[JR_MAX_NDIM], cstep[JR_MAX_NDIM];
} jr_dens_plan;

/* Steps (in rows) of a batch shape broadcast against the output batch. */
static void jr_dens_steps(const jr_dens_plan *p, int bnd, const int64_t *b,
                          int64_t *step) {
  int64_t stride = 1;
  for (int k = p->ondim - 1; k >= 0; k--) {
    int j = k - (p->ondim - bnd);
    step[k] = (j < 0 || b[j] == 1) ? 0 : stride;
    if (j >= 0) stride *= b[j];
  }
}

static jr_status jr_dens_plan_make(const jr_mvn_density *d, const jr_array *x,
                                   jr_dens_plan *p) {
  jr_status st;
  memset(p, 0, sizeof *p);
  if ((st = jr_view_check("x", x)) != JR_OK) return st;
  const jr_dtype ds[2] = {x->dtype, d->P};
  const jr_dtype P = jr_dens_promote(2, ds);
  if (P != d->P)
    return jr_fail(JR_E_BAD_DTYPE,
                   "multivariate_normal.logpdf: x of dtype %s promotes the "
                   "density to %s, but it was set up for %s (a jr_mvn's "
                   "dtype is its mean and covariance's; jr_mvn_density: "
                   "create it with x_dtype = %s)",
                   jr_dtype_name(x->dtype), jr_dtype_name(P),
                   jr_dtype_name(d->P), jr_dtype_name(x->dtype));
  /* y = x - mean: the whole shapes broadcast */
  int yndim;
  int64_t yshape[JR_MAX_NDIM];
  if (!jr_dens_bcast(x->ndim, x->shape, d->m_ndim, d->m_shape, &yndim, yshape))
    return jr_dens_bcast_error(x->ndim, x->shape, "x.shape", d->m_ndim,
                               d->m_shape, "mean.shape");
  int xbnd, mbnd, cbnd;
  const int64_t *xb = x->shape, *mb = d->m_shape, *cb = d->c_shape;
  if (d->kind == KIND_SCALAR) {
    xbnd = x->ndim;
    mbnd = 0;
    cbnd = d->c_ndim;
    p->xlen = p->ylen = 1;
  } else {
    xbnd = x->ndim > 0 ? x->ndim - 1 : 0;
    mbnd = d->m_ndim - 1;
    p->xlen = x->ndim > 0 ? x->shape[x->ndim - 1] : 1;
    p->ylen = yshape[yndim - 1];
    cbnd = d->kind == KIND_FULL ? d->c_ndim - d->cb_trim : 0;
    if (d->kind == KIND_FULL && p->ylen != d->n)
      return jr_fail(JR_E_BROADCAST,
                     "multivariate_normal.logpdf: x - mean has last axis "
                     "%lld, expected n = %lld (inconsistent size for core "
                     "dimension 'n' of the triangular solve)",
                     (long long)p->ylen, (long long)d->n);
  }
  int bnd;
  int64_t bshape[JR_MAX_NDIM];
  if (!jr_dens_bcast(xbnd, xb, mbnd, mb, &bnd, bshape))
    return jr_dens_bcast_error(x->ndim, x->shape, "x.shape", d->m_ndim,
                               d->m_shape, "mean.shape");
  if (!jr_dens_bcast(bnd, bshape, cbnd, cb, &p->ondim, p->oshape)) {
    /* the covariance's batch, named by its form */
    char cname[32];
    snprintf(cname, sizeof cname, "%s.shape%s", jr_dens_form_name(d->form),
             d->kind == KIND_SCALAR   ? ""
             : d->form == JR_COV_DIAG ? "[:-1]"
                                      : "[:-2]");
    return jr_dens_bcast_error(bnd, bshape,
                               d->kind == KIND_SCALAR ? "(x - mean).shape"
                                                      : "(x - mean).shape[:-1]",
                               cbnd, cb, cname);
  }
  if ((st = jr_check_shape("multivariate_normal.logpdf: result", p->ondim,
                           p->oshape, &p->rows)) != JR_OK)
    return st;
  jr_dens_steps(p, xbnd, xb, p->xstep);
  jr_dens_steps(p, mbnd, mb, p->mstep);
  jr_dens_steps(p, cbnd, cb, p->cstep);
  return JR_OK;
}

jr_status jr_mvn_density_shape(const jr_mvn_density *d, const jr_array *x,
                               jr_dtype *out_dtype, int *out_ndim,
                               int64_t *out_shape) {
  if (!d)
    return jr_fail(JR_E_NULL_POINTER, "multivariate_normal.logpdf: density "
                                      "is NULL");
  jr_dens_plan p;
  jr_status st = jr_dens_plan_make(d, x, &p);
  if (st != JR_OK) return st;
  if (out_dtype) *out_dtype = d->P;
  if (out_ndim) *out_ndim = p.ondim;
  if (out_shape) memcpy(out_shape, p.oshape, sizeof(int64_t) * (size_t)p.ondim);
  return JR_OK;
}

/* Odometer over the output batch: the row of x, mean and cov of each. */
typedef struct jr_dens_cursor {
  int64_t idx[JR_MAX_NDIM];
  int64_t xi, mi, ci;
} jr_dens_cursor;

static void jr_dens_cursor_init(const jr_dens_plan *p, int64_t row,
                                jr_dens_cursor *c) {
  c->xi = c->mi = c->ci = 0;
  for (int k = p->ondim - 1; k >= 0; k--) {
    c->idx[k] = row % p->oshape[k];
    row /= p->oshape[k];
    c->xi += c->idx[k] * p->xstep[k];
    c->mi += c->idx[k] * p->mstep[k];
    c->ci += c->idx[k] * p->cstep[k];
  }
}

static void jr_dens_cursor_next(const jr_dens_plan *p, jr_dens_cursor *c) {
  for (int k = p->ondim - 1; k >= 0; k--) {
    c->idx[k]++;
    c->xi += p->xstep[k];
    c->mi += p->mstep[k];
    c->ci += p->cstep[k];
    if (c->idx[k] < p->oshape[k]) break;
    c->xi -= c->idx[k] * p->xstep[k];
    c->mi -= c->idx[k] * p->mstep[k];
    c->ci -= c->idx[k] * p->cstep[k];
    c->idx[k] = 0;
  }
}

/* The scalar-mean and scalar-cov cases, JAX's formulas in its order. */
static jr_status jr_dens_eval_simple(const jr_mvn_density *d,
                                     const jr_dens_plan *p, const jr_array *x,
                                     int pdf, int64_t a, int64_t b,
                                     double *xrow, void *out) {
  jr_dens_cursor c;
  jr_dens_cursor_init(p, a, &c);
  for (int64_t r = a; r < b; r++, jr_dens_cursor_next(p, &c)) {
    jr_status st = jr_dens_load("x", x, c.xi * p->xlen, p->xlen, d->P, xrow);
    if (st != JR_OK) return st;
    const double cv = d->cov[d->kind == KIND_SCALAR ? c.ci : 0];
    double v;
    if (d->kind == KIND_SCALAR) {
      const double y = xrow[0] - d->mean[0];
      v = -0.5 * (y * y) / cv - 0.5 * (JR_LOG_2PI + log(cv));
    } else {
      const double *m = d->mean + c.mi * d->m_len;
      double s = 0.0;
      for (int64_t j = 0; j < p->ylen; j++) {
        const double y = xrow[p->xlen == 1 ? 0 : j] - m[d->m_len == 1 ? 0 : j];
        s += y * y;
      }
      v = -0.5 * s / cv - ((double)d->n / 2.0) * (JR_LOG_2PI + log(cv));
    }
    jr_dens_store(d->P, out, r - a, pdf ? exp(v) : v);
  }
  return JR_OK;
}

/* The precision form: y = L_P^T d (no solve, no inverse), y_i = sum over
 * k = i..n-1 in order of L_P[k][i] d_k from +0 (separate products and
 * sums), and q as the solve's. One copy: no kernel set to agree with. */
static void jr_dens_upper_product(int64_t n, const double *L, double *d,
                                  double *q) {
  enum { B = JR_DENS_BLOCK };
  for (int64_t i = 0; i < n; i++) { /* row i of y needs rows k >= i of d */
    double *yi = d + i * B;
    double acc[B];
    for (int p = 0; p < B; p++)
      acc[p] = 0.0;
    for (int64_t k = i; k < n; k++) {
      const double l = L[k * n + i], *dk = d + k * B;
      for (int p = 0; p < B; p++)
        acc[p] = acc[p] + l * dk[p];
    }
    for (int p = 0; p < B; p++)
      yi[p] = acc[p];
  }
  for (int p = 0; p < B; p++)
    q[p] = 0.0;
  for (int64_t r = 0; r < n; r++)
    for (int p = 0; p < B; p++)
      q[p] = q[p] + d[r * B + p] * d[r * B + p];
}

/* The full-covariance case: blocks of up to JR_DENS_BLOCK consecutive rows
 * with the same factor are solved together. */
static jr_status jr_dens_eval_full(const jr_mvn_density *d,
                                   const jr_dens_plan *p, const jr_array *x,
                                   int pdf, int64_t a, int64_t b, double *xrow,
                                   double *blk, void *out) {
  enum { B = JR_DENS_BLOCK };
  const int64_t n = d->n;
  const jr_dens_solve_fn solve = jr_dens_solve_for_active();
  const jr_dens_gather_fn gather = jr_dens_gather_for_active();
  double q[B];
  const double *mrow[B], *xrow64[B];
  const float *xrow32[B];
  /* x's rows read in place: C-contiguous float64, or float32 (exact in
   * double) when the result is float32 or float64 */
  const int whole = !x->strides && p->xlen == n && n > 0;
  const int direct64 = whole && x->dtype == JR_FLOAT64;
  const int direct32 = whole && x->dtype == JR_FLOAT32;
  jr_dens_cursor c;
  jr_dens_cursor_init(p, a, &c);
  int64_t r = a;
  while (r < b) {
    const int64_t ci = c.ci, first = r;
    int cnt = 0;
    while (r < b && cnt < B && c.ci == ci) {
      mrow[cnt] = d->mean + c.mi * d->m_len;
      if (direct64) { /* contiguous float64 rows: read in place */
        xrow64[cnt] = (const double *)x->data + c.xi * n;
      } else if (direct32) {
        xrow32[cnt] = (const float *)x->data + c.xi * n;
      } else { /* converted into the block's column cnt first */
        jr_status st =
            jr_dens_load("x", x, c.xi * p->xlen, p->xlen, d->P, xrow);
        if (st != JR_OK) return st;
        for (int64_t i = 0; i < n; i++)
          blk[i * B + cnt] = xrow[p->xlen == 1 ? 0 : i];
      }
      cnt++;
      r++;
      jr_dens_cursor_next(p, &c);
    }
    /* d = x - mean, point by point: x read in its order (the prefetcher
     * streams it), the block's columns written (it stays in cache) */
    if (direct64) { /* the kernel set's transposition, unused lanes +0 */
      gather(n, cnt, xrow64, mrow, blk);
    }
    for (int k = 0; k < cnt && !direct64; k++) {
      const double *m = mrow[k];
      if (direct32) {
        const float *xr = xrow32[k];
        for (int64_t i = 0; i < n; i++)
          blk[i * B + k] = (double)xr[i] - m[i];
      } else {
        for (int64_t i = 0; i < n; i++)
          blk[i * B + k] = blk[i * B + k] - m[i];
      }
    }
    for (int64_t i = 0; i < n && !direct64; i++) /* unused lanes: defined */
      for (int k = cnt; k < B; k++)
        blk[i * B + k] = 0.0;
    if (d->form == JR_COV_PRECISION)
      jr_dens_upper_product(n, d->L + ci * n * n, blk, q);
    else
      solve(n, d->L + ci * n * n, cnt, blk, q);
    const double c0 = d->c0[ci];
    for (int k = 0; k < cnt; k++) {
      const double v = -0.5 * q[k] + c0, r = pdf ? exp(v) : v;
      /* which NaN operand the hardware propagates (its sign, payload) can
       * differ by lane and by kernel set: one canonical NaN, so the bytes
       * are the inputs' alone for any slice */
      jr_dens_store(d->P, out, first - a + k, r == r ? r : NAN);
    }
  }
  return JR_OK;
}

jr_status jr_mvn_density_eval(const jr_mvn_density *d, const jr_ctx *ctx,
                              const jr_array *x, int pdf, int64_t begin,
                              int64_t end, void *out) {
  jr_status st;
  if (!d)
    return jr_fail(JR_E_NULL_POINTER, "multivariate_normal.logpdf: density "
                                      "is NULL");
  if ((st = jr_check_ctx(jr_ctx_or_default(ctx))) != JR_OK) return st;
  jr_dens_plan p;
  if ((st = jr_dens_plan_make(d, x, &p)) != JR_OK) return st;
  if (end < 0) end = p.rows;
  if (begin < 0 || begin > end || end > p.rows)
    return jr_fail(JR_E_BAD_RANGE,
                   "multivariate_normal.logpdf: elements [%lld, %lld) are "
                   "outside the %lld of the result",
                   (long long)begin, (long long)end, (long long)p.rows);
  if (begin == end) return JR_OK;
  if (!out)
    return jr_fail(JR_E_NULL_POINTER, "multivariate_normal.logpdf: out is "
                                      "NULL");
  const int64_t w = p.xlen > d->n ? p.xlen : d->n;
  double *xrow = jr_dens_alloc(w, sizeof(double));
  double *blk = d->kind == KIND_FULL
                    ? jr_dens_alloc(d->n * JR_DENS_BLOCK, sizeof(double))
                    : NULL;
  if (!xrow || (d->kind == KIND_FULL && !blk)) {
    free(xrow);
    free(blk);
    return jr_fail(JR_E_OUT_OF_MEMORY, "multivariate_normal.logpdf: out of "
                                       "memory");
  }
  if (d->kind == KIND_FULL)
    st = jr_dens_eval_full(d, &p, x, pdf, begin, end, xrow, blk, out);
  else
    st = jr_dens_eval_simple(d, &p, x, pdf, begin, end, xrow, out);
  free(xrow);
  free(blk);
  return st;
}

/* ---- one-shot calls */

static jr_status jr_dens_oneshot(const jr_ctx *ctx, const jr_array *x,
                                 const jr_array *mean, const jr_array *cov,
                                 int pdf, jr_array *out) {
  jr_status st;
  if (!x)
    return jr_fail(JR_E_NULL_POINTER, "multivariate_normal.logpdf: x is "
                                      "NULL");
  if ((st = jr_view_check("x", x)) != JR_OK) return st;
  jr_mvn_density *d = NULL;
  if ((st = jr_mvn_density_create(ctx, mean, cov, x->dtype, &d)) != JR_OK)
    return st;
  jr_dtype dt;
  int nd;
  int64_t shape[JR_MAX_NDIM];
  st = jr_mvn_density_shape(d, x, &dt, &nd, shape);
  if (st == JR_OK && !out)
    st = jr_fail(JR_E_NULL_POINTER, "multivariate_normal.logpdf: out is "
                                    "NULL");
  if (st == JR_OK) {
    int same = out->dtype == dt && out->ndim == nd && !out->strides &&
               (nd == 0 || out->shape);
    for (int k = 0; same && k < nd; k++)
      same = out->shape[k] == shape[k];
    if (!same) {
      char want[800];
      jr_format_shape(want, sizeof want, nd, shape);
      st = jr_fail(JR_E_BAD_SHAPE,
                   "multivariate_normal.logpdf: out must be a C-contiguous "
                   "%s array of shape %s",
                   jr_dtype_name(dt), want);
    }
  }
  if (st == JR_OK) st = jr_mvn_density_eval(d, ctx, x, pdf, 0, -1, out->data);
  jr_mvn_density_free(d);
  return st;
}

jr_status jr_mvn_logpdf(const jr_ctx *ctx, const jr_array *x,
                        const jr_array *mean, const jr_array *cov,
                        jr_array *out) {
  return jr_dens_oneshot(ctx, x, mean, cov, 0, out);
}

jr_status jr_mvn_pdf(const jr_ctx *ctx, const jr_array *x, const jr_array *mean,
                     const jr_array *cov, jr_array *out) {
  return jr_dens_oneshot(ctx, x, mean, cov, 1, out);
}

jr_status jr_mvn_logpdf_shape(const jr_array *x, const jr_array *mean,
                              const jr_array *cov, jr_dtype *out_dtype,
                              int *out_ndim, int64_t *out_shape) {
  jr_status st;
  if (!x)
    return jr_fail(JR_E_NULL_POINTER, "multivariate_normal.logpdf: x is "
                                      "NULL");
  if ((st = jr_view_check("x", x)) != JR_OK) return st;
  jr_mvn_density *d = NULL;
  if ((st = jr_dens_create(NULL, mean, cov, JR_COV_FULL, x->dtype, 0,
                           JR_DTYPE_NONE, NULL, NULL, &d)) != JR_OK)
    return st;
  st = jr_mvn_density_shape(d, x, out_dtype, out_ndim, out_shape);
  jr_mvn_density_free(d);
  return st;
}
