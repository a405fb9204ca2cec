/* The density of a jr_mvn (jr_mvn_logpdf_eval): the factors the object
 * already holds, or what it kept at creation, turned into a jr_mvn_density
 * once, on the first density call. Internal. */
#ifndef JR_MVN_MVN_DENSITY_H
#define JR_MVN_MVN_DENSITY_H

#include "internal.h"
#include "mvn/factor_store.h"
#include "mvn/plan.h"

typedef struct jr_mvn_dens jr_mvn_dens;

/* The density state of a jr_mvn being created for plan p, rows [row_lo,
 * row_hi), mean and cov of form `form` (only their shapes are read; cov as
 * the plan sees it). factors and means: the object's members, filled later by
 * its creation (read at the first density call only). */
jr_status jr_mvn_dens_new(const jr_mvn_plan *p, const jr_array *mean,
                          const jr_array *cov, jr_cov_form form, int64_t row_lo,
                          int64_t row_hi, const jr_factors *factors,
                          void *const *means, jr_mvn_dens **out);
void jr_mvn_dens_free(jr_mvn_dens *d);

/* 1 if the creation must hand the covariances' values to
 * jr_mvn_dens_keep_values (the density's Cholesky in double cannot be read
 * from the sampling factors: float32 cholesky, eigh, svd). */
int jr_mvn_dens_wants_values(const jr_mvn_dens *d);
/* cnt covariances in P (contiguous n x n each) for batch elements [k, k +
 * cnt) of the object's factor slots. */
jr_status jr_mvn_dens_keep_values(jr_mvn_dens *d, int64_t k, int64_t cnt,
                                  const void *values);
/* A parameterization's object (jr_mvn_create_form), slot k: scale_tril (v
 * NULL: its factor is read back from the slot), diag (v: the n variances
 * rounded to P, as doubles) or precision (v: L_P = jr_chol of P in double,
 * n x n, as it gave it). */
jr_status jr_mvn_dens_keep_form(jr_mvn_dens *d, int64_t k, jr_cov_form form,
                                const double *v);

/* The density (built on the first call, once, under the state's lock). */
jr_status jr_mvn_dens_get(jr_mvn_dens *d, const jr_mvn_density **out);

#endif /* JR_MVN_MVN_DENSITY_H */
