/* float16 / bfloat16: conversions against an independent exact-arithmetic
 * rounding model (model.h), uniform (clamp at minval, minval/maxval rounded
 * through float32) and normal values against the slow model, and erf_inv's
 * special values and branch boundaries. */
#include <math.h>

#include "internal.h"
#include "model.h"
#include "test_util.h"

static int f16_is_nan(uint16_t h) {
  return (h & 0x7FFF) > 0x7C00;
}
static int bf16_is_nan(uint16_t h) {
  return (h & 0x7FFF) > 0x7F80;
}

/* Library and model must agree on f32 -> 16 bit; NaN: NaN of the same sign. */
static long conv_bad;
static void check_to16(float x) {
  uint16_t a = jr_f32_to_f16(x), b = m_to_f16(x);
  uint16_t c = jr_f32_to_bf16(x), d = m_to_bf16(x);
  int ok16 = x != x ? f16_is_nan(a) && (a & 0x8000) == (b & 0x8000) : a == b;
  int okbf = x != x ? bf16_is_nan(c) && (c & 0x8000) == (d & 0x8000) : c == d;
  if (!ok16 || !okbf) {
    if (conv_bad++ < 5)
      CHECK(0, "f32 %08x (%.9g): f16 %04x model %04x, bf16 %04x model %04x",
            m_f2u(x), x, a, b, c, d);
  }
}

static void check_conversions(void) {
  /* All 2^16 patterns: widening is exact, and rounds back to itself. */
  long bad = 0;
  for (uint32_t h = 0; h < 65536; h++) {
    float f = jr_f16_to_f32((uint16_t)h), m = m_from_f16((uint16_t)h);
    if (f16_is_nan((uint16_t)h)) {
      uint16_t back = jr_f32_to_f16(f);
      if (f == f || !f16_is_nan(back) || (back & 0x8000) != (h & 0x8000)) bad++;
    } else if (m_f2u(f) != m_f2u(m) || jr_f32_to_f16(f) != h) {
      bad++;
    }
    float g = jr_bf16_to_f32((uint16_t)h);
    if (bf16_is_nan((uint16_t)h)) {
      if (g == g || !bf16_is_nan(jr_f32_to_bf16(g))) bad++;
    } else if (m_f2u(g) != m_f2u(m_from_bf16((uint16_t)h)) ||
               jr_f32_to_bf16(g) != h) {
      bad++;
    }
  }
  CHECK(bad == 0, "%ld of 2^16 float16/bfloat16 round trips failed", bad);

  /* Every tie and near-tie: the midpoint of each pair of neighbours (exact in
   * float32) and the floats either side of it, both signs. */
  for (uint32_t h = 0; h < 0x7C00; h++) {
    float a = m_from_f16((uint16_t)h), b = m_from_f16((uint16_t)(h + 1));
    if (h == 0x7BFF) b = 65536.0f; /* the overflow threshold's midpoint */
    float mid = a + (b - a) * 0.5f;
    for (int s = 0; s < 2; s++) {
      float v = s ? -mid : mid;
      check_to16(v);
      check_to16(nextafterf(v, INFINITY));
      check_to16(nextafterf(v, -INFINITY));
    }
  }
  for (uint32_t h = 0; h < 0x7F80; h++) {
    float a = m_from_bf16((uint16_t)h);
    float mid = m_u2f(m_f2u(a) + 0x8000u); /* halfway to the next bfloat16 */
    for (int s = 0; s < 2; s++) {
      float v = s ? -mid : mid;
      check_to16(v);
      check_to16(nextafterf(v, INFINITY));
      check_to16(nextafterf(v, -INFINITY));
    }
  }
  CHECK(jr_f32_to_f16(65519.996f) == 0x7BFF &&
            jr_f32_to_f16(65520.0f) == 0x7C00,
        "float16 overflow threshold");
  CHECK(jr_f32_to_f16(0x1p-25f) == 0 &&
            jr_f32_to_f16(nextafterf(0x1p-25f, 1)) == 1,
        "float16 smallest subnormal rounding");
  CHECK(jr_f32_to_bf16(m_u2f(0x7F7FFFFFu)) == 0x7F80,
        "bfloat16 overflow to inf");
  CHECK(jr_f32_to_f16(-0.0f) == 0x8000 && jr_f32_to_bf16(-0.0f) == 0x8000,
        "signed zero");
  CHECK(jr_f32_to_f16(INFINITY) == 0x7C00 &&
            jr_f32_to_bf16(-INFINITY) == 0xFF80,
        "infinities");
  /* A large random float32 sample over all exponents, NaNs included. */
  for (long i = 0; i < (1L << 22); i++)
    check_to16(m_u2f(tu_rand32()));
  CHECK(conv_bad == 0,
        "%ld float32 -> 16-bit conversions differ from the "
        "model",
        conv_bad);
}

