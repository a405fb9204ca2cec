/* The own Cholesky (chol.h) and product (product.h): every kernel set the
 * machine supports byte for byte against the scalar definitions (ref), for
 * n = 1..20, 31..33, 64, 100, 300 (Cholesky also 450, 600; the product
 * also 401, 450, 1031, 1100), odd row counts, failing and NaN
 * matrices; the batched small Cholesky against jr_chol per matrix; the
 * product for n <= 16 against jr_transform_rows and the sets' small
 * products; the triangular solve (solve.h) against ref and ref against an
 * independent model of its order, bit for bit, n = 1..1031, rows across the
 * lane and chunk widths, NaN factors, -0 means; the start-up self-check (passes
 * on every set, detects a broken entry); and a long-double sanity bound on the
 * accuracy. */
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "kernels/kernels_simd.h"
#include "linalg/chol.h"
#include "linalg/factor.h"
#include "linalg/linalg_kernels.h"
#include "linalg/product.h"
#include "linalg/solve.h"
#include "linalg/transform.h"

static uint64_t rng = 0x2545F4914F6CDD1Dull;
static double urand(void) { /* [-1, 1) */
  rng = rng * 6364136223846793005ull + 1442695040888963407ull;
  return (double)(rng >> 11) * 0x1p-52 - 1.0;
}

static const int64_t sizes[] = {1,  2,  3,  4,  5,  6,  7,   8,  9,
                                10, 11, 12, 13, 14, 15, 16,  17, 18,
                                19, 20, 31, 32, 33, 64, 100, 300};
enum { NSIZES = sizeof sizes / sizeof sizes[0] };
/* Cholesky only: several reduction (192) and column (256) blocks */
static const int64_t big_sizes[] = {450, 600};

static const jr_isa isas[] = {JR_ISA_AVX2, JR_ISA_AVX512};

/* The kernel table of a set (its linear-algebra entries are under test);
 * only called for a set jr_isa_supported says runs here. */
static const jr_kernels *table_for(jr_isa isa) {
#if defined(JR_HAVE_AVX2)
  if (isa == JR_ISA_AVX2) return &jr_kernels_avx2;
#endif
#if defined(JR_HAVE_AVX512)
  if (isa == JR_ISA_AVX512) return &jr_kernels_avx512;
#endif
  return &jr_kernels_ref;
}

/* A random symmetric positive definite matrix (cov = B B^T / n + 0.1 I in
 * double), row-major with row stride ld; with asym, the upper triangle
 * perturbed (so the symmetrization matters). */
static void make_spd(int64_t n, int64_t ld, double *c, int asym) {
  double *b = malloc(sizeof *b * (size_t)(n * n));
  for (int64_t k = 0; k < n * n; k++)
    b[k] = urand();
  for (int64_t i = 0; i < n; i++)
    for (int64_t j = 0; j <= i; j++) {
      double s = i == j ? 0.1 : 0.0;
      for (int64_t k = 0; k < n; k++)
        s += b[i * n + k] * b[j * n + k] / (double)n;
      c[i * ld + j] = c[j * ld + i] = s;
      if (asym && j < i) c[j * ld + i] = s * (1 + 1e-3 * urand());
    }
  free(b);
}

static size_t tsize(jr_dtype d) {
  return d == JR_FLOAT32 ? 4 : 8;
}

static void to_dtype(jr_dtype d, int64_t count, const double *src, void *dst) {
  for (int64_t k = 0; k < count; k++)
    if (d == JR_FLOAT32)
      ((float *)dst)[k] = (float)src[k];
    else
      ((double *)dst)[k] = src[k];
}

/* The factor by the definition (ref), row stride ld. */
static int64_t chol_with(const jr_kernels *kt, jr_dtype d, int64_t n,
                         const void *cov, int64_t ldc, void *f, int64_t ld) {
  int64_t info;
  if (d == JR_FLOAT32) {
    jr_chol_load_f32(n, cov, ldc, f, ld);
    info = n <= JR_CHOL_POTF2_MAX ? jr_potf2_ref_f32(n, f, ld)
                                  : kt->chol_f32(n, f, ld);
    jr_chol_finish_f32(n, f, ld, info);
  } else {
    jr_chol_load_f64(n, cov, ldc, f, ld);
    info = n <= JR_CHOL_POTF2_MAX ? jr_potf2_ref_f64(n, f, ld)
                                  : kt->chol_f64(n, f, ld);
    jr_chol_finish_f64(n, f, ld, info);
  }
  return info;
}

static int nan_factor_ok(jr_dtype d, int64_t n, const void *f, int64_t ld) {
  for (int64_t i = 0; i < n; i++)
    for (int64_t j = 0; j < n; j++) {
      const double v = d == JR_FLOAT32 ? ((const float *)f)[i * ld + j]
                                       : ((const double *)f)[i * ld + j];
      if (j <= i ? !isnan(v) : (v != 0 || signbit(v))) return 0;
    }
  return 1;
}

