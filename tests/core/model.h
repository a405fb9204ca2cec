/* Slow, independent models of jax.random written for the tests straight from
 * docs/algorithm.md, deliberately not sharing code or
 * tricks with the library: a scalar threefry, JAX's legacy hash helper over a
 * whole count list, XLA:CPU's log / log1p / erf_inv with explicit fma, and
 * float16/bfloat16 rounding by exact arithmetic on doubles (frexp/ldexp/rint)
 * instead of bit manipulation. */
#ifndef JR_TEST_MODEL_H
#define JR_TEST_MODEL_H

#include <math.h>
#include <stdint.h>
#include <string.h>

static inline uint32_t m_f2u(float f) {
  uint32_t u;
  memcpy(&u, &f, 4);
  return u;
}
static inline float m_u2f(uint32_t u) {
  float f;
  memcpy(&f, &u, 4);
  return f;
}
static inline uint64_t m_d2u(double f) {
  uint64_t u;
  memcpy(&u, &f, 8);
  return u;
}
static inline double m_u2d(uint64_t u) {
  double f;
  memcpy(&f, &u, 8);
  return f;
}

/* ---- algorithm.md 2: threefry2x32, 20 rounds, written out round by round. */
static inline void m_threefry(uint32_t k0, uint32_t k1, uint32_t x0,
                              uint32_t x1, uint32_t *y0, uint32_t *y1) {
  static const unsigned R[8] = {13, 15, 26, 6, 17, 29, 16, 24};
  uint32_t ks[3] = {k0, k1, k0 ^ k1 ^ 0x1BD11BDAu};
  x0 += ks[0];
  x1 += ks[1];
  for (unsigned round = 0; round < 20; round++) {
    unsigned r = R[round % 8];
    x0 += x1;
    x1 = (x1 << r) | (x1 >> (32u - r));
    x1 ^= x0;
    if (round % 4 == 3) { /* key injection after every fourth round */
      unsigned s = round / 4 + 1;
      x0 += ks[s % 3];
      x1 += ks[(s + 1) % 3] + s;
    }
  }
  *y0 = x0;
  *y1 = x1;
}

/* ---- algorithm.md 5: the legacy helper threefry_2x32(key, counts[n]) -> out[n]:
 * pad to even, halves X0 | X1, all y0 then all y1, padding dropped. `tmp`
 * holds n + 1 words. */
static inline void m_legacy_hash(uint32_t k0, uint32_t k1,
                                 const uint32_t *counts, size_t n,
                                 uint32_t *out, uint32_t *tmp) {
  size_t m = n + (n & 1);
  memcpy(tmp, counts, n * sizeof *tmp);
  if (m != n) tmp[n] = 0;
  size_t h = m / 2;
  for (size_t j = 0; j < h; j++) {
    uint32_t y0, y1;
    m_threefry(k0, k1, tmp[j], tmp[h + j], &y0, &y1);
    tmp[j] = y0; /* safe: slot j and h + j are read before written */
    tmp[h + j] = y1;
  }
  memcpy(out, tmp, n * sizeof *out);
}

/* ---- float16 / bfloat16 by exact arithmetic. A float32 is exact in a
 * double; the result is rounded with rint (round half to even) at the
 * target's quantum 2^(e - mant_bits), e clamped to the minimum normal
 * exponent so subnormals come out right. */
static inline double m_round_to(double v, int mant_bits, int emin,
                                double overflow) {
  if (v != v || v == 0 || isinf(v)) return v;
  int e;
  frexp(fabs(v), &e); /* |v| = f * 2^e, f in [0.5, 1): exponent e - 1 */
  e -= 1;
  if (e < emin) e = emin;
  double q = ldexp(1.0, e - mant_bits);
  double r = rint(fabs(v) / q) * q; /* the division by a power of 2 is exact */
  if (r >= overflow) r = INFINITY;
  return v < 0 ? -r : r;
}

/* float16: 10 mantissa bits, exponent >= -14, max 65504 (overflow at 2^16). */
static inline uint16_t m_to_f16(float x) {
  uint16_t sign = (m_f2u(x) >> 31) ? 0x8000u : 0u;
  if (x != x) return (uint16_t)(sign | 0x7E00u); /* any quiet NaN */
  double r = fabs(m_round_to(x, 10, -14, 65536.0));
  if (isinf(r)) return (uint16_t)(sign | 0x7C00u);
  if (r < ldexp(1.0, -14))
    return (uint16_t)(sign | (uint16_t)(r / ldexp(1.0, -24)));
  int e;
  double f = frexp(r, &e); /* r = f * 2^e */
  uint16_t mant = (uint16_t)((f * 2.0 - 1.0) * 1024.0);
  return (uint16_t)(sign | (uint16_t)((e - 1 + 15) << 10) | mant);
}

static inline float m_from_f16(uint16_t h) {
  int e = (h >> 10) & 0x1F, m = h & 0x3FF;
  double v;
  if (e == 0x1F)
    v = m ? NAN : INFINITY;
  else if (e == 0)
    v = ldexp((double)m, -24);
  else
    v = ldexp(1024.0 + m, e - 25);
  return (float)((h & 0x8000u) ? -v : v);
}

