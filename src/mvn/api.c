/* multivariate_normal's public entry points: jr_multivariate_normal (and its
 * one-shot path), jr_multivariate_normal_shape, and the reusable jr_mvn
 * (create: the factors of every covariance, computed once; sample any rows;
 * describe; factor; free). */
#include <stdlib.h>

#include "internal.h"
#include "linalg/factor.h"
#include "mvn/array_view.h"
#include "mvn/factor_store.h"
#include "mvn/factoring.h"
#include "mvn/mvn_density.h"
#include "mvn/plan.h"
#include "mvn/sample.h"
#include "mvn/validate.h"

struct jr_mvn {
  jr_mvn_plan plan;
  int64_t row_lo, row_hi; /* the rows it samples (all, or jr_mvn_create_rows) */
  /* The mean and cov batch elements those rows use: all, or for a part of
   * the rows their ranges and maps (uses.cused / mused). */
  jr_mvn_uses uses;
  void *means;        /* uses.mcount * n, in R (exact widening of P) */
  jr_factors factors; /* uses.ccount factors */
  jr_mvn_dens *dens;  /* its density (mvn_density.c); NULL: internal use */
};

jr_status jr_multivariate_normal_shape(const jr_array *mean,
                                       const jr_array *cov, int shape_ndim,
                                       const int64_t *shape, jr_dtype dtype,
                                       jr_method method, jr_dtype *out_dtype,
                                       int *out_ndim, int64_t *out_shape) {
  jr_mvn_plan p;
  jr_status st =
      jr_mvn_plan_make(mean, cov, shape_ndim, shape, dtype, method, &p);
  if (st != JR_OK) return st;
  if (out_dtype) *out_dtype = p.rdtype;
  jr_mvn_plan_shape(&p, out_ndim, out_shape);
  return JR_OK;
}

/* ctx (not NULL) as sampling and validation use it. */
static jr_status jr_mvn_check_ctx(const jr_ctx *ctx) {
  jr_status st = jr_check_ctx(ctx);
  if (st != JR_OK) return st;
  if (ctx->check != JR_CHECK_IGNORE && ctx->check != JR_CHECK_WARN &&
      ctx->check != JR_CHECK_RAISE)
    return jr_fail(JR_E_BAD_MODE, "ctx check level %d is not a jr_check",
                   (int)ctx->check);
  return JR_OK;
}

/* ---- creation */

void jr_mvn_free(jr_mvn *mvn) {
  if (!mvn) return;
  free(mvn->means);
  jr_factors_free(&mvn->factors);
  jr_mvn_uses_free(&mvn->uses);
  jr_mvn_dens_free(mvn->dens);
  free(mvn);
}

/* Covariances per chunk when many small Cholesky factors are made together:
 * the chunk's buffers stay in L1/L2. */
enum { JR_FACTOR_CHUNK = 256 };

static _Atomic int64_t jr_factorizations;

int64_t jr_mvn_factorization_count(void) {
  return jr_factorizations;
}

struct jr_mvn_factoring {
  jr_mvn *m;
  const jr_ctx *ctx;
  const jr_array *cov;
  jr_report rep;
  int check;
  int64_t chunk; /* > 0: dense, unvalidated small Cholesky, a chunk at a time */
  jr_factor_scratch w;
  char *c; /* one covariance in P, or a chunk */
};

void jr_mvn_factoring_uses(const jr_mvn_factoring *f, int64_t *first,
                           int64_t *count, const unsigned char **used) {
  *first = f->m->uses.cfirst;
  *count = f->m->uses.ccount;
  *used = f->m->uses.cused;
}

jr_status jr_mvn_factoring_keep(jr_mvn_factoring *f, int64_t ci,
                                jr_cov_form form, const double *v) {
  return jr_mvn_dens_keep_form(f->m->dens, ci - f->m->uses.cfirst, form, v);
}

void *jr_mvn_factoring_slot(jr_mvn_factoring *f, int64_t ci) {
  return (void *)jr_factors_slot(&f->m->factors, ci - f->m->uses.cfirst);
}

