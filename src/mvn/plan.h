/* The plan of a multivariate_normal call: JAX's argument checks in JAX's
 * order, dtype promotion and broadcasting (algorithm.md sections 8-10), and
 * where each output row's mean and covariance live. Internal. */
#ifndef JR_MVN_PLAN_H
#define JR_MVN_PLAN_H

#include "internal.h"

/* Everything the argument checks determine. */
typedef struct jr_mvn_plan {
  jr_method method;
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

/* The factor's dtype P for mean and cov dtypes a and b: JAX's
 * promote_dtypes_inexact without x64. */
jr_dtype jr_mvn_promote_inexact(jr_dtype a, jr_dtype b);

/* Runs every argument check (not the value validation) and fills p. */
jr_status jr_mvn_plan_make(const jr_array *mean, const jr_array *cov,
                           int shape_ndim, const int64_t *shape, jr_dtype dtype,
                           jr_method method, jr_mvn_plan *p);

/* As jr_mvn_plan_make for a parameterization (jr_cov_form): cov is the
 * (..., n, n) view the plan reads (for diag: the variances' batch with n x n
 * matrices); the messages name the argument ("scale_tril.shape[:-2]",
 * "diag.shape[:-1]"). */
jr_status jr_mvn_plan_make_form(const jr_array *mean, const jr_array *cov,
                                jr_cov_form form, int shape_ndim,
                                const int64_t *shape, jr_dtype dtype,
                                jr_method method, jr_mvn_plan *p);

/* The result's ndim and shape (batch + (n,)); either may be NULL. */
void jr_mvn_plan_shape(const jr_mvn_plan *p, int *ndim, int64_t *shape);

/* Checks that `out` is a C-contiguous array of the result's shape and dtype. */
jr_status jr_mvn_plan_check_out(const jr_mvn_plan *p, const jr_array *out);

/* A dtype's name for messages, also for values outside the enum. */
static inline const char *jr_mvn_dtype_name(jr_dtype d) {
  const char *s = jr_dtype_name(d);
  return s ? s : "an unknown dtype";
}

/* Where a row's mean and covariance live (batch elements mi of mean, ci of
 * cov), stepped row by row: an odometer over the batch shape. */
typedef struct jr_row_cursor {
  int64_t idx[JR_MAX_NDIM];
  int64_t mi, ci;
} jr_row_cursor;

static inline void jr_row_cursor_init(const jr_mvn_plan *p, int64_t row,
                                      jr_row_cursor *c) {
  c->mi = c->ci = 0;
  for (int d = p->bndim - 1; d >= 0; d--) {
    c->idx[d] = row % p->batch[d];
    row /= p->batch[d];
    c->mi += c->idx[d] * p->mean_step[d];
    c->ci += c->idx[d] * p->cov_step[d];
  }
}

static inline void jr_row_cursor_next(const jr_mvn_plan *p, jr_row_cursor *c) {
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

/* The batch elements of mean and of cov that rows [a, b) use: ranges
 * [mfirst, mfirst + mcount) and [cfirst, cfirst + ccount), and for a part of
 * the rows, maps of which elements in the ranges are used (broadcasting can
 * leave gaps). For all rows the maps are NULL and the ranges everything. */
typedef struct jr_mvn_uses {
  int64_t mfirst, mcount, cfirst, ccount;
  unsigned char *mused, *cused; /* NULL for all rows */
} jr_mvn_uses;

/* 0 <= a <= b <= p->rows. Walks the rows once per map (the caller's rows
 * are bounded by its output), so only for a part of the rows.
 * JR_E_OUT_OF_MEMORY. */
jr_status jr_mvn_plan_uses(const jr_mvn_plan *p, int64_t a, int64_t b,
                           jr_mvn_uses *u);
void jr_mvn_uses_free(jr_mvn_uses *u);

#endif /* JR_MVN_PLAN_H */
