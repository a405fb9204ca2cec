/* jr_mvn_create_form (sampling from scale_tril, diag and precision):
 * scale_tril given the cholesky path's own factor gives its bytes; scale_tril
 * and diag bit for bit against an independent model of JAX's
 * mean + einsum('...ij,...j->...i', L, z) in XLA's naive dot order (acc = +0,
 * fma in order, then + mean) with z from jr_normal; precision against a
 * long-double model of mean + L_P^-T z; bytes independent of threads and
 * kernel set; row ranges; sample covariances; validation errors naming the
 * element; NaN/Inf/singular inputs never crash. */
#include <float.h>

#include "mvn_test.h"

typedef long double ld;

static const int64_t sizes[] = {1, 2, 3, 5, 16, 17, 40};
enum { NSIZES = sizeof sizes / sizeof sizes[0] };

static double uni(uint64_t *s) {
  return (double)(mt_next(s) >> 11) * 0x1p-53;
}

/* value rounded to d (float32 or float64) */
static double rnd(jr_dtype d, double v) {
  return d == JR_FLOAT32 ? (double)(float)v : v;
}

/* A well-conditioned SPD matrix (n x n) rounded to d: A A^T / n + I. */
static void make_spd(uint64_t *s, int64_t n, jr_dtype d, double *out) {
  double *a = mt_alloc(sizeof *a * (size_t)(n * n));
  for (int64_t k = 0; k < n * n; k++)
    a[k] = 2 * uni(s) - 1;
  for (int64_t i = 0; i < n; i++)
    for (int64_t j = 0; j <= i; j++) {
      double t = 0;
      for (int64_t k = 0; k < n; k++)
        t += a[i * n + k] * a[j * n + k];
      t = t / (double)n + (i == j ? 1.0 : 0.0);
      out[i * n + j] = out[j * n + i] = rnd(d, t);
    }
  free(a);
}

/* Samples rows [lo, hi) (hi = -1: all) of a form's mvn into a new buffer. */
static void *sample_form(const jr_ctx *ctx, const jr_array *mean,
                         const jr_array *param, jr_cov_form form, int sndim,
                         const int64_t *shape, jr_key key, int64_t lo,
                         int64_t hi, int64_t *rows, int64_t *n, jr_dtype *rd) {
  jr_mvn *m = NULL;
  jr_status st = jr_mvn_create_form(ctx, mean, param, form, sndim, shape,
                                    JR_DTYPE_NONE, lo, hi, &m);
  CHECK(st == JR_OK, "create_form %d: %s", (int)form, jr_last_error());
  if (st != JR_OK) return NULL;
  CHECK_OK(jr_mvn_describe(m, rd, NULL, NULL, rows, n));
  if (hi < 0) hi = *rows;
  void *out = mt_alloc((size_t)((hi - lo) * *n) * jr_dtype_size(*rd) + 1);
  CHECK_OK(jr_mvn_sample_rows(m, ctx, key, lo, hi, out));
  jr_mvn_free(m);
  return out;
}

/* 1: scale_tril = the cholesky path's factor gives its bytes. */
static void test_tril_equals_cholesky(void) {
  uint64_t s = 11;
  jr_ctx *ctx = mt_ctx(JR_PARTITIONABLE, 2);
  for (int di = 0; di < 2; di++)
    for (int si = 0; si < NSIZES; si++) {
      const jr_dtype d = di ? JR_FLOAT64 : JR_FLOAT32;
      const int64_t n = sizes[si], B = 3, nn = n * n;
      double *cov = mt_alloc(sizeof(double) * (size_t)(B * nn));
      double *L = mt_alloc(sizeof(double) * (size_t)(B * nn));
      double *mean = mt_alloc(sizeof(double) * (size_t)(B * n));
      for (int64_t b = 0; b < B; b++)
        make_spd(&s, n, d, cov + b * nn);
      for (int64_t k = 0; k < B * n; k++)
        mean[k] = rnd(d, 4 * uni(&s) - 2);
      mt_array ma, ca, la;
      const int64_t msh[2] = {B, n}, csh[3] = {B, n, n};
      mt_make(&ma, d, 2, msh, mean, MT_CONTIGUOUS);
      mt_make(&ca, d, 3, csh, cov, MT_CONTIGUOUS);
      jr_mvn *m = NULL;
      const int64_t shape[2] = {4, B};
      CHECK_OK(jr_mvn_create(ctx, &ma.view, &ca.view, 2, shape, JR_DTYPE_NONE,
                             JR_CHOLESKY, &m));
      for (int64_t b = 0; b < B && m; b++) {
        CHECK_OK(jr_mvn_factor(m, b, L + b * nn));
        for (int64_t i = 0; i < n; i++) /* garbage above: ignored */
          for (int64_t j = i + 1; j < n; j++)
            L[b * nn + i * n + j] = 7.5;
      }
      mt_make(&la, d, 3, csh, L, di ? MT_STRIDED : MT_TRANSPOSED);
      int64_t rows = 0, rn = 0;
      jr_dtype rd;
      const jr_key key = jr_key_from_seed(42 + n, 0);
      void *b = sample_form(ctx, &ma.view, &la.view, JR_COV_SCALE_TRIL, 2,
                            shape, key, 0, -1, &rows, &rn, &rd);
      void *a = mt_alloc((size_t)(rows * n) * jr_dtype_size(d) + 1);
      if (m) CHECK_OK(jr_mvn_sample_rows(m, ctx, key, 0, rows, a));
      CHECK(b && rows == 12 && rn == n && rd == d &&
                !memcmp(a, b, (size_t)(rows * n) * jr_dtype_size(d)),
            "scale_tril != cholesky path, n=%lld %s", (long long)n,
            jr_dtype_name(d));
      /* a part of the rows: those rows' bytes */
      int64_t r2, n2;
      void *c = sample_form(ctx, &ma.view, &la.view, JR_COV_SCALE_TRIL, 2,
                            shape, key, 5, 9, &r2, &n2, &rd);
      CHECK(c && !memcmp((char *)a + (size_t)(5 * n) * jr_dtype_size(d), c,
                         (size_t)(4 * n) * jr_dtype_size(d)),
            "scale_tril rows [5, 9) differ, n=%lld", (long long)n);
      free(a);
      free(b);
      free(c);
      jr_mvn_free(m);
      mt_free(&ma);
      mt_free(&ca);
      mt_free(&la);
      free(cov);
      free(L);
      free(mean);
    }
  jr_ctx_free(ctx);
}

