/* The library's own Cholesky factorization, one fixed operation order for
 * every n, CPU, kernel set and thread count (definition: docs/linalg.md).
 * Internal. */
#ifndef JR_LINALG_CHOL_H
#define JR_LINALG_CHOL_H

#include "internal.h"

/* n <= JR_CHOL_POTF2_MAX: OpenBLAS's unblocked potf2 order (separately
 * rounded products summed in order from +0, then a_ij - dot). Larger n: the
 * fma order, c = a_ij, c = fma(-L_ik, L_jk, c) for k = 0..j-1. */
#define JR_CHOL_POTF2_MAX 4
/* Largest n of jr_chol_batch (matrices across vector lanes). */
#define JR_CHOL_BATCH_MAX 16

/* The lower Cholesky factor of (cov + cov^T) / 2 (rounded in dtype, float32
 * or float64): cov row-major n x n with row stride ldc, f row-major with row
 * stride ldf >= n (f must not overlap cov). The upper triangle of f is +0.
 * *info = 0 on success; else j + 1 for the first pivot j that is not > 0
 * (<= 0 or NaN), and the lower triangle of f is NaN (JAX's semantics).
 * Returns JR_E_OUT_OF_MEMORY if the bounded packing scratch (n > 16 with
 * a vector kernel set) cannot be allocated, jr_kernels_get_linalg's
 * JR_E_BAD_ISA when no kernel set may run, else JR_OK. The active kernel set
 * computes it; every set gives the same bytes. */
jr_status jr_chol(jr_dtype dtype, int64_t n, const void *cov, int64_t ldc,
                  void *f, int64_t ldf, int64_t *info);

/* jr_chol of `count` contiguous row-major n x n matrices (1 <= n <=
 * JR_CHOL_BATCH_MAX) into count contiguous n x n factors: row-major, or with
 * colmajor = 1 column-major (the transpose). info[e] as jr_chol's. Kernel
 * sets run several matrices per vector (lane l = matrix l); the bytes of each
 * factor are jr_chol's for that matrix alone. No allocation. */
void jr_chol_batch(jr_dtype dtype, int64_t n, int64_t count, const void *cov,
                   void *f, int64_t *info, int colmajor);

/* The definition of truth: plain scalar loops of the fixed order, in place on
 * the symmetrized lower triangle a (row-major, lda); upper untouched.
 * Returns info (no NaN fill). Used by the ref kernel set and the tests. */
int64_t jr_chol_ref_f32(int64_t n, float *a, int64_t lda);
int64_t jr_chol_ref_f64(int64_t n, double *a, int64_t lda);

#endif /* JR_LINALG_CHOL_H */
