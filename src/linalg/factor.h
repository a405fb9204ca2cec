/* Covariance factorizations for multivariate_normal: eigh and svd through
 * LAPACKE with JAX's CPU semantics (algorithm.md section 8.4), cholesky by
 * the library's own (chol.h). Internal. */
#ifndef JR_LINALG_FACTOR_H
#define JR_LINALG_FACTOR_H

#include "internal.h"

/* Largest n accepted: LAPACK indexes an n x n matrix with 32-bit ints (the
 * own Cholesky keeps the same limit, so every method accepts the same n). */
#define JR_LINALG_MAX_N 46340

/* The factor F (row-major, F[i * n + k]) of one n x n covariance (row-major)
 * in dtype (JR_FLOAT32 or JR_FLOAT64), computed as JAX does on CPU:
 *   cholesky: jr_chol ((cov + cov^T) / 2, lower, upper triangle zero; the
 *             order of docs/linalg.md, not LAPACK's potrf);
 *   eigh:     (cov + cov^T) / 2, syevd 'V' 'L', F[:, k] = v[:, k] sqrt(w[k]);
 *   svd:      gesdd 'A' on cov, F[:, k] = u[:, k] sqrt(s[k]).
 * When the factorization fails (info > 0) the factor is NaN as in JAX
 * (cholesky: NaN lower triangle, zero upper) and *failed = 1. Returns
 * JR_E_LAPACK for an argument error and JR_E_OUT_OF_MEMORY. */
jr_status jr_linalg_factor(jr_method method, jr_dtype dtype, int64_t n,
                           const void *cov, void *factor, int *failed);

/* OpenBLAS must run single-threaded for syevd/gesdd (their bytes depend on
 * its thread count, and its own threads would oversubscribe our workers).
 * Calls nest and may come from several threads: the first enter sets
 * OpenBLAS to one thread, the last leave restores the caller's setting. */
void jr_blas_enter(void);
void jr_blas_leave(void);

/* Smallest and largest eigenvalue of the symmetric part of an n x n double
 * matrix (row-major), for validation. */
jr_status jr_linalg_eig_range(int64_t n, const double *cov, double *w_min,
                              double *w_max);

#endif /* JR_LINALG_FACTOR_H */