/* The model: out_i = mean_i + acc, acc = +0, acc = fma(F_ij, z_j, acc) for
 * j = 0..n-1, in d's arithmetic. F: row-major doubles exact in d. */
static double model_row(jr_dtype d, int64_t n, const double *F, const double *z,
                        double mean, int64_t i) {
  if (d == JR_FLOAT32) {
    float acc = 0.0f;
    for (int64_t j = 0; j < n; j++)
      acc = fmaf((float)F[i * n + j], (float)z[j], acc);
    return (double)((float)mean + acc);
  }
  double acc = 0.0;
  for (int64_t j = 0; j < n; j++)
    acc = fma(F[i * n + j], z[j], acc);
  return mean + acc;
}

static int same_bits(jr_dtype d, double a, double b) {
  if (d == JR_FLOAT32) {
    float x = (float)a, y = (float)b;
    return !memcmp(&x, &y, sizeof x);
  }
  return !memcmp(&a, &b, sizeof a);
}

/* 2, 3: scale_tril and diag bit for bit against the model, batched with a
 * broadcast mean. */
static void test_model(jr_cov_form form) {
  uint64_t s = form == JR_COV_DIAG ? 21 : 22;
  jr_ctx *ctx = mt_ctx(JR_PARTITIONABLE, 3);
  for (int di = 0; di < 2; di++)
    for (int si = 0; si < NSIZES; si++) {
      const jr_dtype d = di ? JR_FLOAT64 : JR_FLOAT32;
      const int64_t n = sizes[si], B = 2, nn = n * n;
      const int64_t per = form == JR_COV_DIAG ? n : nn;
      double *p = mt_alloc(sizeof(double) * (size_t)(B * per));
      double *F = mt_alloc(sizeof(double) * (size_t)(B * nn));
      double *mean = mt_alloc(sizeof(double) * (size_t)n);
      for (int64_t k = 0; k < n; k++)
        mean[k] = rnd(d, 4 * uni(&s) - 2);
      mean[0] = -0.0; /* sign of zero: -0 + (+0 acc) */
      for (int64_t k = 0; k < B * per; k++)
        p[k] = rnd(d, 2 * uni(&s) - 0.5);
      for (int64_t b = 0; b < B; b++)
        for (int64_t i = 0; i < n; i++)
          for (int64_t j = 0; j < n; j++) {
            double v = 0;
            if (form == JR_COV_DIAG) {
              double *pv = &p[b * n + i];
              if (*pv < 0) *pv = -*pv;
              if (i == 0 && b == 0) *pv = 0.0; /* degenerate: sqrt 0 */
              if (i == 0 && b == 1) *pv = -0.0;
              if (i == j)
                v = d == JR_FLOAT32 ? (double)sqrtf((float)*pv) : sqrt(*pv);
            } else if (j <= i) {
              v = p[b * nn + i * n + j];
              if (i == j && v <= 0) v = p[b * nn + i * n + j] = 0.25;
            }
            F[b * nn + i * n + j] = v;
          }
      mt_array ma, pa;
      const int64_t msh[1] = {n};
      const int64_t psh[3] = {B, n, n};
      mt_make(&ma, d, 1, msh, mean, MT_CONTIGUOUS);
      mt_make(&pa, d, form == JR_COV_DIAG ? 2 : 3, psh,
              form == JR_COV_DIAG ? p : p, MT_CONTIGUOUS);
      if (form == JR_COV_DIAG) {
        const int64_t dsh[2] = {B, n};
        mt_free(&pa);
        mt_make(&pa, d, 2, dsh, p, MT_STRIDED);
      }
      const int64_t shape[2] = {3, B};
      const jr_key key = jr_key_from_seed(1000 + n, 0);
      int64_t rows = 0, rn = 0;
      jr_dtype rd;
      void *out = sample_form(ctx, &ma.view, &pa.view, form, 2, shape, key, 0,
                              -1, &rows, &rn, &rd);
      const int64_t zsh[3] = {3, B, n};
      void *z = mt_alloc((size_t)(3 * B * n) * jr_dtype_size(d));
      CHECK_OK(jr_normal(ctx, key, d, 3, zsh, z));
      double *zr = mt_alloc(sizeof(double) * (size_t)n);
      int bad = 0;
      for (int64_t r = 0; out && r < rows; r++) {
        const int64_t b = r % B;
        for (int64_t j = 0; j < n; j++)
          zr[j] = mt_get(d, z, r * n + j);
        for (int64_t i = 0; i < n; i++) {
          const double want = model_row(d, n, F + b * nn, zr, mean[i], i);
          const double got = mt_get(d, out, r * n + i);
          if (!same_bits(d, want, got) && bad++ < 3)
            CHECK(0, "%s n=%lld %s row %lld i %lld: %a, model %a",
                  form == JR_COV_DIAG ? "diag" : "scale_tril", (long long)n,
                  jr_dtype_name(d), (long long)r, (long long)i, got, want);
        }
      }
      CHECK(out && !bad, "%d mismatches", bad);
      free(out);
      free(z);
      free(zr);
      mt_free(&ma);
      mt_free(&pa);
      free(p);
      free(F);
      free(mean);
    }
  jr_ctx_free(ctx);
}

