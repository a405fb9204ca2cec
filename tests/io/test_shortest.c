/* Shortest round-trip text (src/io/shortest.c) against the oracle, the
 * snprintf loop the CLI used (oracle.h): every float16 and bfloat16 value,
 * edge cases of float32 and float64 (zeros, subnormals, every power of two
 * and ten with neighbours, extremes, infinities, NaNs) and random values:
 * bit patterns over every exponent and jax.random.normal samples.
 * Usage: test_shortest [random values per kind, default 10^7] */
#include <inttypes.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "internal.h"
#include "oracle.h"
#include "shortest.h"

static long fallbacks; /* values the integer path left to snprintf */

static void one_f32(uint32_t u) {
  char got[JR_SHORTEST_BUF], want[64];
  float f = jr_bits_f32(u);
  int n = jr_shortest_f32(f, got);
  oracle_f32(f, want, sizeof want);
  CHECK(strcmp(got, want) == 0 && n == (int)strlen(got),
        "float32 %08" PRIx32 ": \"%s\" (%d), oracle \"%s\"", u, got, n, want);
  char fast[JR_SHORTEST_BUF];
  if (jr_shortest_fast(0, u, fast) < 0) fallbacks++;
}

static void one_f64(uint64_t u) {
  char got[JR_SHORTEST_BUF], want[64];
  double f = jr_bits_f64(u);
  int n = jr_shortest_f64(f, got);
  oracle_f64(f, want, sizeof want);
  CHECK(strcmp(got, want) == 0 && n == (int)strlen(got),
        "float64 %016" PRIx64 ": \"%s\" (%d), oracle \"%s\"", u, got, n, want);
  char fast[JR_SHORTEST_BUF];
  if (jr_shortest_fast(1, u, fast) < 0) fallbacks++;
}

/* Every 16-bit pattern. */
static void all_half(int bf) {
  for (uint32_t h = 0; h < 0x10000u; h++) {
    char got[JR_SHORTEST_BUF], want[64];
    int n = bf ? jr_shortest_bf16((uint16_t)h, got)
               : jr_shortest_f16((uint16_t)h, got);
    oracle_half(bf, (uint16_t)h, want, sizeof want);
    CHECK(strcmp(got, want) == 0 && n == (int)strlen(got),
          "%s %04" PRIx32 ": \"%s\" (%d), oracle \"%s\"",
          bf ? "bfloat16" : "float16", h, got, n, want);
    char fast[JR_SHORTEST_BUF];
    if (jr_shortest_fast(bf ? 3 : 2, h, fast) < 0) fallbacks++;
  }
}

/* A value and its neighbours, both signs. */
static void around_f32(uint32_t u) {
  for (int d = -3; d <= 3; d++) {
    uint32_t v = u + (uint32_t)d;
    if (((v ^ u) & 0x80000000u) == 0) {
      one_f32(v);
      one_f32(v ^ 0x80000000u);
    }
  }
}

static void around_f64(uint64_t u) {
  for (int d = -3; d <= 3; d++) {
    uint64_t v = u + (uint64_t)(int64_t)d;
    if (((v ^ u) >> 63) == 0) {
      one_f64(v);
      one_f64(v ^ 0x8000000000000000u);
    }
  }
}

static void edges_f32(void) {
  for (uint32_t e = 0; e < 255; e++) /* every binade: ends and middle */
    for (uint32_t m = 0; m < 8; m++) {
      around_f32(e << 23 | m);
      around_f32(e << 23 | (0x7FFFFFu - m));
      around_f32(e << 23 | (0x400000u + m));
    }
  /* Powers of ten (the nearest float) and 9.5 * 10^k, where the rounding
   * carries into the next decade. */
  for (int k = -46; k <= 39; k++) {
    char s[16];
    snprintf(s, sizeof s, "1e%d", k);
    around_f32(jr_f32_bits(strtof(s, NULL)));
    snprintf(s, sizeof s, "9.5e%d", k);
    around_f32(jr_f32_bits(strtof(s, NULL)));
  }
  const uint32_t special[] = {0x00000000u, 0x00000001u, 0x007FFFFFu,
                              0x00800000u, 0x7F7FFFFFu, 0x7F800000u,
                              0x7FC00000u, 0x7F800001u, 0x7FFFFFFFu};
  for (size_t i = 0; i < sizeof special / sizeof *special; i++) {
    one_f32(special[i]);
    one_f32(special[i] | 0x80000000u);
  }
}

static void edges_f64(void) {
  for (uint64_t e = 0; e < 2047; e++)
    for (uint64_t m = 0; m < 4; m++) {
      around_f64(e << 52 | m);
      around_f64(e << 52 | (0xFFFFFFFFFFFFFu - m));
      around_f64(e << 52 | (0x8000000000000u + m));
    }
  for (int k = -325; k <= 309; k++) {
    char s[16];
    snprintf(s, sizeof s, "1e%d", k);
    around_f64(jr_f64_bits(strtod(s, NULL)));
    snprintf(s, sizeof s, "9.5e%d", k);
    around_f64(jr_f64_bits(strtod(s, NULL)));
  }
  const uint64_t special[] = {0,
                              1,
                              0x000FFFFFFFFFFFFFu,
                              0x0010000000000000u,
                              0x7FEFFFFFFFFFFFFFu,
                              0x7FF0000000000000u,
                              0x7FF8000000000000u,
                              0x7FF0000000000001u,
                              0x7FFFFFFFFFFFFFFFu};
  for (size_t i = 0; i < sizeof special / sizeof *special; i++) {
    one_f64(special[i]);
    one_f64(special[i] | 0x8000000000000000u);
  }
}

static uint64_t rng_state = 0x9E3779B97F4A7C15u;
static uint64_t next64(void) { /* splitmix64 */
  uint64_t z = (rng_state += 0x9E3779B97F4A7C15u);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9u;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBu;
  return z ^ (z >> 31);
}

int main(int argc, char **argv) {
  long count = argc > 1 ? atol(argv[1]) : 10000000L;
  all_half(0);
  all_half(1);
  edges_f32();
  edges_f64();
  /* Half random bit patterns (every exponent alike), half normal samples
   * (the CLI's typical output). */
  for (long i = 0; i < count; i++) {
    uint64_t r = next64();
    one_f32(i & 1 ? (uint32_t)r : jr_f32_bits(jr_ref_normal_f32((uint32_t)r)));
  }
  for (long i = 0; i < count; i++) {
    uint64_t r = next64();
    one_f64(i & 1 ? r : jr_f64_bits(jr_ref_normal_f64(r)));
  }
  printf("integer path undecided (snprintf path taken): %ld values\n",
         fallbacks);
  return tu_finish("test_shortest");
}