/* Cases: 0 good, 1 good and asymmetric, 2 failing pivot p, 3 NaN at (p, q). */
static int64_t make_case(int cse, jr_dtype d, int64_t n, int64_t ld, void *c,
                         int64_t *expect) {
  double *m = calloc((size_t)(n * ld), sizeof *m);
  make_spd(n, ld, m, cse == 1);
  *expect = 0;
  if (cse == 2) { /* pivot p becomes about -1: earlier pivots unchanged */
    const int64_t p = (int64_t)((urand() + 1) / 2 * (double)n);
    m[p * ld + p] = -1.0 - fabs(m[p * ld + p]) * 10;
    *expect = p + 1;
  } else if (cse == 3) {
    const int64_t p = (int64_t)((urand() + 1) / 2 * (double)n);
    const int64_t q = (int64_t)((urand() + 1) / 2 * (double)n);
    m[p * ld + q] = m[q * ld + p] = NAN;
    *expect = (p > q ? p : q) + 1;
  }
  to_dtype(d, n * ld, m, c);
  free(m);
  return 0;
}

static void test_chol(void) {
  for (int di = 0; di < 2; di++) {
    const jr_dtype d = di ? JR_FLOAT64 : JR_FLOAT32;
    for (int si = 0; si < NSIZES + 2; si++) {
      const int64_t n = si < NSIZES ? sizes[si] : big_sizes[si - NSIZES];
      const int64_t ld = n + (n & 1 ? 3 : 0);
      void *c = malloc(tsize(d) * (size_t)(n * ld));
      void *fr = malloc(tsize(d) * (size_t)(n * ld));
      void *fk = malloc(tsize(d) * (size_t)(n * ld));
      for (int cse = 0; cse < 4; cse++) {
        int64_t expect;
        make_case(cse, d, n, ld, c, &expect);
        const int64_t ir = chol_with(&jr_kernels_ref, d, n, c, ld, fr, ld);
        if (cse >= 2) {
          CHECK(ir == expect, "%s n=%lld case %d: ref info %lld, expected %lld",
                jr_dtype_name(d), (long long)n, cse, (long long)ir,
                (long long)expect);
          CHECK(nan_factor_ok(d, n, fr, ld),
                "n=%lld case %d: failed factor not NaN/zero", (long long)n,
                cse);
        } else {
          CHECK(ir == 0, "%s n=%lld case %d: ref info %lld", jr_dtype_name(d),
                (long long)n, cse, (long long)ir);
        }
        for (size_t t = 0; t < sizeof isas / sizeof isas[0]; t++) {
          if (!jr_isa_supported(isas[t])) continue;
          const jr_kernels *kt = table_for(isas[t]);
          memset(fk, 0x5A, tsize(d) * (size_t)(n * ld));
          const int64_t ik = chol_with(kt, d, n, c, ld, fk, ld);
          int same = 1;
          for (int64_t i = 0; i < n; i++)
            same &= !memcmp((char *)fk + tsize(d) * (size_t)(i * ld),
                            (char *)fr + tsize(d) * (size_t)(i * ld),
                            tsize(d) * (size_t)n);
          CHECK(ik == ir && same,
                "%s %s n=%lld case %d: info %lld vs ref %lld, bytes differ",
                jr_isa_name(isas[t]), jr_dtype_name(d), (long long)n, cse,
                (long long)ik, (long long)ir);
        }
        /* the entry point (active set), a different output stride */
        const int64_t ldf = n + 1;
        void *fa = malloc(tsize(d) * (size_t)(n * ldf));
        int64_t ia = -7;
        CHECK_OK(jr_chol(d, n, c, ld, fa, ldf, &ia));
        CHECK(ia == ir, "jr_chol info %lld vs %lld", (long long)ia,
              (long long)ir);
        int same = 1;
        for (int64_t i = 0; i < n; i++)
          same &= !memcmp((char *)fa + tsize(d) * (size_t)(i * ldf),
                          (char *)fr + tsize(d) * (size_t)(i * ld),
                          tsize(d) * (size_t)n);
        CHECK(same, "jr_chol %s n=%lld case %d differs from ref",
              jr_dtype_name(d), (long long)n, cse);
        free(fa);
      }
      free(c);
      free(fr);
      free(fk);
    }
  }
}

