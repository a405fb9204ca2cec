/* Known answers from independent sources, all in tests/data/ (see each
 * file's header for provenance):
 *   jaxjs_partitionable.txt  keys, split, bits, float32 uniform (default mode),
 *                            compared bit for bit;
 *   jax_tests_legacy.txt     JAX's test-suite values (legacy mode), floats to
 *                            the printed 6 decimals;
 *   jax_suite.txt            everything found in JAX's tests and doctests,
 *                            both modes, plus the relations those tests assert.
 * multivariate_normal with an identity covariance is computed here as
 * mean + I z from jr_normal: with one non-zero 1.0 per factor row XLA's dot
 * is exact, so this is exactly what JAX computes. */
#include <math.h>

#include "test_util.h"

static jr_ctx *ctx_part, *ctx_legacy;

static jr_ctx *mode_ctx(const tu_data *d, const char *mode) {
  if (strcmp(mode, "legacy") == 0) return ctx_legacy;
  if (strcmp(mode, "partitionable") == 0) return ctx_part;
  CHECK(0, "%s:%d: unknown mode '%s'", d->name, d->lineno, mode);
  return ctx_part;
}

/* Reads ndim and dims starting at token *i; returns the element count. */
static int64_t read_shape(const tu_data *d, int *i, int *ndim, int64_t *dims) {
  *ndim = (int)tu_parse_i64(d, (*i)++);
  int64_t n = 1;
  CHECK(*ndim >= 0 && *ndim <= 4, "%s:%d: ndim", d->name, d->lineno);
  if (*ndim < 0 || *ndim > 4) *ndim = 0;
  for (int k = 0; k < *ndim; k++)
    n *= (dims[k] = tu_parse_i64(d, (*i)++));
  return n;
}

static int count_ok(const tu_data *d, int64_t n) {
  int ok = d->ntok - d->nargs == n;
  CHECK(ok, "%s:%d: %d expected values for %lld elements", d->name, d->lineno,
        d->ntok - d->nargs, (long long)n);
  return ok;
}

static void check_bits(const tu_data *d, jr_ctx *ctx, jr_key key, int width,
                       int ndim, const int64_t *dims, int64_t n) {
  if (!count_ok(d, n)) return;
  uint64_t *out = tu_xmalloc(8 * (size_t)n);
  CHECK_OK(jr_random_bits(ctx, key, width, ndim, dims, out));
  for (int64_t j = 0; j < n; j++) {
    uint64_t got = width == 8    ? ((uint8_t *)out)[j]
                   : width == 16 ? ((uint16_t *)out)[j]
                   : width == 32 ? ((uint32_t *)out)[j]
                                 : out[j];
    uint64_t exp = tu_parse_u64(d, d->nargs + (int)j, 10);
    CHECK(got == exp, "%s:%d: bits%d[%lld] = %llu, expected %llu", d->name,
          d->lineno, width, (long long)j, (unsigned long long)got,
          (unsigned long long)exp);
  }
  free(out);
}

/* decimals < 0: the expected text is an exact float32 value (NumPy repr or
 * shortest round-trip decimal); else the value is printed to that many
 * decimals: the float32 must round to it (and, for 6 decimals, also pass
 * JAX's assertAllClose with rtol = atol = 1e-6). ulp_slack = 1 accepts a
 * value up to one float32 ulp outside the printed rounding interval (used
 * only for multivariate_normal, see jax_suite.txt). */
static void check_float(const tu_data *d, const char *what, const float *got,
                        int64_t n, int first, int decimals, int ulp_slack) {
  if (!count_ok(d, n)) return;
  for (int64_t j = 0; j < n; j++) {
    double exp = tu_parse_double(d, first + (int)j);
    if (decimals < 0) {
      float e = (float)exp;
      CHECK(memcmp(&e, &got[j], 4) == 0,
            "%s:%d: %s[%lld] = %.9g, expected %.9g", d->name, d->lineno, what,
            (long long)j, got[j], e);
      continue;
    }
    double err = fabs((double)got[j] - exp);
    double half = 0.5 * pow(10.0, -decimals) * (1 + 1e-9);
    double ulp = (double)nextafterf(fabsf(got[j]), INFINITY) - fabsf(got[j]);
    if (err > half && ulp_slack && err <= half + ulp)
      printf("note: %s:%d: %s[%lld] = %.9g is within one ulp of rounding to "
             "%s, not inside\n",
             d->name, d->lineno, what, (long long)j, got[j],
             d->tok[first + (int)j]);
    CHECK(err <= half + (ulp_slack ? ulp : 0.0),
          "%s:%d: %s[%lld] = %.9g does not round to %s (%d decimals)", d->name,
          d->lineno, what, (long long)j, got[j], d->tok[first + (int)j],
          decimals);
    if (decimals == 6)
      CHECK(err <= 1e-6 + 1e-6 * fabs(exp),
            "%s:%d: %s[%lld] = %.9g not within rtol=atol=1e-6 of %s", d->name,
            d->lineno, what, (long long)j, got[j], d->tok[first + (int)j]);
  }
}

