/* (e) Every error condition of multivariate_normal with its status, JAX's
 * order of checks and messages that name the shapes; the opt-in validation
 * (IGNORE / WARN / RAISE) and the NaN semantics of failed factorizations. */
#include "mvn_test.h"

/* Expects `call` to fail with `status` and a message containing `needle`. */
#define EXPECT_FAIL(call, status, needle)                                      \
  do {                                                                         \
    jr_status st_ = (call);                                                    \
    CHECK(st_ == (status), "%s: got %s, expected %s (%s)", #call,              \
          jr_status_string(st_), jr_status_string(status), jr_last_error());   \
    CHECK(strstr(jr_last_error(), (needle)) != NULL,                           \
          "%s: message \"%s\" lacks \"%s\"", #call, jr_last_error(), needle);  \
  } while (0)

static int64_t s0[1], s1[1] = {1}, s2[1] = {2}, s3[1] = {3}, s23[2] = {2, 3},
                      s32[2] = {3, 2}, s33[2] = {3, 3}, s433[3] = {4, 3, 3},
                      s22[2] = {2, 2}, s222[3] = {2, 2, 2};
static double buf[4096];

static jr_array view(jr_dtype d, int ndim, int64_t *shape) {
  jr_array a = {buf, d, ndim, shape, NULL};
  return a;
}

static void shape_call_errors(void) {
  jr_array m3 = view(JR_FLOAT32, 1, s3), c33 = view(JR_FLOAT32, 2, s33);
  jr_array m0 = view(JR_FLOAT32, 0, s0), c3 = view(JR_FLOAT32, 1, s3);
  jr_dtype dt;
  int nd;
  int64_t sh[JR_MAX_NDIM];
#define SHAPE(mean, cov, sn, shp, dtype, method)                               \
  jr_multivariate_normal_shape(mean, cov, sn, shp, dtype, method, &dt, &nd, sh)

  EXPECT_FAIL(SHAPE(NULL, &c33, JR_SHAPE_NONE, NULL, 0, JR_CHOLESKY),
              JR_E_NULL_POINTER, "mean");
  EXPECT_FAIL(SHAPE(&m3, NULL, JR_SHAPE_NONE, NULL, 0, JR_CHOLESKY),
              JR_E_NULL_POINTER, "cov");
  jr_array bad = view((jr_dtype)99, 1, s3);
  EXPECT_FAIL(SHAPE(&bad, &c33, JR_SHAPE_NONE, NULL, 0, JR_CHOLESKY),
              JR_E_BAD_DTYPE, "unknown dtype");
  int64_t neg[1] = {-3};
  jr_array mneg = view(JR_FLOAT32, 1, neg);
  EXPECT_FAIL(SHAPE(&mneg, &c33, JR_SHAPE_NONE, NULL, 0, JR_CHOLESKY),
              JR_E_BAD_SHAPE, "-3");
  jr_array nodata = {NULL, JR_FLOAT32, 1, s3, NULL};
  EXPECT_FAIL(SHAPE(&nodata, &c33, JR_SHAPE_NONE, NULL, 0, JR_CHOLESKY),
              JR_E_NULL_POINTER, "mean.data");

  /* JAX's order: method, dtype, mean.ndim, cov.ndim, cov.shape, broadcast */
  EXPECT_FAIL(SHAPE(&m0, &c3, JR_SHAPE_NONE, NULL, JR_INT32, (jr_method)7),
              JR_E_BAD_METHOD,
              "method must be one of {'svd', 'eigh', "
              "'cholesky'}");
  EXPECT_FAIL(SHAPE(&m0, &c3, JR_SHAPE_NONE, NULL, JR_INT32, JR_EIGH),
              JR_E_BAD_DTYPE,
              "dtype argument to `multivariate_normal` must "
              "be a float dtype, got int32");
  EXPECT_FAIL(SHAPE(&m3, &c33, JR_SHAPE_NONE, NULL, JR_BOOL, JR_SVD),
              JR_E_BAD_DTYPE, "got bool");
  EXPECT_FAIL(SHAPE(&m0, &c3, JR_SHAPE_NONE, NULL, 0, JR_CHOLESKY),
              JR_E_MEAN_NDIM,
              "multivariate_normal requires mean.ndim >= 1, "
              "got mean.ndim == 0");
  EXPECT_FAIL(SHAPE(&m3, &c3, JR_SHAPE_NONE, NULL, 0, JR_CHOLESKY),
              JR_E_COV_NDIM,
              "multivariate_normal requires cov.ndim >= 2, got "
              "cov.ndim == 1");
  jr_array c32 = view(JR_FLOAT32, 2, s32);
  EXPECT_FAIL(SHAPE(&m3, &c32, JR_SHAPE_NONE, NULL, 0, JR_CHOLESKY),
              JR_E_COV_SHAPE,
              "multivariate_normal requires cov.shape == (..., "
              "n, n) for n=3, but got cov.shape == (3, 2).");
  jr_array m23 = view(JR_FLOAT32, 2, s23), c433 = view(JR_FLOAT32, 3, s433);
  EXPECT_FAIL(SHAPE(&m23, &c433, JR_SHAPE_NONE, NULL, 0, JR_CHOLESKY),
              JR_E_BROADCAST,
              "Incompatible shapes for broadcasting: "
              "shapes=[(2,), (4,)]");
  EXPECT_FAIL(SHAPE(&m23, &c33, 1, s3, 0, JR_CHOLESKY), JR_E_BROADCAST,
              "shapes=[(3,), (2,), ()]");
  EXPECT_FAIL(SHAPE(&m23, &c33, 1, s1, 0, JR_CHOLESKY), JR_E_SHAPE_ARGUMENT,
              "but got result (2,) for shape argument (1,).");
  EXPECT_FAIL(SHAPE(&m23, &c33, 0, NULL, 0, JR_CHOLESKY), JR_E_SHAPE_ARGUMENT,
              "got result (2,) for shape argument ().");
  EXPECT_FAIL(SHAPE(&m3, &c33, -2, NULL, 0, JR_CHOLESKY), JR_E_BAD_SHAPE,
              "ndim -2");
  int64_t big[JR_MAX_NDIM];
  for (int i = 0; i < JR_MAX_NDIM; i++)
    big[i] = 1;
  EXPECT_FAIL(SHAPE(&m3, &c33, JR_MAX_NDIM, big, 0, JR_CHOLESKY),
              JR_E_BAD_SHAPE, "ndim 32");
  int64_t huge[2] = {INT64_C(1) << 40, INT64_C(1) << 40};
  EXPECT_FAIL(SHAPE(&m3, &c33, 2, huge, 0, JR_CHOLESKY), JR_E_SIZE_OVERFLOW,
              "overflows");
  int64_t negshape[1] = {-1};
  EXPECT_FAIL(SHAPE(&m3, &c33, 1, negshape, 0, JR_CHOLESKY), JR_E_BAD_SHAPE,
              "dimension 0 is -1");

  /* half precision factors: JAX's CPU LAPACK rejects them (after shapes) */
  jr_array h3 = view(JR_FLOAT16, 1, s3), h33 = view(JR_FLOAT16, 2, s33);
  jr_array b3 = view(JR_BFLOAT16, 1, s3), b33 = view(JR_BFLOAT16, 2, s33);
  jr_array i33 = view(JR_INT8, 2, s33);
  EXPECT_FAIL(SHAPE(&h3, &h33, JR_SHAPE_NONE, NULL, 0, JR_CHOLESKY),
              JR_E_BAD_DTYPE, "cholesky does not accept dtype float16");
  EXPECT_FAIL(SHAPE(&b3, &i33, JR_SHAPE_NONE, NULL, JR_FLOAT32, JR_EIGH),
              JR_E_BAD_DTYPE, "eigh does not accept dtype bfloat16");
  jr_array h32 = view(JR_FLOAT16, 2, s32);
  EXPECT_FAIL(SHAPE(&h3, &h32, JR_SHAPE_NONE, NULL, 0, JR_SVD), JR_E_COV_SHAPE,
              "(3, 2)"); /* shape errors come first */
  /* float16 with bfloat16 promotes to float32: fine */
  CHECK_OK(SHAPE(&h3, &b33, JR_SHAPE_NONE, NULL, JR_DTYPE_NONE, JR_SVD));
  CHECK(dt == JR_FLOAT32 && nd == 1 && sh[0] == 3, "f16+bf16 -> float32");
  /* float16 with an integer stays float16: rejected whatever dtype is */
  EXPECT_FAIL(SHAPE(&h3, &i33, JR_SHAPE_NONE, NULL, JR_FLOAT32, JR_SVD),
              JR_E_BAD_DTYPE, "svd does not accept dtype float16");
  CHECK_OK(SHAPE(&m3, &h33, 2, s22, JR_FLOAT64, JR_CHOLESKY));
  CHECK(dt == JR_FLOAT64 && nd == 3 && sh[0] == 2 && sh[2] == 3,
        "float32 with dtype float64 -> float64, shape (2, 2, 3)");
  /* n = 0 is valid */
  jr_array m0v = view(JR_FLOAT32, 1, s0 /* (0,) */);
  int64_t z00[2] = {0, 0};
  jr_array c00 = view(JR_FLOAT32, 2, z00);
  s0[0] = 0;
  CHECK_OK(SHAPE(&m0v, &c00, 1, s2, 0, JR_CHOLESKY));
  CHECK(nd == 2 && sh[0] == 2 && sh[1] == 0, "n = 0 shape");
#undef SHAPE
}

static void call_errors(void) {
  for (int i = 0; i < 9; i++)
    buf[i] = 0;
  float fb[64];
  memset(fb, 0, sizeof fb);
  fb[0] = fb[4] = fb[8] = 1; /* identity */
  jr_array m3 = {fb + 16, JR_FLOAT32, 1, s3, NULL};
  jr_array c33 = {fb, JR_FLOAT32, 2, s33, NULL};
  float out[64];
  int64_t o3[1] = {3}, o23[2] = {2, 3};
  jr_array ov = {out, JR_FLOAT32, 1, o3, NULL};
  jr_key key = jr_key_from_seed(1, 0);
  CHECK_OK(jr_multivariate_normal(NULL, key, &m3, &c33, JR_SHAPE_NONE, NULL, 0,
                                  JR_CHOLESKY, &ov));
  EXPECT_FAIL(jr_multivariate_normal(NULL, key, &m3, &c33, JR_SHAPE_NONE, NULL,
                                     0, JR_CHOLESKY, NULL),
              JR_E_NULL_POINTER, "out");
  jr_array ow = {out, JR_FLOAT32, 2, o23, NULL};
  EXPECT_FAIL(jr_multivariate_normal(NULL, key, &m3, &c33, JR_SHAPE_NONE, NULL,
                                     0, JR_CHOLESKY, &ow),
              JR_E_BAD_SHAPE, "out has shape (2, 3); expected (3,)");
  jr_array od = {out, JR_FLOAT64, 1, o3, NULL};
  EXPECT_FAIL(jr_multivariate_normal(NULL, key, &m3, &c33, JR_SHAPE_NONE, NULL,
                                     0, JR_CHOLESKY, &od),
              JR_E_BAD_DTYPE, "out has dtype float64; expected float32");
  int64_t one[1] = {1};
  jr_array os = {out, JR_FLOAT32, 1, o3, one};
  EXPECT_FAIL(jr_multivariate_normal(NULL, key, &m3, &c33, JR_SHAPE_NONE, NULL,
                                     0, JR_CHOLESKY, &os),
              JR_E_BAD_ARGUMENT, "C-contiguous");
  /* strides whose offsets overflow (the byte offset too) */
  int64_t hugestride[1] = {INT64_MAX / 2 + 1}; /* 2 * stride overflows */
  jr_array mstr = {fb + 16, JR_FLOAT32, 1, s3, hugestride};
  EXPECT_FAIL(jr_multivariate_normal(NULL, key, &mstr, &c33, JR_SHAPE_NONE,
                                     NULL, 0, JR_CHOLESKY, &ov),
              JR_E_SIZE_OVERFLOW, "strides");
  int64_t bytestride[1] = {INT64_MAX / 4 + 1}; /* x 4 bytes overflows */
  jr_array mby = {fb + 16, JR_FLOAT32, 1, s3, bytestride};
  EXPECT_FAIL(jr_multivariate_normal(NULL, key, &mby, &c33, JR_SHAPE_NONE, NULL,
                                     0, JR_CHOLESKY, &ov),
              JR_E_SIZE_OVERFLOW, "strides");
  /* n beyond LAPACK's int range: refused before any element is read */
  int64_t bign[1] = {50000}, bigc[2] = {50000, 50000};
  jr_array mb = {fb, JR_FLOAT32, 1, bign, NULL};
  jr_array cb = {fb, JR_FLOAT32, 2, bigc, NULL};
  jr_mvn *m = NULL;
  EXPECT_FAIL(
      jr_mvn_create(NULL, &mb, &cb, JR_SHAPE_NONE, NULL, 0, JR_CHOLESKY, &m),
      JR_E_TOO_LARGE, "n = 50000");
  CHECK(m == NULL, "no object on failure");
  EXPECT_FAIL(
      jr_mvn_create(NULL, &m3, &c33, JR_SHAPE_NONE, NULL, 0, JR_CHOLESKY, NULL),
      JR_E_NULL_POINTER, "out");

  /* shape () may come as (0, NULL) (UBSan: no memcpy from NULL) */
  CHECK_OK(jr_mvn_create(NULL, &m3, &c33, 0, NULL, 0, JR_CHOLESKY, &m));
  jr_mvn_free(m);

  /* the object's own calls */
  CHECK_OK(jr_mvn_create(NULL, &m3, &c33, 1, s2, 0, JR_CHOLESKY, &m));
  EXPECT_FAIL(jr_mvn_sample_rows(m, NULL, key, 1, 3, out), JR_E_BAD_RANGE,
              "[1, 3)");
  EXPECT_FAIL(jr_mvn_sample_rows(m, NULL, key, 2, 1, out), JR_E_BAD_RANGE,
              "[0, 2)");
  EXPECT_FAIL(jr_mvn_sample_rows(m, NULL, key, -1, 1, out), JR_E_BAD_RANGE,
              "-1");
  EXPECT_FAIL(jr_mvn_sample_rows(m, NULL, key, 0, 2, NULL), JR_E_NULL_POINTER,
              "out");
  EXPECT_FAIL(jr_mvn_sample_rows(NULL, NULL, key, 0, 2, out), JR_E_NULL_POINTER,
              "mvn");
  CHECK_OK(jr_mvn_sample_rows(m, NULL, key, 1, 1, NULL)); /* empty slice */
  double f[9];
  EXPECT_FAIL(jr_mvn_factor(m, 2, f), JR_E_BAD_RANGE, "row 2");
  EXPECT_FAIL(jr_mvn_factor(m, 0, NULL), JR_E_NULL_POINTER, "out");
  EXPECT_FAIL(jr_mvn_describe(NULL, NULL, NULL, NULL, NULL, NULL),
              JR_E_NULL_POINTER, "mvn");
  CHECK_OK(jr_mvn_describe(m, NULL, NULL, NULL, NULL, NULL));
  jr_mvn_free(m);
  jr_mvn_free(NULL);

  /* n = 0: an empty result, no LAPACK call */
  int64_t e0[1] = {0}, e00[2] = {0, 0}, eo[2] = {5, 0};
  jr_array me = {fb, JR_FLOAT32, 1, e0, NULL};
  jr_array ce = {fb, JR_FLOAT32, 2, e00, NULL};
  jr_array oe = {out, JR_FLOAT32, 2, eo, NULL};
  for (int method = 0; method < 3; method++)
    CHECK_OK(jr_multivariate_normal(NULL, key, &me, &ce, 1, (int64_t[]){5}, 0,
                                    (jr_method)method, &oe));
}

/* ---- validation ---------------------------------------------------- */

static int warnings;
static char last_warning[1024];
static void on_warning(void *user, const char *msg) {
  (void)user;
  warnings++;
  snprintf(last_warning, sizeof last_warning, "%s", msg);
}

/* Samples 2 batch elements (cov batch (2, 2, 2)) whose second is `bad`,
 * with check level `check`; returns the status and the output. */
static jr_status run_check(jr_check check, double tol, const double bad[4],
                           const double mean1[2], jr_method method,
                           double out[8]) {
  double cv[8] = {2, 0.5, 0.5, 1, bad[0], bad[1], bad[2], bad[3]};
  double mv[4] = {0, 0, mean1[0], mean1[1]};
  jr_array mean = {mv, JR_FLOAT64, 2, s22, NULL};
  jr_array cov = {cv, JR_FLOAT64, 3, s222, NULL};
  int64_t osh[3] = {2, 2, 2};
  int64_t shape[2] = {2, 2};
  jr_array ov = {out, JR_FLOAT64, 3, osh, NULL};
  jr_ctx *ctx = jr_ctx_create();
  jr_ctx_set_int(ctx, JR_PARAM_CHECK_VALID, check);
  jr_ctx_set_double(ctx, JR_PARAM_TOL, tol);
  jr_ctx_set_warning_handler(ctx, on_warning, NULL);
  warnings = 0;
  last_warning[0] = 0;
  jr_status st =
      jr_multivariate_normal(ctx, jr_key_from_seed(3, 0), &mean, &cov, 2, shape,
                             JR_DTYPE_NONE, method, &ov);
  jr_ctx_free(ctx);
  return st;
}

static int all_nan(const double *x, int k) {
  for (int i = 0; i < k; i++)
    if (x[i] == x[i]) return 0;
  return 1;
}
static int all_finite(const double *x, int k) {
  for (int i = 0; i < k; i++)
    if (!isfinite(x[i])) return 0;
  return 1;
}

static void validation(void) {
  const double ok[4] = {1, 0, 0, 1}, zero2[2] = {0, 0};
  const double nonsym[4] = {2, 1, 0, 2}, indef[4] = {1, 2, 2, 1};
  const double singular[4] = {1, 1, 1, 1}, nanc[4] = {1, NAN, NAN, 1};
  const double infmean[2] = {INFINITY, 0};
  const double tiny_asym[4] = {2, 1, 1 + 1e-12, 2};
  double out[8];
  /* rows (0, 1) and (1, 1) use batch element 1 (shape (2, 2): the last axis
   * is cov's batch axis) */
  CHECK_OK(run_check(JR_CHECK_RAISE, 1e-8, ok, zero2, JR_CHOLESKY, out));
  CHECK(all_finite(out, 8) && warnings == 0, "valid input");

  EXPECT_FAIL(run_check(JR_CHECK_RAISE, 1e-8, nanc, zero2, JR_EIGH, out),
              JR_E_NON_FINITE, "cov batch element 1 has a non-finite entry");
  EXPECT_FAIL(run_check(JR_CHECK_RAISE, 1e-8, ok, infmean, JR_EIGH, out),
              JR_E_NON_FINITE, "mean batch element 1");
  EXPECT_FAIL(run_check(JR_CHECK_RAISE, 1e-8, nonsym, zero2, JR_SVD, out),
              JR_E_NOT_SYMMETRIC, "cov batch element 1 is not symmetric");
  EXPECT_FAIL(run_check(JR_CHECK_RAISE, 1e-8, indef, zero2, JR_CHOLESKY, out),
              JR_E_NOT_PSD,
              "cov batch element 1 is not positive semidefinite: smallest "
              "eigenvalue -1");
  EXPECT_FAIL(run_check(JR_CHECK_RAISE, 1e-8, indef, zero2, JR_SVD, out),
              JR_E_NOT_PSD, "svd would silently sample it as |cov|");
  /* PSD but singular: cholesky fails -> reported, eigh/svd fine */
  EXPECT_FAIL(
      run_check(JR_CHECK_RAISE, 1e-8, singular, zero2, JR_CHOLESKY, out),
      JR_E_NOT_PSD,
      "cholesky of cov batch element 1 gives a NaN "
      "factor");
  CHECK_OK(run_check(JR_CHECK_RAISE, 1e-8, singular, zero2, JR_SVD, out));
  /* the tolerance is relative */
  CHECK_OK(run_check(JR_CHECK_RAISE, 1e-8, tiny_asym, zero2, JR_EIGH, out));
  EXPECT_FAIL(run_check(JR_CHECK_RAISE, 1e-14, tiny_asym, zero2, JR_EIGH, out),
              JR_E_NOT_SYMMETRIC, "not symmetric");

  /* WARN: reported through the handler, then JAX's behaviour */
  CHECK_OK(run_check(JR_CHECK_WARN, 1e-8, indef, zero2, JR_CHOLESKY, out));
  CHECK(warnings == 1 && strstr(last_warning, "not positive semidefinite"),
        "one warning for the indefinite element, got %d: %s", warnings,
        last_warning);
  CHECK(all_finite(out, 2) && all_finite(out + 4, 2), "rows of element 0");
  CHECK(all_nan(out + 2, 2) && all_nan(out + 6, 2),
        "cholesky of an indefinite matrix gives NaN rows");
  CHECK_OK(run_check(JR_CHECK_WARN, 1e-8, nonsym, zero2, JR_SVD, out));
  CHECK(warnings == 1 && strstr(last_warning, "|cov[0, 1] - cov[1, 0]| = 1"),
        "symmetry warning: %s", last_warning);

  /* IGNORE (default): as JAX, no report, NaN where potrf fails */
  CHECK_OK(run_check(JR_CHECK_IGNORE, 1e-8, indef, zero2, JR_CHOLESKY, out));
  CHECK(warnings == 0 && all_nan(out + 2, 2) && all_finite(out, 2),
        "IGNORE: NaN rows, no warning");
  CHECK_OK(run_check(JR_CHECK_IGNORE, 1e-8, singular, zero2, JR_CHOLESKY, out));
  CHECK(all_nan(out + 2, 2) && all_nan(out + 6, 2), "singular cholesky NaN");
  CHECK_OK(run_check(JR_CHECK_IGNORE, 1e-8, indef, zero2, JR_SVD, out));
  CHECK(all_finite(out, 8), "svd samples an indefinite matrix silently");
  CHECK_OK(run_check(JR_CHECK_IGNORE, 1e-8, nanc, zero2, JR_CHOLESKY, out));
  /* NaN reaches every component that depends on it (the first component
   * stays finite if LAPACK's potrf does not test for NaN, as OpenBLAS's) */
  CHECK(all_nan(out + 3, 1) && all_nan(out + 7, 1),
        "NaN covariance gives NaN samples");
  /* a bad check level in the ctx is refused by the setter */
  jr_ctx *ctx = jr_ctx_create();
  CHECK(jr_ctx_set_int(ctx, JR_PARAM_CHECK_VALID, 9) != JR_OK,
        "check level 9 accepted");
  jr_ctx_free(ctx);
}

int main(void) {
  shape_call_errors();
  call_errors();
  validation();
  return tu_finish("test_mvn_errors");
}