size_t jr_mvn_factoring_slot_bytes(const jr_mvn_factoring *f) {
  return f->m->factors.lay.bytes;
}

jr_dtype jr_mvn_factoring_slot_dtype(const jr_mvn_factoring *f) {
  return f->m->factors.lay.dtype;
}

void jr_mvn_factoring_store(jr_mvn_factoring *f, int64_t ci, jr_dtype P,
                            const void *factor, double *work) {
  jr_factors_store(&f->m->factors, ci - f->m->uses.cfirst, P, factor, work);
}

/* Covariance ci alone, validated as ctx asks. */
static jr_status jr_factor_one(jr_mvn_factoring *f, int64_t ci) {
  const jr_mvn_plan *p = &f->m->plan;
  const int64_t n = p->n, nn = n * n, b = ci - f->m->uses.cfirst;
  const jr_dtype P = p->fdtype;
  const jr_array *cov = f->cov;
  const int64_t reported = f->rep.count;
  int failed;
  jr_status st;
  /* a contiguous cov already in P is read in place */
  const void *cin = f->c;
  if (!cov->strides && cov->dtype == P)
    cin = (const char *)cov->data + (size_t)(ci * nn) * jr_dtype_size(P);
  else if ((st = jr_view_copy("cov", cov, ci * nn, nn, P, P, f->c)) != JR_OK)
    return st;
  if (f->check && (st = jr_validate_cov(&f->rep, p->method, n, ci, P, cin,
                                        f->w.work)) != JR_OK)
    return st;
  if ((st = jr_mvn_dens_keep_values(f->m->dens, b, 1, cin)) != JR_OK) return st;
  jr_factorizations++;
  if ((st = jr_factors_compute(&f->m->factors, b, cin, &f->w, &failed)) !=
      JR_OK)
    return st;
  if (f->check)
    st = jr_validate_factor(&f->rep, p->method, ci, failed,
                            failed || jr_factors_has_nan(&f->m->factors, b),
                            reported);
  return st;
}

jr_status jr_mvn_factoring_compute(jr_mvn_factoring *f, int64_t ci,
                                   int64_t cnt) {
  const int64_t nn = f->m->plan.n * f->m->plan.n;
  const jr_dtype P = f->m->plan.fdtype;
  jr_status st = JR_OK;
  if (f->chunk == 0 || cnt == 1) {
    for (int64_t e = 0; st == JR_OK && e < cnt; e++)
      st = jr_factor_one(f, ci + e);
    return st;
  }
  for (int64_t b = ci; st == JR_OK && b < ci + cnt; b += f->chunk) {
    const int64_t left = ci + cnt - b, k = left < f->chunk ? left : f->chunk;
    st = jr_view_copy("cov", f->cov, b * nn, k * nn, P, P, f->c);
    if (st == JR_OK)
      st = jr_mvn_dens_keep_values(f->m->dens, b - f->m->uses.cfirst, k, f->c);
    jr_factorizations += k;
    if (st == JR_OK)
      st = jr_factors_compute_chunk(&f->m->factors, b - f->m->uses.cfirst, k,
                                    f->c, &f->w);
  }
  return st;
}

/* Every used covariance, here. */
static jr_status jr_factor_all(void *user, jr_mvn_factoring *f) {
  (void)user;
  const jr_mvn_uses *u = &f->m->uses;
  if (f->chunk) return jr_mvn_factoring_compute(f, u->cfirst, u->ccount);
  for (int64_t b = 0; b < u->ccount; b++) {
    if (u->cused && !u->cused[b]) continue; /* no row of m uses it */
    jr_status st = jr_factor_one(f, u->cfirst + b);
    if (st != JR_OK) return st;
  }
  return JR_OK;
}

/* The means in R and the factors of the mean and cov batch elements m's rows
 * use (m->uses), validated as ctx asks; the factors by fn. */
