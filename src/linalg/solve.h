/* The library's own mean + U^-1 z for an upper-triangular U (the transpose
 * L^T of a lower Cholesky factor L): multivariate_normal's precision form,
 * samples mean + L_P^-T z by back substitution, one fixed operation order
 * for every n, CPU, kernel set and thread count (definition:
 * docs/linalg.md, "The triangular solve"). Internal.
 *
 *   for i = n-1 down to 0:
 *     t = z[r][i]
 *     t = fma(-U[i][j], w_j, t)   for j = n-1 down to i+1
 *     w_i = t / U[i][i]           (a division: no reciprocal)
 *   out[r][i] = mean_r[i] + w_i   (a NaN stored as the default quiet NaN)
 *
 * (reference BLAS dtrsv's order for L^T x = b, with a fused step). */
#ifndef JR_LINALG_SOLVE_H
#define JR_LINALG_SOLVE_H

#include <string.h>

#include "internal.h"

/* The packed factor: row i of U (U[i][j] = L[j][i], j = i..n-1) at element
 * jr_solve_row_off(n, i), contiguous. */
static inline int64_t jr_solve_row_off(int64_t n, int64_t i) {
  return i * n - i * (i - 1) / 2;
}
/* An output that is NaN is stored as the default quiet NaN of its dtype
 * (0x7FC00000 / 0x7FF8000000000000): which NaN an operation passes on
 * depends on its operand order, which the compiler chooses for the scalar
 * fma and addition, so without this a NaN factor or mean could give other
 * NaN bytes in ref than in a SIMD set. */
static inline float jr_solve_nan_f32(void) {
  const uint32_t b = 0x7FC00000u;
  float v;
  memcpy(&v, &b, sizeof v);
  return v;
}
static inline double jr_solve_nan_f64(void) {
  const uint64_t b = 0x7FF8000000000000ull;
  double v;
  memcpy(&v, &b, sizeof v);
  return v;
}

/* Elements of the packed factor: n (n + 1) / 2. */
static inline int64_t jr_solve_packed_size(int64_t n) {
  return jr_solve_row_off(n, n);
}
/* Packs U = L^T from the row-major lower factor L (row stride ldl, dtype's
 * elements; the upper triangle of L is not read) into packed. */
void jr_solve_pack(jr_dtype dtype, int64_t n, const void *lower, int64_t ldl,
                   void *packed);

/* Samples per block of a SIMD kernel (each lane one sample): the kernels'
 * cache blocks hold this many transposed rows of z (jr_solve_scratch_bytes);
 * a multiple of every set's lanes per register tile. */
#define JR_SOLVE_CHUNK 64

typedef struct jr_solve_args {
  jr_dtype dtype; /* JR_FLOAT32 or JR_FLOAT64: U, z, mean and out */
  int64_t n;
  int64_t rows;
  const void *packed;  /* jr_solve_pack of L, the same n */
  const void *z;       /* rows x n, row r at z + r n */
  const void *mean;    /* row r's mean at mean + r mean_stride */
  int64_t mean_stride; /* 0: one mean for every row */
  void *out;           /* rows x n; must not overlap z, mean or packed */
  /* NULL, or jr_solve_scratch_bytes(dtype, n) bytes, 64-byte aligned:
   * used instead of an allocation per call. */
  void *scratch;
} jr_solve_args;

/* Bytes of jr_solve_args.scratch for n (a multiple of 64). */
size_t jr_solve_scratch_bytes(jr_dtype dtype, int64_t n);

/* The solve with the active kernel set (every set gives the same bytes).
 * Returns JR_OK, JR_E_OUT_OF_MEMORY, or jr_kernels_get_linalg's
 * JR_E_BAD_ISA. */
jr_status jr_solve(const jr_solve_args *args);

/* The definition of truth: plain scalar loops, row by row (the ref kernel
 * set). Returns 0. */
int jr_solve_ref(const jr_solve_args *args);

#endif /* JR_LINALG_SOLVE_H */
