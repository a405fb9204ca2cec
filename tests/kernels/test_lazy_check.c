/* The dispatcher's two self-check groups (dispatch.c, kernel_list.h): a
 * process that only draws random numbers runs the generation group and not
 * the linear-algebra group; the first linear-algebra use (jr_mvn_create,
 * jr_multivariate_normal) runs it, and a wrong linear-algebra kernel is
 * reported there as JR_E_BAD_ISA naming the set and the entry, never as a
 * switch to another set; jr_isa_select checks both groups at once.
 *
 *   test_lazy_check normals|fail|select|threads
 *
 * Each part is its own process (the checks run once per process). The set
 * under test is the one JAXRANDOM_ISA names, else the best the CPU
 * supports; exit 77 (skipped) when that is the reference (never checked). */
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "kernels/kernels_simd.h"
#include "linalg/product.h"

static int failures;
#define CHECK(cond, ...)                                                       \
  do {                                                                         \
    if (!(cond)) {                                                             \
      failures++;                                                              \
      fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__);                     \
      fprintf(stderr, __VA_ARGS__);                                            \
      fputc('\n', stderr);                                                     \
    }                                                                          \
  } while (0)

static const jr_kernels *table_for(jr_isa isa) {
#if defined(JR_HAVE_AVX2)
  if (isa == JR_ISA_AVX2) return &jr_kernels_avx2;
#endif
#if defined(JR_HAVE_AVX512)
  if (isa == JR_ISA_AVX512) return &jr_kernels_avx512;
#endif
  (void)isa;
  return NULL;
}

/* The set this process will use (without resolving it). */
static jr_isa set_under_test(void) {
  const char *env = getenv("JAXRANDOM_ISA");
  if (env && strcmp(env, "ref") == 0) return JR_ISA_REF;
  if (env && strcmp(env, "avx2") == 0) return JR_ISA_AVX2;
  if (env && strcmp(env, "avx512") == 0) return JR_ISA_AVX512;
  if (table_for(JR_ISA_AVX512) && jr_isa_supported(JR_ISA_AVX512))
    return JR_ISA_AVX512;
  if (table_for(JR_ISA_AVX2) && jr_isa_supported(JR_ISA_AVX2))
    return JR_ISA_AVX2;
  return JR_ISA_REF;
}

static jr_status normals(void) {
  float out[10];
  int64_t shape[1] = {10};
  return jr_normal(NULL, jr_key_from_seed(1, 0), JR_FLOAT32, 1, shape, out);
}

static jr_status uniforms_and_bits(void) {
  double u[33];
  uint32_t b[33];
  int64_t shape[1] = {33};
  jr_status st =
      jr_uniform(NULL, jr_key_from_seed(2, 0), JR_FLOAT64, 1, shape, 0, 1, u);
  if (st != JR_OK) return st;
  return jr_random_bits(NULL, jr_key_from_seed(3, 0), 32, 1, shape, b);
}

static const double mean3[3] = {1, 2, 3};
static const double cov3[9] = {2, 0.5, 0, 0.5, 1, 0.2, 0, 0.2, 0.5};

/* jax.random.multivariate_normal with n = 3, four rows. */
static jr_status mvn(double *out) {
  int64_t ms[1] = {3}, cs[2] = {3, 3}, shape[1] = {4}, os[2] = {4, 3};
  jr_array m = {(void *)mean3, JR_FLOAT64, 1, ms, NULL};
  jr_array c = {(void *)cov3, JR_FLOAT64, 2, cs, NULL};
  jr_array o = {out, JR_FLOAT64, 2, os, NULL};
  return jr_multivariate_normal(NULL, jr_key_from_seed(7, 0), &m, &c, 1, shape,
                                JR_FLOAT64, JR_CHOLESKY, &o);
}

static jr_status mvn_create(void) {
  int64_t ms[1] = {3}, cs[2] = {3, 3};
  jr_array m = {(void *)mean3, JR_FLOAT64, 1, ms, NULL};
  jr_array c = {(void *)cov3, JR_FLOAT64, 2, cs, NULL};
  jr_mvn *p = NULL; /* shape: ndim 0, yet not NULL (memcpy of 0 bytes) */
  jr_status st =
      jr_mvn_create(NULL, &m, &c, 0, ms, JR_FLOAT64, JR_CHOLESKY, &p);
  jr_mvn_free(p);
  return st;
}

/* The set's product with its last element one ulp up: what a miscompiled
 * product would do. */
static const jr_kernels *real;
static int product_off(const jr_product_args *a) {
  const int r = real->product(a);
  if (a->dtype == JR_FLOAT32)
    ((float *)a->out)[a->rows * a->n - 1] =
        nextafterf(((float *)a->out)[a->rows * a->n - 1], INFINITY);
  else
    ((double *)a->out)[a->rows * a->n - 1] =
        nextafter(((double *)a->out)[a->rows * a->n - 1], INFINITY);
  return r;
}

/* Only random numbers: no linear-algebra check; then jax's mvn runs it. */
static void part_normals(jr_isa isa) {
  CHECK(jr_kernels_group_checked(isa, JR_KGROUP_GEN) == 0 &&
            jr_kernels_group_checked(isa, JR_KGROUP_LINALG) == 0,
        "a check ran before any kernel was used");
  CHECK(normals() == JR_OK, "normals: %s", jr_last_error());
  CHECK(uniforms_and_bits() == JR_OK, "uniform/bits: %s", jr_last_error());
  CHECK(jr_isa_active() == isa, "active %s, expected %s",
        jr_isa_name(jr_isa_active()), jr_isa_name(isa));
  CHECK(jr_kernels_group_checked(isa, JR_KGROUP_GEN) == 1,
        "the generation group was not checked before its first use");
  CHECK(jr_kernels_group_checked(isa, JR_KGROUP_LINALG) == 0,
        "drawing normals, uniforms and bits ran the linear-algebra check");
  double y[12];
  CHECK(mvn(y) == JR_OK, "mvn: %s", jr_last_error());
  CHECK(jr_kernels_group_checked(isa, JR_KGROUP_LINALG) == 1,
        "the first multivariate_normal did not run the linear-algebra check");
}

