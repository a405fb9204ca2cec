/* The library's own mean + F z product for multivariate_normal, one fixed
 * operation order for every n, CPU, kernel set and thread count
 * (definition: docs/linalg.md). Internal.
 *
 *   out[r][i] = mean_r[i] + acc,  acc = +0, acc = fma(F[i][j], z[r][j], acc)
 *   for j = 0..n-1 in order
 *
 * (XLA:CPU's naive dot emitter order; jr_transform_rows computes the same
 * for n <= 16). With lower = 1, F is its lower triangle and every entry
 * above the diagonal is taken as +0 (whatever is stored there). */
#ifndef JR_LINALG_PRODUCT_H
#define JR_LINALG_PRODUCT_H

#include "internal.h"

/* The packed factor: column panels of JR_PRODUCT_PANEL_F32 / _F64 output
 * components (the AVX-512 register tile width), panel p holding
 * F[p w + t][k] at element off(p) + k w + t (t < w; +0 where p w + t >= n),
 * for k < n (lower: k < min(n, (p + 1) w), the rest is +0 by definition). */
#define JR_PRODUCT_PANEL_F32 32
#define JR_PRODUCT_PANEL_F64 16
/* The kernels' cache blocks of z: JR_PRODUCT_MC rows by JR_PRODUCT_KC
 * components are packed at a time (jr_product_scratch_bytes). */
#define JR_PRODUCT_MC 96
#define JR_PRODUCT_KC 1024
/* Elements of the packed factor (0 for n = 0). */
int64_t jr_product_packed_size(jr_dtype dtype, int64_t n, int lower);
/* Packs the row-major factor (row stride ldf) into packed (of
 * jr_product_packed_size elements; 64-byte alignment is best). */
void jr_product_pack(jr_dtype dtype, int64_t n, int lower, const void *factor,
                     int64_t ldf, void *packed);

typedef struct jr_product_args {
  jr_dtype dtype; /* JR_FLOAT32 or JR_FLOAT64: F, z, mean and out */
  int64_t n;
  int lower;
  int64_t rows;
  const void *packed;  /* jr_product_pack of F with the same n and lower */
  const void *z;       /* rows x n, row r at z + r n */
  const void *mean;    /* row r's mean at mean + r mean_stride */
  int64_t mean_stride; /* 0: one mean for every row */
  void *out;           /* rows x n; must not overlap z or mean */
  /* NULL, or jr_product_scratch_bytes(dtype, n) bytes, 64-byte aligned:
   * used instead of an allocation per call (a sampler's per-worker buffer). */
  void *scratch;
} jr_product_args;

/* Bytes of jr_product_args.scratch for n (a multiple of 64). */
size_t jr_product_scratch_bytes(jr_dtype dtype, int64_t n);

/* Computes the product with the active kernel set (every set gives the same
 * bytes). Scratch: bounded, allocated per call. Returns JR_OK,
 * JR_E_OUT_OF_MEMORY, or jr_kernels_get_linalg's JR_E_BAD_ISA. */
jr_status jr_product(const jr_product_args *args);

/* The definition of truth: plain scalar loops over the packed factor (the
 * ref kernel set). Returns 0. */
int jr_product_ref(const jr_product_args *args);

/* The packed offset of panel p (w: the panel width of the dtype). */
static inline int64_t jr_product_panel_off(int64_t n, int lower, int64_t w,
                                           int64_t p) {
  if (!lower) return p * n * w;
  const int64_t whole = n / w; /* panels with (q + 1) w <= n */
  const int64_t m = p < whole ? p : whole;
  return w * (w * m * (m + 1) / 2 + (p - m) * n);
}

#endif /* JR_LINALG_PRODUCT_H */
