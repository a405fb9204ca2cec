/* multivariate_normal's opt-in value validation (JR_PARAM_CHECK_VALID), like
 * NumPy's check_valid: problems fail the call (RAISE) or go to the warning
 * handler (WARN). JAX itself checks nothing. Internal. */
#ifndef JR_MVN_VALIDATE_H
#define JR_MVN_VALIDATE_H

#include "internal.h"

/* The problems found so far in one call. */
typedef struct jr_report {
  const jr_ctx *ctx;
  jr_status first; /* status of the first problem (RAISE fails with it) */
  int64_t count;   /* problems found */
} jr_report;

static inline void jr_report_init(jr_report *r, const jr_ctx *ctx) {
  r->ctx = ctx;
  r->first = JR_OK;
  r->count = 0;
}

/* Records one problem described by msg: RAISE fails with st, WARN warns
 * (the first few). For checks made elsewhere (other parameterizations). */
jr_status jr_report_problem(jr_report *r, jr_status st, const char *msg);

/* Non-finite entries of `count` means of n elements in R (float32/float64),
 * batch elements [first, first + count) (those with used[k] only, unless
 * used is NULL): one problem per batch element. */
jr_status jr_validate_means(jr_report *r, jr_dtype R, int64_t n, int64_t first,
                            int64_t count, const unsigned char *used,
                            const void *mean);

/* Covariance batch element `index` (n x n in P): finite, symmetric within
 * tol, positive semidefinite within tol. work: n^2 doubles of scratch. */
jr_status jr_validate_cov(jr_report *r, jr_method method, int64_t n,
                          int64_t index, jr_dtype P, const void *cov,
                          double *work);

/* A covariance that passed the checks can still give a NaN factor (cholesky
 * of a singular matrix, eigh with an eigenvalue rounded below 0): reported
 * when has_nan and nothing was reported for this batch element yet (the
 * count was `reported_before` before its checks). failed: LAPACK reported
 * failure. */
jr_status jr_validate_factor(jr_report *r, jr_method method, int64_t index,
                             int failed, int has_nan, int64_t reported_before);

#endif /* JR_MVN_VALIDATE_H */