/* A wrong linear-algebra kernel: random numbers still run (their group
 * passes); every linear-algebra use fails, naming the set and the entry. */
static void part_fail(jr_isa isa) {
  static jr_kernels bad;
  real = table_for(isa);
  bad = *real;
  bad.product = product_off;
  jr_kernels_test_substitute(isa, &bad);
  CHECK(normals() == JR_OK, "normals: %s", jr_last_error());
  CHECK(jr_isa_active() == isa, "active %s, expected %s",
        jr_isa_name(jr_isa_active()), jr_isa_name(isa));
  CHECK(jr_kernels_group_checked(isa, JR_KGROUP_LINALG) == 0,
        "normals ran the linear-algebra check");
  double y[12];
  for (int round = 0; round < 2; round++) {
    jr_status st = round ? mvn_create() : mvn(y);
    const char *msg = jr_last_error();
    CHECK(st == JR_E_BAD_ISA, "%s with a wrong product: status %d (%s)",
          round ? "jr_mvn_create" : "jr_multivariate_normal", (int)st, msg);
    CHECK(strstr(msg, jr_isa_name(isa)) && strstr(msg, " product kernel") &&
              strstr(msg, "linear-algebra"),
          "the message does not name the set, the entry and the check: %s",
          msg);
    printf("%s: %s\n", round ? "jr_mvn_create" : "jr_multivariate_normal", msg);
  }
  CHECK(jr_kernels_group_checked(isa, JR_KGROUP_LINALG) == -1,
        "the linear-algebra check did not record the failure");
  /* no switch: the set stays in use for the random numbers */
  CHECK(normals() == JR_OK && jr_isa_active() == isa,
        "after the failure: active %s, expected %s",
        jr_isa_name(jr_isa_active()), jr_isa_name(isa));
}

/* jr_isa_select asks for a set explicitly: both groups are checked there. */
static void part_select(jr_isa isa) {
  static jr_kernels bad;
  real = table_for(isa);
  bad = *real;
  bad.product = product_off;
  jr_kernels_test_substitute(isa, &bad);
  jr_status st = jr_isa_select(isa);
  const char *msg = jr_last_error();
  CHECK(st == JR_E_BAD_ISA && strstr(msg, jr_isa_name(isa)) &&
            strstr(msg, " product kernel") && strstr(msg, "jr_isa_select"),
        "jr_isa_select(%s) with a wrong product: status %d (%s)",
        jr_isa_name(isa), (int)st, msg);
  jr_kernels_test_substitute(isa, NULL);
  /* the own table: a fresh process would pass; here the failure stays */
  CHECK(jr_isa_select(isa) == JR_E_BAD_ISA,
        "a failed set passed jr_isa_select on a second call");
  CHECK(jr_isa_select(JR_ISA_REF) == JR_OK, "ref: %s", jr_last_error());
  double y[12];
  CHECK(mvn(y) == JR_OK, "mvn on ref: %s", jr_last_error());
}

/* Threads that draw normals and then sample at once: the first
 * linear-algebra uses race; every thread gets the same samples. */
enum { THREADS = 4 };
static double thread_out[THREADS][12];
static jr_status thread_st[THREADS];
static void *thread_run(void *arg) {
  const int t = (int)(intptr_t)arg;
  thread_st[t] = normals();
  if (thread_st[t] == JR_OK) thread_st[t] = mvn(thread_out[t]);
  return NULL;
}
static void part_threads(jr_isa isa) {
  pthread_t th[THREADS];
  int started = 0;
  for (int t = 0; t < THREADS; t++)
    if (pthread_create(&th[t], NULL, thread_run, (void *)(intptr_t)t) == 0)
      started++;
    else
      break;
  for (int t = 0; t < started; t++)
    pthread_join(th[t], NULL);
  CHECK(started == THREADS, "started %d of %d threads", started, THREADS);
  for (int t = 0; t < started; t++) {
    CHECK(thread_st[t] == JR_OK, "thread %d: status %d", t, (int)thread_st[t]);
    CHECK(!memcmp(thread_out[t], thread_out[0], sizeof thread_out[0]),
          "thread %d's samples differ from thread 0's", t);
  }
  CHECK(jr_kernels_group_checked(isa, JR_KGROUP_LINALG) == 1,
        "the linear-algebra check did not pass");
}

int main(int argc, char **argv) {
  if (argc != 2) return 2;
  const jr_isa isa = set_under_test();
  if (isa == JR_ISA_REF || !table_for(isa) || !jr_isa_supported(isa)) {
    printf("SKIP: no vector kernel set to check here\n");
    return 77;
  }
  if (strcmp(argv[1], "normals") == 0)
    part_normals(isa);
  else if (strcmp(argv[1], "fail") == 0)
    part_fail(isa);
  else if (strcmp(argv[1], "select") == 0)
    part_select(isa);
  else if (strcmp(argv[1], "threads") == 0)
    part_threads(isa);
  else
    return 2;
  printf("%s on %s: %d failures\n", argv[1], jr_isa_name(isa), failures);
  return failures ? 1 : 0;
}
