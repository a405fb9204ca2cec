/* uniform for bounds near zero, in XLA:CPU's FTZ/DAZ arithmetic
 * (docs/algorithm.md 6, "Bounds near zero"; docs/linalg.md, "Arithmetic").
 *
 * Which bounds need it. JAX computes r = fma(f, d, lo), d = hi - lo, then
 * max(lo, r). f is 0 or a multiple of 2^-m in [2^-m, 1) (m = 23, 52, 7 for
 * float32, float64, bfloat16). Suppose lo is 0 or normal with |lo| >= 2^(E+m)
 * (E: the exponent of MIN), hi is 0 or normal, and the IEEE d is 0 or has
 * |d| >= 2^(E+2m). Then no operand is subnormal, d is not tiny, and the
 * exact value f d + lo is an integer multiple of q = min(ulp(lo),
 * 2^-m ulp(d)) >= MIN (a normal x is a multiple of ulp(x) = 2^(e(x)-m)), so
 * a nonzero one is >= MIN in magnitude and its rounding is not tiny: FTZ and
 * DAZ never act and the IEEE kernels are exact. Every other bound pair
 * (some |lo| < 2^(E+m), a subnormal hi, a nonzero |d| < 2^(E+2m)) takes the
 * scalar path below. The same test and path for every kernel set.
 *
 * The path runs inside MXCSR FTZ|DAZ (os/fpenv.h) where the hardware
 * has it: math/ftz.h gives the same values with the mode set or clear, and
 * the mode keeps its IEEE steps on subnormals off the microcode-assist
 * path (2.7x faster; docs/performance.md). */
#include "random/uniform_ftz.h"

#include <float.h>
#include <math.h>

#include "internal.h"
#include "os/fpenv.h"
#include "math/ftz.h"

int jr_uniform_ftz_needed_f32(float lo, float hi) {
  const float d = hi - lo;
  return (lo != 0 && fabsf(lo) < 0x1p-103f) ||
         (hi != 0 && fabsf(hi) < FLT_MIN) || (d != 0 && fabsf(d) < 0x1p-80f);
}

int jr_uniform_ftz_needed_f64(double lo, double hi) {
  const double d = hi - lo;
  return (lo != 0 && fabs(lo) < 0x1p-970) || (hi != 0 && fabs(hi) < DBL_MIN) ||
         (d != 0 && fabs(d) < 0x1p-918);
}

/* bfloat16: float32 arithmetic (MIN = 2^-126) on bfloat16 values, m = 7;
 * d is the bfloat16-rounded difference the kernels use. */
int jr_uniform_ftz_needed_bf16(float lo, float hi) {
  const float d = jr_bf16_to_f32(jr_f32_to_bf16(hi - lo));
  return (lo != 0 && fabsf(lo) < 0x1p-119f) ||
         (hi != 0 && fabsf(hi) < FLT_MIN) || (d != 0 && fabsf(d) < 0x1p-112f);
}

/* XLA's maximum (llvm.maximum; on x86 MAXSS(lo, r), its sign cleared when
 * lo's is clear, lo if NaN) under DAZ: a NaN operand is returned (lo first,
 * as the kernels), a subnormal reads as a zero of its sign and is returned
 * as that zero (MAXSS with DAZ returns the flushed operand), +0 > -0. */
#define JR_DEFINE_MAX_DAZ(X, T)                                                \
  static T jr_max_daz_##X(T lo, T r) {                                         \
    if (lo != lo) return lo;                                                   \
    if (r != r) return r;                                                      \
    const T a = jr_daz_##X(lo);                                                \
    if (a == r) return signbit(a) ? r : a; /* equal zeros: +0 wins */          \
    return a > r ? a : r;                                                      \
  }
JR_DEFINE_MAX_DAZ(f32, float)
JR_DEFINE_MAX_DAZ(f64, double)
#undef JR_DEFINE_MAX_DAZ

void jr_uniform_ftz_f32(const uint32_t *bits, size_t n, float lo, float hi,
                        float *out) {
  const unsigned mxcsr = jr_fpenv_flush_begin();
  const float d = jr_sub_f32(hi, lo);
  for (size_t i = 0; i < n; i++) {
    const float f = jr_bits_f32((bits[i] >> 9) | 0x3F800000u) - 1.0f;
    out[i] = jr_max_daz_f32(lo, jr_fma_f32(f, d, lo));
  }
  jr_fpenv_flush_end(mxcsr);
}

void jr_uniform_ftz_f64(const uint64_t *bits, size_t n, double lo, double hi,
                        double *out) {
  const unsigned mxcsr = jr_fpenv_flush_begin();
  const double d = jr_sub_f64(hi, lo);
  for (size_t i = 0; i < n; i++) {
    const double f = jr_bits_f64((bits[i] >> 12) | 0x3FF0000000000000ull) - 1.0;
    out[i] = jr_max_daz_f64(lo, jr_fma_f64(f, d, lo));
  }
  jr_fpenv_flush_end(mxcsr);
}

/* bfloat16 widens to float32 by a shift and narrows by XLA's integer
 * rounding (neither flushes); the float32 operations flush. */
void jr_uniform_ftz_bf16(const uint8_t *bits, size_t n, float lo, float hi,
                         uint16_t *out) {
  const unsigned mxcsr = jr_fpenv_flush_begin();
  const float d = jr_bf16_to_f32(jr_f32_to_bf16(jr_sub_f32(hi, lo)));
  for (size_t i = 0; i < n; i++) {
    const float f = jr_bf16_to_f32((uint16_t)((bits[i] >> 1) | 0x3F80u)) - 1.0f;
    const float r = jr_bf16_to_f32(jr_f32_to_bf16(jr_fma_f32(f, d, lo)));
    out[i] = jr_f32_to_bf16(jr_max_daz_f32(lo, r));
  }
  jr_fpenv_flush_end(mxcsr);
}
