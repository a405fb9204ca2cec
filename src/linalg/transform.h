/* The mean + F z product of multivariate_normal for n <= JR_XFORM_SMALL_MAX
 * over rows that may each have their own factor (W4: one 4 x 4 covariance
 * per row). The definition is product.h's (XLA's dot model: an in-order fma
 * chain per output element from +0, the mean added after);
 * jr_transform_rows is its scalar form and the per-ISA kernel
 * (transform_avx2.c, vectorized across output components, each lane running
 * the same chain) is bit-identical to it. Selected through the kernel
 * table (kernels/kernel_list.h, product_small). Larger n: jr_product. Internal.
 */
#ifndef JR_LINALG_TRANSFORM_H
#define JR_LINALG_TRANSFORM_H

#include "internal.h"

/* Largest n of this per-row-factor product (the factor's layout for larger
 * n is jr_product_pack's). */
#define JR_XFORM_SMALL_MAX 16

/* One block of rows, all in `dtype` (JR_FLOAT32 or JR_FLOAT64), with the
 * factor F of row r stored transposed and padded for the vector kernels,
 * factor_t[r][j * np + i] = F[i][j] with np = jr_xform_pad(dtype, n) and zero
 * for i >= n (jr_xform_transpose):
 *   out[r * n + i] = mean[r][i] + sum_{j = 0..n-1} F[i][j] * z[r * n + j]
 * for r in [0, rows). The sum is XLA:CPU's dot as modelled in algorithm.md 8.6:
 * in order of j, each step a fused multiply-add, starting from +0; the mean is
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

/* Padded row length of factor_t: n rounded up to a whole number of 256-bit
 * vectors (8 floats / 4 doubles). */
static inline int64_t jr_xform_pad(jr_dtype dtype, int64_t n) {
  const int64_t v = dtype == JR_FLOAT32 ? 8 : 4;
  return (n + v - 1) / v * v;
}
/* factor_t (n * jr_xform_pad(dtype, n) elements) from a row-major factor. */
void jr_xform_transpose(jr_dtype dtype, int64_t n, const void *factor,
                        void *factor_t);

#if defined(JR_HAVE_AVX2)
void jr_transform_rows_avx2(const jr_transform_block *block);
#endif

#endif /* JR_LINALG_TRANSFORM_H */
