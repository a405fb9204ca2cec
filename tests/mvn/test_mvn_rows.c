/* jr_mvn_create_rows: an object for a part of the rows reads, validates and
 * factors only the covariances and means those rows use, and gives the bytes
 * of jr_mvn_create for them. The unused covariances here are invalid, so a
 * build that factored or validated them fails the RAISE and WARN checks. */
#include "mvn_test.h"

static int warnings;
static void count_warning(void *user, const char *msg) {
  (void)user;
  (void)msg;
  warnings++;
}

static jr_ctx *make_ctx(jr_check check, int threads, jr_mode mode) {
  jr_ctx *ctx = jr_ctx_create();
  if (!ctx) exit(2);
  CHECK_OK(jr_ctx_set_int(ctx, JR_PARAM_CHECK_VALID, check));
  CHECK_OK(jr_ctx_set_int(ctx, JR_PARAM_THREADS, threads));
  CHECK_OK(jr_ctx_set_int(ctx, JR_PARAM_MODE, mode));
  CHECK_OK(jr_ctx_set_warning_handler(ctx, count_warning, NULL));
  return ctx;
}

/* count symmetric, diagonally dominant (positive definite) n x n matrices */
static double *spd(int64_t count, int64_t n) {
  double *v = mt_alloc(sizeof *v * (size_t)(count * n * n));
  for (int64_t k = 0; k < count; k++)
    for (int64_t i = 0; i < n; i++)
      for (int64_t j = 0; j < n; j++)
        v[(k * n + i) * n + j] =
            i == j ? (double)n + 1.0 + 0.125 * (double)(k % 5)
                   : 0.25 + 0.0625 * (double)((i + j + k) % 7);
  return v;
}

/* The rows [a, b) of a jr_mvn_create_rows object against the same rows of
 * a jr_mvn_create object with validation off (`full`), for sub-slices,
 * 1 and 3 threads, both modes; and its factors. */
static void check_rows(const char *what, const jr_array *mean,
                       const jr_array *cov, int shape_ndim,
                       const int64_t *shape, jr_check check, int64_t a,
                       int64_t b) {
  for (int mode = 0; mode < 2; mode++) {
    const jr_mode md = mode ? JR_LEGACY : JR_PARTITIONABLE;
    jr_ctx *ign = make_ctx(JR_CHECK_IGNORE, 1, md);
    jr_ctx *chk = make_ctx(check, 1, md);
    jr_ctx *t3 = make_ctx(JR_CHECK_IGNORE, 3, md);
    jr_mvn *full = NULL, *part = NULL;
    jr_dtype rd;
    int64_t rows = 0, n = 0;
    CHECK_OK(jr_mvn_create(ign, mean, cov, shape_ndim, shape, JR_DTYPE_NONE,
                           JR_CHOLESKY, &full));
    warnings = 0;
    jr_status st = jr_mvn_create_rows(chk, mean, cov, shape_ndim, shape,
                                      JR_DTYPE_NONE, JR_CHOLESKY, a, b, &part);
    CHECK(st == JR_OK, "%s: create_rows [%lld, %lld) failed: %s", what,
          (long long)a, (long long)b, jr_last_error());
    CHECK(warnings == 0, "%s: %d warnings for rows that use valid inputs", what,
          warnings);
    if (!full || !part) {
      jr_mvn_free(full);
      jr_mvn_free(part);
      jr_ctx_free(ign);
      jr_ctx_free(chk);
      jr_ctx_free(t3);
      continue;
    }
    CHECK_OK(jr_mvn_describe(full, &rd, NULL, NULL, &rows, &n));
    const size_t rb = (size_t)n * jr_dtype_size(rd);
    char *want = mt_alloc((size_t)rows * rb),
         *got = mt_alloc((size_t)rows * rb);
    const jr_key key = jr_key_from_seed(7 + mode, 0);
    CHECK_OK(jr_mvn_sample_rows(full, ign, key, 0, rows, want));
    /* the whole range, and slices inside it (one across a 96-row product
     * block) */
    const int64_t cuts[][2] = {{a, b},
                               {a, a + (b - a) / 2},
                               {a + (b - a) / 3, b},
                               {b - 1 > a ? b - 1 : a, b}};
    for (int c = 0; c < 4; c++)
      for (int t = 0; t < 2; t++) {
        const int64_t r0 = cuts[c][0], r1 = cuts[c][1];
        memset(got, 0xA5, (size_t)rows * rb);
        CHECK_OK(jr_mvn_sample_rows(part, t ? t3 : ign, key, r0, r1, got));
        CHECK(memcmp(got, want + (size_t)r0 * rb, (size_t)(r1 - r0) * rb) == 0,
              "%s: rows [%lld, %lld) of create_rows [%lld, %lld) differ from "
              "jr_mvn_create's (%d threads, mode %d)",
              what, (long long)r0, (long long)r1, (long long)a, (long long)b,
              t ? 3 : 1, mode);
      }
    double *f1 = mt_alloc(sizeof *f1 * (size_t)(n * n)),
           *f2 = mt_alloc(sizeof *f2 * (size_t)(n * n));
    for (int64_t r = a; r < b; r++) {
      CHECK_OK(jr_mvn_factor(full, r, f1));
      CHECK_OK(jr_mvn_factor(part, r, f2));
      CHECK(memcmp(f1, f2, sizeof *f1 * (size_t)(n * n)) == 0,
            "%s: factor of row %lld differs", what, (long long)r);
    }
    /* rows outside the object's range are refused */
    if (a > 0) {
      CHECK(jr_mvn_factor(part, a - 1, f2) == JR_E_BAD_RANGE,
            "%s: factor of row %lld outside the rows accepted", what,
            (long long)(a - 1));
      CHECK(jr_mvn_sample_rows(part, ign, key, a - 1, b, got) == JR_E_BAD_RANGE,
            "%s: rows from %lld accepted", what, (long long)(a - 1));
    }
    if (b < rows)
      CHECK(jr_mvn_sample_rows(part, ign, key, a, b + 1, got) == JR_E_BAD_RANGE,
            "%s: rows to %lld accepted", what, (long long)(b + 1));
    free(f1);
    free(f2);
    free(want);
    free(got);
    jr_mvn_free(full);
    jr_mvn_free(part);
    jr_ctx_free(ign);
    jr_ctx_free(chk);
    jr_ctx_free(t3);
  }
}