static jr_status jr_mvn_build(const jr_ctx *ctx, const jr_array *mean,
                              const jr_array *cov, jr_mvn *m, int solve,
                              jr_mvn_factor_fn fn, void *user) {
  const jr_mvn_plan *p = &m->plan;
  const int64_t n = p->n, nn = n * n; /* n <= JR_LINALG_MAX_N below */
  const jr_dtype P = p->fdtype, R = p->rdtype;
  const size_t rsize = jr_dtype_size(R), psize = jr_dtype_size(P);
  const jr_mvn_uses *u = &m->uses;
  jr_mvn_factoring f = {.m = m, .ctx = ctx, .cov = cov};
  jr_report_init(&f.rep, ctx);
  f.check = ctx->check != JR_CHECK_IGNORE;
  jr_factor_layout lay;
  int64_t mean_elems;
  jr_status st;
  if (n > JR_LINALG_MAX_N)
    return jr_fail(JR_E_TOO_LARGE,
                   "multivariate_normal: n = %lld; LAPACK "
                   "factorizations support n <= %d",
                   (long long)n, JR_LINALG_MAX_N);
  if ((st = solve ? jr_factor_layout_init_solve(&lay, p->method, R, n)
                  : jr_factor_layout_init(&lay, p->method, R, n)) != JR_OK)
    return st;
  /* Sizes of data the caller passed in, so bounded by real memory. */
  if (!jr_mul_i64(u->mcount, n, &mean_elems))
    return jr_fail(JR_E_SIZE_OVERFLOW, "multivariate_normal: factor storage "
                                       "overflows 64 bits");
  if ((st = jr_factors_alloc(&m->factors, &lay, u->ccount)) != JR_OK) return st;
  /* Without validation, many small Cholesky factors are made a chunk at a
   * time (several matrices per vector, the same bytes); with a gap among the
   * covariances used, one at a time. */
  int dense = 1;
  for (int64_t b = 0; u->cused && dense && b < u->ccount; b++)
    dense = u->cused[b];
  const int chunked =
      !f.check && jr_factors_chunk_pays(&lay) && u->ccount > 1 && dense;
  f.chunk = chunked ? JR_FACTOR_CHUNK : 0;
  m->means = malloc(mean_elems ? (size_t)mean_elems * rsize : 1);
  /* the covariances in P: one, or a chunk */
  f.c = malloc(chunked ? (size_t)(f.chunk * nn) * psize
               : nn    ? (size_t)nn * psize
                       : 1);
  if (!m->means || !f.c) {
    st = jr_fail(JR_E_OUT_OF_MEMORY,
                 "multivariate_normal: cannot allocate "
                 "factors for %lld covariances of size %lld x %lld",
                 (long long)u->ccount, (long long)n, (long long)n);
    goto done;
  }
  if ((st = jr_factor_scratch_alloc(&f.w, &lay, P, f.chunk)) != JR_OK)
    goto done;
  if ((st = jr_view_copy("mean", mean, u->mfirst * n, mean_elems, P, R,
                         m->means)) != JR_OK)
    goto done;
  if (f.check && (st = jr_validate_means(&f.rep, R, n, u->mfirst, u->mcount,
                                         u->mused, m->means)) != JR_OK)
    goto done;
  st = fn(user, &f);
done:
  free(f.c);
  jr_factor_scratch_free(&f.w);
  return st;
}

/* jr_mvn_create(_rows) after the argument checks (ctx checked, plan made,
 * 0 <= row_lo <= row_hi <= rows). dens: the object will evaluate densities
 * (not for jr_multivariate_normal's own object, sampled once). */
