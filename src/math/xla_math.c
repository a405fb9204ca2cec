/* The elementary functions exactly as XLA:CPU evaluates them (algorithm.md section 7).
 *
 * Every Horner step is written as an explicit fma: XLA contracts them and the
 * build uses -ffp-contract=off so the compiler can neither add nor drop one.
 * Products that XLA rounds on their own (x * -x, Q1 * e, 0.5 * x2) are plain
 * multiplications. fma/fmaf from libm are exact on machines without FMA. */
#include <math.h>

#include "internal.h"
#include "math/xla_constants.h"

/* ---- float32 log: XLA's Cephes-style polynomial, not the C library's. */
float jr_log_f32(float in) {
  if (in == 0.0f) return -INFINITY;
  if (!(in >= 0.0f)) return NAN; /* negative or NaN */
  if (in == INFINITY) return INFINITY;
  const float P0 = 7.0376836292E-2f, P1 = -1.1514610310E-1f,
              P2 = 1.1676998740E-1f, P3 = -1.2420140846E-1f,
              P4 = 1.4249322787E-1f, P5 = -1.6668057665E-1f,
              P6 = 2.0000714765E-1f, P7 = -2.4999993993E-1f,
              P8 = 3.3333331174E-1f;
  const float Q1 = -2.12194440e-4f, Q2 = 0.693359375f;
  float x = in < 0x1p-126f ? 0x1p-126f : in; /* flush to smallest normal */
  uint32_t b = jr_f32_bits(x);
  float e = (float)((int)((b >> 23) & 0xFF) - 127) + 1.0f;
  x = jr_bits_f32((b & ~0x7F800000u) | jr_f32_bits(0.5f));
  if (x < 0.707106781186547524f) {
    e = e - 1.0f;
    x = (x - 1.0f) + x;
  } else {
    x = x - 1.0f;
  }
  float x2 = x * x;
  float x3 = x2 * x;
  float y = fmaf(x, P0, P1), y1 = fmaf(x, P3, P4), y2 = fmaf(x, P6, P7);
  y = fmaf(y, x, P2);
  y1 = fmaf(y1, x, P5);
  y2 = fmaf(y2, x, P8);
  y = fmaf(y, x3, y1);
  y = fmaf(y, x3, y2);
  y = fmaf(y, x3, Q1 * e);
  x = x - 0.5f * x2;
  x = x + y;
  x = x + Q2 * e;
  return x;
}

/* ---- log1p (algorithm.md 7b): a rational approximation near 0, log(1 + x) else. */
#define JR_LOG1P_N0 4.5270000862445199635215E-5
#define JR_LOG1P_N1 4.9854102823193375972212E-1
#define JR_LOG1P_N2 6.5787325942061044846969E0
#define JR_LOG1P_N3 2.9911919328553073277375E1
#define JR_LOG1P_N4 6.0949667980987787057556E1
#define JR_LOG1P_N5 5.7112963590585538103336E1
#define JR_LOG1P_N6 2.0039553499201281259648E1
#define JR_LOG1P_D0 1.0
#define JR_LOG1P_D1 1.5062909083469192043167E1
#define JR_LOG1P_D2 8.3047565967967209469434E1
#define JR_LOG1P_D3 2.2176239823732856465394E2
#define JR_LOG1P_D4 3.0909872225312059774938E2
#define JR_LOG1P_D5 2.1642788614495947685003E2
#define JR_LOG1P_D6 6.0118660497603843919306E1

float jr_log1p_f32(float x) {
  static const float N[7] = {(float)JR_LOG1P_N0, (float)JR_LOG1P_N1,
                             (float)JR_LOG1P_N2, (float)JR_LOG1P_N3,
                             (float)JR_LOG1P_N4, (float)JR_LOG1P_N5,
                             (float)JR_LOG1P_N6};
  static const float D[7] = {(float)JR_LOG1P_D0, (float)JR_LOG1P_D1,
                             (float)JR_LOG1P_D2, (float)JR_LOG1P_D3,
                             (float)JR_LOG1P_D4, (float)JR_LOG1P_D5,
                             (float)JR_LOG1P_D6};
  if (fabsf(x) < (float)0.41421356237309504880) {
    float x2 = x * x, num = 0.0f, den = 0.0f;
    for (int i = 0; i < 7; i++) {
      num = fmaf(num, x, N[i]);
      den = fmaf(den, x, D[i]);
    }
    return x + fmaf(x * x2, num / den, -0.5f * x2);
  }
  return jr_log_f32(x + 1.0f);
}