/* long-double F = L_P^-T of an SPD P (row-major); 0 if not SPD. */
static int model_prec(int64_t n, const double *P, ld *F) {
  ld *L = calloc((size_t)(n * n + 1), sizeof(ld));
  ld *X = calloc((size_t)(n * n + 1), sizeof(ld));
  int ok = 1;
  for (int64_t i = 0; i < n && ok; i++)
    for (int64_t j = 0; j <= i; j++) {
      ld t = ((ld)P[i * n + j] + (ld)P[j * n + i]) / 2;
      for (int64_t k = 0; k < j; k++)
        t -= L[i * n + k] * L[j * n + k];
      if (i == j) {
        if (!(t > 0)) {
          ok = 0;
          break;
        }
        L[i * n + i] = sqrtl(t);
      } else {
        L[i * n + j] = t / L[j * n + j];
      }
    }
  for (int64_t c = 0; ok && c < n; c++)
    for (int64_t i = 0; i < n; i++) {
      ld t = i == c ? 1 : 0;
      for (int64_t k = 0; k < i; k++)
        t -= L[i * n + k] * X[k * n + c];
      X[i * n + c] = t / L[i * n + i];
    }
  for (int64_t i = 0; ok && i < n; i++)
    for (int64_t j = 0; j < n; j++)
      F[i * n + j] = X[j * n + i];
  free(L);
  free(X);
  return ok;
}

/* 4: precision against the long-double model; bytes independent of the
 * thread count and the kernel set. */
static void test_precision(void) {
  uint64_t s = 31;
  for (int di = 0; di < 2; di++)
    for (int si = 0; si < NSIZES; si++) {
      const jr_dtype d = di ? JR_FLOAT64 : JR_FLOAT32;
      const int64_t n = sizes[si], B = 2, nn = n * n;
      double *P = mt_alloc(sizeof(double) * (size_t)(B * nn));
      double *mean = mt_alloc(sizeof(double) * (size_t)(B * n));
      ld *F = mt_alloc(sizeof(ld) * (size_t)(B * nn));
      for (int64_t b = 0; b < B; b++) {
        make_spd(&s, n, d, P + b * nn);
        CHECK(model_prec(n, P + b * nn, F + b * nn), "model SPD");
      }
      for (int64_t k = 0; k < B * n; k++)
        mean[k] = rnd(d, 4 * uni(&s) - 2);
      mt_array ma, pa;
      const int64_t msh[2] = {B, n}, psh[3] = {B, n, n};
      mt_make(&ma, d, 2, msh, mean, MT_CONTIGUOUS);
      mt_make(&pa, d, 3, psh, P, MT_CONTIGUOUS);
      const int64_t shape[2] = {5, B};
      const jr_key key = jr_key_from_seed(77 + n, 0);
      jr_ctx *c1 = mt_ctx(JR_PARTITIONABLE, 1),
             *c3 = mt_ctx(JR_PARTITIONABLE, 3);
      int64_t rows = 0, rn = 0;
      jr_dtype rd;
      void *out = sample_form(c1, &ma.view, &pa.view, JR_COV_PRECISION, 2,
                              shape, key, 0, -1, &rows, &rn, &rd);
      const size_t bytes = (size_t)(rows * n) * jr_dtype_size(d);
      void *o3 = sample_form(c3, &ma.view, &pa.view, JR_COV_PRECISION, 2, shape,
                             key, 0, -1, &rows, &rn, &rd);
      CHECK(out && o3 && !memcmp(out, o3, bytes),
            "precision: 1 vs 3 threads differ, n=%lld", (long long)n);
      const jr_isa isas[3] = {JR_ISA_REF, JR_ISA_AVX2, JR_ISA_AVX512};
      for (int k = 0; k < 3; k++) {
        if (!jr_isa_supported(isas[k])) continue;
        CHECK_OK(jr_isa_select(isas[k]));
        void *oi = sample_form(c3, &ma.view, &pa.view, JR_COV_PRECISION, 2,
                               shape, key, 0, -1, &rows, &rn, &rd);
        CHECK(out && oi && !memcmp(out, oi, bytes),
              "precision: kernel set %s differs, n=%lld", jr_isa_name(isas[k]),
              (long long)n);
        free(oi);
      }
      CHECK_OK(jr_isa_select(JR_ISA_AUTO));
      const int64_t zsh[3] = {5, B, n};
      void *z = mt_alloc((size_t)(rows * n) * jr_dtype_size(d) + 1);
      CHECK_OK(jr_normal(c1, key, d, 3, zsh, z));
      double worst = 0;
      for (int64_t r = 0; out && r < rows; r++) {
        const int64_t b = r % B;
        for (int64_t i = 0; i < n; i++) {
          ld acc = 0, mag = 0;
          for (int64_t j = 0; j < n; j++) {
            const ld t = F[b * nn + i * n + j] * (ld)mt_get(d, z, r * n + j);
            acc += t;
            mag += fabsl(t);
          }
          const ld want = (ld)mean[b * n + i] + acc;
          /* F rounded to d (relative eps/2 per entry), the fma chain (n
           * roundings), the mean's addition, and F's double-precision
           * error (tiny: P well conditioned) */
          const ld bound = (ld)(2 * n + 4) * (ld)mt_eps(d) *
                           (mag + fabsl((ld)mean[b * n + i]));
          const ld err = fabsl((ld)mt_get(d, out, r * n + i) - want);
          if (err / bound > worst) worst = (double)(err / bound);
        }
      }
      CHECK(out && worst <= 1.0, "precision n=%lld %s: error %.3g x the bound",
            (long long)n, jr_dtype_name(d), worst);
      free(out);
      free(o3);
      free(z);
      jr_ctx_free(c1);
      jr_ctx_free(c3);
      mt_free(&ma);
      mt_free(&pa);
      free(P);
      free(mean);
      free(F);
    }
}

