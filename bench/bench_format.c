/* Shortest round-trip text (src/io/shortest.c) against the snprintf loop
 * the CLI's CSV and table output used: values formatted per second on one
 * thread, float32 and float64 jax.random.normal samples and float16 /
 * bfloat16 patterns. Usage: bench_format [values, default 4000000] */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "internal.h"
#include "shortest.h"

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID,
                &ts); /* CPU time: the machine is shared */
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* The loop shortest.c replaces (as cli_format_value had it). */
static int loop_f32(float f, char *buf) {
  int n = 0;
  for (int p = 1; p <= 9; p++) {
    n = snprintf(buf, JR_SHORTEST_BUF, "%.*g", p, (double)f);
    if (strtof(buf, NULL) == f) break;
  }
  return n;
}

static int loop_f64(double f, char *buf) {
  int n = 0;
  for (int p = 15; p <= 17; p++) {
    n = snprintf(buf, JR_SHORTEST_BUF, "%.*g", p, f);
    if (strtod(buf, NULL) == f) break;
  }
  return n;
}

static int loop_f16(uint16_t h, char *buf) {
  float f = jr_f16_to_f32(h);
  int n = 0;
  for (int p = 1; p <= 9; p++) {
    n = snprintf(buf, JR_SHORTEST_BUF, "%.*g", p, (double)f);
    if (jr_f32_to_f16(strtof(buf, NULL)) == h) break;
  }
  return n;
}

static uint64_t state = 12345;
static uint64_t next64(void) { /* splitmix64 */
  uint64_t z = (state += 0x9E3779B97F4A7C15u);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9u;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBu;
  return z ^ (z >> 31);
}

static void report(const char *what, size_t n, double t, long bytes) {
  printf("%-34s %8.2f M values/s  (%ld bytes of text)\n", what, 1e-6 * n / t,
         bytes);
}

int main(int argc, char **argv) {
  size_t n = argc > 1 ? (size_t)atol(argv[1]) : 4000000u;
  size_t nslow = n / 20 ? n / 20 : 1; /* the loop is ~30x slower */
  float *f32 = malloc(n * sizeof *f32);
  double *f64 = malloc(n * sizeof *f64);
  uint16_t *f16 = malloc(n * sizeof *f16);
  if (!f32 || !f64 || !f16) return 1;
  for (size_t i = 0; i < n; i++) {
    f32[i] = jr_ref_normal_f32((uint32_t)next64());
    f64[i] = jr_ref_normal_f64(next64());
    f16[i] = jr_f32_to_f16(f32[i]);
  }
  char buf[JR_SHORTEST_BUF];
  long bytes;
  double t;
#define RUN(label, count, expr)                                                \
  bytes = 0;                                                                   \
  t = now();                                                                   \
  for (size_t i = 0; i < (count); i++)                                         \
    bytes += (expr);                                                           \
  report(label, (count), now() - t, bytes)
  RUN("float32 normal, shortest.c", n, jr_shortest_f32(f32[i], buf));
  RUN("float32 normal, snprintf loop", nslow, loop_f32(f32[i], buf));
  RUN("float64 normal, shortest.c", n, jr_shortest_f64(f64[i], buf));
  RUN("float64 normal, snprintf loop", nslow, loop_f64(f64[i], buf));
  RUN("float16 normal, shortest.c", n, jr_shortest_f16(f16[i], buf));
  RUN("float16 normal, snprintf loop", nslow, loop_f16(f16[i], buf));
  RUN("float32 bit patterns, shortest.c", n,
      jr_shortest_f32(jr_bits_f32((uint32_t)next64()), buf));
  RUN("float64 bit patterns, shortest.c", n,
      jr_shortest_f64(jr_bits_f64(next64()), buf));
  free(f32);
  free(f64);
  free(f16);
  return 0;
}
