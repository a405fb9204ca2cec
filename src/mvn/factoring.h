/* How jr_mvn creation fills its factor slots, opened up for a caller that
 * decides which covariances this process factors itself and where the other
 * factors come from (the MPI layer: each factor computed once, on one rank,
 * and its bytes sent to the ranks that use it). Internal. */
#ifndef JR_MVN_FACTORING_H
#define JR_MVN_FACTORING_H

#include "internal.h"

/* An mvn under construction: its means are in and validated, its factor
 * slots allocated but not filled. */
typedef struct jr_mvn_factoring jr_mvn_factoring;

/* Fills every used slot (jr_mvn_factoring_uses), by computing
 * (jr_mvn_factoring_compute) or by writing the bytes another process
 * computed for the same covariance (jr_mvn_factoring_slot). */
typedef jr_status (*jr_mvn_factor_fn)(void *user, jr_mvn_factoring *f);

/* jr_mvn_create_rows with the factoring step done by fn (called once, after
 * the argument checks, the row range check and the means; not called if
 * one of those fails). */
jr_status jr_mvn_create_rows_with(const jr_ctx *ctx, const jr_array *mean,
                                  const jr_array *cov, int shape_ndim,
                                  const int64_t *shape, jr_dtype dtype,
                                  jr_method method, int64_t row_begin,
                                  int64_t row_end, jr_mvn_factor_fn fn,
                                  void *user, jr_mvn **out);

/* The same for a parameterization (forms.c): the plan's messages name the
 * argument by its form; cov is the (..., n, n) view the plan reads. For
 * JR_COV_PRECISION the slots hold a lower factor L_P (stored by fn with
 * jr_mvn_factoring_store; the upper triangle is not read) and rows are
 * mean + L_P^-T z by the triangular solve (linalg/solve.h). */
jr_status jr_mvn_create_form_with(const jr_ctx *ctx, const jr_array *mean,
                                  const jr_array *cov, jr_cov_form form,
                                  int shape_ndim, const int64_t *shape,
                                  jr_dtype dtype, jr_method method,
                                  int64_t row_begin, int64_t row_end,
                                  jr_mvn_factor_fn fn, void *user,
                                  jr_mvn **out);

/* The covariances the rows use: batch elements [*first, *first + *count),
 * those with used[ci - first] set (used NULL: all). */
void jr_mvn_factoring_uses(const jr_mvn_factoring *f, int64_t *first,
                           int64_t *count, const unsigned char **used);

/* Factors covariances [ci, ci + cnt) (all used) into their slots, validated
 * as the ctx asks (a RAISE fails with the message naming the batch
 * element), the bytes jr_mvn_create gives. */
jr_status jr_mvn_factoring_compute(jr_mvn_factoring *f, int64_t ci,
                                   int64_t cnt);

/* The slot of used covariance ci (its bytes are the whole stored factor) and
 * the bytes per slot; slots of consecutive ci are consecutive. */
void *jr_mvn_factoring_slot(jr_mvn_factoring *f, int64_t ci);
size_t jr_mvn_factoring_slot_bytes(const jr_mvn_factoring *f);
/* The dtype the slots hold (every slot's size is a multiple of its size). */
jr_dtype jr_mvn_factoring_slot_dtype(const jr_mvn_factoring *f);

/* Stores a given factor of used covariance ci (n x n row-major in P,
 * float32/float64, the slots' layout's zeros as +0) into its slot, the
 * bytes jr_mvn_factoring_compute would give for that factor. work: n^2
 * doubles. */
void jr_mvn_factoring_store(jr_mvn_factoring *f, int64_t ci, jr_dtype P,
                            const void *factor, double *work);

/* A parameterization's creation (forms.c) hands each used batch element's
 * density source to the object: scale_tril v = NULL (read back from its
 * slot), diag the variances rounded to P, precision its L_P in double (the
 * density never inverts it). JR_E_OUT_OF_MEMORY. */
jr_status jr_mvn_factoring_keep(jr_mvn_factoring *f, int64_t ci,
                                jr_cov_form form, const double *v);

/* Covariances this process has factored since it started (every path of
 * jr_mvn creation; not the one-shot jr_multivariate_normal path). For tests
 * that check who computes what. */
int64_t jr_mvn_factorization_count(void);

#endif /* JR_MVN_FACTORING_H */