/* The documented solve written out independently (solve.h is not used):
 * w by back substitution on the lower L (row-major doubles, exact in d),
 * i = n-1 down to 0, t = z_i, t = fma(-L_ji, w_j, t) for j = n-1 down to
 * i+1, w_i = t / L_ii, all in d; y_i = mean_i + w_i in d. */
static void model_solve(jr_dtype d, int64_t n, const double *L, const void *z,
                        int64_t zoff, const double *mean, double *y) {
  double *w = mt_alloc(sizeof *w * (size_t)n);
  for (int64_t i = n - 1; i >= 0; i--) {
    if (d == JR_FLOAT32) {
      float t = (float)mt_get(d, z, zoff + i);
      for (int64_t j = n - 1; j > i; j--)
        t = fmaf(-(float)L[j * n + i], (float)w[j], t);
      w[i] = t / (float)L[i * n + i];
    } else {
      double t = mt_get(d, z, zoff + i);
      for (int64_t j = n - 1; j > i; j--)
        t = fma(-L[j * n + i], w[j], t);
      w[i] = t / L[i * n + i];
    }
  }
  for (int64_t i = 0; i < n; i++)
    y[i] = d == JR_FLOAT32 ? (double)((float)mean[i] + (float)w[i])
                           : mean[i] + w[i];
  free(w);
}

/* A lower factor whose entries have few bits (diagonal 1 or 2, the rest
 * multiples of 1/4 in [-1, 1]): P = L L^T is exact in float32, and every
 * step of a Cholesky of P in double is exact, so L_P = L. */
static void dyadic_factor(uint64_t *s, int64_t n, double *L, double *P) {
  for (int64_t i = 0; i < n; i++)
    for (int64_t j = 0; j < n; j++)
      L[i * n + j] = j > i    ? 0
                     : j == i ? (double)(1 + (mt_next(s) & 1))
                              : (double)((int)(mt_next(s) % 9) - 4) / 4;
  for (int64_t i = 0; i < n; i++)
    for (int64_t j = 0; j < n; j++) {
      double t = 0;
      for (int64_t k = 0; k < n; k++)
        t += L[i * n + k] * L[j * n + k];
      P[i * n + j] = t;
    }
}

/* 4b: precision samples bit for bit against model_solve: float32 and
 * float64 from factors known exactly (dyadic L), float64 also for random P
 * with L_P taken from the cholesky path of P (the same jr_chol in double);
 * batched, sample counts around the lane and chunk widths, row slices; and
 * jr_mvn_factor's F = L_P^-T column by column as the solve gives it. */