static void test_batch(void) {
  enum { COUNT = 37 };
  for (int di = 0; di < 2; di++) {
    const jr_dtype d = di ? JR_FLOAT64 : JR_FLOAT32;
    for (int64_t n = 1; n <= JR_CHOL_BATCH_MAX; n++) {
      const int64_t nn = n * n;
      const size_t bytes = tsize(d) * (size_t)(COUNT * nn);
      char *c = malloc(bytes), *fr = malloc(bytes), *fk = malloc(bytes),
           *f1 = malloc(tsize(d) * (size_t)nn);
      int64_t ir[COUNT], ik[COUNT], expect;
      for (int e = 0; e < COUNT; e++)
        make_case(e % 5 == 3   ? 2
                  : e % 7 == 4 ? 3
                               : e & 1,
                  d, n, n, c + tsize(d) * (size_t)(e * nn), &expect);
      for (int colmajor = 0; colmajor < 2; colmajor++) {
        if (d == JR_FLOAT32)
          jr_chol_batch_ref_f32(n, COUNT, (float *)c, (float *)fr, ir,
                                colmajor);
        else
          jr_chol_batch_ref_f64(n, COUNT, (double *)c, (double *)fr, ir,
                                colmajor);
        /* each matrix alone through jr_chol */
        for (int e = 0; e < COUNT; e++) {
          int64_t i1;
          CHECK_OK(
              jr_chol(d, n, c + tsize(d) * (size_t)(e * nn), n, f1, n, &i1));
          int same = i1 == ir[e];
          for (int64_t i = 0; i < n; i++)
            for (int64_t j = 0; j < n; j++)
              same &= !memcmp(
                  f1 + tsize(d) * (size_t)(i * n + j),
                  fr + tsize(d) * (size_t)(e * nn +
                                           (colmajor ? j * n + i : i * n + j)),
                  tsize(d));
          CHECK(same, "batch ref %s n=%lld e=%d colmajor=%d != jr_chol",
                jr_dtype_name(d), (long long)n, e, colmajor);
        }
        for (size_t t = 0; t < sizeof isas / sizeof isas[0]; t++) {
          if (!jr_isa_supported(isas[t])) continue;
          const jr_kernels *kt = table_for(isas[t]);
          memset(fk, 0x5A, bytes);
          if (d == JR_FLOAT32)
            kt->chol_batch_f32(n, COUNT, (float *)c, (float *)fk, ik, colmajor);
          else
            kt->chol_batch_f64(n, COUNT, (double *)c, (double *)fk, ik,
                               colmajor);
          CHECK(!memcmp(ik, ir, sizeof ik) && !memcmp(fk, fr, bytes),
                "batch %s %s n=%lld colmajor=%d differs from ref",
                jr_isa_name(isas[t]), jr_dtype_name(d), (long long)n, colmajor);
        }
      }
      free(c);
      free(fr);
      free(fk);
      free(f1);
    }
  }
}

/* A factor (row-major n x n) for the product: lower (random lower triangle,
 * garbage above it, which lower = 1 must ignore) or full. */
static void make_factor(int64_t n, int lower, double *f) {
  for (int64_t i = 0; i < n; i++)
    for (int64_t j = 0; j < n; j++)
      f[i * n + j] = lower && j > i ? 1e300 * urand() : urand();
}

static void run_product(const jr_kernels *kt, jr_dtype d, int64_t n, int lower,
                        int64_t rows, int shared, const void *packed,
                        const void *z, const void *mean, void *out) {
  jr_product_args a = {d, n,    lower,          rows, packed,
                       z, mean, shared ? 0 : n, out,  NULL};
  CHECK(kt->product(&a) == 0, "product failed");
}

static void product_case(jr_dtype d, int64_t n, int lower, int64_t rows,
                         int shared, int special) {
  double *fd = malloc(sizeof *fd * (size_t)(n * n));
  double *zd = malloc(sizeof *zd * (size_t)(rows * n));
  double *md = malloc(sizeof *md * (size_t)(rows * n));
  make_factor(n, lower, fd);
  for (int64_t k = 0; k < rows * n; k++) {
    zd[k] = urand() * 3;
    md[k] = urand() * 10;
  }
  if (special == 1) { /* non-finite z in some rows */
    zd[(rows / 2) * n + n - 1] = INFINITY;
    zd[0 * n + n / 2] = NAN;
  } else if (special == 2 || special == 4) {
    /* -0 sums (a tiny product flushed to -0) under a -0 mean, or (4) a
     * negative subnormal mean, which the addition reads as -0 */
    for (int64_t i = 0; i < n; i++)
      for (int64_t j = 0; j < n; j++)
        fd[i * n + j] = j == 0 ? (d == JR_FLOAT32 ? FLT_MIN : DBL_MIN) : 0;
    for (int64_t r = 0; r < rows; r++) {
      zd[r * n] = -0.25;
      /* -0 products keep the sum -0 inside any register tile (at most 32
       * wide); the +1 beyond turn it +0 in the definition */
      for (int64_t j = 1; j < n; j++)
        zd[r * n + j] = j < 32 ? -1 : 1;
      for (int64_t i = 0; i < n; i++)
        md[r * n + i] =
            special == 2 ? -0.0 : (d == JR_FLOAT32 ? -0x1p-140 : -0x1p-1060);
    }
  }
  if (special == 3) /* a failed Cholesky's factor: NaN lower, +0 upper */
    for (int64_t i = 0; i < n; i++)
      for (int64_t j = 0; j < n; j++)
        fd[i * n + j] = j > i ? 0.0 : NAN;
  const size_t ts = tsize(d);
  void *f = malloc(ts * (size_t)(n * n)), *z = malloc(ts * (size_t)(rows * n)),
       *m = malloc(ts * (size_t)(rows * n));
  to_dtype(d, n * n, fd, f);
  to_dtype(d, rows * n, zd, z);
  to_dtype(d, rows * n, md, m);
  const int64_t psz = jr_product_packed_size(d, n, lower);
  void *packed = aligned_alloc(64, (ts * (size_t)psz + 63) / 64 * 64);
  jr_product_pack(d, n, lower, f, n, packed);
  void *oref = malloc(ts * (size_t)(rows * n)),
       *ok = malloc(ts * (size_t)(rows * n));
  run_product(&jr_kernels_ref, d, n, lower, rows, shared, packed, z, m, oref);
  for (size_t t = 0; t < sizeof isas / sizeof isas[0]; t++) {
    if (!jr_isa_supported(isas[t])) continue;
    memset(ok, 0x5A, ts * (size_t)(rows * n));
    run_product(table_for(isas[t]), d, n, lower, rows, shared, packed, z, m,
                ok);
    CHECK(!memcmp(ok, oref, ts * (size_t)(rows * n)),
          "product %s %s n=%lld lower=%d rows=%lld shared=%d special=%d "
          "differs from ref",
          jr_isa_name(isas[t]), jr_dtype_name(d), (long long)n, lower,
          (long long)rows, shared, special);
  }
  if (special == 3) { /* NaN samples, as JAX gives for a failed factor */
    int nans = 0;
    for (int64_t k = 0; k < rows * n; k++)
      nans += d == JR_FLOAT32 ? isnan(((float *)oref)[k])
                              : isnan(((double *)oref)[k]);
    CHECK(nans == rows * n, "special 3: %d of %lld outputs NaN", nans,
          (long long)(rows * n));
  }
  if ((special == 2 || special == 4) && n > 32) {
    /* the definition itself: -0 + +0 = +0 */
    const double v = d == JR_FLOAT32 ? ((float *)oref)[0] : ((double *)oref)[0];
    CHECK(v == 0 && !signbit(v), "special 2: expected +0, got %g", v);
  }
  free(fd);
  free(zd);
  free(md);
  free(f);
  free(z);
  free(m);
  free(packed);
  free(oref);
  free(ok);
}