/* bfloat16: 7 mantissa bits, float32's exponent range (overflow at 2^128). */
static inline uint16_t m_to_bf16(float x) {
  if (x != x) return (uint16_t)((m_f2u(x) >> 16) | 0x0040u);
  double r = m_round_to(x, 7, -126, ldexp(1.0, 128));
  return (uint16_t)(m_f2u((float)r) >> 16); /* r is exact in float32 */
}
static inline float m_from_bf16(uint16_t h) {
  return m_u2f((uint32_t)h << 16);
}

/* ---- algorithm.md 7c: XLA's float32 log. */
static inline float m_log_f32(float in) {
  if (in != in || in < 0) return NAN;
  if (in == 0) return -INFINITY;
  if (isinf(in)) return INFINITY;
  float x = in < 1.17549435e-38f ? 1.17549435e-38f : in;
  uint32_t bx = m_f2u(x);
  float e = (float)((int)(bx >> 23) - 127) + 1.0f; /* x > 0: no sign bit */
  x = m_u2f((bx & 0x807FFFFFu) | 0x3F000000u);
  if (x < 0.707106781186547524f) {
    e = e - 1.0f;
    x = (x - 1.0f) + x;
  } else {
    x = x - 1.0f;
  }
  float x2 = x * x, x3 = x2 * x;
  float y = fmaf(x, 7.0376836292E-2f, -1.1514610310E-1f);
  float y1 = fmaf(x, -1.2420140846E-1f, 1.4249322787E-1f);
  float y2 = fmaf(x, 2.0000714765E-1f, -2.4999993993E-1f);
  y = fmaf(y, x, 1.1676998740E-1f);
  y1 = fmaf(y1, x, -1.6668057665E-1f);
  y2 = fmaf(y2, x, 3.3333331174E-1f);
  y = fmaf(y, x3, y1);
  y = fmaf(y, x3, y2);
  float q1e = -2.12194440e-4f * e;
  y = fmaf(y, x3, q1e);
  x = x - 0.5f * x2;
  x = x + y;
  x = x + 0.693359375f * e;
  return x;
}

/* ---- algorithm.md 7b: log1p, constants rounded to the type. */
static const double m_l1p_n[7] = {
    4.5270000862445199635215E-5, 4.9854102823193375972212E-1,
    6.5787325942061044846969E0,  2.9911919328553073277375E1,
    6.0949667980987787057556E1,  5.7112963590585538103336E1,
    2.0039553499201281259648E1};
static const double m_l1p_d[7] = {1.0,
                                  1.5062909083469192043167E1,
                                  8.3047565967967209469434E1,
                                  2.2176239823732856465394E2,
                                  3.0909872225312059774938E2,
                                  2.1642788614495947685003E2,
                                  6.0118660497603843919306E1};

static inline float m_log1p_f32(float x) {
  if (!(fabsf(x) < (float)0.41421356237309504880)) return m_log_f32(x + 1.0f);
  float x2 = x * x, num = 0, den = 0;
  for (int i = 0; i < 7; i++) {
    num = fmaf(num, x, (float)m_l1p_n[i]);
    den = fmaf(den, x, (float)m_l1p_d[i]);
  }
  float ratio = num / den;
  return x + fmaf(x * x2, ratio, -0.5f * x2);
}

static inline double m_log1p_f64(double x) {
  if (!(fabs(x) < 0.41421356237309504880)) return log(x + 1.0);
  double x2 = x * x, num = 0, den = 0;
  for (int i = 0; i < 7; i++) {
    num = fma(num, x, m_l1p_n[i]);
    den = fma(den, x, m_l1p_d[i]);
  }
  double ratio = num / den;
  return x + fma(x * x2, ratio, -0.5 * x2);
}

/* ---- algorithm.md 7a: erf_inv. */
static inline float m_erf_inv_f32(float x) {
  static const float A[9] = {2.81022636e-08f,  3.43273939e-07f, -3.5233877e-06f,
                             -4.39150654e-06f, 0.00021858087f,  -0.00125372503f,
                             -0.00417768164f,  0.246640727f,    1.50140941f};
  static const float B[9] = {-0.000200214257f, 0.000100950558f, 0.00134934322f,
                             -0.00367342844f,  0.00573950773f,  -0.0076224613f,
                             0.00943887047f,   1.00167406f,     2.83297682f};
  float negx = -x;
  float w = -m_log1p_f32(x * negx);
  int small = w < 5.0f;
  float t = small ? w - 2.5f : sqrtf(w) - 3.0f;
  const float *c = small ? A : B;
  float p = c[0];
  for (int i = 1; i < 9; i++)
    p = fmaf(p, t, c[i]);
  return fabsf(x) == 1.0f ? x * INFINITY : p * x;
}