static void test_precision_bits(void) {
  uint64_t s = 57;
  static const int64_t pn[] = {1, 2, 5, 17, 64, 300};
  static const int64_t reps[] = {5, 33, 70};
  for (int kind = 0; kind < 3; kind++)
    for (size_t a = 0; a < sizeof pn / sizeof *pn; a++) {
      const jr_dtype d = kind == 0 ? JR_FLOAT32 : JR_FLOAT64;
      const int64_t n = pn[a], B = 2, nn = n * n, R = reps[a % 3];
      double *L = mt_alloc(sizeof(double) * (size_t)(B * nn));
      double *P = mt_alloc(sizeof(double) * (size_t)(B * nn));
      double *mean = mt_alloc(sizeof(double) * (size_t)(B * n));
      for (int64_t k = 0; k < B * n; k++)
        mean[k] = rnd(d, 4 * uni(&s) - 2);
      mt_array ma, pa;
      const int64_t msh[2] = {B, n}, psh[3] = {B, n, n};
      mt_make(&ma, d, 2, msh, mean, MT_CONTIGUOUS);
      for (int64_t b = 0; b < B; b++) {
        if (kind < 2)
          dyadic_factor(&s, n, L + b * nn, P + b * nn);
        else
          make_spd(&s, n, d, P + b * nn);
      }
      mt_make(&pa, d, 3, psh, P, MT_CONTIGUOUS);
      if (kind == 2) { /* L_P from the cholesky path (own jr_chol, double) */
        jr_mvn *mc = NULL;
        const int64_t one[1] = {B};
        CHECK_OK(jr_mvn_create(NULL, &ma.view, &pa.view, 1, one, JR_DTYPE_NONE,
                               JR_CHOLESKY, &mc));
        for (int64_t b = 0; b < B; b++)
          CHECK_OK(jr_mvn_factor(mc, b, L + b * nn));
        jr_mvn_free(mc);
      }
      const int64_t shape[2] = {R, B};
      const jr_key key = jr_key_from_seed(1000 + n, 0);
      jr_ctx *c2 = mt_ctx(JR_PARTITIONABLE, 2);
      int64_t rows = 0, rn = 0;
      jr_dtype rd;
      void *out = sample_form(c2, &ma.view, &pa.view, JR_COV_PRECISION, 2,
                              shape, key, 0, -1, &rows, &rn, &rd);
      const int64_t zsh[3] = {R, B, n};
      void *z = mt_alloc((size_t)(rows * n) * jr_dtype_size(d) + 1);
      CHECK_OK(jr_normal(c2, key, d, 3, zsh, z));
      double *y = mt_alloc(sizeof(double) * (size_t)n);
      int64_t bad = 0;
      for (int64_t r = 0; out && r < rows; r++) {
        const int64_t b = r % B;
        model_solve(d, n, L + b * nn, z, r * n, mean + b * n, y);
        for (int64_t i = 0; i < n; i++)
          bad += memcmp(&(double){mt_get(d, out, r * n + i)}, &y[i],
                        sizeof(double)) != 0;
      }
      CHECK(out && bad == 0,
            "precision bits kind %d n=%lld %s: %lld elements differ from "
            "the model",
            kind, (long long)n, jr_dtype_name(d), (long long)bad);
      /* a slice of rows: the same bytes */
      const int64_t lo = 3, hi = rows - 2;
      void *part = sample_form(c2, &ma.view, &pa.view, JR_COV_PRECISION, 2,
                               shape, key, lo, hi, &rows, &rn, &rd);
      const size_t es = jr_dtype_size(d);
      CHECK(out && part &&
                !memcmp((char *)out + (size_t)(lo * n) * es, part,
                        (size_t)((hi - lo) * n) * es),
            "precision rows [%lld, %lld) differ from the whole, n=%lld",
            (long long)lo, (long long)hi, (long long)n);
      /* jr_mvn_factor: column c is the model's solve of e_c, mean +0 */
      if (n <= 64) {
        jr_mvn *m = NULL;
        CHECK_OK(jr_mvn_create_form(NULL, &ma.view, &pa.view, JR_COV_PRECISION,
                                    2, shape, JR_DTYPE_NONE, 0, -1, &m));
        double *F = mt_alloc(sizeof(double) * (size_t)nn);
        double *e = mt_alloc(sizeof(double) * (size_t)n);
        double *zero = mt_alloc(sizeof(double) * (size_t)n);
        void *ez = mt_alloc(es * (size_t)n);
        CHECK_OK(jr_mvn_factor(m, 1, F)); /* row 1: batch element 1 */
        int fbad = 0;
        for (int64_t c = 0; c < n; c++) {
          for (int64_t i = 0; i < n; i++) {
            zero[i] = 0;
            if (d == JR_FLOAT32)
              ((float *)ez)[i] = i == c;
            else
              ((double *)ez)[i] = i == c;
          }
          model_solve(d, n, L + nn, ez, 0, zero, e);
          for (int64_t i = 0; i < n; i++)
            fbad += memcmp(&F[i * n + c], &e[i], sizeof(double)) != 0;
        }
        CHECK(fbad == 0, "precision jr_mvn_factor n=%lld %s: %d entries",
              (long long)n, jr_dtype_name(d), fbad);
        free(F);
        free(e);
        free(zero);
        free(ez);
        jr_mvn_free(m);
      }
      free(out);
      free(part);
      free(z);
      free(y);
      free(L);
      free(P);
      free(mean);
      jr_ctx_free(c2);
      mt_free(&ma);
      mt_free(&pa);
    }
}

/* 5: the sample covariance of 10^5 draws is the requested one within 5
 * standard errors (se of S_ij: sqrt((S_ii S_jj + S_ij^2) / N)). */
