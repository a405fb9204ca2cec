/* The mean + F z transform for larger n through BLAS (OpenBLAS): trmm for a
 * lower-triangular (cholesky) factor, gemm otherwise. Not the in-order fma
 * chain (BLAS blocks and vectorizes the sum), but within a few eps of it.
 *
 * Determinism: the caller passes the whole run of rows sharing F inside an
 * absolute block (blocks start at multiples of JR_XFORM_GEMM_ROWS), so every
 * call for a given row has the same shape (m, n), the row's position in it
 * and the same buffer alignment (64 bytes + a fixed offset): the bytes of a
 * row cannot depend on the slice, the thread count or the neighbours' values
 * (BLAS computes row r of Z F^T from row r of Z only). */
#include <cblas.h>
#include <pthread.h>

#include "linalg/transform.h"

void jr_transform_blas(jr_dtype dtype, int64_t n, int lower, int64_t m,
                       const void *factor, void *z, void *c, int64_t a,
                       int64_t b, const void *const *mean, void *out) {
  const blasint bm = (blasint)m, bn = (blasint)n;
  if (dtype == JR_FLOAT32) {
    const float *prod = c;
    if (lower) { /* Z := Z L^T in place */
      cblas_strmm(CblasRowMajor, CblasRight, CblasLower, CblasTrans,
                  CblasNonUnit, bm, bn, 1.0f, factor, bn, z, bn);
      prod = z;
    } else {
      cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, bm, bn, bn, 1.0f, z,
                  bn, factor, bn, 0.0f, c, bn);
    }
    float *o = out;
    for (int64_t r = a; r < b; r++, o += n) {
      const float *mu = mean[r - a];
      for (int64_t i = 0; i < n; i++)
        o[i] = mu[i] + prod[r * n + i];
    }
  } else {
    const double *prod = c;
    if (lower) {
      cblas_dtrmm(CblasRowMajor, CblasRight, CblasLower, CblasTrans,
                  CblasNonUnit, bm, bn, 1.0, factor, bn, z, bn);
      prod = z;
    } else {
      cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, bm, bn, bn, 1.0, z,
                  bn, factor, bn, 0.0, c, bn);
    }
    double *o = out;
    for (int64_t r = a; r < b; r++, o += n) {
      const double *mu = mean[r - a];
      for (int64_t i = 0; i < n; i++)
        o[i] = mu[i] + prod[r * n + i];
    }
  }
}

/* OpenBLAS's thread count is process-wide (0.3.21 has no per-call setting):
 * pin it to 1 while any of our samplers runs, restore it after the last. */
static pthread_mutex_t jr_blas_lock = PTHREAD_MUTEX_INITIALIZER;
static int jr_blas_users, jr_blas_saved;

void jr_blas_enter(void) {
  pthread_mutex_lock(&jr_blas_lock);
  if (jr_blas_users++ == 0) {
    jr_blas_saved = openblas_get_num_threads();
    if (jr_blas_saved != 1) openblas_set_num_threads(1);
  }
  pthread_mutex_unlock(&jr_blas_lock);
}

void jr_blas_leave(void) {
  pthread_mutex_lock(&jr_blas_lock);
  if (--jr_blas_users == 0 && jr_blas_saved != 1)
    openblas_set_num_threads(jr_blas_saved);
  pthread_mutex_unlock(&jr_blas_lock);
}
