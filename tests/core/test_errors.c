/* Bad arguments to every public core function: each returns the documented
 * status with a non-empty jr_last_error() and never crashes or writes out
 * of bounds (run under ASan/UBSan in CI). */
#include "test_util.h"

static void expect(jr_status got, jr_status want, const char *what, int line) {
  const char *msg = jr_last_error();
  tu_checks++;
  if (got != want || !msg || !*msg) {
    tu_fail_at(__FILE__, line,
               "%s: status %d (%s), expected %d (%s); message '%s'", what,
               (int)got, jr_status_string(got), (int)want,
               jr_status_string(want), msg ? msg : "(null)");
  }
}
#define EXPECT(call, want) expect((call), (want), #call, __LINE__)

int main(void) {
  uint64_t buf[16];
  int64_t size = -1, one = 1, ten = 10;
  const int64_t neg[2] = {3, -1};
  const int64_t big2[2] = {(int64_t)1 << 32, (int64_t)1 << 32};
  const int64_t max2[2] = {INT64_MAX, 2};
  int64_t many[JR_MAX_NDIM + 1];
  for (int i = 0; i <= JR_MAX_NDIM; i++)
    many[i] = 1;
  jr_key key = jr_key_from_seed(0, 0);
  jr_ctx *ctx = jr_ctx_create(), *legacy = jr_ctx_create();
  if (!ctx || !legacy) return 2;
  CHECK_OK(jr_ctx_set_int(legacy, JR_PARAM_MODE, JR_LEGACY));

  /* status strings: every code and an unknown one */
  for (int s = 0; s <= 30; s++)
    CHECK(jr_status_string((jr_status)s) && *jr_status_string((jr_status)s),
          "jr_status_string(%d)", s);

  /* dtypes */
  CHECK(jr_dtype_size((jr_dtype)99) == 0 &&
            jr_dtype_name((jr_dtype)99) == NULL &&
            jr_dtype_from_name("float128") == JR_DTYPE_NONE &&
            jr_dtype_from_name(NULL) == JR_DTYPE_NONE &&
            !jr_dtype_is_float((jr_dtype)-3),
        "unknown dtypes");

  /* shapes */
  EXPECT(jr_shape_size(1, &one, NULL), JR_E_NULL_POINTER);
  EXPECT(jr_shape_size(1, NULL, &size), JR_E_NULL_POINTER);
  EXPECT(jr_shape_size(-1, &one, &size), JR_E_BAD_SHAPE);
  EXPECT(jr_shape_size(JR_MAX_NDIM + 1, many, &size), JR_E_BAD_SHAPE);
  EXPECT(jr_shape_size(2, neg, &size), JR_E_BAD_SHAPE);
  EXPECT(jr_shape_size(2, big2, &size), JR_E_SIZE_OVERFLOW);
  EXPECT(jr_shape_size(2, max2, &size), JR_E_SIZE_OVERFLOW);
  {
    const int64_t zero_big[3] = {INT64_MAX, INT64_MAX, 0};
    CHECK_OK(jr_shape_size(3, zero_big, &size));
    CHECK(size == 0, "a zero dimension gives 0 elements, got %lld",
          (long long)size);
    CHECK_OK(jr_shape_size(JR_MAX_NDIM, many, &size));
    CHECK(size == 1, "32 ones");
  }

  /* context */
  EXPECT(jr_ctx_set_int(NULL, JR_PARAM_MODE, 0), JR_E_NULL_POINTER);
  EXPECT(jr_ctx_set_int(ctx, (jr_param)99, 0), JR_E_BAD_ARGUMENT);
  EXPECT(jr_ctx_set_int(ctx, JR_PARAM_TOL, 1), JR_E_BAD_ARGUMENT);
  EXPECT(jr_ctx_set_int(ctx, JR_PARAM_MODE, 2), JR_E_BAD_MODE);
  EXPECT(jr_ctx_set_int(ctx, JR_PARAM_MODE, -1), JR_E_BAD_MODE);
  EXPECT(jr_ctx_set_int(ctx, JR_PARAM_THREADS, -1), JR_E_BAD_ARGUMENT);
  EXPECT(jr_ctx_set_int(ctx, JR_PARAM_THREADS, (int64_t)1 << 40),
         JR_E_BAD_ARGUMENT);
  EXPECT(jr_ctx_set_int(ctx, JR_PARAM_CHECK_VALID, 3), JR_E_BAD_MODE);
  EXPECT(jr_ctx_get_int(NULL, JR_PARAM_MODE, &size), JR_E_NULL_POINTER);
  EXPECT(jr_ctx_get_int(ctx, JR_PARAM_MODE, NULL), JR_E_NULL_POINTER);
  EXPECT(jr_ctx_get_int(ctx, JR_PARAM_TOL, &size), JR_E_BAD_ARGUMENT);
  EXPECT(jr_ctx_get_int(ctx, (jr_param)0, &size), JR_E_BAD_ARGUMENT);
  {
    double v;
    EXPECT(jr_ctx_set_double(NULL, JR_PARAM_TOL, 1.0), JR_E_NULL_POINTER);
    EXPECT(jr_ctx_set_double(ctx, JR_PARAM_MODE, 1.0), JR_E_BAD_ARGUMENT);
    EXPECT(jr_ctx_set_double(ctx, JR_PARAM_TOL, -1.0), JR_E_BAD_ARGUMENT);
    EXPECT(jr_ctx_set_double(ctx, JR_PARAM_TOL, 0.0 / 0.0), JR_E_BAD_ARGUMENT);
    EXPECT(jr_ctx_set_double(ctx, JR_PARAM_TOL, 1.0 / 0.0), JR_E_BAD_ARGUMENT);
    EXPECT(jr_ctx_get_double(NULL, JR_PARAM_TOL, &v), JR_E_NULL_POINTER);
    EXPECT(jr_ctx_get_double(ctx, JR_PARAM_TOL, NULL), JR_E_NULL_POINTER);
    EXPECT(jr_ctx_get_double(ctx, JR_PARAM_THREADS, &v), JR_E_BAD_ARGUMENT);
  }
  EXPECT(jr_ctx_set_warning_handler(NULL, NULL, NULL), JR_E_NULL_POINTER);
  jr_ctx_free(NULL); /* allowed, like free(NULL) */

  /* kernel sets */
  {
    jr_isa before = jr_isa_active();
    EXPECT(jr_isa_select((jr_isa)99), JR_E_BAD_ISA);
    EXPECT(jr_isa_select((jr_isa)-1), JR_E_BAD_ISA);
    for (int i = JR_ISA_REF; i <= JR_ISA_AVX512; i++)
      if (!jr_isa_supported((jr_isa)i))
        EXPECT(jr_isa_select((jr_isa)i), JR_E_BAD_ISA);
    CHECK(jr_isa_active() == before, "a failed select changed the kernel set");
    CHECK(jr_isa_name((jr_isa)99) && *jr_isa_name((jr_isa)99), "jr_isa_name");
    CHECK(!jr_isa_supported((jr_isa)99), "unknown isa supported");
  }

  /* split */
  EXPECT(jr_split(NULL, key, 1, &ten, NULL), JR_E_NULL_POINTER);
  EXPECT(jr_split(NULL, key, 1, NULL, (jr_key *)buf), JR_E_NULL_POINTER);
  EXPECT(jr_split(NULL, key, -1, &ten, (jr_key *)buf), JR_E_BAD_SHAPE);
  EXPECT(jr_split(NULL, key, JR_MAX_NDIM + 1, many, (jr_key *)buf),
         JR_E_BAD_SHAPE);
  EXPECT(jr_split(NULL, key, 2, neg, (jr_key *)buf), JR_E_BAD_SHAPE);
  EXPECT(jr_split(NULL, key, 2, big2, (jr_key *)buf), JR_E_SIZE_OVERFLOW);
  EXPECT(jr_split(legacy, key, 2, max2, (jr_key *)buf), JR_E_SIZE_OVERFLOW);
  { /* legacy split beyond JAX's single hash block: refused before writing */
    const int64_t huge = (int64_t)1 << 31;
    EXPECT(jr_split(legacy, key, 1, &huge, (jr_key *)buf), JR_E_TOO_LARGE);
    const int64_t zero = 0;
    CHECK_OK(jr_split(NULL, key, 1, &zero, NULL));
  }

  /* bits */
  static const int bad_widths[] = {0, 1, 7, 12, 24, 48, 128, -8, 65};
  for (size_t i = 0; i < sizeof bad_widths / sizeof *bad_widths; i++) {
    EXPECT(jr_random_bits(NULL, key, bad_widths[i], 1, &one, buf),
           JR_E_BAD_WIDTH);
    EXPECT(jr_random_bits_range(NULL, key, bad_widths[i], 1, 0, 1, buf),
           JR_E_BAD_WIDTH);
  }
  EXPECT(jr_random_bits(NULL, key, 32, 1, &ten, NULL), JR_E_NULL_POINTER);
  EXPECT(jr_random_bits(NULL, key, 32, 1, NULL, buf), JR_E_NULL_POINTER);
  EXPECT(jr_random_bits(NULL, key, 32, JR_MAX_NDIM + 1, many, buf),
         JR_E_BAD_SHAPE);
  EXPECT(jr_random_bits(NULL, key, 32, -5, many, buf), JR_E_BAD_SHAPE);
  EXPECT(jr_random_bits(NULL, key, 8, 2, neg, buf), JR_E_BAD_SHAPE);
  EXPECT(jr_random_bits(NULL, key, 8, 2, big2, buf), JR_E_SIZE_OVERFLOW);
  { /* element count fits, byte count does not: refused, nothing written */
    const int64_t n = (int64_t)1 << 61;
    EXPECT(jr_random_bits(NULL, key, 64, 1, &n, buf), JR_E_SIZE_OVERFLOW);
    EXPECT(jr_random_bits(legacy, key, 64, 1, &n, buf), JR_E_SIZE_OVERFLOW);
    EXPECT(jr_normal(NULL, key, JR_FLOAT64, 1, &n, buf), JR_E_SIZE_OVERFLOW);
  }

  /* uniform / normal dtypes */
  static const jr_dtype bad_dtypes[] = {
      JR_DTYPE_NONE, JR_UINT32, JR_INT8, JR_BOOL, (jr_dtype)99, (jr_dtype)-1};
  for (size_t i = 0; i < sizeof bad_dtypes / sizeof *bad_dtypes; i++) {
    EXPECT(jr_uniform(NULL, key, bad_dtypes[i], 1, &one, 0, 1, buf),
           JR_E_BAD_DTYPE);
    EXPECT(jr_normal(NULL, key, bad_dtypes[i], 1, &one, buf), JR_E_BAD_DTYPE);
    EXPECT(jr_uniform_range(NULL, key, bad_dtypes[i], 1, 0, 1, 0, 1, buf),
           JR_E_BAD_DTYPE);
    EXPECT(jr_normal_range(NULL, key, bad_dtypes[i], 1, 0, 1, buf),
           JR_E_BAD_DTYPE);
  }
  EXPECT(jr_uniform(NULL, key, JR_FLOAT32, 1, &ten, 0, 1, NULL),
         JR_E_NULL_POINTER);
  EXPECT(jr_normal(ctx, key, JR_FLOAT16, 1, &ten, NULL), JR_E_NULL_POINTER);
  EXPECT(jr_uniform(NULL, key, JR_FLOAT32, 2, neg, 0, 1, buf), JR_E_BAD_SHAPE);
  EXPECT(jr_normal(NULL, key, JR_BFLOAT16, 33, many, buf), JR_E_BAD_SHAPE);
  EXPECT(jr_normal(legacy, key, JR_FLOAT32, 2, max2, buf), JR_E_SIZE_OVERFLOW);

  /* ranges: outside the output, negative, overflowing start + count */
  static const int64_t bad_ranges[][3] = {{-1, 0, 0},
                                          {10, -1, 1},
                                          {10, 0, -1},
                                          {10, 11, 0},
                                          {10, 5, 6},
                                          {10, 10, 1},
                                          {INT64_MAX, INT64_MAX, INT64_MAX},
                                          {INT64_MAX, 2, INT64_MAX - 1},
                                          {5, INT64_MAX, 1}};
  for (size_t i = 0; i < sizeof bad_ranges / sizeof *bad_ranges; i++) {
    const int64_t *r = bad_ranges[i];
    for (int m = 0; m < 2; m++) {
      jr_ctx *c = m ? legacy : ctx;
      EXPECT(jr_random_bits_range(c, key, 16, r[0], r[1], r[2], buf),
             JR_E_BAD_RANGE);
      EXPECT(jr_uniform_range(c, key, JR_FLOAT64, r[0], r[1], r[2], 0, 1, buf),
             JR_E_BAD_RANGE);
      EXPECT(jr_normal_range(c, key, JR_FLOAT32, r[0], r[1], r[2], buf),
             JR_E_BAD_RANGE);
    }
  }
  /* Empty outputs are fine with a NULL pointer. */
  CHECK_OK(jr_normal_range(NULL, key, JR_FLOAT32, 10, 10, 0, NULL));
  CHECK_OK(jr_random_bits_range(legacy, key, 8, 0, 0, 0, NULL));

  /* Scalar functions take any input: no status, but no crash either. */
  uint32_t y[2];
  jr_threefry2x32(key, 0xFFFFFFFFu, 0xFFFFFFFFu, y);
  (void)jr_fold_in(key, 0xFFFFFFFFu);
  (void)jr_key_from_seed(INT64_MIN, 1);

  jr_ctx_free(ctx);
  jr_ctx_free(legacy);
  return tu_finish("test_errors");
}