static void test_stats(void) {
  uint64_t s = 41;
  jr_ctx *ctx = mt_ctx(JR_PARTITIONABLE, 2);
  const int64_t N = 100000;
  for (int form = JR_COV_SCALE_TRIL; form <= JR_COV_DIAG; form++)
    for (int64_t n = 3; n <= 5; n++) {
      const int64_t nn = n * n;
      double *p = mt_alloc(sizeof(double) * (size_t)nn);
      double *S = mt_alloc(sizeof(double) * (size_t)nn);
      double mean[5];
      for (int64_t i = 0; i < n; i++)
        mean[i] = 3 * uni(&s) - 1;
      make_spd(&s, n, JR_FLOAT64, S);
      if (form == JR_COV_SCALE_TRIL) {
        ld F[25];
        /* a lower factor: L of S by the long-double Cholesky */
        for (int64_t i = 0; i < n; i++)
          for (int64_t j = 0; j < n; j++) {
            ld t = j <= i ? S[i * n + j] : 0;
            for (int64_t k = 0; k < j && j <= i; k++)
              t -= F[i * n + k] * F[j * n + k];
            F[i * n + j] = j > i ? 0 : i == j ? sqrtl(t) : t / F[j * n + j];
          }
        for (int64_t k = 0; k < nn; k++)
          p[k] = (double)F[k];
        for (int64_t i = 0; i < n; i++) /* the covariance it implies */
          for (int64_t j = 0; j < n; j++) {
            ld t = 0;
            for (int64_t k = 0; k < n; k++)
              t += F[i * n + k] * F[j * n + k];
            S[i * n + j] = (double)t;
          }
      } else if (form == JR_COV_PRECISION) {
        ld F[25];
        for (int64_t k = 0; k < nn; k++)
          p[k] = S[k]; /* P */
        CHECK(model_prec(n, p, F), "spd");
        for (int64_t i = 0; i < n; i++) /* cov = F F^T = P^-1 */
          for (int64_t j = 0; j < n; j++) {
            ld t = 0;
            for (int64_t k = 0; k < n; k++)
              t += F[i * n + k] * F[j * n + k];
            S[i * n + j] = (double)t;
          }
      } else {
        for (int64_t i = 0; i < n; i++) {
          p[i] = 0.2 + 3 * uni(&s);
          for (int64_t j = 0; j < n; j++)
            S[i * n + j] = i == j ? p[i] : 0;
        }
      }
      mt_array ma, pa;
      const int64_t msh[1] = {n}, psh[2] = {n, n};
      mt_make(&ma, JR_FLOAT64, 1, msh, mean, MT_CONTIGUOUS);
      mt_make(&pa, JR_FLOAT64, form == JR_COV_DIAG ? 1 : 2, psh, p,
              MT_CONTIGUOUS);
      int64_t rows, rn;
      jr_dtype rd;
      double *x =
          sample_form(ctx, &ma.view, &pa.view, (jr_cov_form)form, 1, &N,
                      jr_key_from_seed(5 + n, 0), 0, -1, &rows, &rn, &rd);
      double m[5] = {0}, c[25] = {0};
      for (int64_t r = 0; x && r < N; r++)
        for (int64_t i = 0; i < n; i++)
          m[i] += x[r * n + i] / (double)N;
      for (int64_t r = 0; x && r < N; r++)
        for (int64_t i = 0; i < n; i++)
          for (int64_t j = 0; j < n; j++)
            c[i * n + j] +=
                (x[r * n + i] - m[i]) * (x[r * n + j] - m[j]) / (double)(N - 1);
      double worst = 0;
      for (int64_t i = 0; i < n; i++) {
        const double sem = sqrt(S[i * n + i] / (double)N);
        if (fabs(m[i] - mean[i]) / sem > worst)
          worst = fabs(m[i] - mean[i]) / sem;
        for (int64_t j = 0; j < n; j++) {
          const double se =
              sqrt((S[i * n + i] * S[j * n + j] + S[i * n + j] * S[i * n + j]) /
                   (double)N);
          if (fabs(c[i * n + j] - S[i * n + j]) / se > worst)
            worst = fabs(c[i * n + j] - S[i * n + j]) / se;
        }
      }
      CHECK(x && worst < 5, "form %d n=%lld: moments off by %.2f se", form,
            (long long)n, worst);
      free(x);
      free(p);
      free(S);
      mt_free(&ma);
      mt_free(&pa);
    }
  jr_ctx_free(ctx);
}

static int warnings;
static void on_warning(void *user, const char *msg) {
  (void)user;
  (void)msg;
  warnings++;
}

/* Creates with check level `chk`; returns the status, message in msg. */
static jr_status try_form(int chk, const jr_array *mean, const jr_array *param,
                          jr_cov_form form, char *msg, size_t cap,
                          double *first_row, int64_t n) {
  jr_ctx *ctx = mt_ctx(JR_PARTITIONABLE, 1);
  jr_ctx_set_int(ctx, JR_PARAM_CHECK_VALID, chk);
  jr_ctx_set_warning_handler(ctx, on_warning, NULL);
  jr_mvn *m = NULL;
  jr_status st = jr_mvn_create_form(ctx, mean, param, form, JR_SHAPE_NONE, NULL,
                                    JR_DTYPE_NONE, 0, -1, &m);
  snprintf(msg, cap, "%s", st == JR_OK ? "" : jr_last_error());
  if (st == JR_OK) {
    int64_t rows;
    CHECK_OK(jr_mvn_describe(m, NULL, NULL, NULL, &rows, NULL));
    double *out = mt_alloc(sizeof(double) * (size_t)(rows * n));
    CHECK_OK(jr_mvn_sample_rows(m, ctx, jr_key_from_seed(3, 0), 0, rows, out));
    /* the second batch element's row */
    for (int64_t i = 0; i < n; i++)
      first_row[i] = out[n + i];
    free(out);
  }
  jr_mvn_free(m);
  jr_ctx_free(ctx);
  return st;
}