/* Model of uniform for the 16-bit dtypes (algorithm.md 6), from the same raw bits. */
static uint16_t model_uniform16(int bf, uint32_t bits, double minval,
                                double maxval) {
  float (*from)(uint16_t) = bf ? m_from_bf16 : m_from_f16;
  uint16_t (*to)(float) = bf ? m_to_bf16 : m_to_f16;
  float lo = from(to((float)minval)), hi = from(to((float)maxval));
  float span = from(to(hi - lo));
  uint16_t one = bf ? 0x3F80 : 0x3C00;
  uint16_t mant =
      bf ? (uint16_t)((bits & 0xFF) >> 1) : (uint16_t)((bits & 0xFFFF) >> 6);
  float f = from((uint16_t)(mant | one)) - 1.0f;
  float r = from(to(fmaf(f, span, lo)));
  return to(r < lo ? lo : r);
}

static void check_uniform16(jr_ctx *ctx) {
  static const double ranges[][2] = {
      {0.0, 1.0},
      {-3.0, 5.0},
      {0.001, 0.01},
      {-1e4, 6e4},
      {1.0 + 0x1p-11 + 0x1p-40, 2.0}, /* float32 first: lo becomes 1.0 */
      {5.0, -2.0}, /* maxval < minval: always minval (the clamp) */
      {1e-6, 3e-6}};
  const int64_t n = 20000;
  uint16_t *out = tu_xmalloc(2 * (size_t)n);
  uint16_t *b16 = tu_xmalloc(2 * (size_t)n);
  uint8_t *b8 = tu_xmalloc((size_t)n);
  for (size_t r = 0; r < sizeof ranges / sizeof *ranges; r++)
    for (int bf = 0; bf < 2; bf++) {
      jr_key key = {{tu_rand32(), tu_rand32()}};
      double lo = ranges[r][0], hi = ranges[r][1];
      CHECK_OK(jr_uniform(ctx, key, bf ? JR_BFLOAT16 : JR_FLOAT16, 1, &n, lo,
                          hi, out));
      if (bf)
        CHECK_OK(jr_random_bits(ctx, key, 8, 1, &n, b8));
      else
        CHECK_OK(jr_random_bits(ctx, key, 16, 1, &n, b16));
      long bad = 0, at_min = 0;
      uint16_t lo16 = bf ? m_to_bf16((float)lo) : m_to_f16((float)lo);
      for (int64_t i = 0; i < n; i++) {
        uint16_t m = model_uniform16(bf, bf ? b8[i] : b16[i], lo, hi);
        if (out[i] != m) bad++;
        if (out[i] == lo16) at_min++;
      }
      CHECK(bad == 0, "%s uniform [%g, %g): %ld of %lld differ from the model",
            bf ? "bfloat16" : "float16", lo, hi, bad, (long long)n);
      if (hi < lo)
        CHECK(at_min == n,
              "%s uniform with maxval < minval: %ld of %lld "
              "clamped to minval",
              bf ? "bfloat16" : "float16", at_min, (long long)n);
    }
  /* The clamp and minval rounding in float32/float64 too. */
  float f32[64];
  double f64[64];
  int64_t m = 64;
  jr_key key = {{1, 2}};
  CHECK_OK(jr_uniform(ctx, key, JR_FLOAT32, 1, &m, 5.0, -2.0, f32));
  CHECK_OK(jr_uniform(ctx, key, JR_FLOAT64, 1, &m, 5.0, -2.0, f64));
  for (int i = 0; i < 64; i++)
    CHECK(f32[i] == 5.0f && f64[i] == 5.0, "clamp at minval, float32/64 [%d]",
          i);
  CHECK(m_to_f16((float)(1.0 + 0x1p-11 + 0x1p-40)) == 0x3C00,
        "model: minval reaches float16 through float32 (1.0)");
  free(out);
  free(b16);
  free(b8);
}

static void check_normal16(jr_ctx *ctx) {
  /* All inputs of the scalar reference transforms. */
  long bad = 0;
  for (uint32_t b = 0; b < 65536; b++)
    if (jr_ref_normal_f16((uint16_t)b) != m_normal_f16((uint16_t)b)) bad++;
  for (uint32_t b = 0; b < 256; b++)
    if (jr_ref_normal_bf16((uint8_t)b) != m_normal_bf16((uint8_t)b)) bad++;
  CHECK(bad == 0, "%ld 16-bit reference normals differ from the model", bad);
  /* And through the public API with key-driven bits. */
  const int64_t n = 1 << 17;
  uint16_t *out = tu_xmalloc(2 * (size_t)n), *b16 = tu_xmalloc(2 * (size_t)n);
  uint8_t *b8 = tu_xmalloc((size_t)n);
  jr_key key = {{tu_rand32(), tu_rand32()}};
  long bad16 = 0, badbf = 0;
  CHECK_OK(jr_random_bits(ctx, key, 16, 1, &n, b16));
  CHECK_OK(jr_normal(ctx, key, JR_FLOAT16, 1, &n, out));
  for (int64_t i = 0; i < n; i++)
    if (out[i] != m_normal_f16(b16[i])) bad16++;
  CHECK_OK(jr_random_bits(ctx, key, 8, 1, &n, b8));
  CHECK_OK(jr_normal(ctx, key, JR_BFLOAT16, 1, &n, out));
  for (int64_t i = 0; i < n; i++)
    if (out[i] != m_normal_bf16(b8[i])) badbf++;
  CHECK(bad16 == 0 && badbf == 0, "jr_normal float16 %ld, bfloat16 %ld differ",
        bad16, badbf);
  free(out);
  free(b16);
  free(b8);
}

