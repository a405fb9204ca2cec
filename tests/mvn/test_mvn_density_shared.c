/* The density of a jr_mvn (jr_mvn_logpdf_eval) against jr_mvn_density_eval
 * for the same arguments, bit for bit: every parameterization and method,
 * float32 and float64, batched and broadcast, failed factorizations, both
 * factor layouts (n <= 16 and larger), slices. That nothing is factored
 * twice: the library's internal counters of factorizations (sampling
 * creation's and the density's). That several threads may make the first
 * density call on one fresh object at once. And the documented errors. */
#include <pthread.h>

#include "mvn_test.h"

/* Internal counters (src/mvn/factoring.h, src/mvn/density_build.h); the
 * test links the static library. */
int64_t jr_mvn_factorization_count(void);
int64_t jr_dens_factorization_count(void);

static double rnd(uint64_t *s) { /* uniform in [-1, 1) */
  return (double)(mt_next(s) >> 11) * 0x1p-52 - 1.0;
}

/* count parameters of the form: SPD matrices (cov, precision), lower
 * factors (scale_tril, with a random upper triangle that must be
 * ignored) or variances (diag). bad: element 1 fails (an indefinite
 * matrix, a negative diagonal element, a negative variance). */
static double *make_param(uint64_t *s, jr_cov_form form, int64_t count,
                          int64_t n, int bad) {
  const int64_t per = form == JR_COV_DIAG ? n : n * n;
  double *v = mt_alloc((size_t)(count * per) * sizeof *v);
  double *a = mt_alloc((size_t)(n * n) * sizeof *a);
  for (int64_t c = 0; c < count; c++) {
    double *p = v + c * per;
    const int fail = bad && c == 1;
    if (form == JR_COV_DIAG) {
      for (int64_t i = 0; i < n; i++)
        p[i] = 0.25 + (rnd(s) + 1.0);
      if (fail) p[n / 2] = -0.5;
      continue;
    }
    for (int64_t k = 0; k < n * n; k++)
      a[k] = rnd(s);
    if (form == JR_COV_SCALE_TRIL) {
      for (int64_t i = 0; i < n; i++) {
        for (int64_t j = 0; j < n; j++)
          p[i * n + j] = a[i * n + j];
        p[i * n + i] = 0.5 + fabs(a[i * n + i]);
      }
      if (fail) p[(n / 2) * n + n / 2] = -p[(n / 2) * n + n / 2];
      continue;
    }
    for (int64_t i = 0; i < n; i++) /* A A^T / n + 0.1 I */
      for (int64_t j = 0; j < n; j++) {
        double t = 0;
        for (int64_t k = 0; k < n; k++)
          t += a[i * n + k] * a[j * n + k];
        p[i * n + j] = t / (double)n + (i == j ? 0.1 : 0.0);
      }
    if (fail) p[0] = -1.0; /* indefinite */
  }
  free(a);
  return v;
}

static const char *form_name(jr_cov_form f) {
  return f == JR_COV_SCALE_TRIL  ? "scale_tril"
         : f == JR_COV_PRECISION ? "precision"
         : f == JR_COV_DIAG      ? "diag"
                                 : "cov";
}
static const char *method_name(jr_method m) {
  return m == JR_CHOLESKY ? "cholesky" : m == JR_EIGH ? "eigh" : "svd";
}

typedef struct {
  jr_cov_form form;
  jr_method method;
  jr_dtype P;
  int64_t n;
  int bad;
} dcase;

static jr_status make_mvn(const dcase *k, const jr_array *m, const jr_array *p,
                          jr_mvn **out) {
  if (k->form == JR_COV_FULL)
    return jr_mvn_create(NULL, m, p, JR_SHAPE_NONE, NULL, JR_DTYPE_NONE,
                         k->method, out);
  return jr_mvn_create_form(NULL, m, p, k->form, JR_SHAPE_NONE, NULL,
                            JR_DTYPE_NONE, 0, -1, out);
}

/* mean (3, n) against a param batch (2, 1) (so mean and cov broadcast to
 * (2, 3)), x (4, 2, 3, n): 24 densities per call. */