/* 6: validation names the batch element and entry; IGNORE: documented
 * samples; argument errors. */
static void test_validation(void) {
  const int64_t n = 3, B = 2;
  double mean[3] = {1, 2, 3}, row[3];
  char msg[512];
  mt_array ma;
  const int64_t msh[1] = {n};
  mt_make(&ma, JR_FLOAT64, 1, msh, mean, MT_CONTIGUOUS);
  const int64_t psh[3] = {B, n, n}, dsh[2] = {B, n};
  /* scale_tril: zero diagonal at (1; 2, 2), NaN at (1; 2, 0) */
  double L[18] = {1, 0, 0, 0.5, 1, 0, 0.1, 0.2, 1,
                  1, 0, 0, 0.5, 1, 0, 0.1, 0.2, 0};
  mt_array la;
  mt_make(&la, JR_FLOAT64, 3, psh, L, MT_CONTIGUOUS);
  jr_status st = try_form(JR_CHECK_RAISE, &ma.view, &la.view, JR_COV_SCALE_TRIL,
                          msg, sizeof msg, row, n);
  CHECK(st == JR_E_NOT_PSD && strstr(msg, "scale_tril batch element 1") &&
            strstr(msg, "(2, 2)"),
        "scale_tril zero diagonal: %d %s", (int)st, msg);
  warnings = 0;
  st = try_form(JR_CHECK_WARN, &ma.view, &la.view, JR_COV_SCALE_TRIL, msg,
                sizeof msg, row, n);
  CHECK(st == JR_OK && warnings == 1, "scale_tril WARN: %d, %d warnings",
        (int)st, warnings);
  mt_free(&la);
  L[15] = NAN;
  L[8] = 7;   /* upper garbage never reported: L[0..8] is batch 0 (2, 2) */
  L[5] = NAN; /* batch 0 (1, 2): above the diagonal, ignored */
  mt_make(&la, JR_FLOAT64, 3, psh, L, MT_CONTIGUOUS);
  st = try_form(JR_CHECK_RAISE, &ma.view, &la.view, JR_COV_SCALE_TRIL, msg,
                sizeof msg, row, n);
  CHECK(st == JR_E_NON_FINITE && strstr(msg, "batch element 1") &&
            strstr(msg, "(2, 0)"),
        "scale_tril NaN: %d %s", (int)st, msg);
  st = try_form(JR_CHECK_IGNORE, &ma.view, &la.view, JR_COV_SCALE_TRIL, msg,
                sizeof msg, row, n);
  CHECK(st == JR_OK && !isnan(row[0]) && !isnan(row[1]) && isnan(row[2]),
        "scale_tril NaN IGNORE: %d, row %g %g %g", (int)st, row[0], row[1],
        row[2]);
  mt_free(&la);
  /* diag: -1 at (1; 2), Inf at (1; 1) */
  double v[6] = {1, 2, 3, 1, 2, -1};
  mt_array va;
  mt_make(&va, JR_FLOAT64, 2, dsh, v, MT_CONTIGUOUS);
  st = try_form(JR_CHECK_RAISE, &ma.view, &va.view, JR_COV_DIAG, msg,
                sizeof msg, row, n);
  CHECK(st == JR_E_NOT_PSD && strstr(msg, "diag batch element 1") &&
            strstr(msg, "at 2"),
        "diag negative: %d %s", (int)st, msg);
  st = try_form(JR_CHECK_IGNORE, &ma.view, &va.view, JR_COV_DIAG, msg,
                sizeof msg, row, n);
  CHECK(st == JR_OK && isfinite(row[0]) && isfinite(row[1]) && isnan(row[2]),
        "diag negative IGNORE: %d", (int)st);
  mt_free(&va);
  v[4] = INFINITY;
  v[0] = 0; /* zero variance is valid */
  mt_make(&va, JR_FLOAT64, 2, dsh, v, MT_CONTIGUOUS);
  st = try_form(JR_CHECK_RAISE, &ma.view, &va.view, JR_COV_DIAG, msg,
                sizeof msg, row, n);
  CHECK(st == JR_E_NON_FINITE && strstr(msg, "batch element 1") &&
            strstr(msg, "at 1"),
        "diag Inf: %d %s", (int)st, msg);
  mt_free(&va);
  /* precision: batch 1 indefinite (pivot 1), asymmetric, NaN, Inf */
  double P[18] = {2, 0.5, 0, 0.5, 2, 0, 0, 0, 2, 1, 2, 0, 2, 1, 0, 0, 0, 1};
  mt_array pa;
  mt_make(&pa, JR_FLOAT64, 3, psh, P, MT_CONTIGUOUS);
  st = try_form(JR_CHECK_RAISE, &ma.view, &pa.view, JR_COV_PRECISION, msg,
                sizeof msg, row, n);
  CHECK(st == JR_E_NOT_PSD && strstr(msg, "precision batch element 1") &&
            strstr(msg, "pivot 1"),
        "precision indefinite: %d %s", (int)st, msg);
  st = try_form(JR_CHECK_IGNORE, &ma.view, &pa.view, JR_COV_PRECISION, msg,
                sizeof msg, row, n);
  CHECK(st == JR_OK && isnan(row[0]) && isnan(row[1]) && isnan(row[2]),
        "precision indefinite IGNORE: NaN samples, %d", (int)st);
  mt_free(&pa);
  P[9] = 2;
  P[13] = 2;
  P[11] = 0.25; /* (1; 0, 2) vs (1; 2, 0) = 0 */
  mt_make(&pa, JR_FLOAT64, 3, psh, P, MT_CONTIGUOUS);
  st = try_form(JR_CHECK_RAISE, &ma.view, &pa.view, JR_COV_PRECISION, msg,
                sizeof msg, row, n);
  CHECK(st == JR_E_NOT_SYMMETRIC && strstr(msg, "batch element 1") &&
            strstr(msg, "P[0, 2]"),
        "precision asymmetric: %d %s", (int)st, msg);
  mt_free(&pa);
  P[11] = 0;
  P[17] = INFINITY;
  mt_make(&pa, JR_FLOAT64, 3, psh, P, MT_CONTIGUOUS);
  st = try_form(JR_CHECK_RAISE, &ma.view, &pa.view, JR_COV_PRECISION, msg,
                sizeof msg, row, n);
  CHECK(st == JR_E_NON_FINITE && strstr(msg, "batch element 1") &&
            strstr(msg, "(2, 2)"),
        "precision Inf: %d %s", (int)st, msg);
  st = try_form(JR_CHECK_IGNORE, &ma.view, &pa.view, JR_COV_PRECISION, msg,
                sizeof msg, row, n);
  CHECK(st == JR_OK && isnan(row[0]) && isnan(row[2]),
        "precision Inf IGNORE: NaN samples, %d", (int)st);
  mt_free(&pa);
  /* asymmetric and indefinite: WARN reports the element once, samples NaN */
  {
    double Q[18] = {2, 0.5, 0, 0.5, 2, 0, 0, 0, 2, 1, 2, 0.5, 2, 1, 0, 0, 0, 1};
    mt_array qa;
    mt_make(&qa, JR_FLOAT64, 3, psh, Q, MT_CONTIGUOUS);
    warnings = 0;
    st = try_form(JR_CHECK_WARN, &ma.view, &qa.view, JR_COV_PRECISION, msg,
                  sizeof msg, row, n);
    CHECK(st == JR_OK && warnings == 1 && isnan(row[0]),
          "precision WARN: %d, %d warnings", (int)st, warnings);
    mt_free(&qa);
  }
  /* a singular precision (zeros) and NaN: NaN samples, no crash */
  for (int k = 0; k < 18; k++)
    P[k] = k < 9 ? P[k] : (k == 10 ? NAN : 0);
  mt_make(&pa, JR_FLOAT64, 3, psh, P, MT_CONTIGUOUS);
  st = try_form(JR_CHECK_IGNORE, &ma.view, &pa.view, JR_COV_PRECISION, msg,
                sizeof msg, row, n);
  CHECK(st == JR_OK && isnan(row[1]), "precision NaN IGNORE: %d", (int)st);
  /* argument errors */
  jr_mvn *m = NULL;
  const int64_t bad[2] = {B, 4};
  mt_array wa;
  double w[8] = {0};
  mt_make(&wa, JR_FLOAT64, 2, bad, w, MT_CONTIGUOUS);
  st = jr_mvn_create_form(NULL, &ma.view, &wa.view, JR_COV_DIAG, JR_SHAPE_NONE,
                          NULL, JR_DTYPE_NONE, 0, -1, &m);
  CHECK(st == JR_E_COV_SHAPE && !m && strstr(jr_last_error(), "diag.shape"),
        "diag shape: %d %s", (int)st, jr_last_error());
  st = jr_mvn_create_form(NULL, &ma.view, &wa.view, JR_COV_SCALE_TRIL,
                          JR_SHAPE_NONE, NULL, JR_DTYPE_NONE, 0, -1, &m);
  CHECK(st == JR_E_COV_NDIM || st == JR_E_COV_SHAPE, "tril shape: %d", (int)st);
  st = jr_mvn_create_form(NULL, &ma.view, &pa.view, (jr_cov_form)9,
                          JR_SHAPE_NONE, NULL, JR_DTYPE_NONE, 0, -1, &m);
  CHECK(st == JR_E_BAD_MODE, "bad form: %d", (int)st);
  st = jr_mvn_create_form(NULL, &ma.view, NULL, JR_COV_DIAG, JR_SHAPE_NONE,
                          NULL, JR_DTYPE_NONE, 0, -1, &m);
  CHECK(st == JR_E_NULL_POINTER, "NULL param: %d", (int)st);
  mt_free(&wa);
  mt_free(&pa);
  mt_free(&ma);
}

int main(void) {
  test_tril_equals_cholesky();
  test_model(JR_COV_SCALE_TRIL);
  test_model(JR_COV_DIAG);
  test_precision();
  test_precision_bits();
  test_stats();
  test_validation();
  return tu_finish("test_mvn_forms");
}
