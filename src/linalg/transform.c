/* The portable small-n mean + F z product: the definition of truth for the
 * faster kernel (see transform.h; XLA:CPU's flush-to-zero arithmetic,
 * math/ftz.h), and the padded transpose the kernels read. */
#include "linalg/transform.h"

#include "math/ftz.h"

static void jr_transform_f32(const jr_transform_block *b) {
  const int64_t n = b->n, np = jr_xform_pad(JR_FLOAT32, n);
  const float *z = b->z;
  float *out = b->out;
  for (int64_t r = 0; r < b->rows; r++) {
    const float *ft = b->factor_t[r], *m = b->mean[r];
    const float *zr = z + r * n;
    float *o = out + r * n;
    for (int64_t i = 0; i < n; i++) {
      float acc = 0.0f;
      for (int64_t j = 0; j < n; j++)
        acc = jr_fma_f32(ft[j * np + i], zr[j], acc);
      o[i] = jr_add_f32(m[i], acc);
    }
  }
}

static void jr_transform_f64(const jr_transform_block *b) {
  const int64_t n = b->n, np = jr_xform_pad(JR_FLOAT64, n);
  const double *z = b->z;
  double *out = b->out;
  for (int64_t r = 0; r < b->rows; r++) {
    const double *ft = b->factor_t[r], *m = b->mean[r];
    const double *zr = z + r * n;
    double *o = out + r * n;
    for (int64_t i = 0; i < n; i++) {
      double acc = 0.0;
      for (int64_t j = 0; j < n; j++)
        acc = jr_fma_f64(ft[j * np + i], zr[j], acc);
      o[i] = jr_add_f64(m[i], acc);
    }
  }
}

void jr_transform_rows(const jr_transform_block *block) {
  if (block->dtype == JR_FLOAT32)
    jr_transform_f32(block);
  else
    jr_transform_f64(block);
}

/* factor_t of one factor in T; inlined per constant n below. */
#define JR_DEFINE_XT(NAME, T)                                                  \
  static inline void NAME(int64_t n, int64_t np, const T *f, T *t) {           \
    for (int64_t j = 0; j < n; j++) {                                          \
      for (int64_t i = 0; i < n; i++)                                          \
        t[j * np + i] = f[i * n + j];                                          \
      for (int64_t i = n; i < np; i++)                                         \
        t[j * np + i] = (T)0;                                                  \
    }                                                                          \
  }
JR_DEFINE_XT(jr_xt_f32, float)
JR_DEFINE_XT(jr_xt_f64, double)

void jr_xform_transpose(jr_dtype dtype, int64_t n, const void *factor,
                        void *factor_t) {
  /* One loop per dtype, constant small n (W4 stores 10^5 4 x 4 factors, so
   * this runs once per sample there). */
  if (dtype == JR_FLOAT32) {
    switch (n) {
    case 2: jr_xt_f32(2, 8, factor, factor_t); break;
    case 3: jr_xt_f32(3, 8, factor, factor_t); break;
    case 4: jr_xt_f32(4, 8, factor, factor_t); break;
    default: jr_xt_f32(n, jr_xform_pad(dtype, n), factor, factor_t); break;
    }
  } else {
    switch (n) {
    case 2: jr_xt_f64(2, 4, factor, factor_t); break;
    case 3: jr_xt_f64(3, 4, factor, factor_t); break;
    case 4: jr_xt_f64(4, 4, factor, factor_t); break;
    default: jr_xt_f64(n, jr_xform_pad(dtype, n), factor, factor_t); break;
    }
  }
}