/* The uniform cases of jaxjs_partitionable.txt whose product f * (maxval -
 * minval) is inexact ([0.001, 0.01)) were produced without contracting the
 * multiply-add; XLA:CPU contracts it (algorithm.md 6). For those elements the value
 * must equal the fused result computed here from the bits of the same key,
 * and the reference value must then be exactly the unfused one. */
static long contraction_cases;
static void check_uniform_f32(const tu_data *d, jr_key key, const float *got,
                              int64_t n, double minval, double maxval) {
  if (!count_ok(d, n)) return;
  uint32_t *bits = tu_xmalloc(4 * (size_t)n);
  CHECK_OK(jr_random_bits(ctx_part, key, 32, 1, &n, bits));
  float lo = (float)minval, hi = (float)maxval, span = hi - lo;
  for (int64_t j = 0; j < n; j++) {
    float e = (float)tu_parse_double(d, d->nargs + (int)j);
    uint32_t fb = (bits[j] >> 9) | 0x3F800000u;
    float f;
    memcpy(&f, &fb, 4);
    f -= 1.0f;
    float fused = fmaf(f, span, lo), prod = f * span, unfused = prod + lo;
    fused = fused < lo ? lo : fused;
    unfused = unfused < lo ? lo : unfused;
    CHECK(memcmp(&got[j], &fused, 4) == 0,
          "%s:%d: uniform[%lld] = %.9g, the fused multiply-add gives %.9g",
          d->name, d->lineno, (long long)j, got[j], fused);
    if (memcmp(&e, &got[j], 4) != 0) {
      contraction_cases++;
      CHECK(memcmp(&e, &unfused, 4) == 0 && memcmp(&fused, &unfused, 4) != 0,
            "%s:%d: uniform[%lld] = %.9g, expected %.9g (not explained by "
            "the unfused multiply-add %.9g)",
            d->name, d->lineno, (long long)j, got[j], e, unfused);
    }
  }
  free(bits);
}

static void check_keys(const tu_data *d, const jr_key *keys, int64_t num) {
  if (!count_ok(d, 2 * num)) return;
  for (int64_t j = 0; j < num; j++)
    for (int w = 0; w < 2; w++) {
      uint64_t exp = tu_parse_u64(d, d->nargs + (int)(2 * j + w), 10);
      CHECK(keys[j].k[w] == exp, "%s:%d: key %lld word %d = %u, expected %llu",
            d->name, d->lineno, (long long)j, w, keys[j].k[w],
            (unsigned long long)exp);
    }
}

static void do_split(const tu_data *d, jr_ctx *ctx, int64_t seed, int64_t num) {
  jr_key *keys = tu_xmalloc(sizeof *keys * (size_t)(num > 0 ? num : 1));
  CHECK_OK(jr_split(ctx, jr_key_from_seed(seed, 0), 1, &num, keys));
  check_keys(d, keys, num);
  free(keys);
}

static void do_uniform_or_normal(const tu_data *d, jr_ctx *ctx, int normal,
                                 int64_t seed, int ndim, const int64_t *dims,
                                 int64_t n, double lo, double hi,
                                 int decimals) {
  float *out = tu_xmalloc(4 * (size_t)n);
  jr_key key = jr_key_from_seed(seed, 0);
  if (normal)
    CHECK_OK(jr_normal(ctx, key, JR_FLOAT32, ndim, dims, out));
  else
    CHECK_OK(jr_uniform(ctx, key, JR_FLOAT32, ndim, dims, lo, hi, out));
  if (!normal && decimals < 0 && ctx == ctx_part)
    check_uniform_f32(d, key, out, n, lo, hi);
  else
    check_float(d, normal ? "normal" : "uniform", out, n, d->nargs, decimals,
                0);
  free(out);
}

