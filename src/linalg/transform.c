/* The portable mean + F z transform: the definition of truth for any faster
 * kernel (see transform.h). */
#include "linalg/transform.h"

#include <math.h>

static void jr_transform_f32(const jr_transform_block *b) {
  const int64_t n = b->n;
  const float *z = b->z;
  float *out = b->out;
  for (int64_t r = 0; r < b->rows; r++) {
    const float *f = b->factor[r], *m = b->mean[r];
    const float *zr = z + r * n;
    float *o = out + r * n;
    for (int64_t i = 0; i < n; i++) {
      const float *fi = f + i * n;
      float acc = 0.0f;
      for (int64_t j = 0; j < n; j++)
        acc = fmaf(fi[j], zr[j], acc);
      o[i] = m[i] + acc;
    }
  }
}

static void jr_transform_f64(const jr_transform_block *b) {
  const int64_t n = b->n;
  const double *z = b->z;
  double *out = b->out;
  for (int64_t r = 0; r < b->rows; r++) {
    const double *f = b->factor[r], *m = b->mean[r];
    const double *zr = z + r * n;
    double *o = out + r * n;
    for (int64_t i = 0; i < n; i++) {
      const double *fi = f + i * n;
      double acc = 0.0;
      for (int64_t j = 0; j < n; j++)
        acc = fma(fi[j], zr[j], acc);
      o[i] = m[i] + acc;
    }
  }
}

void jr_transform_rows(const jr_transform_block *block) {
  if (block->dtype == JR_FLOAT32)
    jr_transform_f32(block);
  else
    jr_transform_f64(block);
}