static void test_product(void) {
  static const int64_t rowss[] = {1, 7, 13, 38};
  for (int di = 0; di < 2; di++) {
    const jr_dtype d = di ? JR_FLOAT64 : JR_FLOAT32;
    for (int si = 0; si < NSIZES; si++)
      for (int lower = 0; lower < 2; lower++)
        for (int ri = 0; ri < 4; ri++)
          for (int shared = 0; shared < 2; shared++)
            product_case(d, sizes[si], lower, rowss[ri], shared, 0);
    /* several row and reduction blocks */
    product_case(d, 450, 1, 203, 0, 0);
    product_case(d, 401, 0, 101, 1, 0);
    /* n > KCP (1024): partial sums stored and loaded back */
    product_case(d, 1100, 1, 5, 0, 0);
    product_case(d, 1031, 0, 3, 1, 0);
    for (int lower = 0; lower < 2; lower++)
      for (int shared = 0; shared < 2; shared++)
        for (int special = 1; special <= 4; special++) {
          product_case(d, 40, lower, 13, shared, special);
          product_case(d, 5, lower, 3, shared, special);
        }
  }
}

/* n <= 16: jr_product equals jr_transform_rows and every set's small
 * product (the same definition). */
static void test_transform(void) {
  enum { ROWS = 29 };
  for (int di = 0; di < 2; di++) {
    const jr_dtype d = di ? JR_FLOAT64 : JR_FLOAT32;
    const size_t ts = tsize(d);
    for (int64_t n = 1; n <= JR_XFORM_SMALL_MAX; n++)
      for (int lower = 0; lower < 2; lower++)
        for (int shared = 0; shared < 2; shared++) {
          double fd[16 * 16], zd[ROWS * 16], md[ROWS * 16];
          make_factor(n, lower, fd);
          for (int64_t i = 0; lower && i < n; i++)
            for (int64_t j = i + 1; j < n; j++)
              fd[i * n + j] = 0; /* what the sampler stores */
          for (int64_t k = 0; k < ROWS * n; k++) {
            zd[k] = urand() * 3;
            md[k] = urand() * 10;
          }
          char f[16 * 16 * 8], ft[16 * 16 * 8], z[ROWS * 16 * 8],
              m[ROWS * 16 * 8], o1[ROWS * 16 * 8], o2[ROWS * 16 * 8];
          to_dtype(d, n * n, fd, f);
          to_dtype(d, ROWS * n, zd, z);
          to_dtype(d, ROWS * n, md, m);
          jr_xform_transpose(d, n, f, ft);
          const void *fts[ROWS], *ms[ROWS];
          for (int r = 0; r < ROWS; r++) {
            fts[r] = ft;
            ms[r] = m + ts * (size_t)(shared ? 0 : r * n);
          }
          jr_transform_block blk = {d, n, ROWS, z, fts, ms, o1, 0};
          jr_transform_rows(&blk);
          _Alignas(64) char packed[32 * 16 * 8];
          jr_product_pack(d, n, lower, f, n, packed);
          jr_product_args a = {d, n, lower,          ROWS, packed,
                               z, m, shared ? 0 : n, o2,   NULL};
          CHECK_OK(jr_product(&a));
          CHECK(!memcmp(o1, o2, ts * (size_t)(ROWS * n)),
                "%s n=%lld lower=%d shared=%d: product != jr_transform_rows",
                jr_dtype_name(d), (long long)n, lower, shared);
          for (size_t t = 0; t < sizeof isas / sizeof isas[0]; t++) {
            if (!jr_isa_supported(isas[t])) continue;
            table_for(isas[t])->product_small(&blk);
            CHECK(!memcmp(o1, o2, ts * (size_t)(ROWS * n)),
                  "%s n=%lld: transform kernel of %s != product",
                  jr_dtype_name(d), (long long)n, jr_isa_name(isas[t]));
          }
        }
  }
}

