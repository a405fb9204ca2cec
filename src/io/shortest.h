/* Shortest round-trip text of a float, as the CLI's CSV and table output
 * prints it: the value correctly rounded (ties to even) to the smallest
 * number of significant digits p that reads back (strtof/strtod) as the same
 * value, spelled as printf's "%.{p}g" spells it ("1e-05", "1.5e+20",
 * "0.0001", "-0"); NaN is "nan", infinities "inf" and "-inf".
 *   float32, float16, bfloat16: p from 1 to 9; a float16/bfloat16 reads back
 *     through strtof and the library's round-to-nearest-even conversion.
 *   float64: p from 15 to 17 (so 0.1 is "0.1" but 5e-324 is
 *     "4.94065645841247e-324").
 * Exact integer arithmetic; this is not the "shortest in the rounding
 * interval" of Ryu or Grisu, which can differ next to powers of two. */
#ifndef JR_SHORTEST_H
#define JR_SHORTEST_H

#include <stdint.h>

/* Bytes a buffer needs: the longest text is 24 characters plus the NUL;
 * the writer uses the rest as scratch. */
#define JR_SHORTEST_BUF 40

/* Write the text and a NUL into buf (at least JR_SHORTEST_BUF bytes);
 * return its length. Thread-safe. float16 and bfloat16 copy from a table of
 * every magnitude's text, formatted on a format's first call. */
int jr_shortest_f32(float v, char *buf);
int jr_shortest_f64(double v, char *buf);
int jr_shortest_f16(uint16_t bits, char *buf);
int jr_shortest_bf16(uint16_t bits, char *buf);

/* For tests: the integer path alone. Returns -1 where it cannot decide a
 * rounding from its 128-bit power of ten (the functions above then take the
 * snprintf path); kind is 0 float32, 1 float64, 2 float16, 3 bfloat16 and
 * bits the value's bit pattern. */
int jr_shortest_fast(int kind, uint64_t bits, char *buf);

#endif
