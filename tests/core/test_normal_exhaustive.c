/* float32 normals exhaustively and float64 normals on a large sample, for
 * every kernel set this build and CPU support, against the test suite's slow
 * scalar model written from the spec (model.h; itself checked against all
 * XLA:CPU pairs by test_xla_math).
 *  - float32: all 2^23 inputs bits = m << 9 (algorithm.md 7: only the top 23 bits
 *    matter) through normal_f32_from_bits, with u checked against the closed
 *    form (4m + 1 - 2^24) / 2^24; random low bits must not matter.
 *  - the fused normal_f32/normal_f64 kernels (which cannot be fed bits) and
 *    jr_normal: compared with the model applied to jr_random_bits of the same
 *    key, including slices across the 2^32 counter boundary and odd
 *    lengths/offsets for the SIMD tails.
 *  - float64: 10^7 random bit patterns plus edge patterns (the ends of the
 *    range, u near 0, the w = 6.25 and w = 16 branch changes). */
#include <math.h>

#include "internal.h"
#include "model.h"
#include "test_util.h"

enum { CHUNK = 1 << 14 };

static const jr_kernels *tables[8];
static jr_isa isas[8];
static int nisa;

static void check_f32_exhaustive(void) {
  float *model = tu_xmalloc(sizeof(float) * CHUNK);
  float *got = tu_xmalloc(sizeof(float) * CHUNK);
  uint32_t *bits = tu_xmalloc(sizeof(uint32_t) * CHUNK);
  long bad[8] = {0}, bad_u = 0, bad_low = 0;
  for (uint32_t m0 = 0; m0 < (1u << 23); m0 += CHUNK) {
    for (uint32_t i = 0; i < CHUNK; i++) {
      uint32_t m = m0 + i;
      bits[i] = m << 9;
      model[i] = m_normal_f32(bits[i]);
      /* u = fma(f, 2, lo) is exact: the closed form of algorithm.md 7 */
      float f = m_u2f((bits[i] >> 9) | 0x3F800000u) - 1.0f;
      float u = fmaf(f, 2.0f, -(1.0f - 0x1p-24f));
      if ((double)u != (4.0 * m + 1.0 - 0x1p24) / 0x1p24) bad_u++;
    }
    for (int k = 0; k < nisa; k++) {
      tables[k]->normal_f32_from_bits(bits, CHUNK, got);
      for (uint32_t i = 0; i < CHUNK; i++)
        if (m_f2u(got[i]) != m_f2u(model[i]) && bad[k]++ < 3)
          CHECK(0, "%s: normal_f32(bits %08x) = %.9g (%08x), model %.9g (%08x)",
                jr_isa_name(isas[k]), bits[i], got[i], m_f2u(got[i]), model[i],
                m_f2u(model[i]));
    }
    /* The low 9 bits are discarded: a sample with random low bits. */
    if ((m0 / CHUNK) % 64 == 0)
      for (int k = 0; k < nisa; k++) {
        for (uint32_t i = 0; i < CHUNK; i++)
          bits[i] = ((m0 + i) << 9) | (tu_rand32() & 0x1FF);
        tables[k]->normal_f32_from_bits(bits, CHUNK, got);
        for (uint32_t i = 0; i < CHUNK; i++)
          if (m_f2u(got[i]) != m_f2u(model[i])) bad_low++;
      }
  }
  for (int k = 0; k < nisa; k++)
    CHECK(bad[k] == 0, "%s: %ld of 2^23 float32 normals differ from the model",
          jr_isa_name(isas[k]), bad[k]);
  CHECK(bad_u == 0, "%ld uniforms differ from the closed form", bad_u);
  CHECK(bad_low == 0, "%ld results depend on the discarded low bits", bad_low);
  free(model);
  free(got);
  free(bits);
}

static void check_f64_patterns(const uint64_t *bits, size_t n, long *bad,
                               double *model, double *got) {
  for (size_t i = 0; i < n; i++)
    model[i] = m_normal_f64(bits[i]);
  for (int k = 0; k < nisa; k++) {
    tables[k]->normal_f64_from_bits(bits, n, got);
    for (size_t i = 0; i < n; i++)
      if (m_d2u(got[i]) != m_d2u(model[i]) && bad[k]++ < 3)
        CHECK(0, "%s: normal_f64(bits %016llx) = %.17g, model %.17g",
              jr_isa_name(isas[k]), (unsigned long long)bits[i], got[i],
              model[i]);
  }
}

