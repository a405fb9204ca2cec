/* Shortest round-trip decimals for the text formats (CSV, table). */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decimal.h"
#include "jr_io.h"

int cli_format_value(jr_dtype dtype, const void *elem, char *buf, size_t cap) {
  switch (dtype) {
  case JR_UINT8: return snprintf(buf, cap, "%u", *(const uint8_t *)elem);
  case JR_UINT16: return snprintf(buf, cap, "%u", *(const uint16_t *)elem);
  case JR_UINT32:
    return snprintf(buf, cap, "%lu", (unsigned long)*(const uint32_t *)elem);
  case JR_UINT64:
    return snprintf(buf, cap, "%llu",
                    (unsigned long long)*(const uint64_t *)elem);
  case JR_FLOAT16:
  case JR_BFLOAT16: {
    uint16_t h;
    memcpy(&h, elem, 2);
    float f = dtype == JR_FLOAT16 ? jr_f16_to_f32(h) : jr_bf16_to_f32(h);
    if (isnan(f) || isinf(f)) break;
    int n = 0;
    for (int p = 1; p <= 9; p++) { /* shortest that reads back the same */
      n = snprintf(buf, cap, "%.*g", p, (double)f);
      float back = strtof(buf, NULL);
      uint16_t hb =
          dtype == JR_FLOAT16 ? jr_f32_to_f16(back) : jr_f32_to_bf16(back);
      if (hb == h) return n;
    }
    return n;
  }
  case JR_FLOAT32: {
    float f;
    memcpy(&f, elem, 4);
    if (isnan(f) || isinf(f)) break;
    int n = 0;
    for (int p = 1; p <= 9; p++) {
      n = snprintf(buf, cap, "%.*g", p, (double)f);
      if (strtof(buf, NULL) == f) return n;
    }
    return n;
  }
  case JR_FLOAT64: {
    double f;
    memcpy(&f, elem, 8);
    if (isnan(f) || isinf(f)) break;
    int n = 0;
    for (int p = 15; p <= 17; p++) { /* 15 digits always fit f64 */
      n = snprintf(buf, cap, "%.*g", p, f);
      if (strtod(buf, NULL) == f) return n;
    }
    return n;
  }
  default: return snprintf(buf, cap, "?");
  }
  /* NaN and infinities, spelled as NumPy prints and reads them. */
  double v = jr_ndarray_get(
      &(jr_ndarray){.dtype = dtype, .data = (void *)(uintptr_t)elem}, 0);
  return snprintf(buf, cap, "%s", isnan(v) ? "nan" : v > 0 ? "inf" : "-inf");
}