/* The start-up self-check (one for the whole table) passes on every set the
 * machine has, and fails (so jr_kernels_get / jr_isa_select err, naming the
 * entry) when any one linear-algebra entry is off by one ulp. */
static int product_off(const jr_product_args *a) {
  const int r = jr_product_ref(a);
  if (a->dtype == JR_FLOAT32)
    ((float *)a->out)[a->rows * a->n - 1] =
        nextafterf(((float *)a->out)[a->rows * a->n - 1], INFINITY);
  else
    ((double *)a->out)[a->rows * a->n - 1] =
        nextafter(((double *)a->out)[a->rows * a->n - 1], INFINITY);
  return r;
}
static int64_t chol_off_f64(int64_t n, double *a, int64_t lda) {
  const int64_t r = jr_chol_ref_f64(n, a, lda);
  a[(n - 1) * lda + n - 1] = nextafter(a[(n - 1) * lda + n - 1], 0);
  return r;
}
static void batch_off_f32(int64_t n, int64_t count, const float *cov, float *f,
                          int64_t *info, int colmajor) {
  jr_chol_batch_ref_f32(n, count, cov, f, info, colmajor);
  if (n == 7) info[0] = 1;
}
static void small_off(const jr_transform_block *b) {
  jr_transform_rows(b);
  if (b->n == 13 && b->dtype == JR_FLOAT64) ((double *)b->out)[0] = -0.0;
}

static int64_t chol_off_f32(int64_t n, float *a, int64_t lda) {
  const int64_t r = jr_chol_ref_f32(n, a, lda);
  if (n > 100) /* the lower triangle: the upper one is overwritten */
    a[(n - 1) * lda + n / 2] = nextafterf(a[(n - 1) * lda + n / 2], INFINITY);
  return r;
}
static void batch_off_f64(int64_t n, int64_t count, const double *cov,
                          double *f, int64_t *info, int colmajor) {
  jr_chol_batch_ref_f64(n, count, cov, f, info, colmajor);
  if (n == 16 && colmajor)
    f[count * n * n - 1] = nextafter(f[count * n * n - 1], 0);
}

/* the last element of a 70-row float32 call with n = 40 (the second chunk) */
static int solve_off(const jr_solve_args *a) {
  const int r = jr_solve_ref(a);
  if (a->dtype == JR_FLOAT32 && a->n == 40 && a->rows == 70)
    ((float *)a->out)[a->rows * a->n - 1] =
        nextafterf(((float *)a->out)[a->rows * a->n - 1], INFINITY);
  return r;
}

static void test_selfcheck(void) {
  CHECK(jr_kernels_self_check(&jr_kernels_ref), "ref fails its self-check");
  for (size_t t = 0; t < sizeof isas / sizeof isas[0]; t++) {
    if (!jr_isa_supported(isas[t])) continue;
    const char *bad = jr_kernels_self_check_failure(table_for(isas[t]));
    CHECK(bad == NULL, "%s fails its self-check in %s", jr_isa_name(isas[t]),
          bad);
    CHECK_OK(jr_isa_select(isas[t]));
  }
  static const char *const names[] = {
      "product",  "chol_f64",       "chol_batch_f32", "product_small",
      "chol_f32", "chol_batch_f64", "solve"};
  for (int e = 0; e < 7; e++) {
    jr_kernels bad = jr_kernels_ref;
    switch (e) {
    case 0: bad.product = product_off; break;
    case 1: bad.chol_f64 = chol_off_f64; break;
    case 2: bad.chol_batch_f32 = batch_off_f32; break;
    case 3: bad.product_small = small_off; break;
    case 4: bad.chol_f32 = chol_off_f32; break;
    case 5: bad.chol_batch_f64 = batch_off_f64; break;
    default: bad.solve = solve_off; break;
    }
    const char *got = jr_kernels_self_check_failure(&bad);
    CHECK(got && strcmp(got, names[e]) == 0,
          "self-check misses a wrong %s (reports %s)", names[e],
          got ? got : "none");
  }
}

/* Sanity bounds against long double: the factor reconstructs the matrix,
 * and the product is within (n + 2) eps of the exact sum's magnitude. */
