/* Small helpers shared by the core tests: failure counting, known-answer
 * data files (one case per line, Random123 KAT style) and a seeded PRNG for
 * random samples. Header-only; every test is one program. */
#ifndef JR_TEST_UTIL_H
#define JR_TEST_UTIL_H

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "jaxrandom.h"

#ifndef JR_TEST_DATA_DIR
#error "JR_TEST_DATA_DIR must name tests/data"
#endif

/* ---- known-answer files: '#' starts a comment line; a case line is
 * whitespace-separated tokens, the arguments, ':' and the expected values. */
enum { TU_MAX_TOKENS = 1024 };
typedef struct {
  FILE *f;
  const char *name;
  char *line;
  size_t cap;
  int lineno;
  int ntok;  /* tokens in the line, ':' excluded */
  int nargs; /* tokens before ':' (== ntok if there is no ':') */
  char *tok[TU_MAX_TOKENS];
} tu_data;

static inline int tu_data_open(tu_data *d, const char *name) {
  char path[4096];
  memset(d, 0, sizeof *d);
  snprintf(path, sizeof path, "%s/%s", JR_TEST_DATA_DIR, name);
  d->f = fopen(path, "r");
  d->name = name;
  if (!d->f) {
    tu_fail_at(__FILE__, __LINE__, "cannot open %s: %s", path, strerror(errno));
    return 0;
  }
  return 1;
}

/* Next case line; 0 at the end of the file. */
static inline int tu_data_next(tu_data *d) {
  for (;;) {
    ssize_t len = getline(&d->line, &d->cap, d->f);
    if (len < 0) return 0;
    d->lineno++;
    char *p = d->line;
    while (*p == ' ' || *p == '\t')
      p++;
    if (*p == '#' || *p == '\n' || *p == '\0') continue;
    d->ntok = 0;
    d->nargs = -1;
    for (char *t = strtok(p, " \t\r\n"); t; t = strtok(NULL, " \t\r\n")) {
      if (strcmp(t, ":") == 0) {
        d->nargs = d->ntok;
        continue;
      }
      if (d->ntok == TU_MAX_TOKENS) {
        tu_fail_at(__FILE__, __LINE__, "%s:%d: more than %d tokens", d->name,
                   d->lineno, TU_MAX_TOKENS);
        break;
      }
      d->tok[d->ntok++] = t;
    }
    if (d->nargs < 0) d->nargs = d->ntok;
    return 1;
  }
}

static inline void tu_data_close(tu_data *d) {
  if (d->f) fclose(d->f);
  free(d->line);
}

/* Token parsers: a malformed token is a test failure (the data is wrong). */
static inline uint64_t tu_parse_u64(const tu_data *d, int i, int base) {
  char *end;
  if (i >= d->ntok) {
    tu_fail_at(__FILE__, __LINE__, "%s:%d: missing token %d", d->name,
               d->lineno, i);
    return 0;
  }
  errno = 0;
  unsigned long long v = strtoull(d->tok[i], &end, base);
  if (errno || *end || d->tok[i][0] == '-')
    tu_fail_at(__FILE__, __LINE__, "%s:%d: bad unsigned '%s'", d->name,
               d->lineno, d->tok[i]);
  return (uint64_t)v;
}
static inline int64_t tu_parse_i64(const tu_data *d, int i) {
  char *end;
  if (i >= d->ntok) {
    tu_fail_at(__FILE__, __LINE__, "%s:%d: missing token %d", d->name,
               d->lineno, i);
    return 0;
  }
  errno = 0;
  long long v = strtoll(d->tok[i], &end, 10);
  if (errno || *end)
    tu_fail_at(__FILE__, __LINE__, "%s:%d: bad integer '%s'", d->name,
               d->lineno, d->tok[i]);
  return (int64_t)v;
}
static inline double tu_parse_double(const tu_data *d, int i) {
  char *end;
  if (i >= d->ntok) {
    tu_fail_at(__FILE__, __LINE__, "%s:%d: missing token %d", d->name,
               d->lineno, i);
    return 0;
  }
  double v = strtod(d->tok[i], &end);
  if (*end)
    tu_fail_at(__FILE__, __LINE__, "%s:%d: bad number '%s'", d->name, d->lineno,
               d->tok[i]);
  return v;
}

/* ---- splitmix64: reproducible random samples for the tests. */
static uint64_t tu_rng_state = 0x9E3779B97F4A7C15ull;
static inline uint64_t tu_rand64(void) {
  uint64_t z = (tu_rng_state += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}
static inline uint32_t tu_rand32(void) {
  return (uint32_t)(tu_rand64() >> 32);
}
/* Uniform in [0, n), n > 0 (the tiny modulo bias does not matter here). */
static inline uint64_t tu_rand_below(uint64_t n) {
  return tu_rand64() % n;
}

static inline void *tu_xmalloc(size_t n) {
  void *p = malloc(n ? n : 1);
  if (!p) {
    fprintf(stderr, "out of memory (%zu bytes)\n", n);
    exit(2);
  }
  return p;
}

/* Kernel sets this build and CPU can run (JR_ISA_AUTO excluded). */
static inline int tu_isas(jr_isa out[8]) {
  int n = 0;
  for (int i = JR_ISA_REF; i <= 16; i++)
    if (jr_isa_supported((jr_isa)i)) out[n++] = (jr_isa)i;
  return n;
}

#endif /* JR_TEST_UTIL_H */
