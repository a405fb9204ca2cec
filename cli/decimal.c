/* Shortest round-trip decimals for the text formats (CSV, table): floats
 * through src/io's exact shortest formatter, unsigned integers by hand
 * (printf's parsing of its format string dominates at tens of millions of
 * values per second). */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "decimal.h"
#include "jr_io.h"
#include "shortest.h"

static int cli_format_u64(uint64_t v, char *buf) {
  char tmp[20];
  int n = 0;
  do {
    tmp[n++] = (char)('0' + v % 10);
    v /= 10;
  } while (v);
  for (int i = 0; i < n; i++)
    buf[i] = tmp[n - 1 - i];
  buf[n] = '\0';
  return n;
}

int cli_format_value(jr_dtype dtype, const void *elem, char *buf, size_t cap) {
  if (cap < JR_SHORTEST_BUF) return snprintf(buf, cap, "?");
  switch (dtype) {
  case JR_UINT8: return cli_format_u64(*(const uint8_t *)elem, buf);
  case JR_UINT16: {
    uint16_t v;
    memcpy(&v, elem, 2);
    return cli_format_u64(v, buf);
  }
  case JR_UINT32: {
    uint32_t v;
    memcpy(&v, elem, 4);
    return cli_format_u64(v, buf);
  }
  case JR_UINT64: {
    uint64_t v;
    memcpy(&v, elem, 8);
    return cli_format_u64(v, buf);
  }
  case JR_FLOAT16:
  case JR_BFLOAT16: {
    uint16_t h;
    memcpy(&h, elem, 2);
    return dtype == JR_FLOAT16 ? jr_shortest_f16(h, buf)
                               : jr_shortest_bf16(h, buf);
  }
  case JR_FLOAT32: {
    float f;
    memcpy(&f, elem, 4);
    return jr_shortest_f32(f, buf);
  }
  case JR_FLOAT64: {
    double f;
    memcpy(&f, elem, 8);
    return jr_shortest_f64(f, buf);
  }
  default: return snprintf(buf, cap, "?");
  }
}