static void check_case(uint64_t *s, const dcase *k) {
  const int64_t n = k->n, pts = 24;
  const int64_t mshape[2] = {3, n};
  int64_t pshape[4] = {2, 1, n, n};
  const int pndim = k->form == JR_COV_DIAG ? 3 : 4;
  const int64_t xshape[4] = {4, 2, 3, n};
  double *mv = mt_alloc((size_t)(3 * n) * sizeof *mv);
  double *xv = mt_alloc((size_t)(pts * n) * sizeof *xv);
  for (int64_t i = 0; i < 3 * n; i++)
    mv[i] = rnd(s);
  for (int64_t i = 0; i < pts * n; i++)
    xv[i] = 2.0 * rnd(s);
  double *pv = make_param(s, k->form, 2, n, k->bad);
  mt_array m, p, x;
  mt_make(&m, k->P, 2, mshape, mv, MT_CONTIGUOUS);
  mt_make(&p, k->P, pndim, pshape, pv, MT_CONTIGUOUS);
  mt_make(&x, k->P, 4, xshape, xv, MT_CONTIGUOUS);
  char what[160];
  snprintf(what, sizeof what, "%s %s %s n=%lld%s", form_name(k->form),
           method_name(k->method), jr_dtype_name(k->P), (long long)n,
           k->bad ? " (one fails)" : "");

  jr_mvn_density *d = NULL;
  jr_mvn *o = NULL;
  CHECK_OK(jr_mvn_density_create_form(NULL, &m.view, &p.view, k->form,
                                      JR_DTYPE_NONE, &d));
  const int64_t f0 = jr_mvn_factorization_count();
  CHECK_OK(make_mvn(k, &m.view, &p.view, &o));
  const int64_t f1 = jr_mvn_factorization_count();
  if (!d || !o) goto done;
  /* the density's factor: read from the sampling slots, kept at creation,
   * or (float32 cholesky, eigh, svd) factored once on first use */
  const int lazy = k->form == JR_COV_FULL &&
                   (k->method != JR_CHOLESKY || k->P == JR_FLOAT32);
  jr_dtype dt1, dt2;
  int nd1, nd2;
  int64_t sh1[JR_MAX_NDIM], sh2[JR_MAX_NDIM];
  const int64_t g0 = jr_dens_factorization_count();
  CHECK_OK(jr_mvn_density_shape(d, &x.view, &dt1, &nd1, sh1));
  CHECK_OK(jr_mvn_logpdf_eval_shape(o, &x.view, &dt2, &nd2, sh2));
  CHECK(dt1 == dt2 && nd1 == nd2 && nd1 == 3 && sh1[0] == sh2[0] &&
            sh1[1] == sh2[1] && sh1[2] == sh2[2],
        "%s: shapes differ", what);
  const size_t es = jr_dtype_size(k->P);
  char *want = mt_alloc((size_t)pts * es), *got = mt_alloc((size_t)pts * es);
  for (int pdf = 0; pdf < 2; pdf++) {
    CHECK_OK(jr_mvn_density_eval(d, NULL, &x.view, pdf, 0, -1, want));
    memset(got, 0xA5, (size_t)pts * es);
    CHECK_OK(jr_mvn_logpdf_eval(o, NULL, &x.view, pdf, 0, -1, got));
    CHECK(memcmp(want, got, (size_t)pts * es) == 0, "%s pdf=%d: bytes differ",
          what, pdf);
    /* a slice: those elements' bytes */
    memset(got, 0xA5, (size_t)pts * es);
    CHECK_OK(jr_mvn_logpdf_eval(o, NULL, &x.view, pdf, 5, 17, got));
    CHECK(memcmp(want + 5 * es, got, 12 * es) == 0, "%s pdf=%d: slice differs",
          what, pdf);
    /* the density's own slices too (NaN densities included) */
    {
      char *g2 = mt_alloc((size_t)pts * es);
      CHECK_OK(jr_mvn_density_eval(d, NULL, &x.view, pdf, 5, 17, g2));
      CHECK(memcmp(want + 5 * es, g2, 12 * es) == 0,
            "%s pdf=%d: density's own slice differs", what, pdf);
      free(g2);
    }
  }
  /* the failing element's densities are NaN, the others finite */
  int nans = 0;
  for (int64_t e = 0; e < pts; e++) {
    const double v = mt_get(k->P, want, e);
    nans += v != v;
  }
  CHECK(k->bad ? nans == pts / 2 : nans == 0, "%s: %d NaN densities", what,
        nans);
  const int64_t g1 = jr_dens_factorization_count();
  /* sampling creation factors each covariance once; the density adds one
   * Cholesky per covariance only where it could not reuse a factor (the
   * separate jr_mvn_density d factored before g0) */
  CHECK(f1 - f0 == (k->form == JR_COV_FULL ? 2 : 0),
        "%s: creation factored %lld covariances", what, (long long)(f1 - f0));
  CHECK(g1 - g0 == (lazy ? 2 : 0),
        "%s: the density factored %lld covariances, expected %d", what,
        (long long)(g1 - g0), lazy ? 2 : 0);
  CHECK(jr_mvn_factorization_count() == f1,
        "%s: the density made the sampling factor again", what);
  /* sampling still gives jr_multivariate_normal's bytes */
  {
    int64_t rows;
    jr_dtype rd;
    CHECK_OK(jr_mvn_describe(o, &rd, NULL, NULL, &rows, NULL));
    char *a1 = mt_alloc((size_t)(rows * n) * jr_dtype_size(rd));
    char *a2 = mt_alloc((size_t)(rows * n) * jr_dtype_size(rd));
    jr_key key = jr_key_from_seed(7, 0);
    CHECK_OK(jr_mvn_sample_rows(o, NULL, key, 0, rows, a1));
    jr_mvn *o2 = NULL;
    CHECK_OK(make_mvn(k, &m.view, &p.view, &o2));
    if (o2) CHECK_OK(jr_mvn_sample_rows(o2, NULL, key, 0, rows, a2));
    CHECK(memcmp(a1, a2, (size_t)(rows * n) * jr_dtype_size(rd)) == 0,
          "%s: samples after a density call differ", what);
    jr_mvn_free(o2);
    free(a1);
    free(a2);
  }
  free(want);
  free(got);
done:
  jr_mvn_density_free(d);
  jr_mvn_free(o);
  mt_free(&m);
  mt_free(&p);
  mt_free(&x);
  free(mv);
  free(xv);
  free(pv);
}