static void check_erf_inv_edges(void) {
  CHECK(jr_erf_inv_f32(1.0f) == INFINITY && jr_erf_inv_f32(-1.0f) == -INFINITY,
        "erf_inv_f32(+-1) = +-inf");
  CHECK(jr_erf_inv_f64(1.0) == INFINITY && jr_erf_inv_f64(-1.0) == -INFINITY,
        "erf_inv_f64(+-1) = +-inf");
  static const float out32[] = {1.0000001f, -1.0000001f, 2.0f, -3.5f,
                                INFINITY,   -INFINITY,   NAN};
  for (size_t i = 0; i < sizeof out32 / sizeof *out32; i++) {
    CHECK(isnan(jr_erf_inv_f32(out32[i])), "erf_inv_f32(%g) is not NaN",
          out32[i]);
    CHECK(isnan(jr_erf_inv_f64(out32[i])), "erf_inv_f64(%g) is not NaN",
          out32[i]);
  }
  CHECK(isnan(jr_erf_inv_f64(nextafter(1.0, 2.0))), "erf_inv_f64(1+ulp)");
  CHECK(m_f2u(jr_erf_inv_f32(0.0f)) == 0 &&
            m_f2u(jr_erf_inv_f32(-0.0f)) == 0x80000000u,
        "erf_inv_f32(+-0) keeps the sign of zero");
  CHECK(m_d2u(jr_erf_inv_f64(0.0)) == 0 &&
            m_d2u(jr_erf_inv_f64(-0.0)) == 1ull << 63,
        "erf_inv_f64(+-0) keeps the sign of zero");
  /* float16/bfloat16 through float32 at +-1: +-inf in the type. */
  CHECK(jr_f32_to_f16(jr_erf_inv_f32(jr_f16_to_f32(0x3C00))) == 0x7C00 &&
            jr_f32_to_bf16(jr_erf_inv_f32(jr_bf16_to_f32(0xBF80))) == 0xFF80,
        "16-bit erf_inv(+-1)");

  /* Branch boundaries: the float32 x in (0, 1) where w = -log1p(-x^2)
   * reaches 5, by bisection on the bit pattern, then 64 neighbours each
   * side and both signs against the model. */
  uint32_t lo = m_f2u(0.5f), hi = m_f2u(1.0f);
  while (hi - lo > 1) {
    uint32_t mid = lo + (hi - lo) / 2;
    float x = m_u2f(mid);
    if (-m_log1p_f32(x * -x) < 5.0f)
      lo = mid;
    else
      hi = mid;
  }
  long bad = 0;
  for (uint32_t b = hi - 64; b < hi + 64; b++)
    for (int s = 0; s < 2; s++) {
      float x = m_u2f(b | (s ? 0x80000000u : 0));
      if (m_f2u(jr_erf_inv_f32(x)) != m_f2u(m_erf_inv_f32(x))) bad++;
    }
  CHECK(bad == 0, "%ld float32 erf_inv values around w = 5 differ", bad);
  for (int t = 0; t < 2; t++) {
    double target = t ? 16.0 : 6.25;
    uint64_t l = m_d2u(0.5), h = m_d2u(1.0);
    while (h - l > 1) {
      uint64_t mid = l + (h - l) / 2;
      double x = m_u2d(mid);
      if (-m_log1p_f64(x * -x) < target)
        l = mid;
      else
        h = mid;
    }
    bad = 0;
    for (uint64_t b = h - 64; b < h + 64; b++)
      for (int s = 0; s < 2; s++) {
        double x = m_u2d(b | (s ? 1ull << 63 : 0));
        if (m_d2u(jr_erf_inv_f64(x)) != m_d2u(m_erf_inv_f64(x))) bad++;
      }
    CHECK(bad == 0, "%ld float64 erf_inv values around w = %g differ", bad,
          target);
  }
}

int main(void) {
  jr_ctx *ctx[2] = {jr_ctx_create(), jr_ctx_create()};
  if (!ctx[0] || !ctx[1]) return 2;
  CHECK_OK(jr_ctx_set_int(ctx[1], JR_PARAM_MODE, JR_LEGACY));
  check_conversions();
  check_erf_inv_edges();
  for (int m = 0; m < 2; m++) {
    check_uniform16(ctx[m]);
    check_normal16(ctx[m]);
  }
  jr_ctx_free(ctx[0]);
  jr_ctx_free(ctx[1]);
  return tu_finish("test_half");
}