static jr_status
jr_mvn_create_planned(const jr_ctx *ctx, const jr_mvn_plan *p,
                      const jr_array *mean, const jr_array *cov, int64_t row_lo,
                      int64_t row_hi, int solve, jr_mvn_factor_fn fn,
                      void *user, int dens, jr_cov_form form, jr_mvn **out) {
  jr_mvn *m = calloc(1, sizeof *m);
  if (!m) return jr_fail(JR_E_OUT_OF_MEMORY, "jr_mvn_create: out of memory");
  m->plan = *p;
  m->row_lo = row_lo;
  m->row_hi = row_hi;
  jr_status st = jr_mvn_plan_uses(p, row_lo, row_hi, &m->uses);
  if (st == JR_OK && dens)
    st = jr_mvn_dens_new(p, mean, cov, form, row_lo, row_hi, &m->factors,
                         &m->means, &m->dens);
  /* OpenBLAS's syevd/gesdd give thread-count dependent bytes: factor with it
   * pinned to one thread so factors never depend on the process's setting.
   * cholesky calls no LAPACK (validation's eigenvalue range does). */
  const int blas = p->method != JR_CHOLESKY || ctx->check != JR_CHECK_IGNORE;
  if (st == JR_OK) {
    if (blas) jr_blas_enter();
    st = jr_mvn_build(ctx, mean, cov, m, solve, fn, user);
    if (blas) jr_blas_leave();
  }
  if (st != JR_OK) {
    jr_mvn_free(m);
    return st;
  }
  *out = m;
  return JR_OK;
}

jr_status jr_mvn_create(const jr_ctx *ctx, const jr_array *mean,
                        const jr_array *cov, int shape_ndim,
                        const int64_t *shape, jr_dtype dtype, jr_method method,
                        jr_mvn **out) {
  return jr_mvn_create_rows(ctx, mean, cov, shape_ndim, shape, dtype, method, 0,
                            -1, out);
}

jr_status jr_mvn_create_rows(const jr_ctx *ctx, const jr_array *mean,
                             const jr_array *cov, int shape_ndim,
                             const int64_t *shape, jr_dtype dtype,
                             jr_method method, int64_t row_begin,
                             int64_t row_end, jr_mvn **out) {
  return jr_mvn_create_rows_with(ctx, mean, cov, shape_ndim, shape, dtype,
                                 method, row_begin, row_end, jr_factor_all,
                                 NULL, out);
}

jr_status jr_mvn_create_rows_with(const jr_ctx *ctx, const jr_array *mean,
                                  const jr_array *cov, int shape_ndim,
                                  const int64_t *shape, jr_dtype dtype,
                                  jr_method method, int64_t row_begin,
                                  int64_t row_end, jr_mvn_factor_fn fn,
                                  void *user, jr_mvn **out) {
  return jr_mvn_create_form_with(ctx, mean, cov, JR_COV_FULL, shape_ndim, shape,
                                 dtype, method, row_begin, row_end, fn, user,
                                 out);
}

jr_status jr_mvn_create_form_with(const jr_ctx *ctx, const jr_array *mean,
                                  const jr_array *cov, jr_cov_form form,
                                  int shape_ndim, const int64_t *shape,
                                  jr_dtype dtype, jr_method method,
                                  int64_t row_begin, int64_t row_end,
                                  jr_mvn_factor_fn fn, void *user,
                                  jr_mvn **out) {
  jr_status st;
  jr_mvn_plan p;
  if (!out) return jr_fail(JR_E_NULL_POINTER, "jr_mvn_create: out is NULL");
  *out = NULL;
  ctx = jr_ctx_or_default(ctx);
  if ((st = jr_mvn_check_ctx(ctx)) != JR_OK) return st;
  if ((st = jr_mvn_plan_make_form(mean, cov, form, shape_ndim, shape, dtype,
                                  method, &p)) != JR_OK)
    return st;
  if (row_end < 0) row_end = p.rows; /* -1: to the last row */
  if (row_begin < 0 || row_end < row_begin || row_end > p.rows)
    return jr_fail(JR_E_BAD_RANGE,
                   "jr_mvn_create_rows: rows [%lld, %lld) are "
                   "not a range inside [0, %lld)",
                   (long long)row_begin, (long long)row_end, (long long)p.rows);
  /* precision: the slots hold L_P and rows are the triangular solve */
  return jr_mvn_create_planned(ctx, &p, mean, cov, row_begin, row_end,
                               form == JR_COV_PRECISION, fn, user, 1, form,
                               out);
}

jr_status jr_mvn_describe(const jr_mvn *mvn, jr_dtype *dtype, int *ndim,
                          int64_t *shape, int64_t *rows, int64_t *n) {
  if (!mvn) return jr_fail(JR_E_NULL_POINTER, "jr_mvn_describe: mvn is NULL");
  const jr_mvn_plan *p = &mvn->plan;
  if (dtype) *dtype = p->rdtype;
  jr_mvn_plan_shape(p, ndim, shape);
  if (rows) *rows = p->rows;
  if (n) *n = p->n;
  return JR_OK;
}

