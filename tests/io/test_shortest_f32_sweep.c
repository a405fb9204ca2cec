/* float32 shortest text over the bit patterns, checked from its definition
 * with three libc calls a value instead of the oracle's loop:
 *   1. the text T reads back as the value (strtof);
 *   2. T is "%.{p}g" of the value, p its significant digits (snprintf);
 *   3. "%.{p-1}g" does not read back.
 * 2 and 3 prove T is the oracle's text: the (p'+1)-digit rounding is never
 * farther from the value than the p'-digit one, so where the interval that
 * reads back is symmetric (every value but powers of two) a p'-digit
 * rounding that reads back implies that all longer ones do. For powers of
 * two every shorter p' is checked. Negative values must be "-" + T.
 *
 * Usage: test_shortest_f32_sweep STRIDE [FIRST [LAST]]: positive patterns
 * FIRST..LAST (default 0..0x7FFFFFFF) with the given mantissa stride, plus
 * the 64 lowest and highest mantissas of every binade. STRIDE 1 is the
 * exhaustive run (ctest label "long", -DJR_LONG_TESTS=ON; about 20 minutes a
 * core). */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "internal.h"
#include "shortest.h"

static long checked, fallbacks;

/* Significant digits of a %g text: first to last non-zero digit of the
 * mantissa part. */
static int sig_digits(const char *t) {
  int first = -1, last = -1, i = 0;
  for (; t[i] && t[i] != 'e'; i++)
    if (t[i] >= '1' && t[i] <= '9') {
      if (first < 0) first = i;
      last = i;
    }
  if (first < 0) return 1;
  int n = 0;
  for (i = first; i <= last; i++)
    n += t[i] >= '0' && t[i] <= '9';
  return n;
}

static void check_one(uint32_t u) {
  char t[JR_SHORTEST_BUF], s[512], neg[JR_SHORTEST_BUF];
  float f = jr_bits_f32(u);
  int n = jr_shortest_f32(f, t);
  checked++;
  if (jr_shortest_fast(0, u, s) < 0) fallbacks++;
  jr_shortest_f32(-f, neg);
  if (u > 0x7F800000u) {
    CHECK(strcmp(t, "nan") == 0 && strcmp(neg, "nan") == 0,
          "float32 %08" PRIx32 ": \"%s\" and \"%s\", not nan", u, t, neg);
    return;
  }
  CHECK(neg[0] == '-' && strcmp(neg + 1, t) == 0 && n == (int)strlen(t),
        "float32 %08" PRIx32 ": \"%s\" (%d) but its negative \"%s\"", u, t, n,
        neg);
  if (u == 0x7F800000u) {
    CHECK(strcmp(t, "inf") == 0, "float32 %08" PRIx32 ": \"%s\"", u, t);
    return;
  }
  CHECK(strtof(t, NULL) == f, "float32 %08" PRIx32 ": \"%s\" reads back as %a",
        u, t, (double)strtof(t, NULL));
  int p = sig_digits(t);
  snprintf(s, sizeof s, "%.*g", p, (double)f);
  CHECK(strcmp(s, t) == 0, "float32 %08" PRIx32 ": \"%s\" but %%.%dg \"%s\"", u,
        t, p, s);
  int lowest = (u & 0x7FFFFFu) == 0 ? 1 : p - 1; /* powers of two: all */
  for (int q = p - 1; q >= lowest && q >= 1; q--) {
    snprintf(s, sizeof s, "%.*g", q, (double)f);
    CHECK(strtof(s, NULL) != f,
          "float32 %08" PRIx32 ": \"%s\" but the shorter \"%s\" reads back", u,
          t, s);
  }
}

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: %s STRIDE [FIRST [LAST]]\n", argv[0]);
    return 2;
  }
  uint32_t stride = (uint32_t)strtoul(argv[1], NULL, 0);
  uint32_t first = argc > 2 ? (uint32_t)strtoul(argv[2], NULL, 0) : 0;
  uint32_t last = argc > 3 ? (uint32_t)strtoul(argv[3], NULL, 0) : 0x7FFFFFFFu;
  if (stride == 0 || last > 0x7FFFFFFFu || first > last) {
    fprintf(stderr, "%s: STRIDE >= 1 and FIRST <= LAST <= 0x7FFFFFFF\n",
            argv[0]);
    return 2;
  }
  for (uint64_t u = first; u <= last; u += stride) {
    check_one((uint32_t)u);
    uint32_t m = (uint32_t)u & 0x7FFFFFu;
    if (stride > 1 && m < stride) /* a new binade: its ends too */
      for (uint32_t k = 0; k < 64; k++) {
        uint32_t base = (uint32_t)u & ~0x7FFFFFu;
        if (base + k >= first && base + k <= last && k % stride) {
          check_one(base + k);
        }
        if (base + 0x7FFFFFu - k >= first && base + 0x7FFFFFu - k <= last)
          check_one(base + 0x7FFFFFu - k);
      }
  }
  printf("%ld values checked; integer path undecided for %ld\n", checked,
         fallbacks);
  return tu_finish("test_shortest_f32_sweep");
}