/* A batch of covariances, one per row, with invalid ones at 17 (NaN) and
 * 250 (not positive semidefinite), and one mean. */
static void batch_per_row(jr_dtype dt, int64_t n) {
  enum { C = 300 };
  char what[64];
  snprintf(what, sizeof what, "per-row %s n=%lld", jr_dtype_name(dt),
           (long long)n);
  double *cv = spd(C, n), *mv = mt_alloc(sizeof *mv * (size_t)n);
  for (int64_t i = 0; i < n; i++)
    mv[i] = 0.5 * (double)i - 1.0;
  cv[(17 * n + 1) * n - 1] = NAN;
  cv[250 * n * n] = -1.0;
  const int64_t cs[3] = {C, n, n}, ms[1] = {n};
  mt_array cov, mean;
  mt_make(&cov, dt, 3, cs, cv, MT_CONTIGUOUS);
  mt_make(&mean, dt, 1, ms, mv, MT_CONTIGUOUS);

  /* every covariance: RAISE fails, WARN warns twice */
  jr_ctx *raise = make_ctx(JR_CHECK_RAISE, 1, JR_PARTITIONABLE);
  jr_ctx *warn = make_ctx(JR_CHECK_WARN, 1, JR_PARTITIONABLE);
  jr_mvn *m = NULL;
  CHECK(jr_mvn_create(raise, &mean.view, &cov.view, JR_SHAPE_NONE, NULL,
                      JR_DTYPE_NONE, JR_CHOLESKY, &m) == JR_E_NON_FINITE,
        "%s: jr_mvn_create did not reject covariance 17", what);
  warnings = 0;
  CHECK_OK(jr_mvn_create(warn, &mean.view, &cov.view, JR_SHAPE_NONE, NULL,
                         JR_DTYPE_NONE, JR_CHOLESKY, &m));
  CHECK(warnings == 2, "%s: %d warnings for 2 invalid covariances", what,
        warnings);
  jr_mvn_free(m);
  m = NULL;
  /* rows that use covariance 17 */
  CHECK(jr_mvn_create_rows(raise, &mean.view, &cov.view, JR_SHAPE_NONE, NULL,
                           JR_DTYPE_NONE, JR_CHOLESKY, 10, 20,
                           &m) == JR_E_NON_FINITE,
        "%s: create_rows [10, 20) accepted covariance 17", what);
  CHECK(jr_mvn_create_rows(raise, &mean.view, &cov.view, JR_SHAPE_NONE, NULL,
                           JR_DTYPE_NONE, JR_CHOLESKY, 17, 18,
                           &m) == JR_E_NON_FINITE,
        "%s: create_rows [17, 18) accepted covariance 17", what);
  CHECK(m == NULL, "%s: an object after a failure", what);
  /* rows that do not: 1 row, and a longer range */
  check_rows(what, &mean.view, &cov.view, JR_SHAPE_NONE, NULL, JR_CHECK_RAISE,
             18, 19);
  check_rows(what, &mean.view, &cov.view, JR_SHAPE_NONE, NULL, JR_CHECK_RAISE,
             20, 200);
  check_rows(what, &mean.view, &cov.view, JR_SHAPE_NONE, NULL, JR_CHECK_WARN,
             251, 300);
  /* without validation: the chunked small Cholesky over the rows' range */
  check_rows(what, &mean.view, &cov.view, JR_SHAPE_NONE, NULL, JR_CHECK_IGNORE,
             100, 140);
  /* bad ranges, an empty one */
  const int64_t bad[][2] = {{-1, 3}, {5, 4}, {0, C + 1}, {C + 1, -1}};
  for (int k = 0; k < 4; k++)
    CHECK(jr_mvn_create_rows(NULL, &mean.view, &cov.view, JR_SHAPE_NONE, NULL,
                             JR_DTYPE_NONE, JR_CHOLESKY, bad[k][0], bad[k][1],
                             &m) == JR_E_BAD_RANGE,
          "%s: rows [%lld, %lld) accepted", what, (long long)bad[k][0],
          (long long)bad[k][1]);
  CHECK_OK(jr_mvn_create_rows(raise, &mean.view, &cov.view, JR_SHAPE_NONE, NULL,
                              JR_DTYPE_NONE, JR_CHOLESKY, 17, 17, &m));
  CHECK_OK(jr_mvn_sample_rows(m, NULL, jr_key_from_seed(1, 0), 17, 17, NULL));
  jr_mvn_free(m);
  jr_ctx_free(raise);
  jr_ctx_free(warn);
  mt_free(&cov);
  mt_free(&mean);
  free(cv);
  free(mv);
}

