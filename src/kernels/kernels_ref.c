/* The portable reference kernels: the definition of truth. Scalar loops over
 * the scalar transforms in src/math; every SIMD kernel must match them bit
 * for bit. */
#include "internal.h"

static void ref_bits32(jr_key key, uint64_t start, size_t n, uint32_t *out) {
  for (size_t i = 0; i < n; i++) {
    uint64_t c = start + i;
    uint32_t y0, y1;
    jr_threefry_inline(key.k[0], key.k[1], (uint32_t)(c >> 32), (uint32_t)c, &y0, &y1);
    out[i] = y0 ^ y1;
  }
}

static void ref_bits64(jr_key key, uint64_t start, size_t n, uint64_t *out) {
  for (size_t i = 0; i < n; i++) {
    uint64_t c = start + i;
    uint32_t y0, y1;
    jr_threefry_inline(key.k[0], key.k[1], (uint32_t)(c >> 32), (uint32_t)c, &y0, &y1);
    out[i] = ((uint64_t)y0 << 32) | y1;
  }
}

static void ref_normal_f32_from_bits(const uint32_t *bits, size_t n, float *out) {
  for (size_t i = 0; i < n; i++) out[i] = jr_ref_normal_f32(bits[i]);
}

static void ref_normal_f64_from_bits(const uint64_t *bits, size_t n, double *out) {
  for (size_t i = 0; i < n; i++) out[i] = jr_ref_normal_f64(bits[i]);
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

const jr_kernels jr_kernels_ref = {
    JR_ISA_REF,     ref_bits32,
    ref_bits64,     ref_normal_f32,
    ref_normal_f64, ref_normal_f32_from_bits,
    ref_normal_f64_from_bits,
};