jr_status jr_mvn_factor(const jr_mvn *mvn, int64_t row, double *out) {
  if (!mvn || !out)
    return jr_fail(JR_E_NULL_POINTER, "jr_mvn_factor: %s is NULL",
                   mvn ? "out" : "mvn");
  const jr_mvn_plan *p = &mvn->plan;
  if (row < mvn->row_lo || row >= mvn->row_hi)
    return jr_fail(JR_E_BAD_RANGE,
                   "jr_mvn_factor: row %lld is outside [%lld, "
                   "%lld)",
                   (long long)row, (long long)mvn->row_lo,
                   (long long)mvn->row_hi);
  jr_row_cursor cur;
  jr_row_cursor_init(p, row, &cur);
  jr_factors_get(&mvn->factors, cur.ci - mvn->uses.cfirst, out);
  return JR_OK;
}

/* ---- density */

jr_status jr_mvn_logpdf_eval_shape(const jr_mvn *mvn, const jr_array *x,
                                   jr_dtype *out_dtype, int *out_ndim,
                                   int64_t *out_shape) {
  if (!mvn)
    return jr_fail(JR_E_NULL_POINTER, "jr_mvn_logpdf_eval_shape: mvn is NULL");
  const jr_mvn_density *d;
  jr_status st = jr_mvn_dens_get(mvn->dens, &d);
  if (st != JR_OK) return st;
  return jr_mvn_density_shape(d, x, out_dtype, out_ndim, out_shape);
}

jr_status jr_mvn_logpdf_eval(const jr_mvn *mvn, const jr_ctx *ctx,
                             const jr_array *x, int pdf, int64_t begin,
                             int64_t end, void *out) {
  if (!mvn)
    return jr_fail(JR_E_NULL_POINTER, "jr_mvn_logpdf_eval: mvn is NULL");
  const jr_mvn_density *d;
  jr_status st = jr_mvn_dens_get(mvn->dens, &d);
  if (st != JR_OK) return st;
  return jr_mvn_density_eval(d, ctx, x, pdf, begin, end, out);
}

/* ---- sampling */

jr_status jr_mvn_sample_rows(const jr_mvn *mvn, const jr_ctx *ctx, jr_key key,
                             int64_t row_begin, int64_t row_end, void *out) {
  if (!mvn)
    return jr_fail(JR_E_NULL_POINTER, "jr_mvn_sample_rows: mvn is NULL");
  const jr_mvn_plan *p = &mvn->plan;
  jr_status st;
  ctx = jr_ctx_or_default(ctx);
  if ((st = jr_check_ctx(ctx)) != JR_OK) return st;
  if (row_begin < mvn->row_lo || row_end < row_begin || row_end > mvn->row_hi)
    return jr_fail(JR_E_BAD_RANGE,
                   "jr_mvn_sample_rows: rows [%lld, %lld) are "
                   "not a range inside [%lld, %lld)%s",
                   (long long)row_begin, (long long)row_end,
                   (long long)mvn->row_lo, (long long)mvn->row_hi,
                   mvn->row_hi - mvn->row_lo < p->rows
                       ? " (the rows jr_mvn_create_rows was given)"
                       : "");
  if (row_end == row_begin || p->n == 0) return JR_OK;
  if (!out)
    return jr_fail(JR_E_NULL_POINTER, "jr_mvn_sample_rows: out is NULL");
  const jr_mvn_uses *u = &mvn->uses;
  const jr_mvn_source src = {.plan = p,
                             .lay = &mvn->factors.lay,
                             .factors = &mvn->factors,
                             .means = mvn->means,
                             .factor_first = u->cfirst,
                             .mean_first = u->mfirst,
                             .mean_count = u->mcount,
                             .factor_used = u->cused,
                             .mean_used = u->mused};
  return jr_mvn_sample(ctx, &src, key, row_begin, row_end, out,
                       "jr_mvn_sample_rows");
}