static void test_accuracy(void) {
  static const int64_t ns[] = {17, 100, 300};
  for (int di = 0; di < 2; di++) {
    const jr_dtype d = di ? JR_FLOAT64 : JR_FLOAT32;
    const double eps = d == JR_FLOAT32 ? FLT_EPSILON : DBL_EPSILON;
    for (int t = 0; t < 3; t++) {
      const int64_t n = ns[t], rows = 9;
      double *cd = malloc(sizeof *cd * (size_t)(n * n));
      make_spd(n, n, cd, 0);
      void *c = malloc(tsize(d) * (size_t)(n * n)),
           *f = malloc(tsize(d) * (size_t)(n * n));
      to_dtype(d, n * n, cd, c);
      int64_t info;
      CHECK_OK(jr_chol(d, n, c, n, f, n, &info));
      CHECK(info == 0, "accuracy n=%lld: info %lld", (long long)n,
            (long long)info);
#define F(i, j)                                                                \
  (d == JR_FLOAT32 ? (long double)((float *)f)[(i)*n + (j)]                    \
                   : (long double)((double *)f)[(i)*n + (j)])
#define C(i, j)                                                                \
  (d == JR_FLOAT32 ? (long double)((float *)c)[(i)*n + (j)]                    \
                   : (long double)((double *)c)[(i)*n + (j)])
      long double worst = 0, cmax = 0;
      for (int64_t i = 0; i < n; i++)
        for (int64_t j = 0; j <= i; j++) {
          long double s = 0;
          for (int64_t k = 0; k <= j; k++)
            s += F(i, k) * F(j, k);
          const long double e = fabsl(s - C(i, j));
          if (e > worst) worst = e;
          if (fabsl(C(i, j)) > cmax) cmax = fabsl(C(i, j));
        }
      CHECK(worst <= 4.0L * n * eps * cmax,
            "%s n=%lld: |L L^T - A| = %Lg > 4 n eps max|A| = %Lg",
            jr_dtype_name(d), (long long)n, worst, 4.0L * n * eps * cmax);
      /* the product with this factor */
      double *zd = malloc(sizeof *zd * (size_t)(rows * n)),
             *md = malloc(sizeof *md * (size_t)n);
      for (int64_t k = 0; k < rows * n; k++)
        zd[k] = urand() * 3;
      for (int64_t k = 0; k < n; k++)
        md[k] = urand();
      void *z = malloc(tsize(d) * (size_t)(rows * n)),
           *m = malloc(tsize(d) * (size_t)n),
           *o = malloc(tsize(d) * (size_t)(rows * n));
      to_dtype(d, rows * n, zd, z);
      to_dtype(d, n, md, m);
      void *packed = aligned_alloc(
          64,
          (tsize(d) * (size_t)jr_product_packed_size(d, n, 1) + 63) / 64 * 64);
      jr_product_pack(d, n, 1, f, n, packed);
      jr_product_args a = {d, n, 1, rows, packed, z, m, 0, o, NULL};
      CHECK_OK(jr_product(&a));
      int bad = 0;
      for (int64_t r = 0; r < rows; r++)
        for (int64_t i = 0; i < n; i++) {
          const long double mi =
              d == JR_FLOAT32 ? ((float *)m)[i] : ((double *)m)[i];
          long double s = mi, mag = fabsl(mi);
          for (int64_t j = 0; j <= i; j++) {
            const long double zj = d == JR_FLOAT32 ? ((float *)z)[r * n + j]
                                                   : ((double *)z)[r * n + j];
            s += F(i, j) * zj;
            mag += fabsl(F(i, j) * zj);
          }
          const long double got = d == JR_FLOAT32 ? ((float *)o)[r * n + i]
                                                  : ((double *)o)[r * n + i];
          bad += fabsl(got - s) > (n + 2) * eps * mag;
        }
      CHECK(!bad, "%s n=%lld: %d product elements beyond (n + 2) eps",
            jr_dtype_name(d), (long long)n, bad);
#undef F
#undef C
      free(cd);
      free(c);
      free(f);
      free(zd);
      free(md);
      free(z);
      free(m);
      free(o);
      free(packed);
    }
  }
}

/* ---- the triangular solve (solve.h) */

/* The documented order written out independently of solve.c: from the
 * row-major lower L itself (U_ij = L_ji, no packing), i = n-1 down to 0,
 * t = z_i, t = fma(-L_ji, w_j, t) for j = n-1 down to i+1, w_i = t / L_ii,
 * then y_i = mean_i + w_i. */
static void solve_model_f64(int64_t n, const double *l, const double *z,
                            const double *mean, double *y) {
  double *w = malloc(sizeof *w * (size_t)n);
  for (int64_t i = n - 1; i >= 0; i--) {
    double t = z[i];
    for (int64_t j = n - 1; j > i; j--)
      t = fma(-l[j * n + i], w[j], t);
    w[i] = t / l[i * n + i];
  }
  for (int64_t i = 0; i < n; i++)
    y[i] = mean[i] + w[i];
  free(w);
}
static void solve_model_f32(int64_t n, const float *l, const float *z,
                            const float *mean, float *y) {
  float *w = malloc(sizeof *w * (size_t)n);
  for (int64_t i = n - 1; i >= 0; i--) {
    float t = z[i];
    for (int64_t j = n - 1; j > i; j--)
      t = fmaf(-l[j * n + i], w[j], t);
    w[i] = t / l[i * n + i];
  }
  for (int64_t i = 0; i < n; i++)
    y[i] = mean[i] + w[i];
  free(w);
}

/* rows samples with one mean each (shared: one for all); special 1: a NaN
 * factor (a failed Cholesky's) gives NaN everywhere; special 2: -0 means
 * and z. Every set against ref, ref against the model, bit for bit. */