static inline double m_erf_inv_f64(double x) {
  static const double C1[23] = {
      -3.6444120640178196996e-21, -1.685059138182016589e-19,
      1.2858480715256400167e-18,  1.115787767802518096e-17,
      -1.333171662854620906e-16,  2.0972767875968561637e-17,
      6.6376381343583238325e-15,  -4.0545662729752068639e-14,
      -8.1519341976054721522e-14, 2.6335093153082322977e-12,
      -1.2975133253453532498e-11, -5.4154120542946279317e-11,
      1.051212273321532285e-09,   -4.1126339803469836976e-09,
      -2.9070369957882005086e-08, 4.2347877827932403518e-07,
      -1.3654692000834678645e-06, -1.3882523362786468719e-05,
      0.0001867342080340571352,   -0.00074070253416626697512,
      -0.0060336708714301490533,  0.24015818242558961693,
      1.6536545626831027356};
  static const double C2[19] = {
      2.2137376921775787049e-09,  9.0756561938885390979e-08,
      -2.7517406297064545428e-07, 1.8239629214389227755e-08,
      1.5027403968909827627e-06,  -4.013867526981545969e-06,
      2.9234449089955446044e-06,  1.2475304481671778723e-05,
      -4.7318229009055733981e-05, 6.8284851459573175448e-05,
      2.4031110387097893999e-05,  -0.0003550375203628474796,
      0.00095328937973738049703,  -0.0016882755560235047313,
      0.0024914420961078508066,   -0.0037512085075692412107,
      0.005370914553590063617,    1.0052589676941592334,
      3.0838856104922207635};
  static const double C3[17] = {
      -2.7109920616438573243e-11, -2.5556418169965252055e-10,
      1.5076572693500548083e-09,  -3.7894654401267369937e-09,
      7.6157012080783393804e-09,  -1.4960026627149240478e-08,
      2.9147953450901080826e-08,  -6.7711997758452339498e-08,
      2.2900482228026654717e-07,  -9.9298272942317002539e-07,
      4.5260625972231537039e-06,  -1.9681778105531670567e-05,
      7.5995277030017761139e-05,  -0.00021503011930044477347,
      -0.00013871931833623122026, 1.0103004648645343977,
      4.8499064014085844221};
  double negx = -x;
  double w = -m_log1p_f64(x * negx);
  const double *c;
  int n;
  double t;
  if (w < 6.25) {
    c = C1, n = 23, t = w - 3.125;
  } else if (w < 16.0) {
    c = C2, n = 19, t = sqrt(w) - 3.25;
  } else {
    c = C3, n = 17, t = sqrt(w) - 5.0;
  }
  double p = c[0];
  for (int i = 1; i < n; i++)
    p = fma(p, t, c[i]);
  return fabs(x) == 1.0 ? x * INFINITY : p * x;
}

/* ---- algorithm.md 6 + 7: bits -> normal, with the closed form of u checked by the
 * callers separately. */
static inline float m_normal_f32(uint32_t bits) {
  float lo = -(1.0f - 0x1p-24f);
  float f = m_u2f((bits >> 9) | 0x3F800000u) - 1.0f;
  float u = fmaf(f, 1.0f - lo, lo);
  if (u < lo) u = lo;
  return m_u2f(0x3FB504F3u) * m_erf_inv_f32(u);
}

static inline double m_normal_f64(uint64_t bits) {
  double lo = -(1.0 - 0x1p-53);
  double f = m_u2d((bits >> 12) | 0x3FF0000000000000ull) - 1.0;
  double u = fma(f, 1.0 - lo, lo);
  if (u < lo) u = lo;
  return m_u2d(0x3FF6A09E667F3BCDull) * m_erf_inv_f64(u);
}

/* 16-bit: bits -> u (exact in float32), erf_inv in float32, rounded to the
 * type, times the type's SQRT2 in float32, rounded again. */
static inline uint16_t m_normal_f16(uint16_t bits) {
  float lo = m_from_f16(0xBBFFu);
  float f = m_from_f16((uint16_t)((bits >> 6) | 0x3C00u)) - 1.0f;
  float span = m_from_f16(m_to_f16(1.0f - lo));
  float u = m_from_f16(m_to_f16(fmaf(f, span, lo)));
  if (u < lo) u = lo;
  float e = m_from_f16(m_to_f16(m_erf_inv_f32(u)));
  return m_to_f16(m_from_f16(0x3DA8u) * e);
}

static inline uint16_t m_normal_bf16(uint8_t bits) {
  float lo = m_from_bf16(0xBF7Fu);
  float f = m_from_bf16((uint16_t)((bits >> 1) | 0x3F80u)) - 1.0f;
  float span = m_from_bf16(m_to_bf16(1.0f - lo));
  float u = m_from_bf16(m_to_bf16(fmaf(f, span, lo)));
  if (u < lo) u = lo;
  float e = m_from_bf16(m_to_bf16(m_erf_inv_f32(u)));
  return m_to_bf16(m_from_bf16(0x3FB5u) * e);
}

#endif /* JR_TEST_MODEL_H */