/* ---- one-shot sampling with one covariance per row
 *
 * jr_multivariate_normal with a small n and as many covariances as rows (W4:
 * 10^5 4 x 4 matrices, one sample each) would spend most of its time in
 * jr_mvn_create storing every factor and a copy of the mean (about 16 MB of
 * fresh pages for W4, first-touched at ~1 GB/s in this VM) for one use each.
 * Instead each worker factors a block of rows into a cache-resident buffer
 * and samples that block at once, with the functions jr_mvn_create and
 * jr_mvn_sample_rows use, so the bytes are theirs (tested). */

/* 1 if jr_multivariate_normal takes the one-shot path: cholesky, any n, no
 * validation (it reports per batch element before sampling),
 * contiguous inputs and one covariance per row. Not eigh/svd: OpenBLAS's
 * syevd gave other bytes with its thread count set to 1 in our workers than
 * on the caller's thread (a test caught it), and their cost is LAPACK's
 * anyway, not the stored factors. */
static int jr_oneshot_applies(const jr_ctx *ctx, const jr_mvn_plan *p,
                              const jr_array *mean, const jr_array *cov) {
  return p->method == JR_CHOLESKY && ctx->check == JR_CHECK_IGNORE &&
         p->n >= 1 && p->rows > 1 && p->cov_count == p->rows &&
         !mean->strides && !cov->strides;
}

static jr_status jr_mvn_oneshot(const jr_ctx *ctx, jr_key key,
                                const jr_mvn_plan *p,
                                const jr_factor_layout *lay,
                                const jr_array *mean, const jr_array *cov,
                                void *out) {
  jr_status st;
  void *means = NULL;
  if (p->mean_count != p->rows) { /* broadcast mean: fewer rows, copy once */
    const int64_t me = p->mean_count * p->n;
    means = malloc(me ? (size_t)me * jr_dtype_size(p->rdtype) : 1);
    if (!means)
      return jr_fail(JR_E_OUT_OF_MEMORY, "multivariate_normal: out of memory");
    if ((st = jr_view_copy("mean", mean, 0, me, p->fdtype, p->rdtype, means)) !=
        JR_OK) {
      free(means);
      return st;
    }
  }
  const jr_mvn_source src = {.plan = p,
                             .lay = lay,
                             .cov = cov,
                             .means = means,
                             .mean = mean,
                             .mean_count = p->mean_count};
  st = jr_mvn_sample(ctx, &src, key, 0, p->rows, out, "multivariate_normal");
  free(means);
  return st;
}

jr_status jr_multivariate_normal(const jr_ctx *ctx, jr_key key,
                                 const jr_array *mean, const jr_array *cov,
                                 int shape_ndim, const int64_t *shape,
                                 jr_dtype dtype, jr_method method,
                                 jr_array *out) {
  jr_mvn_plan p;
  jr_status st =
      jr_mvn_plan_make(mean, cov, shape_ndim, shape, dtype, method, &p);
  if (st != JR_OK) return st;
  if ((st = jr_mvn_plan_check_out(&p, out)) != JR_OK) return st;
  ctx = jr_ctx_or_default(ctx);
  if ((st = jr_mvn_check_ctx(ctx)) != JR_OK) return st;
  jr_factor_layout lay;
  if (out->data && p.n <= JR_LINALG_MAX_N &&
      jr_factor_layout_init(&lay, method, p.rdtype, p.n) == JR_OK &&
      jr_oneshot_applies(ctx, &p, mean, cov))
    return jr_mvn_oneshot(ctx, key, &p, &lay, mean, cov, out->data);
  jr_mvn *m = NULL;
  if ((st = jr_mvn_create_planned(ctx, &p, mean, cov, 0, p.rows, 0,
                                  jr_factor_all, NULL, 0, JR_COV_FULL, &m)) !=
      JR_OK)
    return st;
  st = jr_mvn_sample_rows(m, ctx, key, 0, p.rows, out->data);
  jr_mvn_free(m);
  return st;
}