static void solve_case(jr_dtype d, int64_t n, int64_t rows, int shared,
                       int special) {
  const size_t ts = tsize(d);
  double *ld = malloc(sizeof *ld * (size_t)(n * n));
  double *zd = malloc(sizeof *zd * (size_t)(rows * n));
  double *md = malloc(sizeof *md * (size_t)(rows * n));
  for (int64_t i = 0; i < n; i++) /* upper: garbage, never read */
    for (int64_t j = 0; j < n; j++)
      ld[i * n + j] = j > i    ? 1e300 * urand()
                      : j == i ? 1.0 + 0.5 * urand()
                               : urand() * 0.7;
  for (int64_t k = 0; k < rows * n; k++) {
    zd[k] = special == 2 && k % 3 == 0 ? -0.0 : urand() * 3;
    md[k] = special == 2 && k % 2 == 0 ? -0.0 : urand() * 10;
  }
  if (special == 1)
    for (int64_t i = 0; i < n; i++)
      for (int64_t j = 0; j <= i; j++)
        ld[i * n + j] = NAN;
  void *l = malloc(ts * (size_t)(n * n)), *z = malloc(ts * (size_t)(rows * n)),
       *m = malloc(ts * (size_t)(rows * n));
  to_dtype(d, n * n, ld, l);
  to_dtype(d, rows * n, zd, z);
  to_dtype(d, rows * n, md, m);
  void *packed = malloc(ts * (size_t)jr_solve_packed_size(n) + 1);
  jr_solve_pack(d, n, l, n, packed);
  const size_t ob = ts * (size_t)(rows * n);
  void *oref = malloc(ob), *ok = malloc(ob), *om = malloc(ob);
  jr_solve_args a = {d, n, rows, packed, z, m, shared ? 0 : n, oref, NULL};
  CHECK(jr_kernels_ref.solve(&a) == 0, "ref solve failed");
  for (int64_t r = 0; r < rows; r++) {
    const int64_t mo = shared ? 0 : r * n;
    if (d == JR_FLOAT32)
      solve_model_f32(n, l, (const float *)z + r * n, (const float *)m + mo,
                      (float *)om + r * n);
    else
      solve_model_f64(n, l, (const double *)z + r * n, (const double *)m + mo,
                      (double *)om + r * n);
  }
  /* bit for bit; a NaN's sign and payload are not part of the definition */
  int same = 1;
  for (int64_t k = 0; k < rows * n; k++) {
    const double x = d == JR_FLOAT32 ? ((float *)om)[k] : ((double *)om)[k];
    const double y = d == JR_FLOAT32 ? ((float *)oref)[k] : ((double *)oref)[k];
    same &=
        (isnan(x) && isnan(y)) ||
        !memcmp((char *)om + (size_t)k * ts, (char *)oref + (size_t)k * ts, ts);
  }
  CHECK(same, "solve ref %s n=%lld rows=%lld special=%d differs from the model",
        jr_dtype_name(d), (long long)n, (long long)rows, special);
  for (size_t t = 0; t < sizeof isas / sizeof isas[0]; t++) {
    if (!jr_isa_supported(isas[t])) continue;
    memset(ok, 0x5A, ob);
    a.out = ok;
    /* with and without a caller's scratch */
    void *scr = t % 2 ? aligned_alloc(64, jr_solve_scratch_bytes(d, n)) : NULL;
    a.scratch = scr;
    CHECK(table_for(isas[t])->solve(&a) == 0, "solve failed");
    free(scr);
    a.scratch = NULL;
    CHECK(!memcmp(ok, oref, ob),
          "solve %s %s n=%lld rows=%lld shared=%d special=%d differs from ref",
          jr_isa_name(isas[t]), jr_dtype_name(d), (long long)n, (long long)rows,
          shared, special);
  }
  if (special == 1) {
    int nans = 0;
    for (int64_t k = 0; k < rows * n; k++)
      nans += d == JR_FLOAT32 ? isnan(((float *)oref)[k])
                              : isnan(((double *)oref)[k]);
    CHECK(nans == rows * n, "NaN factor: %d of %lld outputs NaN", nans,
          (long long)(rows * n));
    /* the default quiet NaN, whatever the compiler's operand order */
    const uint64_t q64 = 0x7FF8000000000000ull;
    const uint32_t q32 = 0x7FC00000u;
    CHECK(!memcmp(oref,
                  d == JR_FLOAT32 ? (const void *)&q32 : (const void *)&q64,
                  ts),
          "NaN factor: the output is not the default quiet NaN");
  }
  free(ld);
  free(zd);
  free(md);
  free(l);
  free(z);
  free(m);
  free(packed);
  free(oref);
  free(ok);
  free(om);
}

