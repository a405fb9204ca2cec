/* Small helpers shared by the CPU-time benchmarks: the process CPU clock,
 * an allocation that exits on failure, a store in either float dtype and a
 * status check that exits with the library's message. The program's name
 * in messages comes from BENCH_NAME, defined before including this. */
#ifndef JR_BENCH_UTIL_H
#define JR_BENCH_UTIL_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "jaxrandom.h"

#ifndef BENCH_NAME
#error "define BENCH_NAME before including bench_util.h"
#endif

static inline double bench_cpu_now(void) {
  struct timespec t;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static inline void *xmalloc(size_t bytes) {
  void *p = malloc(bytes);
  if (!p) {
    fprintf(stderr, "%s: out of memory\n", BENCH_NAME);
    exit(1);
  }
  return p;
}

static inline void put(jr_dtype d, void *p, int64_t k, double v) {
  if (d == JR_FLOAT32)
    ((float *)p)[k] = (float)v;
  else
    ((double *)p)[k] = v;
}

static inline void check(jr_status st, const char *what) {
  if (st != JR_OK) {
    fprintf(stderr, "%s: %s: %s\n", BENCH_NAME, what, jr_last_error());
    exit(1);
  }
}

#endif /* JR_BENCH_UTIL_H */
