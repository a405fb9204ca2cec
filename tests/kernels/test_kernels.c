/* Every SIMD kernel set this machine supports must be byte-identical to the
 * portable reference (jr_kernels_ref), which is verified on its own against
 * XLA:CPU data.
 * Usage: test_kernels
 * bits|f32|f64|f64log1p|f16|uniform|legacy|fused|erfinv|selfcheck|log
 * [midpoints]
 */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "kernels/kernels_simd.h"
#include "linalg/product.h"
#include "linalg/solve.h"
#include "linalg/transform.h"

static int failures;
#define CHECK(cond, ...)                                                       \
  do {                                                                         \
    if (!(cond)) {                                                             \
      if (failures++ < 20) {                                                   \
        fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__);                   \
        fprintf(stderr, __VA_ARGS__);                                          \
        fputc('\n', stderr);                                                   \
      }                                                                        \
    }                                                                          \
  } while (0)

static uint64_t rng_state = 0x9E3779B97F4A7C15ull;
static uint64_t rnd64(void) { /* splitmix64 */
  uint64_t z = (rng_state += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

static const jr_kernels *ref;

/* Index of the first differing element of size `es`, or -1. */
static long first_diff(const void *a, const void *b, size_t n, size_t es) {
  if (!memcmp(a, b, n * es)) return -1;
  for (size_t i = 0; i < n; i++)
    if (memcmp((const char *)a + i * es, (const char *)b + i * es, es))
      return (long)i;
  return -1;
}

/* Output buffers get a guard zone that the kernel must not touch. */
enum { GUARD = 64 };
static int guard_ok(const unsigned char *p, size_t bytes) {
  for (size_t i = 0; i < GUARD; i++)
    if (p[bytes + i] != 0xA5) return 0;
  return 1;
}

static void test_bits(const jr_kernels *k) {
  const uint64_t starts[] = {0,
                             1,
                             0xFFFFFFFFull - 40,
                             0xFFFFFFFFull - 7,
                             0xFFFFFFFFull - 3,
                             0xFFFFFFFFull,
                             0x1FFFFFFFFull - 17,
                             0x1FFFFFFFFull - 1,
                             0x200000000ull - 5,
                             0xFFFFFFFFFFFFFFFFull - 20,
                             0x7FFFFFFF00000000ull - 9};
  const size_t maxn = 5000;
  uint32_t *a32 = malloc((maxn + GUARD) * 4), *b32 = malloc(maxn * 4 + GUARD);
  uint64_t *a64 = malloc((maxn + GUARD) * 8), *b64 = malloc(maxn * 8 + GUARD);
  for (int rep = 0; rep < 400; rep++) {
    jr_key key = {{(uint32_t)rnd64(), (uint32_t)rnd64()}};
    uint64_t start = rep < 11 ? starts[rep] : rnd64();
    if (rep >= 11 && rep % 3 == 0) /* just below a carry of the high word */
      start = ((rnd64() & 0xFFFFFFFFull) << 32) |
              (0xFFFFFFFFull - rnd64() % (rep % 2 ? 40 : 3000));
    for (size_t n = 0; n <= 40; n++) {
      size_t nn = n == 40 ? 1000 + (size_t)(rnd64() % 4000) : n;
      memset(b32, 0xA5, nn * 4 + GUARD);
      memset(b64, 0xA5, nn * 8 + GUARD);
      ref->bits32(key, start, nn, a32);
      k->bits32(key, start, nn, b32);
      long d = first_diff(a32, b32, nn, 4);
      CHECK(d < 0,
            "%s bits32 key %08x %08x start %" PRIu64 " n %zu: element "
            "%ld is %08x, reference %08x",
            jr_isa_name(k->isa), key.k[0], key.k[1], start, nn, d,
            d < 0 ? 0 : b32[d], d < 0 ? 0 : a32[d]);
      CHECK(guard_ok((unsigned char *)b32, nn * 4),
            "%s bits32 n %zu wrote "
            "past the end",
            jr_isa_name(k->isa), nn);
      ref->bits64(key, start, nn, a64);
      k->bits64(key, start, nn, b64);
      d = first_diff(a64, b64, nn, 8);
      CHECK(d < 0,
            "%s bits64 key %08x %08x start %" PRIu64 " n %zu: element "
            "%ld differs",
            jr_isa_name(k->isa), key.k[0], key.k[1], start, nn, d);
      CHECK(guard_ok((unsigned char *)b64, nn * 8),
            "%s bits64 n %zu wrote "
            "past the end",
            jr_isa_name(k->isa), nn);
    }
  }
  free(a32);
  free(b32);
  free(a64);
  free(b64);
}

/* All 2^23 float32 normals: bits = m << 9 plus random low bits (which the
 * transform discards), in chunks, plus edge patterns. */
static void test_f32(const jr_kernels *k) {
  enum { CH = 1 << 16 };
  uint32_t *bits = malloc(CH * 4);
  float *a = malloc(CH * 4), *b = malloc(CH * 4 + GUARD);
  for (uint32_t m0 = 0; m0 < (1u << 23); m0 += CH) {
    for (uint32_t j = 0; j < CH; j++)
      bits[j] = ((m0 + j) << 9) | (uint32_t)(rnd64() & 0x1FF);
    ref->normal_f32_from_bits(bits, CH, a);
    k->normal_f32_from_bits(bits, CH, b);
    long d = first_diff(a, b, CH, 4);
    CHECK(d < 0, "%s normal_f32 bits %08x: %a, reference %a",
          jr_isa_name(k->isa), d < 0 ? 0 : bits[d], d < 0 ? 0 : b[d],
          d < 0 ? 0 : a[d]);
  }
  const uint32_t edge[] = {0u,          0xFFFFFFFFu, 0x1FFu,      0x200u,
                           0x7FFFFFFFu, 0x80000000u, 0x7FFFFE00u, 0x80000200u,
                           0xFFFFFE00u, 0x000003FFu, 0xFFFFFDFFu};
  const size_t ne = sizeof edge / sizeof *edge;
  for (size_t n = 0; n <= ne; n++) { /* also every length 0..11 */
    memset(b, 0xA5, n * 4 + GUARD);
    ref->normal_f32_from_bits(edge, n, a);
    k->normal_f32_from_bits(edge, n, b);
    long d = first_diff(a, b, n, 4);
    CHECK(d < 0, "%s normal_f32 edge bits %08x differ", jr_isa_name(k->isa),
          d < 0 ? 0 : edge[d]);
    CHECK(guard_ok((unsigned char *)b, n * 4),
          "%s normal_f32_from_bits n %zu "
          "wrote past the end",
          jr_isa_name(k->isa), n);
  }
  free(bits);
  free(a);
  free(b);
}

/* The 64-bit pattern whose u = 2f + lo is nearest to u0 (algorithm.md 7), f =
 * m / 2^52. */
static uint64_t bits_for_u(double u0) {
  double m = (u0 + (1.0 - 0x1p-53)) / 2.0 * 0x1p52;
  if (m < 0) m = 0;
  if (m > 0x1p52 - 1) m = 0x1p52 - 1;
  return (uint64_t)m << 12;
}

static void check_f64_batch(const jr_kernels *k, const uint64_t *bits, size_t n,
                            double *a, double *b, const char *what) {
  memset(b, 0xA5, n * 8 + GUARD);
  ref->normal_f64_from_bits(bits, n, a);
  k->normal_f64_from_bits(bits, n, b);
  long d = first_diff(a, b, n, 8);
  CHECK(d < 0, "%s normal_f64 (%s) bits %016" PRIx64 ": %a, reference %a",
        jr_isa_name(k->isa), what, d < 0 ? 0 : bits[d], d < 0 ? 0 : b[d],
        d < 0 ? 0 : a[d]);
  CHECK(guard_ok((unsigned char *)b, n * 8),
        "%s normal_f64_from_bits n %zu "
        "wrote past the end",
        jr_isa_name(k->isa), n);
}

static void test_f64(const jr_kernels *k) {
  enum { CH = 1 << 16, EDGE = 4001 };
  uint64_t *bits = malloc(CH * 8);
  double *a = malloc(CH * 8), *b = malloc(CH * 8 + GUARD);
  for (int c = 0; c < 10000000 / CH + 1; c++) { /* >= 10^7 random patterns */
    for (size_t j = 0; j < CH; j++)
      bits[j] = rnd64();
    check_f64_batch(k, bits, CH, a, b, "random");
  }
  /* Around the branch points, both signs of u: w = 6.25 and w = 16
   * (erf_inv's ranges, w = -log1p(-u^2)), |u^2| = sqrt(2) - 1 (log1p's
   * branch), and the ends of the mantissa range. */
  const double targets[] = {sqrt(-expm1(-6.25)), sqrt(-expm1(-16.0)),
                            sqrt(0.41421356237309504880), 1.0, 0.0};
  for (size_t t = 0; t < sizeof targets / sizeof *targets; t++)
    for (int sgn = -1; sgn <= 1; sgn += 2) {
      uint64_t c = bits_for_u(sgn * targets[t]) >> 12;
      for (int j = 0; j < EDGE; j++) {
        int64_t m = (int64_t)c + j - EDGE / 2;
        if (m < 0) m = 0;
        if (m > (int64_t)((1ull << 52) - 1)) m = (int64_t)((1ull << 52) - 1);
        bits[j] = ((uint64_t)m << 12) | (rnd64() & 0xFFF);
      }
      check_f64_batch(k, bits, EDGE, a, b, "near a branch point");
    }
  const uint64_t edge[] = {0ull,
                           ~0ull,
                           0xFFFull,
                           0x1000ull,
                           0x7FFFFFFFFFFFFFFFull,
                           0x8000000000000000ull,
                           0x7FFFFFFFFFFFF000ull,
                           0x8000000000001000ull,
                           0xFFFFFFFFFFFFF000ull,
                           0x3FF0000000000000ull};
  for (size_t n = 0; n <= sizeof edge / sizeof *edge; n++)
    check_f64_batch(k, edge, n, a, b, "edge patterns");
  free(bits);
  free(a);
  free(b);
}

/* The fused kernels (hash + transform in registers) at random starts and
 * lengths, including starts where the counter's high word changes. */
static void test_fused(const jr_kernels *k) {
  const size_t maxn = 3000;
  float *af = malloc(maxn * 4), *bf = malloc(maxn * 4 + GUARD);
  double *ad = malloc(maxn * 8), *bd = malloc(maxn * 8 + GUARD);
  for (int rep = 0; rep < 300; rep++) {
    jr_key key = {{(uint32_t)rnd64(), (uint32_t)rnd64()}};
    uint64_t start = rnd64() >> (rnd64() % 64);
    if (rep % 4 == 0)
      start = ((rnd64() % 8) << 32) | (0xFFFFFFFFull - rnd64() % 300);
    size_t n = rep < 41 ? (size_t)rep : (size_t)(rnd64() % maxn);
    memset(bf, 0xA5, n * 4 + GUARD);
    memset(bd, 0xA5, n * 8 + GUARD);
    ref->normal_f32(key, start, n, af);
    k->normal_f32(key, start, n, bf);
    long d = first_diff(af, bf, n, 4);
    CHECK(d < 0, "%s fused normal_f32 start %" PRIu64 " n %zu: element %ld",
          jr_isa_name(k->isa), start, n, d);
    CHECK(guard_ok((unsigned char *)bf, n * 4),
          "%s normal_f32 n %zu wrote "
          "past the end",
          jr_isa_name(k->isa), n);
    ref->normal_f64(key, start, n, ad);
    k->normal_f64(key, start, n, bd);
    d = first_diff(ad, bd, n, 8);
    CHECK(d < 0, "%s fused normal_f64 start %" PRIu64 " n %zu: element %ld",
          jr_isa_name(k->isa), start, n, d);
    CHECK(guard_ok((unsigned char *)bd, n * 8),
          "%s normal_f64 n %zu wrote "
          "past the end",
          jr_isa_name(k->isa), n);
  }
  free(af);
  free(bf);
  free(ad);
  free(bd);
}

/* float16 / bfloat16 normals: every possible input (2^16 / 2^8 patterns)
 * through the from_bits kernels at every offset into a vector group and
 * lengths 0..70 (tails), then the fused kernels at random starts (including
 * starts where the counter's high word changes). */
static void check16(const jr_kernels *k, const char *what, const uint16_t *a,
                    const uint16_t *b, size_t n, const void *bits, int bf) {
  long d = first_diff(a, b, n, 2);
  CHECK(d < 0, "%s %s n %zu: element %ld bits %04x: %04x, ref %04x",
        jr_isa_name(k->isa), what, n, d,
        d < 0 ? 0u
              : (unsigned)(bf ? ((const uint8_t *)bits)[d]
                              : ((const uint16_t *)bits)[d]),
        d < 0 ? 0u : b[d], d < 0 ? 0u : a[d]);
  CHECK(guard_ok((const unsigned char *)b, n * 2),
        "%s %s n %zu wrote past the end", jr_isa_name(k->isa), what, n);
}

static void test_f16(const jr_kernels *k) {
  const size_t N = 65536 + 64;
  uint16_t *h = malloc(N * 2), *a = malloc(N * 2), *b = malloc(N * 2 + GUARD);
  uint8_t *h8 = malloc(N);
  for (size_t i = 0; i < N; i++) {
    h[i] = (uint16_t)i;
    h8[i] = (uint8_t)i;
  }
  /* every input, at every alignment of the group and block boundaries */
  for (size_t off = 0; off < 64; off += 7) {
    size_t n = 65536 - off % 5;
    memset(b, 0xA5, n * 2 + GUARD);
    ref->normal_f16_from_bits(h + off, n, a);
    k->normal_f16_from_bits(h + off, n, b);
    check16(k, "normal_f16_from_bits", a, b, n, h + off, 0);
    /* the reference table is the scalar reference itself */
    for (size_t i = 0; i < 65536; i++)
      CHECK(i >= n || a[i] == jr_ref_normal_f16(h[off + i]),
            "ref table f16 differs at %zu", i);
    n = 1024 - off % 5;
    memset(b, 0xA5, n * 2 + GUARD);
    ref->normal_bf16_from_bits(h8 + off, n, a);
    k->normal_bf16_from_bits(h8 + off, n, b);
    check16(k, "normal_bf16_from_bits", a, b, n, h8 + off, 1);
  }
  for (size_t n = 0; n <= 70; n++) {
    uint16_t rb[70];
    uint8_t rb8[70];
    for (size_t i = 0; i < n; i++) {
      uint64_t r = rnd64();
      rb[i] = (uint16_t)r;
      rb8[i] = (uint8_t)(r >> 16);
    }
    memset(b, 0xA5, n * 2 + GUARD);
    ref->normal_f16_from_bits(rb, n, a);
    k->normal_f16_from_bits(rb, n, b);
    check16(k, "normal_f16_from_bits (tail)", a, b, n, rb, 0);
    memset(b, 0xA5, n * 2 + GUARD);
    ref->normal_bf16_from_bits(rb8, n, a);
    k->normal_bf16_from_bits(rb8, n, b);
    check16(k, "normal_bf16_from_bits (tail)", a, b, n, rb8, 1);
  }
  for (int rep = 0; rep < 300; rep++) {
    jr_key key = {{(uint32_t)rnd64(), (uint32_t)rnd64()}};
    uint64_t start = rnd64() >> (rnd64() % 64);
    if (rep % 4 == 0)
      start = ((rnd64() % 8) << 32) | (0xFFFFFFFFull - rnd64() % 300);
    size_t n = rep < 41 ? (size_t)rep : (size_t)(rnd64() % 3000);
    memset(b, 0xA5, n * 2 + GUARD);
    ref->normal_f16(key, start, n, a);
    k->normal_f16(key, start, n, b);
    long d = first_diff(a, b, n, 2);
    CHECK(d < 0, "%s fused normal_f16 start %" PRIu64 " n %zu: element %ld",
          jr_isa_name(k->isa), start, n, d);
    CHECK(guard_ok((unsigned char *)b, n * 2), "%s normal_f16 n %zu overran",
          jr_isa_name(k->isa), n);
    memset(b, 0xA5, n * 2 + GUARD);
    ref->normal_bf16(key, start, n, a);
    k->normal_bf16(key, start, n, b);
    d = first_diff(a, b, n, 2);
    CHECK(d < 0, "%s fused normal_bf16 start %" PRIu64 " n %zu: element %ld",
          jr_isa_name(k->isa), start, n, d);
    CHECK(guard_ok((unsigned char *)b, n * 2), "%s normal_bf16 n %zu overran",
          jr_isa_name(k->isa), n);
  }
  free(h);
  free(h8);
  free(a);
  free(b);
}

/* uniform over [lo, hi) for every pair of edge bounds (lo > hi, equal,
 * NaNs with payloads, +-inf, +-0, subnormals, huge) and random pairs, on
 * edge bit patterns plus random bits at lengths 0..300, and fused at random
 * starts. Byte for byte, NaNs included. */
static const double unif_edges[] = {0.0,
                                    -0.0,
                                    1.0,
                                    -1.0,
                                    0.5,
                                    -3.25,
                                    2.0,
                                    1e-3,
                                    1e30,
                                    -1e30,
                                    3.4028234663852886e38,
                                    -3.4028234663852886e38,
                                    1.7976931348623157e308,
                                    -1.7976931348623157e308,
                                    1e-40,
                                    -1e-45,
                                    5e-324,
                                    INFINITY,
                                    -INFINITY,
                                    NAN,
                                    -NAN};
static void test_uniform(const jr_kernels *k) {
  enum { NB = 300 };
  uint32_t b32[NB];
  uint64_t b64[NB];
  float af[NB], bf[NB + GUARD / 4];
  double ad[NB], bd[NB + GUARD / 8];
  const size_t ne = sizeof unif_edges / sizeof *unif_edges;
  double lo_hi[(sizeof unif_edges / sizeof *unif_edges) + 40];
  memcpy(lo_hi, unif_edges, sizeof unif_edges);
  for (size_t i = ne; i < ne + 40; i++) /* random, and a NaN payload */
    lo_hi[i] = i == ne ? jr_bits_f64(0x7FF4000000000123ull)
                       : ((double)(int64_t)rnd64()) * 0x1p-60;
  const size_t nv = ne + 40;
  for (size_t i = 0; i < NB; i++) {
    uint64_t r = rnd64();
    /* edges first: 0, all ones, top mantissa bit only */
    b32[i] = i == 0 ? 0 : i == 1 ? ~0u : i == 2 ? 0x80000000u : (uint32_t)r;
    b64[i] = i == 0 ? 0 : i == 1 ? ~0ull : i == 2 ? 1ull << 63 : r;
  }
  for (size_t x = 0; x < nv; x++)
    for (size_t y = 0; y < nv; y++) {
      size_t n = (x * nv + y) % 7 == 0 ? NB : (x + 3 * y) % 41;
      float lo = (float)lo_hi[x], hi = (float)lo_hi[y];
      memset(bf, 0xA5, n * 4 + GUARD);
      ref->uniform_f32_from_bits(b32, n, lo, hi, af);
      k->uniform_f32_from_bits(b32, n, lo, hi, bf);
      long d = first_diff(af, bf, n, 4);
      CHECK(d < 0, "%s uniform_f32 [%a, %a) n %zu: element %ld: %a, ref %a",
            jr_isa_name(k->isa), lo, hi, n, d, d < 0 ? 0 : bf[d],
            d < 0 ? 0 : af[d]);
      CHECK(guard_ok((unsigned char *)bf, n * 4), "%s uniform_f32 overran",
            jr_isa_name(k->isa));
      memset(bd, 0xA5, n * 8 + GUARD);
      ref->uniform_f64_from_bits(b64, n, lo_hi[x], lo_hi[y], ad);
      k->uniform_f64_from_bits(b64, n, lo_hi[x], lo_hi[y], bd);
      d = first_diff(ad, bd, n, 8);
      CHECK(d < 0, "%s uniform_f64 [%a, %a) n %zu: element %ld: %a, ref %a",
            jr_isa_name(k->isa), lo_hi[x], lo_hi[y], n, d, d < 0 ? 0 : bd[d],
            d < 0 ? 0 : ad[d]);
      CHECK(guard_ok((unsigned char *)bd, n * 8), "%s uniform_f64 overran",
            jr_isa_name(k->isa));
    }
  const size_t maxn = 3000;
  float *fa = malloc(maxn * 4), *fb = malloc(maxn * 4 + GUARD);
  double *da = malloc(maxn * 8), *db = malloc(maxn * 8 + GUARD);
  for (int rep = 0; rep < 300; rep++) {
    jr_key key = {{(uint32_t)rnd64(), (uint32_t)rnd64()}};
    uint64_t start = rnd64() >> (rnd64() % 64);
    if (rep % 4 == 0)
      start = ((rnd64() % 8) << 32) | (0xFFFFFFFFull - rnd64() % 300);
    size_t n = rep < 41 ? (size_t)rep : (size_t)(rnd64() % maxn);
    double lo = lo_hi[rnd64() % nv], hi = lo_hi[rnd64() % nv];
    memset(fb, 0xA5, n * 4 + GUARD);
    ref->uniform_f32(key, start, n, (float)lo, (float)hi, fa);
    k->uniform_f32(key, start, n, (float)lo, (float)hi, fb);
    long d = first_diff(fa, fb, n, 4);
    CHECK(d < 0, "%s fused uniform_f32 start %" PRIu64 " n %zu: element %ld",
          jr_isa_name(k->isa), start, n, d);
    CHECK(guard_ok((unsigned char *)fb, n * 4), "%s uniform_f32 n %zu overran",
          jr_isa_name(k->isa), n);
    memset(db, 0xA5, n * 8 + GUARD);
    ref->uniform_f64(key, start, n, lo, hi, da);
    k->uniform_f64(key, start, n, lo, hi, db);
    d = first_diff(da, db, n, 8);
    CHECK(d < 0, "%s fused uniform_f64 start %" PRIu64 " n %zu: element %ld",
          jr_isa_name(k->isa), start, n, d);
    CHECK(guard_ok((unsigned char *)db, n * 8), "%s uniform_f64 n %zu overran",
          jr_isa_name(k->isa), n);
  }
  free(fa);
  free(fb);
  free(da);
  free(db);
}

/* float16 / bfloat16 uniform: every bf16 input (256) for every pair of
 * bounds, every float16 input (2^16) for every 16th pair, and the fused
 * kernels at random starts; bounds rounded to the dtype as src/random/fill.c
 * does. */
static void test_uniform16(const jr_kernels *k) {
  const size_t ne = sizeof unif_edges / sizeof *unif_edges, N = 65536;
  uint16_t *h = malloc(N * 2), *a = malloc(N * 2), *b = malloc(N * 2 + GUARD);
  uint8_t h8[256];
  for (size_t i = 0; i < N; i++)
    h[i] = (uint16_t)i;
  for (size_t i = 0; i < 256; i++)
    h8[i] = (uint8_t)i;
  for (size_t x = 0; x < ne; x++)
    for (size_t y = 0; y < ne; y++) {
      float lo = jr_bf16_to_f32(jr_f32_to_bf16((float)unif_edges[x]));
      float hi = jr_bf16_to_f32(jr_f32_to_bf16((float)unif_edges[y]));
      size_t n = 256 - (x + y) % 9;
      memset(b, 0xA5, n * 2 + GUARD);
      ref->uniform_bf16_from_bits(h8, n, lo, hi, a);
      k->uniform_bf16_from_bits(h8, n, lo, hi, b);
      check16(k, "uniform_bf16_from_bits", a, b, n, h8, 1);
      lo = jr_f16_to_f32(jr_f32_to_f16((float)unif_edges[x]));
      hi = jr_f16_to_f32(jr_f32_to_f16((float)unif_edges[y]));
      n = (x * ne + y) % 16 == 0 ? N : 300 - (x + y) % 9;
      memset(b, 0xA5, n * 2 + GUARD);
      ref->uniform_f16_from_bits(h + (N - n), n, lo, hi, a);
      k->uniform_f16_from_bits(h + (N - n), n, lo, hi, b);
      check16(k, "uniform_f16_from_bits", a, b, n, h + (N - n), 0);
    }
  for (int rep = 0; rep < 300; rep++) {
    jr_key key = {{(uint32_t)rnd64(), (uint32_t)rnd64()}};
    uint64_t start = rnd64() >> (rnd64() % 64);
    if (rep % 4 == 0)
      start = ((rnd64() % 8) << 32) | (0xFFFFFFFFull - rnd64() % 300);
    size_t n = rep < 41 ? (size_t)rep : (size_t)(rnd64() % 3000);
    double l = unif_edges[rnd64() % ne], u = unif_edges[rnd64() % ne];
    if (rep % 2) l = -2.5, u = 7.0;
    float lo = jr_f16_to_f32(jr_f32_to_f16((float)l));
    float hi = jr_f16_to_f32(jr_f32_to_f16((float)u));
    memset(b, 0xA5, n * 2 + GUARD);
    ref->uniform_f16(key, start, n, lo, hi, a);
    k->uniform_f16(key, start, n, lo, hi, b);
    long d = first_diff(a, b, n, 2);
    CHECK(d < 0, "%s fused uniform_f16 start %" PRIu64 " n %zu: element %ld",
          jr_isa_name(k->isa), start, n, d);
    CHECK(guard_ok((unsigned char *)b, n * 2), "%s uniform_f16 overran",
          jr_isa_name(k->isa));
    lo = jr_bf16_to_f32(jr_f32_to_bf16((float)l));
    hi = jr_bf16_to_f32(jr_f32_to_bf16((float)u));
    memset(b, 0xA5, n * 2 + GUARD);
    ref->uniform_bf16(key, start, n, lo, hi, a);
    k->uniform_bf16(key, start, n, lo, hi, b);
    d = first_diff(a, b, n, 2);
    CHECK(d < 0, "%s fused uniform_bf16 start %" PRIu64 " n %zu: element %ld",
          jr_isa_name(k->isa), start, n, d);
    CHECK(guard_ok((unsigned char *)b, n * 2), "%s uniform_bf16 overran",
          jr_isa_name(k->isa));
  }
  free(h);
  free(a);
  free(b);
}

/* Legacy mode (algorithm.md 5): the pair-hashing kernel against the reference
 * (counters that wrap 2^32 inside a vector, NULL outputs, tails), then the
 * library's legacy bits for every width, odd and even totals (odd word
 * counts pad the count list) and random slices, with the kernel set
 * selected, against the scalar jr_legacy_words. */
static void test_legacy(const jr_kernels *k) {
  enum { NP = 1000 };
  uint32_t a0[NP], a1[NP], b0[NP + GUARD / 4], b1[NP + GUARD / 4];
  for (int rep = 0; rep < 200; rep++) {
    jr_key key = {{(uint32_t)rnd64(), (uint32_t)rnd64()}};
    uint32_t a = (uint32_t)rnd64(), b = (uint32_t)rnd64();
    if (rep % 3 == 0) a = 0xFFFFFFFFu - (uint32_t)(rnd64() % 64);
    if (rep % 5 == 0) b = 0xFFFFFFFFu - (uint32_t)(rnd64() % 64);
    size_t n = rep < 71 ? (size_t)rep : (size_t)(rnd64() % NP);
    memset(b0, 0xA5, n * 4 + GUARD);
    memset(b1, 0xA5, n * 4 + GUARD);
    ref->legacy_pairs(key, a, b, n, a0, a1);
    k->legacy_pairs(key, a, b, n, rep % 7 == 1 ? NULL : b0,
                    rep % 7 == 2 ? NULL : b1);
    if (rep % 7 != 1)
      CHECK(first_diff(a0, b0, n, 4) < 0 &&
                guard_ok((unsigned char *)b0, n * 4),
            "%s legacy_pairs y0 a %08x b %08x n %zu", jr_isa_name(k->isa), a, b,
            n);
    else
      CHECK(b0[0] == 0xA5A5A5A5u, "%s legacy_pairs wrote y0 = NULL",
            jr_isa_name(k->isa));
    if (rep % 7 != 2)
      CHECK(first_diff(a1, b1, n, 4) < 0 &&
                guard_ok((unsigned char *)b1, n * 4),
            "%s legacy_pairs y1 a %08x b %08x n %zu", jr_isa_name(k->isa), a, b,
            n);
  }
  jr_ctx *c = jr_ctx_create();
  jr_ctx_set_int(c, JR_PARAM_MODE, JR_LEGACY);
  const int64_t totals[] = {1,  2,    3,    7,    8,    31,
                            33, 1023, 1025, 2047, 4099, 5000};
  const size_t maxt = 5000, maxw = 2 * 5000;
  uint32_t *W = malloc(maxw * 4);
  uint64_t *got = malloc(maxt * 8 + GUARD), *want = malloc(maxt * 8);
  for (size_t ti = 0; ti < sizeof totals / sizeof *totals; ti++)
    for (int width = 8; width <= 64; width *= 2) {
      const int64_t total = totals[ti];
      const uint64_t words = ((uint64_t)total * (uint64_t)(width / 8) + 3) / 4;
      jr_key key = {{(uint32_t)rnd64(), (uint32_t)rnd64()}};
      jr_legacy_stream ls;
      jr_legacy_stream_init(&ls, key, words);
      jr_legacy_words(&ls, 0, words, W);
      const unsigned per = width < 32 ? (unsigned)(32 / width) : 1;
      for (int rep = 0; rep < 6; rep++) {
        int64_t start = rep == 0 ? 0 : (int64_t)(rnd64() % (uint64_t)total);
        int64_t count =
            rep == 0 ? total
                     : (int64_t)(rnd64() % (uint64_t)(total - start + 1));
        jr_ctx_set_int(c, JR_PARAM_THREADS, 1 + rep % 2);
        size_t es = (size_t)width / 8;
        memset(got, 0xA5, (size_t)count * es + GUARD);
        CHECK(jr_random_bits_range(c, key, width, total, start, count, got) ==
                  JR_OK,
              "legacy bits: %s", jr_last_error());
        for (int64_t i = 0; i < count; i++) {
          uint64_t e = (uint64_t)(start + i), v;
          if (width == 64)
            v = ((uint64_t)W[e] << 32) | W[(uint64_t)total + e];
          else if (width == 32)
            v = W[e];
          else
            v = (W[e / per] >> (width * (int)(e % per))) &
                (width == 16 ? 0xFFFFu : 0xFFu);
          if (width == 64)
            want[i] = v;
          else if (width == 32)
            ((uint32_t *)want)[i] = (uint32_t)v;
          else if (width == 16)
            ((uint16_t *)want)[i] = (uint16_t)v;
          else
            ((uint8_t *)want)[i] = (uint8_t)v;
        }
        long d = first_diff(want, got, (size_t)count, es);
        CHECK(d < 0,
              "%s legacy bits width %d total %" PRId64 " [%" PRId64
              ", +%" PRId64 "): element %ld",
              jr_isa_name(k->isa), width, total, start, count, d);
        CHECK(guard_ok((unsigned char *)got, (size_t)count * es),
              "%s legacy bits overran", jr_isa_name(k->isa));
      }
    }
  free(W);
  free(got);
  free(want);
  jr_ctx_free(c);
}

/* The vector erf_inv on inputs the kernels never see (|x| >= 1, NaN, inf,
 * zeros, subnormals) and on random floats: same bits as the scalar
 * reference, except that for NaN results only NaN-ness is compared (the NaN
 * payload follows operand order, which C does not pin down). */
static int same_f32(float x, float y) {
  return (isnan(x) && isnan(y)) || jr_f32_bits(x) == jr_f32_bits(y);
}
static int same_f64(double x, double y) {
  return (isnan(x) && isnan(y)) || jr_f64_bits(x) == jr_f64_bits(y);
}

static void test_erfinv(jr_isa isa) {
  void (*f32)(const float *, size_t, float *) = NULL;
  void (*f64)(const double *, size_t, double *) = NULL;
#if defined(JR_HAVE_AVX2)
  if (isa == JR_ISA_AVX2) f32 = jr_avx2_erf_inv_f32, f64 = jr_avx2_erf_inv_f64;
#endif
#if defined(JR_HAVE_AVX512)
  if (isa == JR_ISA_AVX512)
    f32 = jr_avx512_erf_inv_f32, f64 = jr_avx512_erf_inv_f64;
#endif
  CHECK(f32 && f64, "%s is supported but its erf_inv hooks are not built in",
        jr_isa_name(isa));
  if (!f32 || !f64) return;
  enum { N = 1 << 16 };
  static float xf[N], yf[N];
  static double xd[N], yd[N];
  const float sf[] = {0.0f,      -0.0f,      1.0f,        -1.0f,
                      NAN,       -NAN,       INFINITY,    -INFINITY,
                      1.5f,      -2.0f,      0x1p-149f,   -0x1p-149f,
                      0x1p-126f, 0x1p-127f,  0.99999994f, -0.99999994f,
                      0.5f,      0.6435942f, -0.6435942f, 1.0000001f};
  for (int rep = 0; rep < 64; rep++) {
    for (size_t i = 0; i < N; i++) {
      uint64_t r = rnd64();
      if (i < sizeof sf / sizeof *sf)
        xf[i] = sf[i];
      else if (r & 1) /* any float32 bit pattern */
        xf[i] = jr_bits_f32((uint32_t)(r >> 32));
      else /* uniform in (-1.25, 1.25) */
        xf[i] = (float)((double)(r >> 11) * 0x1p-53 * 2.5 - 1.25);
    }
    f32(xf, N, yf);
    for (size_t i = 0; i < N; i++) {
      float e = jr_erf_inv_f32(xf[i]);
      CHECK(same_f32(yf[i], e), "%s erf_inv_f32(%a) = %a, reference %a",
            jr_isa_name(isa), xf[i], yf[i], e);
    }
  }
  const double sd[] = {0.0,
                       -0.0,
                       1.0,
                       -1.0,
                       NAN,
                       -NAN,
                       INFINITY,
                       -INFINITY,
                       1.5,
                       -2.0,
                       0x1p-1074,
                       -0x1p-1074,
                       0x1p-1022,
                       1 - 0x1p-53,
                       -(1 - 0x1p-53),
                       0.5,
                       0.6435942529055826,
                       -0.6435942529055826};
  for (int rep = 0; rep < 16; rep++) {
    for (size_t i = 0; i < N; i++) {
      uint64_t r = rnd64();
      if (i < sizeof sd / sizeof *sd)
        xd[i] = sd[i];
      else if (r & 1)
        xd[i] = jr_bits_f64(rnd64());
      else
        xd[i] = (double)(r >> 11) * 0x1p-53 * 2.5 - 1.25;
    }
    f64(xd, N, yd);
    for (size_t i = 0; i < N; i++) {
      double e = jr_erf_inv_f64(xd[i]);
      CHECK(same_f64(yd[i], e), "%s erf_inv_f64(%a) = %a, reference %a",
            jr_isa_name(isa), xd[i], yd[i], e);
    }
  }
}

/* The self-check must catch a kernel that is wrong in one element: each of
 * the slots in turn gets the reference plus a one-bit error, which the
 * self-check has to reject. */
static void flip(void *p, size_t n, size_t es) {
  if (n) ((unsigned char *)p)[(n / 2) * es] ^= 1;
}
static void bad_bits32(jr_key k, uint64_t s, size_t n, uint32_t *o) {
  jr_kernels_ref.bits32(k, s, n, o);
  flip(o, n, 4);
}
static void bad_bits64(jr_key k, uint64_t s, size_t n, uint64_t *o) {
  jr_kernels_ref.bits64(k, s, n, o);
  flip(o, n, 8);
}
static void bad_nf32(jr_key k, uint64_t s, size_t n, float *o) {
  jr_kernels_ref.normal_f32(k, s, n, o);
  flip(o, n, 4);
}
static void bad_nf64(jr_key k, uint64_t s, size_t n, double *o) {
  jr_kernels_ref.normal_f64(k, s, n, o);
  flip(o, n, 8);
}
static void bad_nf32b(const uint32_t *b, size_t n, float *o) {
  jr_kernels_ref.normal_f32_from_bits(b, n, o);
  flip(o, n, 4);
}
static void bad_nf64b(const uint64_t *b, size_t n, double *o) {
  jr_kernels_ref.normal_f64_from_bits(b, n, o);
  flip(o, n, 8);
}
static void bad_nf64_2608(jr_key k, uint64_t s, size_t n, double *o) {
  jr_kernels_ref.normal_f64_2608(k, s, n, o);
  flip(o, n, 8);
}
static void bad_nf64_2608b(const uint64_t *b, size_t n, double *o) {
  jr_kernels_ref.normal_f64_2608_from_bits(b, n, o);
  flip(o, n, 8);
}

static void bad_nf16(jr_key k, uint64_t s, size_t n, uint16_t *o) {
  jr_kernels_ref.normal_f16(k, s, n, o);
  flip(o, n, 2);
}
static void bad_nbf16(jr_key k, uint64_t s, size_t n, uint16_t *o) {
  jr_kernels_ref.normal_bf16(k, s, n, o);
  flip(o, n, 2);
}
static void bad_nf16b(const uint16_t *b, size_t n, uint16_t *o) {
  jr_kernels_ref.normal_f16_from_bits(b, n, o);
  flip(o, n, 2);
}
static void bad_nbf16b(const uint8_t *b, size_t n, uint16_t *o) {
  jr_kernels_ref.normal_bf16_from_bits(b, n, o);
  flip(o, n, 2);
}

static void bad_uf32(jr_key k, uint64_t s, size_t n, float lo, float hi,
                     float *o) {
  jr_kernels_ref.uniform_f32(k, s, n, lo, hi, o);
  flip(o, n, 4);
}
static void bad_uf64(jr_key k, uint64_t s, size_t n, double lo, double hi,
                     double *o) {
  jr_kernels_ref.uniform_f64(k, s, n, lo, hi, o);
  flip(o, n, 8);
}
static void bad_uf32b(const uint32_t *b, size_t n, float lo, float hi,
                      float *o) {
  jr_kernels_ref.uniform_f32_from_bits(b, n, lo, hi, o);
  flip(o, n, 4);
}
static void bad_uf64b(const uint64_t *b, size_t n, double lo, double hi,
                      double *o) {
  jr_kernels_ref.uniform_f64_from_bits(b, n, lo, hi, o);
  flip(o, n, 8);
}

static void bad_lp(jr_key k, uint32_t a, uint32_t b, size_t n, uint32_t *y0,
                   uint32_t *y1) {
  jr_kernels_ref.legacy_pairs(k, a, b, n, y0, y1);
  if (y1) flip(y1, n, 4);
}

static void bad_uf16(jr_key k, uint64_t s, size_t n, float lo, float hi,
                     uint16_t *o) {
  jr_kernels_ref.uniform_f16(k, s, n, lo, hi, o);
  flip(o, n, 2);
}
static void bad_ubf16(jr_key k, uint64_t s, size_t n, float lo, float hi,
                      uint16_t *o) {
  jr_kernels_ref.uniform_bf16(k, s, n, lo, hi, o);
  flip(o, n, 2);
}
static void bad_uf16b(const uint16_t *b, size_t n, float lo, float hi,
                      uint16_t *o) {
  jr_kernels_ref.uniform_f16_from_bits(b, n, lo, hi, o);
  flip(o, n, 2);
}
static void bad_ubf16b(const uint8_t *b, size_t n, float lo, float hi,
                       uint16_t *o) {
  jr_kernels_ref.uniform_bf16_from_bits(b, n, lo, hi, o);
  flip(o, n, 2);
}

/* The linear algebra's entries, each one ulp off in one element that the
 * check compares (a lower-triangle element of a factor that succeeds, an
 * output element of a finite row). */
static int64_t bad_chol32(int64_t n, float *a, int64_t lda) {
  const int64_t r = jr_kernels_ref.chol_f32(n, a, lda);
  a[(n - 1) * lda] = nextafterf(a[(n - 1) * lda], INFINITY);
  return r;
}
static int64_t bad_chol64(int64_t n, double *a, int64_t lda) {
  const int64_t r = jr_kernels_ref.chol_f64(n, a, lda);
  a[(n - 1) * lda] = nextafter(a[(n - 1) * lda], INFINITY);
  return r;
}
static void bad_batch32(int64_t n, int64_t count, const float *cov, float *f,
                        int64_t *info, int colmajor) {
  jr_kernels_ref.chol_batch_f32(n, count, cov, f, info, colmajor);
  f[count * n * n - 1] = nextafterf(f[count * n * n - 1], 0);
}
static void bad_batch64(int64_t n, int64_t count, const double *cov, double *f,
                        int64_t *info, int colmajor) {
  jr_kernels_ref.chol_batch_f64(n, count, cov, f, info, colmajor);
  f[count * n * n - 1] = nextafter(f[count * n * n - 1], 0);
}
static int bad_product(const jr_product_args *a) {
  const int r = jr_kernels_ref.product(a);
  if (a->dtype == JR_FLOAT32)
    ((float *)a->out)[0] = nextafterf(((float *)a->out)[0], INFINITY);
  else
    ((double *)a->out)[0] = nextafter(((double *)a->out)[0], INFINITY);
  return r;
}
static void bad_small(const jr_transform_block *b) {
  jr_kernels_ref.product_small(b);
  if (b->dtype == JR_FLOAT32)
    ((float *)b->out)[0] = nextafterf(((float *)b->out)[0], INFINITY);
  else
    ((double *)b->out)[0] = nextafter(((double *)b->out)[0], INFINITY);
}

static int bad_solve(const jr_solve_args *a) {
  const int r = jr_kernels_ref.solve(a);
  if (a->dtype == JR_FLOAT32)
    ((float *)a->out)[0] = nextafterf(((float *)a->out)[0], INFINITY);
  else
    ((double *)a->out)[0] = nextafter(((double *)a->out)[0], INFINITY);
  return r;
}

static void test_self_check_detects(void) {
  /* A new kernel_list.h entry needs a case below. */
  _Static_assert(JR_KERNEL_COUNT == 28, "one case per kernel table slot");
#define NAME_(name, ret, params) #name,
  static const char *const names[] = {JR_KERNEL_LIST(NAME_)};
#undef NAME_
  CHECK(jr_kernels_self_check(&jr_kernels_ref),
        "the reference fails its own self-check");
  for (int slot = 0; slot < JR_KERNEL_COUNT; slot++) {
    jr_kernels t = jr_kernels_ref;
    switch (slot) {
    case 0: t.bits32 = bad_bits32; break;
    case 1: t.bits64 = bad_bits64; break;
    case 2: t.normal_f32 = bad_nf32; break;
    case 3: t.normal_f64 = bad_nf64; break;
    case 4: t.normal_f32_from_bits = bad_nf32b; break;
    case 5: t.normal_f64_from_bits = bad_nf64b; break;
    case 6: t.normal_f16 = bad_nf16; break;
    case 7: t.normal_bf16 = bad_nbf16; break;
    case 8: t.normal_f16_from_bits = bad_nf16b; break;
    case 9: t.normal_bf16_from_bits = bad_nbf16b; break;
    case 10: t.uniform_f32 = bad_uf32; break;
    case 11: t.uniform_f64 = bad_uf64; break;
    case 12: t.uniform_f32_from_bits = bad_uf32b; break;
    case 13: t.uniform_f64_from_bits = bad_uf64b; break;
    case 14: t.legacy_pairs = bad_lp; break;
    case 15: t.uniform_f16 = bad_uf16; break;
    case 16: t.uniform_bf16 = bad_ubf16; break;
    case 17: t.uniform_f16_from_bits = bad_uf16b; break;
    case 18: t.uniform_bf16_from_bits = bad_ubf16b; break;
    case 19: t.normal_f64_2608 = bad_nf64_2608; break;
    case 20: t.normal_f64_2608_from_bits = bad_nf64_2608b; break;
    case 21: t.chol_f32 = bad_chol32; break;
    case 22: t.chol_f64 = bad_chol64; break;
    case 23: t.chol_batch_f32 = bad_batch32; break;
    case 24: t.chol_batch_f64 = bad_batch64; break;
    case 25: t.product = bad_product; break;
    case 26: t.product_small = bad_small; break;
    default: t.solve = bad_solve; break;
    }
    CHECK(!jr_kernels_self_check(&t),
          "self-check accepted a table with a wrong kernel in slot %d", slot);
    const char *got = jr_kernels_self_check_failure(&t);
    CHECK(got && strcmp(got, names[slot]) == 0,
          "slot %d (%s) wrong: the self-check names %s", slot, names[slot],
          got ? got : "nothing");
  }
}

/* The float64 vector log against the C library's log: wherever it does not
 * flag a lane for the fallback, it must return exactly log(x). Over 10^8
 * inputs in the range the kernels use, (0, 0.586] (linear and log-uniform),
 * and over inputs whose exact logarithm lies within 0.02 ulp of a rounding
 * midpoint (log_midpoints.txt, found with 50-digit decimal arithmetic): those
 * within 0.04 ulp must be flagged (the kernel's error bound leaves 0.046). */
static void test_log(jr_isa isa, const char *midpoints) {
  void (*vlog)(const double *, size_t, double *, unsigned char *) = NULL;
#if defined(JR_HAVE_AVX2)
  if (isa == JR_ISA_AVX2) vlog = jr_avx2_log_f64_fast;
#endif
#if defined(JR_HAVE_AVX512)
  if (isa == JR_ISA_AVX512) vlog = jr_avx512_log_f64_fast;
#endif
  CHECK(vlog, "%s is supported but its log hook is not built in",
        jr_isa_name(isa));
  if (!vlog) return;
  enum { N = 1 << 16 };
  static double x[N], y[N];
  static unsigned char fb[N];
  long total = 0, flagged = 0;
  for (int rep = 0; rep < 1526; rep++) { /* 1526 * 65536 > 10^8 */
    for (size_t i = 0; i < N; i++) {
      uint64_t r = rnd64();
      if ((r & 7) == 1) /* (0.586, 0.7072]: the 2026-08 log1p's arguments */
        x[i] = 0.586 + (double)((r >> 11) | 1) * 0x1p-53 * 0.1212;
      else if (r & 3) /* uniform in (0, 0.586] */
        x[i] = (double)((r >> 11) | 1) * 0x1p-53 * 0.586;
      else /* log-uniform down to 2^-53: 1 - u^2 for |u| near 1 */
        x[i] = ldexp(1.0 + (double)(r >> 12) * 0x1p-52, -(int)(2 + r % 52));
      if (x[i] > 0.7072) x[i] = 0.7072;
    }
    vlog(x, N, y, fb);
    for (size_t i = 0; i < N; i++) {
      total++;
      if (fb[i]) {
        flagged++;
        continue;
      }
      double g = log(x[i]);
      CHECK(jr_f64_bits(y[i]) == jr_f64_bits(g),
            "%s vector log(%a) = %a, C library %a", jr_isa_name(isa), x[i],
            y[i], g);
    }
  }
  printf("%s log: %ld inputs, %.2f%% sent to the C library's log\n",
         jr_isa_name(isa), total, 100.0 * (double)flagged / (double)total);
  CHECK(flagged < total / 5, "the fallback is taken too often: %ld of %ld",
        flagged, total);

  FILE *f = midpoints ? fopen(midpoints, "r") : NULL;
  CHECK(f, "cannot open the midpoint inputs %s",
        midpoints ? midpoints : "(no path given)");
  if (!f) return;
  char line[256];
  size_t n = 0;
  static double dist[N];
  while (fgets(line, sizeof line, f) && n < N) {
    if (line[0] == '#') continue;
    if (sscanf(line, "%la %lf", &x[n], &dist[n]) == 2) n++;
  }
  fclose(f);
  CHECK(n >= 1000, "only %zu midpoint inputs read", n);
  size_t padded = (n + 63) / 64 * 64;
  for (size_t i = n; i < padded; i++)
    x[i] = 0.5;
  vlog(x, padded, y, fb);
  long misrounded = 0;
  for (size_t i = 0; i < n; i++) {
    double g = log(x[i]);
    CHECK(fb[i] || dist[i] >= 0.04,
          "%s log(%a) is %.4f ulp from a midpoint but not flagged",
          jr_isa_name(isa), x[i], dist[i]);
    CHECK(fb[i] || jr_f64_bits(y[i]) == jr_f64_bits(g),
          "%s vector log(%a) = %a, C library %a (midpoint set)",
          jr_isa_name(isa), x[i], y[i], g);
    if (jr_f64_bits(y[i]) != jr_f64_bits(g)) misrounded++;
  }
  printf("%s log: %zu near-midpoint inputs, the C library's log differs from "
         "the vector log's rounding on %ld (all flagged)\n",
         jr_isa_name(isa), n, misrounded);
}

/* The float64 normal with XLA's 2026-08 log1p (JR_XLA_LOG1P_2026_08): the
 * from-bits kernel on >= 10^7 random patterns, 4,001 consecutive mantissas
 * of u around both branch points (u^2 = 1 - 1/sqrt(2), the new one, and
 * u^2 = sqrt(2) - 1, where the old one was), both signs, and the edge
 * patterns; the fused kernel at random starts; the vector erf_inv on
 * consecutive x around the branch points and on special inputs. */
static void check_f64_2608_batch(const jr_kernels *k, const uint64_t *bits,
                                 size_t n, double *a, double *b,
                                 const char *what) {
  memset(b, 0xA5, n * 8 + GUARD);
  ref->normal_f64_2608_from_bits(bits, n, a);
  k->normal_f64_2608_from_bits(bits, n, b);
  long d = first_diff(a, b, n, 8);
  CHECK(d < 0, "%s normal_f64_2608 (%s) bits %016" PRIx64 ": %a, reference %a",
        jr_isa_name(k->isa), what, d < 0 ? 0 : bits[d], d < 0 ? 0 : b[d],
        d < 0 ? 0 : a[d]);
  CHECK(guard_ok((unsigned char *)b, n * 8),
        "%s normal_f64_2608_from_bits n %zu wrote past the end",
        jr_isa_name(k->isa), n);
}

static void test_f64_2608(jr_isa isa, const jr_kernels *k) {
  enum { CH = 1 << 16, EDGE = 4001 };
  uint64_t *bits = malloc(CH * 8);
  double *a = malloc(CH * 8), *b = malloc(CH * 8 + GUARD);
  for (int c = 0; c < 10000000 / CH + 1; c++) {
    for (size_t j = 0; j < CH; j++)
      bits[j] = rnd64();
    check_f64_2608_batch(k, bits, CH, a, b, "random");
  }
  const double targets[] = {sqrt(0.29289321881345247560),
                            sqrt(0.41421356237309504880), 1.0, 0.0};
  for (size_t t = 0; t < sizeof targets / sizeof *targets; t++)
    for (int sgn = -1; sgn <= 1; sgn += 2) {
      uint64_t c = bits_for_u(sgn * targets[t]) >> 12;
      for (int j = 0; j < EDGE; j++) {
        int64_t m = (int64_t)c + j - EDGE / 2;
        if (m < 0) m = 0;
        if (m > (int64_t)((1ull << 52) - 1)) m = (int64_t)((1ull << 52) - 1);
        bits[j] = ((uint64_t)m << 12) | (rnd64() & 0xFFF);
      }
      check_f64_2608_batch(k, bits, EDGE, a, b, "near a branch point");
    }
  const uint64_t edge[] = {0ull,
                           ~0ull,
                           0xFFFull,
                           0x1000ull,
                           0x7FFFFFFFFFFFFFFFull,
                           0x8000000000000000ull,
                           0x7FFFFFFFFFFFF000ull,
                           0x8000000000001000ull,
                           0xFFFFFFFFFFFFF000ull,
                           0x3FF0000000000000ull};
  for (size_t n = 0; n <= sizeof edge / sizeof *edge; n++)
    check_f64_2608_batch(k, edge, n, a, b, "edge patterns");
  /* fused, at random starts (some just below 2^32 k) and lengths */
  for (int r = 0; r < 300; r++) {
    jr_key key = {{(uint32_t)rnd64(), (uint32_t)rnd64()}};
    uint64_t start = r % 3 ? rnd64() >> (rnd64() % 64)
                           : (((rnd64() % 4) + 1) << 32) - rnd64() % 600;
    size_t n = r < 41 ? (size_t)r : (size_t)(rnd64() % 3000);
    memset(b, 0xA5, n * 8 + GUARD);
    ref->normal_f64_2608(key, start, n, a);
    k->normal_f64_2608(key, start, n, b);
    long d = first_diff(a, b, n, 8);
    CHECK(d < 0,
          "%s normal_f64_2608 fused start %" PRIu64 " n %zu: element "
          "%ld differs",
          jr_isa_name(isa), start, n, d);
    CHECK(guard_ok((unsigned char *)b, n * 8),
          "%s normal_f64_2608 n %zu wrote past the end", jr_isa_name(isa), n);
  }
  /* the vector erf_inv: consecutive x around sqrt of each branch point of
   * x*(-x), both signs, and inputs the kernels never see */
  enum { NX = 64 * 400 }; /* 16,000 near the branch points, then others */
  double *x = malloc(NX * 8), *y = malloc(NX * 8);
  size_t nx = 0;
  const double xt[] = {sqrt(0.29289321881345247560),
                       sqrt(0.41421356237309504880)};
  for (size_t t = 0; t < 2; t++)
    for (int sgn = -1; sgn <= 1; sgn += 2) {
      double v = sgn * xt[t];
      for (int j = 0; j < 2000; j++)
        v = nextafter(v, -INFINITY * sgn);
      for (int j = 0; j < 4000; j++, v = nextafter(v, INFINITY * sgn))
        x[nx++] = v;
    }
  const double special[] = {0.0,       -0.0, 1.0,  -1.0,      NAN, INFINITY,
                            -INFINITY, 1.5,  -2.0, 0x1p-1074, 0.5, -0.75};
  for (size_t j = 0; nx < NX; j++)
    x[nx++] = j < sizeof special / sizeof *special
                  ? special[j]
                  : (double)(rnd64() >> 11) * 0x1p-52 - 1.0;
#if defined(JR_HAVE_AVX2)
  if (isa == JR_ISA_AVX2) jr_avx2_erf_inv_f64_2608(x, NX, y);
#endif
#if defined(JR_HAVE_AVX512)
  if (isa == JR_ISA_AVX512) jr_avx512_erf_inv_f64_2608(x, NX, y);
#endif
  for (size_t i = 0; i < NX; i++) {
    double e = jr_erf_inv_f64_2608(x[i]);
    CHECK(same_f64(y[i], e), "%s erf_inv_f64_2608(%a) = %a, reference %a",
          jr_isa_name(isa), x[i], y[i], e);
  }
  free(x);
  free(y);
  free(bits);
  free(a);
  free(b);
}

int main(int argc, char **argv) {
  const char *what = argc > 1 ? argv[1] : "bits";
  ref = &jr_kernels_ref;
  int ran = 0;
  if (strcmp(what, "selfcheck") == 0) {
    test_self_check_detects();
    ran = 1;
  }
  for (jr_isa isa = JR_ISA_AVX2; isa <= JR_ISA_AVX512; isa++) {
    if (!jr_isa_supported(isa)) {
      printf("%s: not supported here, skipped\n", jr_isa_name(isa));
      continue;
    }
    /* The table itself is tested, so a failure shows the differing
     * element even when the dispatcher's self-check rejects the set. */
    const jr_kernels *k = NULL;
#if defined(JR_HAVE_AVX2)
    if (isa == JR_ISA_AVX2) k = &jr_kernels_avx2;
#endif
#if defined(JR_HAVE_AVX512)
    if (isa == JR_ISA_AVX512) k = &jr_kernels_avx512;
#endif
    CHECK(k != NULL, "%s is supported but not built in", jr_isa_name(isa));
    if (!k) continue;
    const jr_kernels *active = NULL;
    CHECK(jr_isa_select(isa) == JR_OK && jr_kernels_get(&active) == JR_OK &&
              active == k,
          "jr_isa_select(%s): %s", jr_isa_name(isa), jr_last_error());
    ran++;
    if (strcmp(what, "bits") == 0)
      test_bits(k);
    else if (strcmp(what, "f32") == 0)
      test_f32(k);
    else if (strcmp(what, "f64") == 0)
      test_f64(k);
    else if (strcmp(what, "f64log1p") == 0)
      test_f64_2608(isa, k);
    else if (strcmp(what, "legacy") == 0)
      test_legacy(k);
    else if (strcmp(what, "uniform") == 0) {
      test_uniform(k);
      test_uniform16(k);
    } else if (strcmp(what, "f16") == 0)
      test_f16(k);
    else if (strcmp(what, "fused") == 0)
      test_fused(k);
    else if (strcmp(what, "erfinv") == 0)
      test_erfinv(isa);
    else if (strcmp(what, "log") == 0)
      test_log(isa, argc > 2 ? argv[2] : NULL);
    else if (strcmp(what, "selfcheck") == 0)
      CHECK(jr_kernels_self_check(k), "%s fails the self-check",
            jr_isa_name(isa));
    else {
      fprintf(stderr, "unknown test %s\n", what);
      return 2;
    }
    printf("%s %s: %s\n", jr_isa_name(isa), what, failures ? "FAILED" : "ok");
  }
  if (!ran) printf("no SIMD kernel set supported here: nothing to compare\n");
  return failures ? 1 : 0;
}
