/* The own linear algebra's entries of the one kernel table
 * (kernels/kernel_list.h: chol_f32, chol_f64, chol_batch_f32/_f64, product,
 * product_small, solve): the external names each SIMD set's file defines and
 * kernels_<isa>.c puts in its table, and the scalar pieces every set shares.
 * The ref set's entries are the scalar definitions (chol.h, product.h,
 * transform.h). Selection and the self-check are the table's
 * (jr_kernels_get). Internal. */
#ifndef JR_LINALG_KERNELS_H
#define JR_LINALG_KERNELS_H

#include "os/fpenv.h"
#include "linalg/product.h"
#include "linalg/solve.h"
#include "linalg/transform.h"

#define JR_DECLARE_LINALG_SET(isa)                                             \
  int64_t jr_##isa##_chol_f32(int64_t n, float *a, int64_t lda);               \
  int64_t jr_##isa##_chol_f64(int64_t n, double *a, int64_t lda);              \
  void jr_##isa##_chol_batch_f32(int64_t n, int64_t count, const float *cov,   \
                                 float *f, int64_t *info, int colmajor);       \
  void jr_##isa##_chol_batch_f64(int64_t n, int64_t count, const double *cov,  \
                                 double *f, int64_t *info, int colmajor);      \
  int jr_##isa##_product(const jr_product_args *args);                         \
  int jr_##isa##_solve(const jr_solve_args *args);
#if defined(JR_HAVE_AVX2)
JR_DECLARE_LINALG_SET(avx2)
#endif
#if defined(JR_HAVE_AVX512)
JR_DECLARE_LINALG_SET(avx512)
#endif
#undef JR_DECLARE_LINALG_SET

/* A set's entries, defined once for every set in its own file (compiled
 * with its flags): each forwards to the static bodies of the linalg body
 * headers instantiated there with suffix _isa, so they inline, inside
 * XLA:CPU's FTZ / DAZ mode (fpenv.h; one MXCSR write pair per call, the
 * call being a whole factorization, batch or block of rows). */
#define JR_DEFINE_LINALG_SET(isa)                                              \
  int64_t jr_##isa##_chol_f32(int64_t n, float *a, int64_t lda) {              \
    const unsigned fp = jr_fpenv_flush_begin();                                \
    const int64_t info = jr_chol_f32_##isa(n, a, lda);                         \
    jr_fpenv_flush_end(fp);                                                    \
    return info;                                                               \
  }                                                                            \
  int64_t jr_##isa##_chol_f64(int64_t n, double *a, int64_t lda) {             \
    const unsigned fp = jr_fpenv_flush_begin();                                \
    const int64_t info = jr_chol_f64_##isa(n, a, lda);                         \
    jr_fpenv_flush_end(fp);                                                    \
    return info;                                                               \
  }                                                                            \
  void jr_##isa##_chol_batch_f32(int64_t n, int64_t count, const float *cov,   \
                                 float *f, int64_t *info, int colmajor) {      \
    const unsigned fp = jr_fpenv_flush_begin();                                \
    jr_batch_f32_##isa(n, count, cov, f, info, colmajor);                      \
    jr_fpenv_flush_end(fp);                                                    \
  }                                                                            \
  void jr_##isa##_chol_batch_f64(int64_t n, int64_t count, const double *cov,  \
                                 double *f, int64_t *info, int colmajor) {     \
    const unsigned fp = jr_fpenv_flush_begin();                                \
    jr_batch_f64_##isa(n, count, cov, f, info, colmajor);                      \
    jr_fpenv_flush_end(fp);                                                    \
  }                                                                            \
  int jr_##isa##_product(const jr_product_args *a) {                           \
    const unsigned fp = jr_fpenv_flush_begin();                                \
    const int r = a->dtype == JR_FLOAT32 ? jr_product_f32_##isa(a)             \
                                         : jr_product_f64_##isa(a);            \
    jr_fpenv_flush_end(fp);                                                    \
    return r;                                                                  \
  }                                                                            \
  int jr_##isa##_solve(const jr_solve_args *a) {                               \
    return a->dtype == JR_FLOAT32 ? jr_solve_f32_##isa(a)                      \
                                  : jr_solve_f64_##isa(a);                     \
  }

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