/* The rational branch in float64 (XLA's EvaluatePolynomial: FMul + FAdd,
 * contracted to an fma, from 0). */
static double jr_log1p_f64_rational(double x) {
  static const double N[7] = {JR_LOG1P_N0, JR_LOG1P_N1, JR_LOG1P_N2,
                              JR_LOG1P_N3, JR_LOG1P_N4, JR_LOG1P_N5,
                              JR_LOG1P_N6};
  static const double D[7] = {JR_LOG1P_D0, JR_LOG1P_D1, JR_LOG1P_D2,
                              JR_LOG1P_D3, JR_LOG1P_D4, JR_LOG1P_D5,
                              JR_LOG1P_D6};
  double x2 = x * x, num = 0.0, den = 0.0;
  for (int i = 0; i < 7; i++) {
    num = fma(num, x, N[i]);
    den = fma(den, x, D[i]);
  }
  return x + fma(x * x2, num / den, -0.5 * x2);
}

double jr_log1p_f64(double x) {
  if (fabs(x) < 0.41421356237309504880) return jr_log1p_f64_rational(x);
  return log(x + 1.0); /* XLA:CPU calls the C library's log for float64 */
}

/* XLA from openxla/xla 7853755041 (2026-08-13, PR #46765): the rational
 * branch only where 1/sqrt(2) <= 1 + x <= sqrt(2) (Cephes's range, both ends
 * included), as x >= 1/sqrt(2) - 1 and x <= sqrt(2) - 1; NaN and the rest
 * take log(x + 1), the C library's log of the rounded sum. */
double jr_log1p_f64_2608(double x) {
  if (x >= JR_LOG1P_2608_LO && x <= 0.41421356237309504880)
    return jr_log1p_f64_rational(x);
  return log(x + 1.0);
}

/* ---- erf_inv (algorithm.md 7a) */
float jr_erf_inv_f32(float x) {
  float w = -jr_log1p_f32(x * -x);
  const float *c;
  float t;
  if (w < 5.0f) {
    t = w - 2.5f;
    c = jr_erfinv32_lt5;
  } else { /* also NaN */
    t = sqrtf(w) - 3.0f;
    c = jr_erfinv32_ge5;
  }
  float p = c[0];
  for (int i = 1; i < 9; i++)
    p = fmaf(p, t, c[i]);
  if (fabsf(x) == 1.0f) return x * INFINITY;
  return p * x;
}

/* erf_inv given its w = -log1p(x * -x) */
static double jr_erf_inv_f64_w(double x, double w) {
  const double *c;
  int n;
  double t;
  if (w < 6.25) {
    t = w - 3.125;
    c = jr_erfinv64_lt625;
    n = 23;
  } else if (w < 16.0) {
    t = sqrt(w) - 3.25;
    c = jr_erfinv64_lt16;
    n = 19;
  } else { /* also NaN */
    t = sqrt(w) - 5.0;
    c = jr_erfinv64_ge16;
    n = 17;
  }
  double p = c[0];
  for (int i = 1; i < n; i++)
    p = fma(p, t, c[i]);
  if (fabs(x) == 1.0) return x * INFINITY;
  return p * x;
}

double jr_erf_inv_f64(double x) {
  return jr_erf_inv_f64_w(x, -jr_log1p_f64(x * -x));
}

double jr_erf_inv_f64_2608(double x) {
  return jr_erf_inv_f64_w(x, -jr_log1p_f64_2608(x * -x));
}

/* ---- float16 / bfloat16 conversions, round to nearest even */
uint16_t jr_f32_to_f16(float f) {
  uint32_t x = jr_f32_bits(f);
  uint16_t sign = (uint16_t)((x >> 16) & 0x8000u);
  uint32_t ax = x & 0x7FFFFFFFu;
  if (ax > 0x7F800000u) /* NaN: keep it quiet, keep the top payload bits */
    return (uint16_t)(sign | 0x7E00u | ((ax >> 13) & 0x3FFu));
  if (ax >= 0x477FF000u) return (uint16_t)(sign | 0x7C00u); /* >= 65520 */
  if (ax < 0x38800000u) { /* below 2^-14: subnormal or zero */
    /* Adding 0.5 puts the ulp at 2^-24, the half subnormal step; the FPU's
     * round-to-nearest-even does the rounding. */
    float a = jr_bits_f32(ax) + 0.5f;
    return (uint16_t)(sign | (jr_f32_bits(a) - jr_f32_bits(0.5f)));
  }
  uint32_t odd = (ax >> 13) & 1u;
  ax += ((uint32_t)(15 - 127) << 23) + 0xFFFu + odd;
  return (uint16_t)(sign | (ax >> 13));
}