static void test_solve(void) {
  static const int64_t sn[] = {1,  2,  3,  5,  6,  7,   8,  9,
                               13, 16, 17, 33, 64, 100, 300};
  static const int64_t sr[] = {1, 3, 7, 8, 15, 16, 17, 31, 33, 64, 65, 130};
  for (int di = 0; di < 2; di++) {
    const jr_dtype d = di ? JR_FLOAT64 : JR_FLOAT32;
    for (size_t a = 0; a < sizeof sn / sizeof *sn; a++)
      for (size_t b = 0; b < sizeof sr / sizeof *sr; b++) {
        if (sn[a] >= 100 && sr[b] % 2 == 0) continue; /* time */
        solve_case(d, sn[a], sr[b], (int)(b % 2), 0);
      }
    solve_case(d, 17, 70, 0, 1);
    solve_case(d, 300, 3, 1, 1);
    solve_case(d, 40, 67, 0, 2);
    solve_case(d, 1031, 17, 1, 0); /* several row blocks of U */
  }
}

/* Oettli-Prager componentwise backward error of v as a solution of
 * U v = z (U = L^T, L row-major lower): the smallest e with
 * (U + dU) v = z, |dU| <= e |U|, in units of u = 2^-53; long double (the
 * residual's own error is 2^-11 of that unit). */
static double backward_error(int64_t n, const double *l, const double *z,
                             const double *v) {
  long double worst = 0;
  for (int64_t i = 0; i < n; i++) {
    long double r = z[i], m = 0;
    for (int64_t j = i; j < n; j++) {
      r -= (long double)l[j * n + i] * v[j];
      m += fabsl((long double)l[j * n + i] * v[j]);
    }
    if (m > 0 && fabsl(r) / m > worst) worst = fabsl(r) / m;
  }
  return (double)(worst / 0x1p-53L);
}

/* An ill-conditioned precision factor (the Kahan matrix as U = L^T: U_ii =
 * s^i, U_ij = -c s^i for j > i, s = sin 1.2, c = cos 1.2, n = 40; 2-norm
 * condition numbers by NumPy: U 7.7e6, P = L L^T 5.9e13): the solve's
 * samples are exact for a factor within (n + 1) u of U entry by entry (the
 * bound of back substitution), while the former path's explicit inverse (X
 * = L^-1 by forward substitution in double, then the mean + F z product) is
 * not backward stable: its samples need a perturbation of U over 4 times as
 * large (measured: 1.4 u against 136 u). Over 200 right-hand sides. */
static void test_solve_accuracy(void) {
  enum { n = 40, R = 200 };
  static double l[n * n], x[n * n], z[R * n], w[R * n], y[n], zero[R * n];
  const double th = 1.2, sn = sin(th), cs = cos(th);
  for (int64_t i = 0; i < n; i++)
    for (int64_t j = 0; j < n; j++) /* L_ji = U_ij */
      l[j * n + i] = j < i    ? 0
                     : j == i ? pow(sn, (double)i)
                              : -cs * pow(sn, (double)i);
  for (int64_t k = 0; k < R * n; k++)
    z[k] = urand() * 3;
  void *packed = malloc(sizeof(double) * (size_t)jr_solve_packed_size(n));
  jr_solve_pack(JR_FLOAT64, n, l, n, packed);
  jr_solve_args a = {JR_FLOAT64, n, R, packed, z, zero, n, w, NULL};
  CHECK(jr_kernels_ref.solve(&a) == 0, "solve");
  /* the former explicit inverse, as forms.c computed it */
  for (int64_t k = 0; k < n * n; k++)
    x[k] = 0;
  for (int64_t c = 0; c < n; c++) {
    x[c * n + c] = 1.0 / l[c * n + c];
    for (int64_t i = c + 1; i < n; i++) {
      double acc = 0;
      for (int64_t k = c; k < i; k++)
        acc = fma(l[i * n + k], x[k * n + c], acc);
      x[i * n + c] = -acc / l[i * n + i];
    }
  }
  double es = 0, ei = 0;
  for (int64_t r = 0; r < R; r++) {
    for (int64_t i = 0; i < n; i++) { /* F_ij = X_ji */
      double acc = 0;
      for (int64_t j = 0; j < n; j++)
        acc = fma(x[j * n + i], z[r * n + j], acc);
      y[i] = 0.0 + acc;
    }
    const double bs = backward_error(n, l, z + r * n, w + r * n);
    const double bi = backward_error(n, l, z + r * n, y);
    if (bs > es) es = bs;
    if (bi > ei) ei = bi;
  }
  CHECK(es <= n + 1, "solve backward error %g u > (n + 1) u", es);
  CHECK(ei >= 4 * es,
        "the explicit inverse's backward error %g u is not well above the "
        "solve's %g u",
        ei, es);
  printf("Kahan n=%d: backward error solve %.2f u, explicit inverse %.2f u\n",
         n, es, ei);
  free(packed);
}

int main(int argc, char **argv) {
  const char *part = argc > 1 ? argv[1] : "all";
  const int all = !strcmp(part, "all");
  if (all || !strcmp(part, "chol")) test_chol();
  if (all || !strcmp(part, "batch")) test_batch();
  if (all || !strcmp(part, "product")) test_product();
  if (all || !strcmp(part, "solve")) test_solve();
  if (all || !strcmp(part, "solve_accuracy")) test_solve_accuracy();
  if (all || !strcmp(part, "transform")) test_transform();
  if (all || !strcmp(part, "accuracy")) test_accuracy();
  if (all || !strcmp(part, "selfcheck")) test_selfcheck();
  return tu_finish(part);
}
