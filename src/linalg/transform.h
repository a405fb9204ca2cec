/* The mean + F z transform of multivariate_normal over a block of rows.
 * Internal. This is the place for faster kernels (register-blocked small n,
 * BLAS for long runs of rows sharing one factor): every kernel must give the
 * bytes of the portable loop in transform.c. */
#ifndef JR_LINALG_TRANSFORM_H
#define JR_LINALG_TRANSFORM_H

#include "internal.h"

/* One block of rows, all in `dtype` (JR_FLOAT32 or JR_FLOAT64):
 *   out[r * n + i] = mean[r][i] + sum_{j = 0..n-1} factor[r][i * n + j] *
 *                                                   z[r * n + j]
 * for r in [0, rows). The sum is XLA:CPU's dot as modelled in spec 8.6: in
 * order of j, each step a fused multiply-add, starting from +0; the mean is
 * added after, rounded on its own. Rows that share a factor or mean share
 * the pointer (kernels may detect runs by pointer equality). */
typedef struct jr_transform_block {
  jr_dtype dtype;
  int64_t n;
  int64_t rows;
  const void *z;             /* rows * n */
  const void *const *factor; /* rows pointers to n * n, row-major */
  const void *const *mean;   /* rows pointers to n */
  void *out;                 /* rows * n */
} jr_transform_block;

void jr_transform_rows(const jr_transform_block *block);

#endif /* JR_LINALG_TRANSFORM_H */