static void test_bitwise(void) {
  uint64_t s = 11;
  static const int64_t ns[] = {1, 3, 5, 20};
  static const jr_dtype Ps[] = {JR_FLOAT32, JR_FLOAT64};
  for (int ni = 0; ni < 4; ni++)
    for (int pi = 0; pi < 2; pi++)
      for (int bad = 0; bad < 2; bad++) {
        for (int mt = 0; mt < 3; mt++) {
          /* eigh/svd with an indefinite matrix: NaN factor, NaN density */
          dcase k = {JR_COV_FULL, (jr_method)mt, Ps[pi], ns[ni], bad};
          check_case(&s, &k);
        }
        for (int f = 1; f <= 3; f++) {
          dcase k = {(jr_cov_form)f, JR_CHOLESKY, Ps[pi], ns[ni], bad};
          check_case(&s, &k);
        }
      }
}

/* ---- several threads make the first density call on one object */

typedef struct {
  const jr_mvn *o;
  const jr_array *x;
  int64_t count;
  void *out;
  jr_status st;
} job;

static void *run_job(void *arg) {
  job *j = arg;
  j->st = jr_mvn_logpdf_eval(j->o, NULL, j->x, 0, 0, -1, j->out);
  return NULL;
}

static void test_threads(void) {
  uint64_t s = 5;
  enum { T = 6, C = 40 };
  const int64_t n = 6;
  for (int method = JR_EIGH; method <= JR_SVD; method++) {
    const int64_t pshape[3] = {C, n, n}, mshape[1] = {n}, xshape[3] = {3, C, n};
    double *pv = make_param(&s, JR_COV_FULL, C, n, 0);
    double *mv = mt_alloc((size_t)n * sizeof *mv);
    double *xv = mt_alloc((size_t)(3 * C * n) * sizeof *xv);
    for (int64_t i = 0; i < n; i++)
      mv[i] = rnd(&s);
    for (int64_t i = 0; i < 3 * C * n; i++)
      xv[i] = rnd(&s);
    mt_array m, p, x;
    mt_make(&m, JR_FLOAT64, 1, mshape, mv, MT_CONTIGUOUS);
    mt_make(&p, JR_FLOAT64, 3, pshape, pv, MT_CONTIGUOUS);
    mt_make(&x, JR_FLOAT64, 3, xshape, xv, MT_CONTIGUOUS);
    jr_mvn_density *d = NULL;
    jr_mvn *o = NULL;
    double want[3 * C], got[T][3 * C];
    CHECK_OK(jr_mvn_density_create(NULL, &m.view, &p.view, JR_DTYPE_NONE, &d));
    CHECK_OK(jr_mvn_create(NULL, &m.view, &p.view, JR_SHAPE_NONE, NULL,
                           JR_DTYPE_NONE, (jr_method)method, &o));
    if (d && o) {
      CHECK_OK(jr_mvn_density_eval(d, NULL, &x.view, 0, 0, -1, want));
      const int64_t g0 = jr_dens_factorization_count();
      pthread_t th[T];
      job jobs[T];
      for (int t = 0; t < T; t++) {
        jobs[t] = (job){o, &x.view, 3 * C, got[t], JR_OK};
        CHECK(pthread_create(&th[t], NULL, run_job, &jobs[t]) == 0,
              "pthread_create");
      }
      for (int t = 0; t < T; t++) {
        pthread_join(th[t], NULL);
        CHECK(jobs[t].st == JR_OK, "thread %d: %s", t,
              jr_status_string(jobs[t].st));
        CHECK(memcmp(want, got[t], sizeof want) == 0,
              "%s thread %d: bytes differ", method_name((jr_method)method), t);
      }
      /* built once, by one of them */
      CHECK(jr_dens_factorization_count() - g0 == C,
            "%s: %lld factorizations for %d covariances and %d threads",
            method_name((jr_method)method),
            (long long)(jr_dens_factorization_count() - g0), C, T);
    }
    jr_mvn_density_free(d);
    jr_mvn_free(o);
    mt_free(&m);
    mt_free(&p);
    mt_free(&x);
    free(pv);
    free(mv);
    free(xv);
  }
}

