/* Per-kernel-set entry points of the own linear algebra (chol.h,
 * product.h, the small-n product of transform.h), with one selection point,
 * jr_linalg_for, and one checked one, jr_linalg_get (a start-up self-check
 * per set that fails with an error, never a silent switch). Each set is
 * bit-identical to the ref set (the plain scalar definitions). Internal. */
#ifndef JR_LINALG_KERNELS_H
#define JR_LINALG_KERNELS_H

#include "linalg/product.h"
#include "linalg/transform.h"

typedef struct jr_linalg_kernels {
  jr_isa isa;
  /* In-place Cholesky of the symmetrized lower triangle of a (row-major,
   * lda), n > JR_CHOL_POTF2_MAX, fma order; the upper triangle may be
   * overwritten. Returns info (0 or the failing pivot + 1), or -1 when the
   * bounded scratch cannot be allocated. */
  int64_t (*chol_f32)(int64_t n, float *a, int64_t lda);
  int64_t (*chol_f64)(int64_t n, double *a, int64_t lda);
  /* jr_chol_batch after the argument checks. */
  void (*chol_batch_f32)(int64_t n, int64_t count, const float *cov, float *f,
                         int64_t *info, int colmajor);
  void (*chol_batch_f64)(int64_t n, int64_t count, const double *cov, double *f,
                         int64_t *info, int colmajor);
  /* jr_product for one dtype: 0, or -1 when out of memory. */
  int (*product)(const jr_product_args *args);
  /* The product for n <= JR_XFORM_SMALL_MAX over rows that each have their
   * own factor (transposed, padded; transform.h): the same definition. */
  jr_transform_fn product_small;
} jr_linalg_kernels;

/* The set for `isa` (only pass a set the CPU supports; JR_ISA_AUTO and the
 * sets this build lacks give the ref set). Unchecked: jr_chol and
 * jr_product use it; samplers go through jr_linalg_get first. */
const jr_linalg_kernels *jr_linalg_for(jr_isa isa);

/* jr_linalg_for(isa) once its self-check passed (run once per set per
 * process): JR_E_BAD_ISA naming the set if it differs from ref anywhere. */
jr_status jr_linalg_get(jr_isa isa, const jr_linalg_kernels **out);

/* 1 if every entry of k gives the ref set's bytes on fixed inputs that
 * reach each path (blocked and unblocked Cholesky, failing pivots, every
 * batch size, the product's blocks, skipped triangle and unsafe rows). */
int jr_linalg_self_check(const jr_linalg_kernels *k);

extern const jr_linalg_kernels jr_linalg_ref;
#if defined(JR_HAVE_AVX2_LINALG)
extern const jr_linalg_kernels jr_linalg_avx2;
#endif
#if defined(JR_HAVE_AVX512_LINALG)
extern const jr_linalg_kernels jr_linalg_avx512;
#endif

/* Shared by every set: the scalar pieces of the definitions. */
void jr_chol_batch_ref_f32(int64_t n, int64_t count, const float *cov, float *f,
                           int64_t *info, int colmajor);
void jr_chol_batch_ref_f64(int64_t n, int64_t count, const double *cov,
                           double *f, int64_t *info, int colmajor);
/* Symmetrize cov into a (lower = (x + y) / 2 rounded, upper = +0). */
void jr_chol_load_f32(int64_t n, const float *cov, int64_t ldc, float *a,
                      int64_t lda);
void jr_chol_load_f64(int64_t n, const double *cov, int64_t ldc, double *a,
                      int64_t lda);
/* The factor's final form: upper +0, and the lower NaN when info > 0. */
void jr_chol_finish_f32(int64_t n, float *a, int64_t lda, int64_t info);
void jr_chol_finish_f64(int64_t n, double *a, int64_t lda, int64_t info);
/* potf2 order (n <= JR_CHOL_POTF2_MAX), in place; returns info. */
int64_t jr_potf2_ref_f32(int64_t n, float *a, int64_t lda);
int64_t jr_potf2_ref_f64(int64_t n, double *a, int64_t lda);
/* One row of the product by the definition (all j, +0 above the diagonal
 * when lower): out_r[i] for i < n. */
void jr_product_row_f32(int64_t n, int lower, const float *packed,
                        const float *z, const float *mean, float *out);
void jr_product_row_f64(int64_t n, int lower, const double *packed,
                        const double *z, const double *mean, double *out);

#endif /* JR_LINALG_KERNELS_H */
