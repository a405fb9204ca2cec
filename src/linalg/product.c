/* The own mean + F z product: the packed factor layout, the scalar
 * definition of truth (jr_product_ref) and the entry point that runs the
 * active kernel set. The order is written down in docs/linalg.md; every
 * operation is XLA:CPU's flush-to-zero arithmetic (math/ftz.h). */
#include "linalg/product.h"

#include <math.h>

#include "linalg/linalg_kernels.h"
#include "math/ftz.h"

static int64_t jr_panel_w(jr_dtype dtype) {
  return dtype == JR_FLOAT32 ? JR_PRODUCT_PANEL_F32 : JR_PRODUCT_PANEL_F64;
}

size_t jr_product_scratch_bytes(jr_dtype dtype, int64_t n) {
  const int64_t k = n < JR_PRODUCT_KC ? n : JR_PRODUCT_KC;
  return (jr_dtype_size(dtype) * JR_PRODUCT_MC * (size_t)k + 63) / 64 * 64;
}

int64_t jr_product_packed_size(jr_dtype dtype, int64_t n, int lower) {
  const int64_t w = jr_panel_w(dtype);
  return jr_product_panel_off(n, lower, w, (n + w - 1) / w);
}

#define JR_DEFINE_PRODUCT_REF(X, T, W)                                         \
  static void jr_pack_##X(int64_t n, int lower, const T *f, int64_t ldf,       \
                          T *packed) {                                         \
    for (int64_t p = 0; p * W < n; p++) {                                      \
      T *dst = packed + jr_product_panel_off(n, lower, W, p);                  \
      const int64_t kp = lower && (p + 1) * W < n ? (p + 1) * W : n;           \
      for (int64_t k = 0; k < kp; k++)                                         \
        for (int64_t t = 0; t < W; t++) {                                      \
          const int64_t i = p * W + t;                                         \
          dst[k * W + t] = i < n && !(lower && k > i) ? f[i * ldf + k] : (T)0; \
        }                                                                      \
    }                                                                          \
  }                                                                            \
  /* F[i][j] by the definition: +0 above the diagonal when lower. */           \
  static inline T jr_fat_##X(int64_t n, int lower, const T *packed, int64_t i, \
                             int64_t j) {                                      \
    if (lower && j > i) return (T)0;                                           \
    return packed[jr_product_panel_off(n, lower, W, i / W) + j * W + i % W];   \
  }                                                                            \
  void jr_product_row_##X(int64_t n, int lower, const T *packed, const T *z,   \
                          const T *mean, T *out) {                             \
    for (int64_t i = 0; i < n; i++) {                                          \
      T acc = 0;                                                               \
      for (int64_t j = 0; j < n; j++)                                          \
        acc = jr_fma_##X(jr_fat_##X(n, lower, packed, i, j), z[j], acc);       \
      out[i] = jr_add_##X(mean[i], acc);                                       \
    }                                                                          \
  }
JR_DEFINE_PRODUCT_REF(f32, float, JR_PRODUCT_PANEL_F32)
JR_DEFINE_PRODUCT_REF(f64, double, JR_PRODUCT_PANEL_F64)

void jr_product_pack(jr_dtype dtype, int64_t n, int lower, const void *factor,
                     int64_t ldf, void *packed) {
  if (dtype == JR_FLOAT32)
    jr_pack_f32(n, lower, factor, ldf, packed);
  else
    jr_pack_f64(n, lower, factor, ldf, packed);
}

int jr_product_ref(const jr_product_args *a) {
  const int64_t n = a->n;
  for (int64_t r = 0; r < a->rows; r++) {
    if (a->dtype == JR_FLOAT32)
      jr_product_row_f32(n, a->lower, a->packed, (const float *)a->z + r * n,
                         (const float *)a->mean + r * a->mean_stride,
                         (float *)a->out + r * n);
    else
      jr_product_row_f64(n, a->lower, a->packed, (const double *)a->z + r * n,
                         (const double *)a->mean + r * a->mean_stride,
                         (double *)a->out + r * n);
  }
  return 0;
}

jr_status jr_product(const jr_product_args *args) {
  if (args->n <= 0 || args->rows <= 0) return JR_OK;
  const jr_kernels *k;
  jr_status st = jr_kernels_get_linalg(&k);
  if (st != JR_OK) return st;
  if (k->product(args) != 0)
    return jr_fail(JR_E_OUT_OF_MEMORY,
                   "cannot allocate the packing scratch of a product with "
                   "n = %lld",
                   (long long)args->n);
  return JR_OK;
}
