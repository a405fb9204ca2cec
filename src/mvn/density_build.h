/* A jr_mvn_density whose factors come from another object that already holds
 * them (a jr_mvn's, mvn_density.c), with the bytes jr_mvn_density_create_form
 * gives for the same mean and covariances. Internal. */
#ifndef JR_MVN_DENSITY_BUILD_H
#define JR_MVN_DENSITY_BUILD_H

#include "internal.h"

/* Batch element c's source into a (n x n doubles; n for diag), *factored
 * cleared on entry:
 *   *factored = 0: the form's values rounded to P (as
 *     jr_mvn_density_create_form reads them), factored here as it would;
 *   *factored = 1: the lower factor (row-major n x n) jr_chol gives in
 *     double for those values (cov or precision), used as it is. */
typedef jr_status (*jr_dens_source_fn)(void *user, int64_t c, double *a,
                                       int *factored);

/* The density of mean (any view: its values are rounded to P) and the
 * covariances of form `form` whose shape shape_of gives ((..., n, n); diag
 * (..., n); its data is not read), in dtype P (float32/float64): x may not
 * promote it further. No validation (creation did it). */
jr_status jr_dens_create_from(const jr_array *mean, const jr_array *shape_of,
                              jr_cov_form form, jr_dtype P,
                              jr_dens_source_fn src, void *user,
                              jr_mvn_density **out);

/* Cholesky factorizations the density code has done since the process
 * started (jr_mvn_density creation and a jr_mvn's first density). For tests
 * that check what is factored when. */
int64_t jr_dens_factorization_count(void);

#endif /* JR_MVN_DENSITY_BUILD_H */