/* ---- errors */

static void test_errors(void) {
  uint64_t s = 3;
  const int64_t n = 3, pshape[3] = {4, n, n}, mshape[1] = {n},
                xshape[3] = {2, 1, n}, bshape[2] = {3, n};
  double *pv = make_param(&s, JR_COV_FULL, 4, n, 0);
  double mv[3] = {0.1, -0.2, 0.3}, xv[9] = {1, 2, 3, 4, 5, 6, 7, 8, 9};
  mt_array m, p, x, x64, xb;
  mt_make(&m, JR_FLOAT32, 1, mshape, mv, MT_CONTIGUOUS);
  mt_make(&p, JR_FLOAT32, 3, pshape, pv, MT_CONTIGUOUS);
  mt_make(&x, JR_FLOAT32, 3, xshape, xv, MT_CONTIGUOUS);
  mt_make(&x64, JR_FLOAT64, 3, xshape, xv, MT_CONTIGUOUS);
  mt_make(&xb, JR_FLOAT32, 2, bshape, xv, MT_CONTIGUOUS);
  float out[8];
  /* a part of the rows: no density */
  jr_mvn *o = NULL;
  CHECK_OK(jr_mvn_create_rows(NULL, &m.view, &p.view, JR_SHAPE_NONE, NULL,
                              JR_DTYPE_NONE, JR_CHOLESKY, 1, 3, &o));
  jr_status st = jr_mvn_logpdf_eval(o, NULL, &x.view, 0, 0, -1, out);
  CHECK(st == JR_E_BAD_RANGE && strstr(jr_last_error(), "rows [1, 3)"),
        "rows object: %d %s", (int)st, jr_last_error());
  jr_mvn_free(o);
  o = NULL;
  /* all rows through create_rows: a density */
  CHECK_OK(jr_mvn_create_rows(NULL, &m.view, &p.view, JR_SHAPE_NONE, NULL,
                              JR_DTYPE_NONE, JR_CHOLESKY, 0, -1, &o));
  /* x would promote the float32 object to float64 */
  st = jr_mvn_logpdf_eval(o, NULL, &x64.view, 0, 0, -1, out);
  CHECK(st == JR_E_BAD_DTYPE, "float64 x: %d %s", (int)st, jr_last_error());
  CHECK_OK(jr_mvn_logpdf_eval(o, NULL, &x.view, 0, 0, -1, out));
  /* x's batch (3,) against cov's (4,) */
  st = jr_mvn_logpdf_eval_shape(o, &xb.view, NULL, NULL, NULL);
  CHECK(st == JR_E_BROADCAST && strstr(jr_last_error(), "cov.shape[:-2]"),
        "broadcast: %d %s", (int)st, jr_last_error());
  st = jr_mvn_logpdf_eval(o, NULL, &x.view, 0, 0, 100, out);
  CHECK(st == JR_E_BAD_RANGE, "range: %d", (int)st);
  CHECK(jr_mvn_logpdf_eval(NULL, NULL, &x.view, 0, 0, -1, out) ==
            JR_E_NULL_POINTER,
        "NULL mvn");
  jr_mvn_free(o);
  o = NULL;
  /* a scale_tril object's broadcast error names scale_tril */
  CHECK_OK(jr_mvn_create_form(NULL, &m.view, &p.view, JR_COV_SCALE_TRIL,
                              JR_SHAPE_NONE, NULL, JR_DTYPE_NONE, 0, -1, &o));
  st = jr_mvn_logpdf_eval(o, NULL, &xb.view, 0, 0, -1, out);
  CHECK(st == JR_E_BROADCAST && strstr(jr_last_error(), "scale_tril.shape"),
        "scale_tril broadcast: %d %s", (int)st, jr_last_error());
  jr_mvn_free(o);
  o = NULL;
  /* sampling's shape errors name the parameterization too */
  st = jr_mvn_create_form(NULL, &xb.view, &p.view, JR_COV_PRECISION,
                          JR_SHAPE_NONE, NULL, JR_DTYPE_NONE, 0, -1, &o);
  CHECK(st == JR_E_BROADCAST && strstr(jr_last_error(), "precision.shape[:-2]"),
        "precision broadcast: %d %s", (int)st, jr_last_error());
  st = jr_mvn_create_form(NULL, &m.view, &m.view, JR_COV_SCALE_TRIL,
                          JR_SHAPE_NONE, NULL, JR_DTYPE_NONE, 0, -1, &o);
  CHECK(st == JR_E_COV_NDIM && strstr(jr_last_error(), "scale_tril.ndim"),
        "scale_tril ndim: %d %s", (int)st, jr_last_error());
  /* diag (4, 3, 3): batch (4, 3), against a mean batch (2,) */
  const int64_t m2shape[2] = {2, n};
  mt_array m2;
  mt_make(&m2, JR_FLOAT32, 2, m2shape, xv, MT_CONTIGUOUS);
  st = jr_mvn_create_form(NULL, &m2.view, &p.view, JR_COV_DIAG, JR_SHAPE_NONE,
                          NULL, JR_DTYPE_NONE, 0, -1, &o);
  CHECK(st == JR_E_BROADCAST && strstr(jr_last_error(), "diag.shape[:-1]"),
        "diag broadcast: %d %s", (int)st, jr_last_error());
  CHECK(o == NULL, "no object on failure");
  mt_free(&m2);
  mt_free(&m);
  mt_free(&p);
  mt_free(&x);
  mt_free(&x64);
  mt_free(&xb);
  free(pv);
}

int main(void) {
  test_bitwise();
  test_threads();
  test_errors();
  return tu_finish("test_mvn_density_shared");
}