static void do_mvn_identity(const tu_data *d, jr_ctx *ctx, int i,
                            int decimals) {
  int64_t seed = tu_parse_i64(d, i++);
  int64_t shape[2] = {tu_parse_i64(d, i), tu_parse_i64(d, i + 1)};
  i += 2;
  int64_t n = shape[0] * shape[1];
  float *z = tu_xmalloc(4 * (size_t)n), mean[8];
  CHECK(shape[1] <= 8, "mvn n");
  for (int j = 0; j < shape[1] && j < 8; j++)
    mean[j] = (float)tu_parse_double(d, i++);
  CHECK_OK(jr_normal(ctx, jr_key_from_seed(seed, 0), JR_FLOAT32, 2, shape, z));
  for (int64_t j = 0; j < n; j++)
    z[j] = mean[j % shape[1]] + z[j];
  check_float(d, "multivariate_normal", z, n, d->nargs, decimals, 1);
  free(z);
}

static void run_jaxjs(void) {
  tu_data d;
  int cases = 0;
  if (!tu_data_open(&d, "jaxjs_partitionable.txt")) return;
  while (tu_data_next(&d)) {
    const char *fn = d.tok[0];
    int64_t seed = tu_parse_i64(&d, 1), dims[4];
    int i = 2, ndim;
    cases++;
    if (strcmp(fn, "key") == 0) {
      jr_key k = jr_key_from_seed(seed, 0);
      check_keys(&d, &k, 1);
    } else if (strcmp(fn, "split") == 0) {
      do_split(&d, ctx_part, seed, tu_parse_i64(&d, 2));
    } else if (strcmp(fn, "bits") == 0) {
      int64_t n = read_shape(&d, &i, &ndim, dims);
      check_bits(&d, ctx_part, jr_key_from_seed(seed, 0), 32, ndim, dims, n);
    } else if (strcmp(fn, "uniform") == 0) {
      int64_t n = read_shape(&d, &i, &ndim, dims);
      double lo = tu_parse_double(&d, i), hi = tu_parse_double(&d, i + 1);
      do_uniform_or_normal(&d, ctx_part, 0, seed, ndim, dims, n, lo, hi, -1);
    } else {
      CHECK(0, "%s:%d: unknown case '%s'", d.name, d.lineno, fn);
    }
  }
  tu_data_close(&d);
  CHECK(cases == 78, "jaxjs_partitionable.txt: %d cases, expected 78", cases);
}

static void do_seed_key(const tu_data *d, int i) {
  int64_t seed = tu_parse_i64(d, i);
  int x64 = (int)tu_parse_i64(d, i + 1);
  jr_key k = jr_key_from_seed(seed, x64);
  check_keys(d, &k, 1);
}

static void do_fold_in(const tu_data *d, int i) {
  jr_key k = jr_key_from_seed(tu_parse_i64(d, i), 0);
  k = jr_fold_in(k, (uint32_t)tu_parse_u64(d, i + 1, 10));
  check_keys(d, &k, 1);
}

static void run_legacy_file(void) {
  tu_data d;
  int cases = 0;
  if (!tu_data_open(&d, "jax_tests_legacy.txt")) return;
  while (tu_data_next(&d)) {
    const char *fn = d.tok[0];
    int64_t dims[4];
    int i = 1, ndim;
    cases++;
    if (strcmp(fn, "bits") == 0) {
      int64_t seed = tu_parse_i64(&d, i++);
      int width = (int)tu_parse_i64(&d, i++);
      int64_t n = read_shape(&d, &i, &ndim, dims);
      check_bits(&d, ctx_legacy, jr_key_from_seed(seed, 0), width, ndim, dims,
                 n);
    } else if (strcmp(fn, "uniform") == 0 || strcmp(fn, "normal") == 0) {
      int64_t seed = tu_parse_i64(&d, i++);
      int64_t n = read_shape(&d, &i, &ndim, dims);
      do_uniform_or_normal(&d, ctx_legacy, fn[0] == 'n', seed, ndim, dims, n,
                           0.0, 1.0, 6);
    } else if (strcmp(fn, "mvn_identity") == 0) {
      do_mvn_identity(&d, ctx_legacy, 1, 6);
    } else if (strcmp(fn, "split") == 0) {
      do_split(&d, ctx_legacy, tu_parse_i64(&d, 1), tu_parse_i64(&d, 2));
    } else if (strcmp(fn, "fold_in") == 0) {
      do_fold_in(&d, 1);
    } else if (strcmp(fn, "seed_key") == 0) {
      do_seed_key(&d, 1);
    } else {
      CHECK(0, "%s:%d: unknown case '%s'", d.name, d.lineno, fn);
    }
  }
  tu_data_close(&d);
  CHECK(cases == 22, "jax_tests_legacy.txt: %d cases, expected 22", cases);
}

