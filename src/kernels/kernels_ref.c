/* The portable reference kernels: the definition of truth. Scalar loops over
 * the scalar transforms in src/math; every SIMD kernel must match them bit
 * for bit. */
#include <math.h>

#include "internal.h"
#include "linalg/chol.h"
#include "linalg/linalg_kernels.h"

static void ref_bits32(jr_key key, uint64_t start, size_t n, uint32_t *out) {
  for (size_t i = 0; i < n; i++) {
    uint64_t c = start + i;
    uint32_t y0, y1;
    jr_threefry_inline(key.k[0], key.k[1], (uint32_t)(c >> 32), (uint32_t)c,
                       &y0, &y1);
    out[i] = y0 ^ y1;
  }
}

static void ref_bits64(jr_key key, uint64_t start, size_t n, uint64_t *out) {
  for (size_t i = 0; i < n; i++) {
    uint64_t c = start + i;
    uint32_t y0, y1;
    jr_threefry_inline(key.k[0], key.k[1], (uint32_t)(c >> 32), (uint32_t)c,
                       &y0, &y1);
    out[i] = ((uint64_t)y0 << 32) | y1;
  }
}

static void ref_normal_f32_from_bits(const uint32_t *bits, size_t n,
                                     float *out) {
  for (size_t i = 0; i < n; i++)
    out[i] = jr_ref_normal_f32(bits[i]);
}

static void ref_normal_f64_from_bits(const uint64_t *bits, size_t n,
                                     double *out) {
  for (size_t i = 0; i < n; i++)
    out[i] = jr_ref_normal_f64(bits[i]);
}

static void ref_normal_f32(jr_key key, uint64_t start, size_t n, float *out) {
  uint32_t bits[256];
  for (size_t i = 0; i < n; i += 256) {
    size_t m = n - i < 256 ? n - i : 256;
    ref_bits32(key, start + i, m, bits);
    ref_normal_f32_from_bits(bits, m, out + i);
  }
}

static void ref_normal_f64(jr_key key, uint64_t start, size_t n, double *out) {
  uint64_t bits[256];
  for (size_t i = 0; i < n; i += 256) {
    size_t m = n - i < 256 ? n - i : 256;
    ref_bits64(key, start + i, m, bits);
    ref_normal_f64_from_bits(bits, m, out + i);
  }
}

static void ref_normal_f64_2608_from_bits(const uint64_t *bits, size_t n,
                                          double *out) {
  for (size_t i = 0; i < n; i++)
    out[i] = jr_ref_normal_f64_2608(bits[i]);
}

static void ref_normal_f64_2608(jr_key key, uint64_t start, size_t n,
                                double *out) {
  uint64_t bits[256];
  for (size_t i = 0; i < n; i += 256) {
    size_t m = n - i < 256 ? n - i : 256;
    ref_bits64(key, start + i, m, bits);
    ref_normal_f64_2608_from_bits(bits, m, out + i);
  }
}

static void ref_normal_f16_from_bits(const uint16_t *bits, size_t n,
                                     uint16_t *out) {
  for (size_t i = 0; i < n; i++)
    out[i] = jr_ref_normal_f16(bits[i]);
}

static void ref_normal_bf16_from_bits(const uint8_t *bits, size_t n,
                                      uint16_t *out) {
  for (size_t i = 0; i < n; i++)
    out[i] = jr_ref_normal_bf16(bits[i]);
}

/* 16-bit dtypes draw 16 / 8 bits per element: bits32 truncated (algorithm.md
 * 6). */
static void ref_normal_f16(jr_key key, uint64_t start, size_t n,
                           uint16_t *out) {
  uint32_t bits[256];
  for (size_t i = 0; i < n; i += 256) {
    size_t m = n - i < 256 ? n - i : 256;
    ref_bits32(key, start + i, m, bits);
    for (size_t j = 0; j < m; j++)
      out[i + j] = jr_ref_normal_f16((uint16_t)bits[j]);
  }
}

static void ref_normal_bf16(jr_key key, uint64_t start, size_t n,
                            uint16_t *out) {
  uint32_t bits[256];
  for (size_t i = 0; i < n; i += 256) {
    size_t m = n - i < 256 ? n - i : 256;
    ref_bits32(key, start + i, m, bits);
    for (size_t j = 0; j < m; j++)
      out[i + j] = jr_ref_normal_bf16((uint8_t)bits[j]);
  }
}

/* uniform (algorithm.md 6): XLA's max, which returns a NaN operand. */
static float ref_maxf(float a, float b) {
  if (a != a) return a;
  if (b != b) return b;
  return a > b ? a : b;
}
static double ref_maxd(double a, double b) {
  if (a != a) return a;
  if (b != b) return b;
  return a > b ? a : b;
}