/* Broadcasting with gaps: batch (6, 5) from means (6, 1, n) and covariances
 * (5, n, n): row r uses mean r / 5 and cov r % 5. Rows [3, 6) use covs
 * {3, 4, 0} and means {0, 1}; covs 1 (NaN) and 2 (not symmetric) and mean 3
 * (Inf) are invalid and unused. */
static void broadcast_gaps(jr_dtype dt, int64_t n) {
  char what[64];
  snprintf(what, sizeof what, "broadcast %s n=%lld", jr_dtype_name(dt),
           (long long)n);
  double *cv = spd(5, n), *mv = mt_alloc(sizeof *mv * (size_t)(6 * n));
  for (int64_t k = 0; k < 6 * n; k++)
    mv[k] = 0.25 * (double)(k % 9) - 1.0;
  cv[1 * n * n + n + 1] = NAN;
  if (n > 1) cv[2 * n * n + 1] += 1.0;
  mv[3 * n] = INFINITY;
  const int64_t cs[3] = {5, n, n}, ms[3] = {6, 1, n};
  mt_array cov, mean;
  mt_make(&cov, dt, 3, cs, cv, MT_CONTIGUOUS);
  mt_make(&mean, dt, 3, ms, mv, MT_CONTIGUOUS);
  jr_ctx *raise = make_ctx(JR_CHECK_RAISE, 1, JR_PARTITIONABLE);
  jr_mvn *m = NULL;
  CHECK(jr_mvn_create(raise, &mean.view, &cov.view, JR_SHAPE_NONE, NULL,
                      JR_DTYPE_NONE, JR_CHOLESKY, &m) != JR_OK,
        "%s: jr_mvn_create accepted the invalid inputs", what);
  CHECK(jr_mvn_create_rows(raise, &mean.view, &cov.view, JR_SHAPE_NONE, NULL,
                           JR_DTYPE_NONE, JR_CHOLESKY, 3, 7,
                           &m) == JR_E_NON_FINITE,
        "%s: create_rows [3, 7) accepted covariance 1", what);
  check_rows(what, &mean.view, &cov.view, JR_SHAPE_NONE, NULL, JR_CHECK_RAISE,
             3, 6);
  check_rows(what, &mean.view, &cov.view, JR_SHAPE_NONE, NULL, JR_CHECK_RAISE,
             10, 11);
  check_rows(what, &mean.view, &cov.view, JR_SHAPE_NONE, NULL, JR_CHECK_IGNORE,
             0, 30);
  jr_ctx_free(raise);
  mt_free(&cov);
  mt_free(&mean);
  free(cv);
  free(mv);
}

int main(void) {
  const jr_dtype dts[2] = {JR_FLOAT32, JR_FLOAT64};
  const int64_t ns[3] = {3, 4, 20};
  for (int d = 0; d < 2; d++)
    for (int k = 0; k < 3; k++) {
      batch_per_row(dts[d], ns[k]);
      broadcast_gaps(dts[d], ns[k]);
    }
  return tu_finish("test_mvn_rows");
}