/* "repr" (exact float32 repr) or a number of printed decimals. */
static int parse_decimals(const tu_data *d, int i) {
  if (i < d->ntok && strcmp(d->tok[i], "repr") == 0) return -1;
  return (int)tu_parse_i64(d, i);
}

static void run_jax_suite(void) {
  tu_data d;
  int cases = 0;
  if (!tu_data_open(&d, "jax_suite.txt")) return;
  while (tu_data_next(&d)) {
    const char *fn = d.tok[0];
    int64_t dims[4];
    int i = 1, ndim;
    cases++;
    if (strcmp(fn, "threefry") == 0) {
      jr_key k = {{(uint32_t)tu_parse_u64(&d, 1, 16),
                   (uint32_t)tu_parse_u64(&d, 2, 16)}};
      uint32_t y[2];
      jr_threefry2x32(k, (uint32_t)tu_parse_u64(&d, 3, 16),
                      (uint32_t)tu_parse_u64(&d, 4, 16), y);
      CHECK(y[0] == tu_parse_u64(&d, 5, 16) && y[1] == tu_parse_u64(&d, 6, 16),
            "%s:%d: threefry = %08x %08x", d.name, d.lineno, y[0], y[1]);
    } else if (strcmp(fn, "bits") == 0) {
      jr_ctx *ctx = mode_ctx(&d, d.tok[i++]);
      int64_t seed = tu_parse_i64(&d, i++);
      int width = (int)tu_parse_i64(&d, i++);
      int64_t n = read_shape(&d, &i, &ndim, dims);
      check_bits(&d, ctx, jr_key_from_seed(seed, 0), width, ndim, dims, n);
    } else if (strcmp(fn, "uniform") == 0 || strcmp(fn, "normal") == 0) {
      jr_ctx *ctx = mode_ctx(&d, d.tok[i++]);
      int64_t seed = tu_parse_i64(&d, i++);
      int64_t n = read_shape(&d, &i, &ndim, dims);
      int decimals = parse_decimals(&d, i);
      do_uniform_or_normal(&d, ctx, fn[0] == 'n', seed, ndim, dims, n, 0.0, 1.0,
                           decimals);
    } else if (strcmp(fn, "mvn_identity") == 0) {
      jr_ctx *ctx = mode_ctx(&d, d.tok[1]);
      int decimals = parse_decimals(&d, d.nargs - 1);
      do_mvn_identity(&d, ctx, 2, decimals);
    } else if (strcmp(fn, "split") == 0) {
      jr_ctx *ctx = mode_ctx(&d, d.tok[1]);
      do_split(&d, ctx, tu_parse_i64(&d, 2), tu_parse_i64(&d, 3));
    } else if (strcmp(fn, "fold_in") == 0) {
      do_fold_in(&d, 1);
    } else if (strcmp(fn, "seed_key") == 0) {
      do_seed_key(&d, 1);
    } else if (strcmp(fn, "split_fold_in_symmetry") == 0) {
      jr_key key = jr_key_from_seed(tu_parse_i64(&d, 1), 0), s[16];
      int64_t num = tu_parse_i64(&d, 2);
      CHECK(num > 0 && num <= 16, "num");
      CHECK_OK(jr_split(ctx_part, key, 1, &num, s));
      for (int64_t j = 0; j < num && j < 16; j++) {
        jr_key f = jr_fold_in(key, (uint32_t)j);
        CHECK(f.k[0] == s[j].k[0] && f.k[1] == s[j].k[1],
              "%s:%d: fold_in(key, %lld) != split(key, %lld)[%lld]", d.name,
              d.lineno, (long long)j, (long long)num, (long long)j);
      }
    } else if (strcmp(fn, "bits_view_property") == 0) {
      jr_key key = jr_key_from_seed(tu_parse_i64(&d, 1), 0);
      int64_t N = tu_parse_i64(&d, 2), n8 = N * 8, n16 = N * 4, n32 = N * 2;
      uint8_t *b8 = tu_xmalloc((size_t)n8);
      uint16_t *b16 = tu_xmalloc(2 * (size_t)n16);
      uint32_t *b32 = tu_xmalloc(4 * (size_t)n32);
      CHECK_OK(jr_random_bits(ctx_legacy, key, 8, 1, &n8, b8));
      CHECK_OK(jr_random_bits(ctx_legacy, key, 16, 1, &n16, b16));
      CHECK_OK(jr_random_bits(ctx_legacy, key, 32, 1, &n32, b32));
      for (int64_t j = 0; j < n32; j++) { /* little-endian views */
        uint32_t v8 = 0,
                 v16 = (uint32_t)b16[2 * j] | (uint32_t)b16[2 * j + 1] << 16;
        for (int b = 0; b < 4; b++)
          v8 |= (uint32_t)b8[4 * j + b] << (8 * b);
        CHECK(
            v8 == b32[j] && v16 == b32[j],
            "%s:%d: word %lld: 8-bit view %08x, 16-bit view %08x, 32-bit %08x",
            d.name, d.lineno, (long long)j, v8, v16, b32[j]);
      }
      free(b8);
      free(b16);
      free(b32);
    } else if (strcmp(fn, "stateful_split_uniform") == 0) {
      jr_key base = jr_key_from_seed(tu_parse_i64(&d, 1), 0), s[16];
      int64_t num = tu_parse_i64(&d, 2);
      int decimals = parse_decimals(&d, 3);
      float u[16];
      CHECK(num > 0 && num <= 16, "num");
      CHECK_OK(jr_split(ctx_part, jr_fold_in(base, 0), 1, &num, s));
      for (int64_t j = 0; j < num && j < 16; j++)
        CHECK_OK(jr_uniform(ctx_part, jr_fold_in(s[j], 0), JR_FLOAT32, 0, NULL,
                            0.0, 1.0, &u[j]));
      check_float(&d, "stateful uniform", u, num, d.nargs, decimals, 0);
    } else if (strcmp(fn, "stateful_random") == 0) {
      jr_key base = jr_key_from_seed(tu_parse_i64(&d, 1), 0);
      uint32_t draw = (uint32_t)tu_parse_u64(&d, 2, 10);
      int64_t n = tu_parse_i64(&d, 3);
      int decimals = parse_decimals(&d, 4);
      float *u = tu_xmalloc(4 * (size_t)n);
      CHECK_OK(jr_uniform(ctx_part, jr_fold_in(base, draw), JR_FLOAT32, 1, &n,
                          0.0, 1.0, u));
      check_float(&d, "stateful random", u, n, d.nargs, decimals, 0);
      free(u);
    } else {
      CHECK(0, "%s:%d: unknown case '%s'", d.name, d.lineno, fn);
    }
  }
  tu_data_close(&d);
  CHECK(cases == 42, "jax_suite.txt: %d cases, expected 42", cases);
}

int main(void) {
  ctx_part = jr_ctx_create();
  ctx_legacy = jr_ctx_create();
  if (!ctx_part || !ctx_legacy) return 2;
  CHECK_OK(jr_ctx_set_int(ctx_legacy, JR_PARAM_MODE, JR_LEGACY));
  /* Run everything with each kernel set: bits and the fused normal go
   * through the kernel table. */
  jr_isa isas[8];
  int nisa = tu_isas(isas);
  for (int k = 0; k < nisa; k++) {
    CHECK_OK(jr_isa_select(isas[k]));
    run_jaxjs();
    run_legacy_file();
    run_jax_suite();
  }
  /* 9 elements per kernel set (see check_uniform_f32); printed so a change
   * is visible, each one already checked against both models. */
  printf("uniform elements where the reference did not contract the "
         "multiply-add: %ld\n",
         contraction_cases);
  CHECK(contraction_cases == 9L * nisa, "expected 9 per kernel set");
  jr_ctx_free(ctx_part);
  jr_ctx_free(ctx_legacy);
  return tu_finish("test_known_answers");
}
