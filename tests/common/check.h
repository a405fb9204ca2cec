/* The check framework shared by every C test program: count checks, print
 * the first failures in full, and finish with a one-line summary. Header-only;
 * every test is one program. */
#ifndef JR_TEST_CHECK_H
#define JR_TEST_CHECK_H

#include <stdarg.h>
#include <stdio.h>

#include "jaxrandom.h"

static long tu_checks, tu_failures;

/* Prints the first failures in full, then only counts them, so a badly
 * broken build still gives a readable log. */
#if defined(__GNUC__)
__attribute__((format(printf, 3, 4)))
#endif
static inline void
tu_fail_at(const char *file, int line, const char *fmt, ...) {
  tu_failures++;
  if (tu_failures > 40) return;
  va_list ap;
  va_start(ap, fmt);
  fprintf(stderr, "%s:%d: FAIL: ", file, line);
  vfprintf(stderr, fmt, ap);
  fputc('\n', stderr);
  va_end(ap);
}

#define CHECK(cond, ...)                                                       \
  do {                                                                         \
    tu_checks++;                                                               \
    if (!(cond)) tu_fail_at(__FILE__, __LINE__, __VA_ARGS__);                  \
  } while (0)

/* A library call that must succeed. */
#define CHECK_OK(call)                                                         \
  do {                                                                         \
    jr_status tu_st_ = (call);                                                 \
    CHECK(tu_st_ == JR_OK, "%s returned %d (%s): %s", #call, (int)tu_st_,      \
          jr_status_string(tu_st_), jr_last_error());                          \
  } while (0)

static inline int tu_finish(const char *name) {
  if (tu_failures)
    fprintf(stderr, "%s: %ld of %ld checks FAILED\n", name, tu_failures,
            tu_checks);
  else
    printf("%s: all %ld checks passed\n", name, tu_checks);
  return tu_failures ? 1 : 0;
}

#endif /* JR_TEST_CHECK_H */