static void ref_uniform_f32_from_bits(const uint32_t *bits, size_t n, float lo,
                                      float hi, float *out) {
  float d = hi - lo;
  for (size_t i = 0; i < n; i++) {
    float f = jr_bits_f32((bits[i] >> 9) | 0x3F800000u) - 1.0f;
    out[i] = ref_maxf(lo, fmaf(f, d, lo));
  }
}

static void ref_uniform_f64_from_bits(const uint64_t *bits, size_t n, double lo,
                                      double hi, double *out) {
  double d = hi - lo;
  for (size_t i = 0; i < n; i++) {
    double f = jr_bits_f64((bits[i] >> 12) | 0x3FF0000000000000ull) - 1.0;
    out[i] = ref_maxd(lo, fma(f, d, lo));
  }
}

static void ref_uniform_f32(jr_key key, uint64_t start, size_t n, float lo,
                            float hi, float *out) {
  uint32_t bits[256];
  for (size_t i = 0; i < n; i += 256) {
    size_t m = n - i < 256 ? n - i : 256;
    ref_bits32(key, start + i, m, bits);
    ref_uniform_f32_from_bits(bits, m, lo, hi, out + i);
  }
}

static void ref_uniform_f64(jr_key key, uint64_t start, size_t n, double lo,
                            double hi, double *out) {
  uint64_t bits[256];
  for (size_t i = 0; i < n; i += 256) {
    size_t m = n - i < 256 ? n - i : 256;
    ref_bits64(key, start + i, m, bits);
    ref_uniform_f64_from_bits(bits, m, lo, hi, out + i);
  }
}

static void ref_legacy_pairs(jr_key key, uint32_t a, uint32_t b, size_t n,
                             uint32_t *y0, uint32_t *y1) {
  for (size_t i = 0; i < n; i++) {
    uint32_t r0, r1;
    jr_threefry_inline(key.k[0], key.k[1], a + (uint32_t)i, b + (uint32_t)i,
                       &r0, &r1);
    if (y0) y0[i] = r0;
    if (y1) y1[i] = r1;
  }
}

/* float16 / bfloat16 uniform: float32 arithmetic rounded to the dtype after
 * each op; lo and hi arrive rounded (as the fill loop had them). */
static void ref_uniform_f16_from_bits(const uint16_t *bits, size_t n, float lo,
                                      float hi, uint16_t *out) {
  float d = jr_f16_to_f32(jr_f32_to_f16(hi - lo));
  for (size_t i = 0; i < n; i++) {
    float f = jr_f16_to_f32((uint16_t)((bits[i] >> 6) | 0x3C00u)) - 1.0f;
    float r = jr_f16_to_f32(jr_f32_to_f16(fmaf(f, d, lo)));
    out[i] = jr_f32_to_f16(ref_maxf(lo, r));
  }
}

static void ref_uniform_bf16_from_bits(const uint8_t *bits, size_t n, float lo,
                                       float hi, uint16_t *out) {
  float d = jr_bf16_to_f32(jr_f32_to_bf16(hi - lo));
  for (size_t i = 0; i < n; i++) {
    float f = jr_bf16_to_f32((uint16_t)((bits[i] >> 1) | 0x3F80u)) - 1.0f;
    float r = jr_bf16_to_f32(jr_f32_to_bf16(fmaf(f, d, lo)));
    out[i] = jr_f32_to_bf16(ref_maxf(lo, r));
  }
}

static void ref_uniform_f16(jr_key key, uint64_t start, size_t n, float lo,
                            float hi, uint16_t *out) {
  uint32_t bits[256];
  uint16_t b16[256];
  for (size_t i = 0; i < n; i += 256) {
    size_t m = n - i < 256 ? n - i : 256;
    ref_bits32(key, start + i, m, bits);
    for (size_t j = 0; j < m; j++)
      b16[j] = (uint16_t)bits[j];
    ref_uniform_f16_from_bits(b16, m, lo, hi, out + i);
  }
}

static void ref_uniform_bf16(jr_key key, uint64_t start, size_t n, float lo,
                             float hi, uint16_t *out) {
  uint32_t bits[256];
  uint8_t b8[256];
  for (size_t i = 0; i < n; i += 256) {
    size_t m = n - i < 256 ? n - i : 256;
    ref_bits32(key, start + i, m, bits);
    for (size_t j = 0; j < m; j++)
      b8[j] = (uint8_t)bits[j];
    ref_uniform_bf16_from_bits(b8, m, lo, hi, out + i);
  }
}

/* The linear algebra's entries: its scalar definitions (src/linalg). */
#define ref_chol_f32 jr_chol_ref_f32
#define ref_chol_f64 jr_chol_ref_f64
#define ref_chol_batch_f32 jr_chol_batch_ref_f32
#define ref_chol_batch_f64 jr_chol_batch_ref_f64
#define ref_product jr_product_ref
#define ref_solve jr_solve_ref
#define ref_product_small jr_transform_rows

#define JR_KERNEL_IMPL(name) ref_##name
const jr_kernels jr_kernels_ref = JR_KERNEL_TABLE(JR_ISA_REF);
