/* The definition the CLI's text output has always used, kept as the oracle
 * of the shortest-text tests: print with "%.{p}g" for p = 1, 2, ... (15, 16,
 * 17 for float64) until strtof/strtod reads the text back as the value;
 * NaN is "nan" and infinities "inf" / "-inf". Slow (a few microseconds). */
#ifndef JR_TEST_ORACLE_H
#define JR_TEST_ORACLE_H

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "jaxrandom.h"

static inline int oracle_special(double v, char *buf, size_t cap) {
  return snprintf(buf, cap, "%s", isnan(v) ? "nan" : v > 0 ? "inf" : "-inf");
}

static inline int oracle_f32(float f, char *buf, size_t cap) {
  if (isnan(f) || isinf(f)) return oracle_special(f, buf, cap);
  int n = 0;
  for (int p = 1; p <= 9; p++) {
    n = snprintf(buf, cap, "%.*g", p, (double)f);
    if (strtof(buf, NULL) == f) return n;
  }
  return n;
}

static inline int oracle_f64(double f, char *buf, size_t cap) {
  if (isnan(f) || isinf(f)) return oracle_special(f, buf, cap);
  int n = 0;
  for (int p = 15; p <= 17; p++) {
    n = snprintf(buf, cap, "%.*g", p, f);
    if (strtod(buf, NULL) == f) return n;
  }
  return n;
}

/* bf != 0: bfloat16, else float16; h the bit pattern. */
static inline int oracle_half(int bf, uint16_t h, char *buf, size_t cap) {
  float f = bf ? jr_bf16_to_f32(h) : jr_f16_to_f32(h);
  if (isnan(f) || isinf(f)) return oracle_special(f, buf, cap);
  int n = 0;
  for (int p = 1; p <= 9; p++) {
    n = snprintf(buf, cap, "%.*g", p, (double)f);
    float back = strtof(buf, NULL);
    uint16_t hb = bf ? jr_f32_to_bf16(back) : jr_f32_to_f16(back);
    if (hb == h) return n;
  }
  return n;
}

#endif
