/* Helpers shared by the multivariate_normal tests (checks:
 * tests/common/check.h): input arrays of any dtype (optionally strided), an
 * independent model of JAX's dtype promotion and broadcasting, and a small
 * seeded PRNG. Header-only. */
#ifndef JR_MVN_TEST_H
#define JR_MVN_TEST_H

#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "jaxrandom.h"

static inline void *mt_alloc(size_t bytes) {
  void *p = calloc(bytes ? bytes : 1, 1);
  if (!p) {
    fprintf(stderr, "out of memory\n");
    exit(2);
  }
  return p;
}

/* splitmix64: test inputs only. */
static inline uint64_t mt_next(uint64_t *s) {
  uint64_t z = (*s += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}
static inline int64_t mt_below(uint64_t *s, int64_t n) {
  return (int64_t)(mt_next(s) % (uint64_t)n);
}

/* An owned input array: values stored in `dtype`, optionally with element
 * strides twice the C-contiguous ones (so the view skips every other
 * element), or with the last two axes transposed in memory. */
typedef struct {
  jr_array view;
  int64_t shape[JR_MAX_NDIM];
  int64_t strides[JR_MAX_NDIM];
  int64_t size;
} mt_array;

enum { MT_CONTIGUOUS = 0, MT_STRIDED = 1, MT_TRANSPOSED = 2 };

/* Writes v (exactly representable in dtype) as element `off`. */
static inline void mt_store(jr_dtype d, void *data, int64_t off, double v) {
  char *p = (char *)data + off * (int64_t)jr_dtype_size(d);
  switch (d) {
  case JR_FLOAT16: *(uint16_t *)p = jr_f32_to_f16((float)v); break;
  case JR_BFLOAT16: *(uint16_t *)p = jr_f32_to_bf16((float)v); break;
  case JR_FLOAT32: *(float *)p = (float)v; break;
  case JR_FLOAT64: *(double *)p = v; break;
  case JR_UINT8: *(uint8_t *)p = (uint8_t)v; break;
  case JR_UINT16: *(uint16_t *)p = (uint16_t)v; break;
  case JR_UINT32: *(uint32_t *)p = (uint32_t)v; break;
  case JR_UINT64: *(uint64_t *)p = (uint64_t)v; break;
  case JR_INT8: *(int8_t *)p = (int8_t)v; break;
  case JR_INT16: *(int16_t *)p = (int16_t)v; break;
  case JR_INT32: *(int32_t *)p = (int32_t)v; break;
  case JR_INT64: *(int64_t *)p = (int64_t)v; break;
  case JR_BOOL: *(uint8_t *)p = v != 0; break;
  default: break;
  }
}

/* values: C-order logical values of the array. */
static inline void mt_make(mt_array *a, jr_dtype d, int ndim,
                           const int64_t *shape, const double *values,
                           int layout) {
  memset(a, 0, sizeof *a);
  int64_t size = 1;
  for (int i = 0; i < ndim; i++) {
    a->shape[i] = shape[i];
    size *= shape[i];
  }
  a->size = size;
  int64_t st = 1;
  for (int i = ndim - 1; i >= 0; i--) {
    a->strides[i] = st * (layout == MT_STRIDED ? 2 : 1);
    st *= shape[i];
  }
  if (layout == MT_TRANSPOSED && ndim >= 2) {
    /* memory holds each matrix transposed: logical (i, j) at j*rows + i */
    int64_t r = shape[ndim - 2], c = shape[ndim - 1];
    a->strides[ndim - 2] = 1;
    a->strides[ndim - 1] = r;
    (void)c;
  }
  size_t bytes =
      (size_t)(size * (layout == MT_STRIDED ? 2 : 1)) * jr_dtype_size(d);
  a->view.data = mt_alloc(bytes);
  a->view.dtype = d;
  a->view.ndim = ndim;
  a->view.shape = a->shape;
  a->view.strides = layout == MT_CONTIGUOUS ? NULL : a->strides;
  for (int64_t k = 0; k < size; k++) {
    int64_t off = 0, rem = k;
    for (int i = ndim - 1; i >= 0; i--) {
      off += (rem % shape[i]) * a->strides[i];
      rem /= shape[i];
    }
    mt_store(d, a->view.data, off, values[k]);
  }
}

static inline void mt_free(mt_array *a) {
  free(a->view.data);
}

/* JAX's promotion (x64 off): an independent table, not the library's. */
static inline jr_dtype mt_promote(jr_dtype a, jr_dtype b) {
  static const jr_dtype floats[] = {JR_FLOAT16, JR_BFLOAT16, JR_FLOAT32,
                                    JR_FLOAT64};
  int fa = 0, fb = 0;
  for (int i = 0; i < 4; i++) {
    if (a == floats[i]) fa = 1;
    if (b == floats[i]) fb = 1;
  }
  if (!fa && !fb) return JR_FLOAT32;
  if (!fa) return b;
  if (!fb) return a;
  if (a == b) return a;
  if (a == JR_FLOAT64 || b == JR_FLOAT64) return JR_FLOAT64;
  return JR_FLOAT32; /* f16+bf16, f16+f32, bf16+f32 */
}

static inline double mt_eps(jr_dtype d) {
  return d == JR_FLOAT32 ? 0x1p-23 : d == JR_FLOAT64 ? 0x1p-52 : 0x1p-7;
}

/* Element k of a result/z buffer of float dtype d, as a double. */
static inline double mt_get(jr_dtype d, const void *p, int64_t k) {
  switch (d) {
  case JR_FLOAT16: return jr_f16_to_f32(((const uint16_t *)p)[k]);
  case JR_BFLOAT16: return jr_bf16_to_f32(((const uint16_t *)p)[k]);
  case JR_FLOAT32: return ((const float *)p)[k];
  default: return ((const double *)p)[k];
  }
}

static inline jr_ctx *mt_ctx(jr_mode mode, int threads) {
  jr_ctx *c = jr_ctx_create();
  if (!c) exit(2);
  jr_ctx_set_int(c, JR_PARAM_MODE, mode);
  jr_ctx_set_int(c, JR_PARAM_THREADS, threads);
  return c;
}

/* The Cholesky's documented order (docs/linalg.md), written here
 * independently of src/linalg: the lower factor of the symmetrized a
 * (row-major), upper +0, lower NaN when a pivot is not > 0.
 * n <= 4: potf2 (products rounded on their own, summed in order from +0,
 * then a_ij - sum); n >= 5: c = a_ij, c = fma(-L_ik, L_jk, c) in order;
 * L_jj = sqrt(c), L_ij = c * (1 / L_jj). */
#define MT_DEFINE_CHOL_MODEL(NAME, T, SQRT, FMA)                               \
  static inline int NAME(int n, const double *cov, double *out) {              \
    T *a = mt_alloc(sizeof *a * (size_t)(n * n));                              \
    int info = 0;                                                              \
    for (int i = 0; i < n; i++)                                                \
      for (int j = 0; j < n; j++) {                                            \
        const T x = (T)cov[i * n + j], y = (T)cov[j * n + i];                  \
        a[i * n + j] = (x + y) / (T)2;                                         \
      }                                                                        \
    for (int j = 0; j < n && !info; j++) {                                     \
      T d;                                                                     \
      if (n <= 4) {                                                            \
        T dot = 0;                                                             \
        for (int k = 0; k < j; k++) {                                          \
          const T p = a[j * n + k] * a[j * n + k];                             \
          dot = dot + p;                                                       \
        }                                                                      \
        d = a[j * n + j] - dot;                                                \
      } else {                                                                 \
        d = a[j * n + j];                                                      \
        for (int k = 0; k < j; k++)                                            \
          d = FMA(-a[j * n + k], a[j * n + k], d);                             \
      }                                                                        \
      if (!(d > 0)) {                                                          \
        info = j + 1;                                                          \
        break;                                                                 \
      }                                                                        \
      a[j * n + j] = SQRT(d);                                                  \
      const T r = (T)1 / a[j * n + j];                                         \
      for (int i = j + 1; i < n; i++) {                                        \
        T c;                                                                   \
        if (n <= 4) {                                                          \
          T t = 0;                                                             \
          for (int k = 0; k < j; k++) {                                        \
            const T p = a[i * n + k] * a[j * n + k];                           \
            t = t + p;                                                         \
          }                                                                    \
          c = j > 0 ? a[i * n + j] - t : a[i * n + j];                         \
        } else {                                                               \
          c = a[i * n + j];                                                    \
          for (int k = 0; k < j; k++)                                          \
            c = FMA(-a[i * n + k], a[j * n + k], c);                           \
        }                                                                      \
        a[i * n + j] = c * r;                                                  \
      }                                                                        \
    }                                                                          \
    for (int i = 0; i < n; i++)                                                \
      for (int j = 0; j < n; j++)                                              \
        out[i * n + j] = j > i  ? 0.0                                          \
                         : info ? (double)NAN                                  \
                                : (double)a[i * n + j];                        \
    free(a);                                                                   \
    return info;                                                               \
  }
MT_DEFINE_CHOL_MODEL(mt_chol_model_f32, float, sqrtf, fmaf)
MT_DEFINE_CHOL_MODEL(mt_chol_model_f64, double, sqrt, fma)

#endif /* JR_MVN_TEST_H */