static void check_f64_sample(void) {
  uint64_t *bits = tu_xmalloc(sizeof(uint64_t) * CHUNK);
  double *model = tu_xmalloc(sizeof(double) * CHUNK);
  double *got = tu_xmalloc(sizeof(double) * CHUNK);
  long bad[8] = {0}, total = 0;
  /* Edge patterns: m = bits >> 12 at both ends, around the middle (u near
   * 0), and at the erf_inv branch changes found by bisection on the model's
   * w; low bits random. */
  const uint64_t M = 1ull << 52;
  uint64_t starts[8] = {0, M - 4096, M / 2 - 2048, 0, 0, 0, 0, 0};
  int nstart = 3;
  for (int b = 0; b < 2; b++) { /* first m (upper half) with w >= 6.25 / 16 */
    double target = b ? 16.0 : 6.25;
    uint64_t lo = M / 2, hi = M - 1;
    while (hi - lo > 1) {
      uint64_t mid = lo + (hi - lo) / 2;
      double f = m_u2d((mid) | 0x3FF0000000000000ull) - 1.0;
      double u = fma(f, 2.0, -(1.0 - 0x1p-53));
      double w = -m_log1p_f64(u * -u);
      if (w < target)
        lo = mid;
      else
        hi = mid;
    }
    starts[nstart++] = hi - 2048;
    starts[nstart++] = (M - 1 - hi) - 2048; /* the mirror image, u < 0 */
  }
  for (int s = 0; s < nstart; s++) {
    for (size_t i = 0; i < 4096; i++)
      bits[i] = ((starts[s] + i) % M) << 12 | (tu_rand64() & 0xFFF);
    check_f64_patterns(bits, 4096, bad, model, got);
    total += 4096;
  }
  for (long done = 0; done < 10000000; done += CHUNK) {
    for (size_t i = 0; i < CHUNK; i++)
      bits[i] = tu_rand64();
    check_f64_patterns(bits, CHUNK, bad, model, got);
    total += CHUNK;
  }
  for (int k = 0; k < nisa; k++)
    CHECK(bad[k] == 0, "%s: %ld of %ld float64 normals differ from the model",
          jr_isa_name(isas[k]), bad[k], total);
  free(bits);
  free(model);
  free(got);
}

/* Fused kernels and the public jr_normal against model(jr_random_bits). */
static void check_fused(void) {
  const int64_t n = 100003; /* odd: exercises SIMD tails */
  const int64_t total = (int64_t)1 << 33;
  const int64_t starts[3] = {0, 7, ((int64_t)1 << 32) - 50001};
  uint32_t *b32 = tu_xmalloc(4 * (size_t)n);
  uint64_t *b64 = tu_xmalloc(8 * (size_t)n);
  float *f32 = tu_xmalloc(4 * (size_t)n);
  double *f64 = tu_xmalloc(8 * (size_t)n);
  jr_key key = jr_key_from_seed(20240826, 0);
  for (int s = 0; s < 3; s++) {
    CHECK_OK(jr_random_bits_range(NULL, key, 32, total, starts[s], n, b32));
    CHECK_OK(jr_random_bits_range(NULL, key, 64, total, starts[s], n, b64));
    for (int k = 0; k < nisa; k++) {
      long bad32 = 0, bad64 = 0, badpub = 0;
      CHECK_OK(jr_isa_select(isas[k]));
      tables[k]->normal_f32(key, (uint64_t)starts[s], (size_t)n, f32);
      for (int64_t i = 0; i < n; i++)
        if (m_f2u(f32[i]) != m_f2u(m_normal_f32(b32[i]))) bad32++;
      CHECK_OK(
          jr_normal_range(NULL, key, JR_FLOAT32, total, starts[s], n, f32));
      for (int64_t i = 0; i < n; i++)
        if (m_f2u(f32[i]) != m_f2u(m_normal_f32(b32[i]))) badpub++;
      if (s != 1) { /* float64 model is slower: two of the three slices */
        tables[k]->normal_f64(key, (uint64_t)starts[s], (size_t)n, f64);
        for (int64_t i = 0; i < n; i++)
          if (m_d2u(f64[i]) != m_d2u(m_normal_f64(b64[i]))) bad64++;
        CHECK_OK(
            jr_normal_range(NULL, key, JR_FLOAT64, total, starts[s], n, f64));
        for (int64_t i = 0; i < n; i++)
          if (m_d2u(f64[i]) != m_d2u(m_normal_f64(b64[i]))) badpub++;
      }
      CHECK(bad32 == 0 && bad64 == 0 && badpub == 0,
            "%s, start %lld: fused float32 %ld, float64 %ld, jr_normal %ld "
            "mismatches",
            jr_isa_name(isas[k]), (long long)starts[s], bad32, bad64, badpub);
    }
  }
  free(b32);
  free(b64);
  free(f32);
  free(f64);
}

int main(void) {
  jr_isa all[8];
  int n = tu_isas(all);
  for (int i = 0; i < n; i++) {
    CHECK_OK(jr_isa_select(all[i]));
    const jr_kernels *t = NULL;
    CHECK_OK(jr_kernels_get(&t));
    if (!t) continue;
    CHECK(t->isa == all[i], "jr_kernels_get after selecting %s gave %s",
          jr_isa_name(all[i]), jr_isa_name(t->isa));
    isas[nisa] = all[i];
    tables[nisa++] = t;
    printf("kernel set: %s\n", jr_isa_name(all[i]));
  }
  check_f32_exhaustive();
  check_f64_sample();
  check_fused();
  return tu_finish("test_normal_exhaustive");
}
