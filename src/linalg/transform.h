/* The mean + F z transform of multivariate_normal over a block of rows.
 * Internal. Two paths, chosen by n alone (never by ISA or slice), so a row's
 * bytes never depend on the kernel set, the thread count or the slice:
 *
 *  - n <= JR_XFORM_SMALL_MAX: XLA's dot model exactly (in-order fma chain per
 *    output element). jr_transform_rows is the portable truth; the per-ISA
 *    kernels (transform_avx2.c) vectorize across output components, each
 *    lane running the same chain, and are bit-identical to it.
 *  - larger n: BLAS (trmm for a lower-triangular factor, else gemm) on blocks
 *    of JR_XFORM_GEMM_ROWS rows aligned to absolute row indices
 *    (transform_blas.c): within 16 eps of the exact sum, and byte-identical
 *    for any slice and thread count. */
#ifndef JR_LINALG_TRANSFORM_H
#define JR_LINALG_TRANSFORM_H

#include "internal.h"

/* Largest n of the exact (XLA model) path; chosen by measurement, see
 * docs/multivariate_normal.md. */
#define JR_XFORM_SMALL_MAX 16
/* Rows per BLAS call; blocks start at multiples of it (absolute rows). */
#define JR_XFORM_GEMM_ROWS 128

/* One block of rows, all in `dtype` (JR_FLOAT32 or JR_FLOAT64), with the
 * factor F of row r stored transposed and padded for the vector kernels,
 * factor_t[r][j * np + i] = F[i][j] with np = jr_xform_pad(dtype, n) and zero
 * for i >= n (jr_xform_transpose):
 *   out[r * n + i] = mean[r][i] + sum_{j = 0..n-1} F[i][j] * z[r * n + j]
 * for r in [0, rows). The sum is XLA:CPU's dot as modelled in algorithm.md 8.6: in
 * order of j, each step a fused multiply-add, starting from +0; the mean is
 * added after, rounded on its own. */
typedef struct jr_transform_block {
  jr_dtype dtype;
  int64_t n;
  int64_t rows;
  const void *z;               /* rows * n */
  const void *const *factor_t; /* rows pointers, padded transpose */
  const void *const *mean;     /* rows pointers to n */
  void *out;                   /* rows * n */
  /* 1: every row's factor_t and mean are factor_t[0] and mean[0] (one
   * covariance and mean for all rows): kernels may keep them in registers.
   * The bytes are the same either way. */
  int shared;
} jr_transform_block;

/* The portable exact transform (the definition of truth). */
void jr_transform_rows(const jr_transform_block *block);

typedef void (*jr_transform_fn)(const jr_transform_block *block);
/* The exact small-n transform for the kernel set `isa` (JR_ISA_REF gives
 * jr_transform_rows); every one is bit-identical to jr_transform_rows.
 * Only pass a set the CPU supports. */
jr_transform_fn jr_transform_for_isa(jr_isa isa);

/* Padded row length of factor_t: n rounded up to a whole number of 256-bit
 * vectors (8 floats / 4 doubles). */
static inline int64_t jr_xform_pad(jr_dtype dtype, int64_t n) {
  const int64_t v = dtype == JR_FLOAT32 ? 8 : 4;
  return (n + v - 1) / v * v;
}
/* factor_t (n * jr_xform_pad(dtype, n) elements) from a row-major factor. */
void jr_xform_transpose(jr_dtype dtype, int64_t n, const void *factor,
                        void *factor_t);

#if defined(JR_HAVE_AVX2_XFORM)
void jr_transform_rows_avx2(const jr_transform_block *block);
#endif

/* ---- the BLAS path (n > JR_XFORM_SMALL_MAX) */

/* Rows [a, b) of F z_r + mean_r over a run of m rows sharing the row-major
 * factor F, computed by one BLAS call on all m rows of z (the whole run of
 * rows sharing F in its absolute block, not only the rows wanted, so a row's
 * bytes depend only on its absolute position). `lower`: F is lower
 * triangular (cholesky), trmm is used and z is overwritten; else gemm into
 * the scratch c (m * n). out[(r - a) * n + i] = mean[r - a][i] + (F z_r)_i,
 * the mean added after, rounded on its own. */
void jr_transform_blas(jr_dtype dtype, int64_t n, int lower, int64_t m,
                       const void *factor, void *z, void *c, int64_t a,
                       int64_t b, const void *const *mean, void *out);

/* OpenBLAS must run single-threaded inside our workers (its own threads would
 * oversubscribe the cores, and one pool serializes concurrent callers). Calls
 * nest and may come from several threads: the first enter sets OpenBLAS to
 * one thread, the last leave restores the caller's setting. */
void jr_blas_enter(void);
void jr_blas_leave(void);

#endif /* JR_LINALG_TRANSFORM_H */