float jr_f16_to_f32(uint16_t h) {
  uint32_t sign = (uint32_t)(h & 0x8000u) << 16;
  uint32_t e = (h >> 10) & 0x1Fu, m = h & 0x3FFu;
  if (e == 0x1F) return jr_bits_f32(sign | 0x7F800000u | (m << 13));
  if (e == 0) { /* zero or subnormal: m * 2^-24, exact in float32 */
    float v = (float)m * 0x1p-24f;
    return sign ? -v : v;
  }
  return jr_bits_f32(sign | ((e + 112u) << 23) | (m << 13));
}

uint16_t jr_f32_to_bf16(float f) {
  uint32_t x = jr_f32_bits(f);
  if ((x & 0x7FFFFFFFu) > 0x7F800000u) return (uint16_t)((x >> 16) | 0x40u);
  x += 0x7FFFu + ((x >> 16) & 1u);
  return (uint16_t)(x >> 16);
}

float jr_bf16_to_f32(uint16_t h) {
  return jr_bits_f32((uint32_t)h << 16);
}

/* ---- the scalar reference transforms: random bits -> normal (algorithm.md 6, 7).
 * u = fma(f, 1 - lo, lo) with 1 - lo == 2 exactly, so u = 2f + lo. */
float jr_ref_normal_f32(uint32_t bits) {
  const float lo = jr_bits_f32(0xBF7FFFFFu); /* -(1 - 2^-24) */
  float f = jr_bits_f32((bits >> 9) | 0x3F800000u) - 1.0f;
  float u = fmaf(f, 1.0f - lo, lo);
  u = u < lo ? lo : u;
  return jr_bits_f32(JR_SQRT2_F32_BITS) * jr_erf_inv_f32(u);
}

/* u from bits; the clamp at lo never fires from bits but is kept as the
 * reference. */
static double jr_ref_u_f64(uint64_t bits) {
  const double lo = jr_bits_f64(0xBFEFFFFFFFFFFFFFull); /* -(1 - 2^-53) */
  double f = jr_bits_f64((bits >> 12) | 0x3FF0000000000000ull) - 1.0;
  double u = fma(f, 1.0 - lo, lo);
  return u < lo ? lo : u;
}

double jr_ref_normal_f64(uint64_t bits) {
  return jr_bits_f64(JR_SQRT2_F64_BITS) * jr_erf_inv_f64(jr_ref_u_f64(bits));
}

double jr_ref_normal_f64_2608(uint64_t bits) {
  return jr_bits_f64(JR_SQRT2_F64_BITS) *
         jr_erf_inv_f64_2608(jr_ref_u_f64(bits));
}

/* 16-bit dtypes: arithmetic in float32, rounded to the dtype after each op
 * (algorithm.md 6 and 7). */
uint16_t jr_ref_normal_f16(uint16_t bits) {
  const float lo = jr_f16_to_f32(0xBBFFu); /* -(1 - 2^-11) */
  float f = jr_f16_to_f32((uint16_t)((bits >> 6) | 0x3C00u)) - 1.0f;
  float span = jr_f16_to_f32(jr_f32_to_f16(1.0f - lo));
  float u = jr_f16_to_f32(jr_f32_to_f16(fmaf(f, span, lo)));
  u = u < lo ? lo : u;
  float e = jr_f16_to_f32(jr_f32_to_f16(jr_erf_inv_f32(u)));
  return jr_f32_to_f16(jr_f16_to_f32(JR_SQRT2_F16_BITS) * e);
}

uint16_t jr_ref_normal_bf16(uint8_t bits) {
  const float lo = jr_bf16_to_f32(0xBF7Fu); /* -(1 - 2^-8) */
  float f = jr_bf16_to_f32((uint16_t)((bits >> 1) | 0x3F80u)) - 1.0f;
  float span = jr_bf16_to_f32(jr_f32_to_bf16(1.0f - lo));
  float u = jr_bf16_to_f32(jr_f32_to_bf16(fmaf(f, span, lo)));
  u = u < lo ? lo : u;
  float e = jr_bf16_to_f32(jr_f32_to_bf16(jr_erf_inv_f32(u)));
  return jr_f32_to_bf16(jr_bf16_to_f32(JR_SQRT2_BF16_BITS) * e);
}
