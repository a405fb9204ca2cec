/* Covariance factorizations for multivariate_normal through LAPACKE, with
 * JAX's CPU semantics (algorithm.md section 8.4). Internal. */
#ifndef JR_LINALG_FACTOR_H
#define JR_LINALG_FACTOR_H

#include "internal.h"

/* Largest n accepted: LAPACK indexes an n x n matrix with 32-bit ints. */
#define JR_LINALG_MAX_N 46340

/* The factor F (row-major, F[i * n + k]) of one n x n covariance (row-major)
 * in dtype (JR_FLOAT32 or JR_FLOAT64), computed as JAX does on CPU:
 *   cholesky: (cov + cov^T) / 2, potrf 'L', upper triangle zero;
 *   eigh:     (cov + cov^T) / 2, syevd 'V' 'L', F[:, k] = v[:, k] sqrt(w[k]);
 *   svd:      gesdd 'A' on cov, F[:, k] = u[:, k] sqrt(s[k]).
 * When LAPACK reports failure (info > 0) the factor is NaN as in JAX
 * (cholesky: NaN lower triangle, zero upper) and *failed = 1. Returns
 * JR_E_LAPACK for an argument error and JR_E_OUT_OF_MEMORY. */
jr_status jr_linalg_factor(jr_method method, jr_dtype dtype, int64_t n,
                           const void *cov, void *factor, int *failed);

/* Cholesky for n <= JR_CHOL_OWN_MAX runs OpenBLAS's small-n potrf
 * arithmetic without a LAPACK call (same bytes; see factor.c), if
 * jr_own_chol_ok() (a once-per-process self-check against LAPACK). */
#define JR_CHOL_OWN_MAX 4
int jr_own_chol_ok(void);

/* The own Cholesky of `count` contiguous row-major n x n matrices (n <=
 * JR_CHOL_OWN_MAX, float32/float64) into factors f (count n^2): row-major
 * (upper triangle zero), or with colmajor = 1 column-major, i.e. the
 * transpose row-major, which is the sampler's factor_t layout when it needs
 * no padding (the same values, moved once instead of twice).
 * ok[e] = 1 where it succeeded with a finite factor: f[e] is then exactly
 * what jr_linalg_factor gives. ok[e] = 0: f[e] is undefined and the caller
 * must call jr_linalg_factor for that matrix (LAPACK's semantics). The
 * vector kernel of the active ISA factors several matrices at once, with
 * the scalar path's bytes. Call only if jr_own_chol_ok(). */
void jr_chol_small_batch(jr_dtype dtype, int64_t n, int64_t count,
                         const void *cov, void *f, unsigned char *ok,
                         int colmajor);
#if defined(JR_HAVE_AVX2_CHOL)
void jr_chol_small_batch_avx2(jr_dtype dtype, int64_t n, int64_t count,
                              const void *cov, void *f, unsigned char *ok,
                              int colmajor);
#endif

/* Smallest and largest eigenvalue of the symmetric part of an n x n double
 * matrix (row-major), for validation. */
jr_status jr_linalg_eig_range(int64_t n, const double *cov, double *w_min,
                              double *w_max);

#endif /* JR_LINALG_FACTOR_H */
