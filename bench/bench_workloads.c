/* Workload benchmarks: jaxrandom, GSL and the machine's limits on
 * the workloads W1..W5 of docs/performance.md, in one process. The NumPy
 * side is bench/numpy_peers.py; bench/report.py joins both into the table;
 * bench/run.sh builds and runs everything.
 *
 * Output: tab-separated lines on stdout, progress on stderr.
 *   #  key  value                                     (machine, ISA, date)
 *   work dtype impl threads phase count median min max   (seconds)
 * count is what the rate is per second of: samples for W1..W4, elements for
 * W5, bytes / words / flops for the limits (work "L"). Every figure is the
 * median of --reps runs; the machine may be shared, so min and max are kept.
 *
 * Usage: bench_workloads [--reps N] [--scale X] [--only W1,W2,...,L]
 *                        [--threads2 0|1] [--no-gsl] [--no-cold]
 *                        [--dtype float32|float64]
 * --scale multiplies every sample count (for quick trials); the documented
 * run uses 1. jaxrandom runs with JR_PARAM_THREADS=1 (and 2 for the
 * 2-thread column); OpenBLAS is set to one thread for the GEMM limit and the
 * factorizations, as NumPy's peers run single-threaded. --dtype runs
 * jaxrandom in that dtype only (for a profile of one dtype's kernels). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <gsl/gsl_cblas.h>
#include <gsl/gsl_linalg.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <gsl/gsl_version.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "jaxrandom.h"

/* OpenBLAS's own cblas.h clashes with GSL's gsl_cblas.h (same enums), so the
 * CBLAS prototypes come from GSL (standard ABI, resolved to OpenBLAS, which
 * is linked first) and these two OpenBLAS extensions are declared here. */
void openblas_set_num_threads(int num_threads);
char *openblas_get_config(void);
char *openblas_get_corename(void);

enum { MAX_REPS = 31 };

static int reps = 3;
static double scale = 1.0;
static int use_gsl = 1, use_cold = 1, use_t2 = 1;
static const char *only = NULL;
static int dtype_only = -1; /* -1: both; else the jr_dtype to run */
static const jr_key key = {{0u, 42u}};

/* One output buffer for every warm figure, sized for the largest workload
 * and faulted in once: fresh pages cost about as much as generating float32
 * normals, which would hide the generator's own speed. */
static void *warm;
static size_t warm_bytes;

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static int64_t scaled(double x) {
  int64_t v = (int64_t)(x * scale);
  return v < 1 ? 1 : v;
}

static int wanted(const char *w) {
  if (!only) return 1;
  const char *p = only;
  size_t len = strlen(w);
  while ((p = strstr(p, w)) != NULL) {
    if ((p == only || p[-1] == ',') && (p[len] == ',' || p[len] == 0)) return 1;
    p += len;
  }
  return 0;
}

static void *xmalloc(size_t bytes) {
  void *p = malloc(bytes ? bytes : 1);
  if (!p) {
    fprintf(stderr, "bench_workloads: out of memory (%zu bytes)\n", bytes);
    exit(1);
  }
  return p;
}

static void check(jr_status st, const char *what) {
  if (st != JR_OK) {
    fprintf(stderr, "bench_workloads: %s: %s\n", what, jr_last_error());
    exit(1);
  }
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

/* Prints one result line: the median, min and max of t[0..k). */
static void emit(const char *work, const char *dtype, const char *impl,
                 int threads, const char *phase, double count, double *t,
                 int k) {
  qsort(t, (size_t)k, sizeof *t, cmp_double);
  double med = k % 2 ? t[k / 2] : 0.5 * (t[k / 2 - 1] + t[k / 2]);
  printf("%s\t%s\t%s\t%d\t%s\t%.0f\t%.6g\t%.6g\t%.6g\n", work, dtype, impl,
         threads, phase, count, med, t[0], t[k - 1]);
  fflush(stdout);
  fprintf(stderr, "  %-3s %-7s %-10s %dT %-8s %10.4f s  %10.2f M/s\n", work,
          dtype, impl, threads, phase, med, count / med / 1e6);
}

static void meta(const char *k, const char *v) {
  printf("#\t%s\t%s\n", k, v);
}

static void cpu_info(void) {
  FILE *f = fopen("/proc/cpuinfo", "r");
  char line[4096], model[256] = "unknown";
  int avx2 = 0, avx512f = 0, fma = 0, got_flags = 0;
  if (f) {
    while (fgets(line, sizeof line, f)) {
      char *c = strchr(line, ':');
      if (!c) continue;
      if (!strncmp(line, "model name", 10) && model[0] == 'u') {
        snprintf(model, sizeof model, "%s", c + 2);
        model[strcspn(model, "\n")] = 0;
      } else if (!strncmp(line, "flags", 5) && !got_flags) {
        got_flags = 1;
        avx2 = strstr(c, " avx2") != NULL;
        avx512f = strstr(c, " avx512f") != NULL;
        fma = strstr(c, " fma") != NULL;
      }
    }
    fclose(f);
  }
  char flags[64];
  snprintf(flags, sizeof flags, "avx2=%d fma=%d avx512f=%d", avx2, fma,
           avx512f);
  meta("cpu", model);
  meta("cpu_flags", flags);
}

/* ------------------------------------------------------------------ */
/* Inputs: the same formulas as numpy_peers.py                         */
/* ------------------------------------------------------------------ */

/* AR(1) covariance rho^|i-j|: dense, symmetric positive definite for
 * |rho| < 1, and cheap to build identically in C and NumPy. */
static void ar1(double *c, int64_t n, double rho) {
  for (int64_t i = 0; i < n; i++)
    for (int64_t j = 0; j < n; j++)
      c[i * n + j] = pow(rho, (double)(i > j ? i - j : j - i));
}

static void *as_dtype(const double *x, int64_t count, jr_dtype dt) {
  if (dt == JR_FLOAT64) {
    double *d = xmalloc(sizeof *d * (size_t)count);
    memcpy(d, x, sizeof *d * (size_t)count);
    return d;
  }
  float *f = xmalloc(sizeof *f * (size_t)count);
  for (int64_t i = 0; i < count; i++)
    f[i] = (float)x[i];
  return f;
}

static jr_ctx *make_ctx(int threads) {
  jr_ctx *c = jr_ctx_create();
  if (!c) exit(1);
  check(jr_ctx_set_int(c, JR_PARAM_THREADS, threads), "threads");
  return c;
}

/* ------------------------------------------------------------------ */
/* jaxrandom multivariate_normal                                       */
/* ------------------------------------------------------------------ */

/* rows samples of dimension n; batched = 1 gives every row its own mean and
 * covariance (W4, shape=None), else one (n) mean and (n, n) cov with
 * shape=(rows,). Times create (factorization) and sample of the factor-reuse
 * API, and as "total" the one-shot jr_multivariate_normal call, the
 * counterpart of NumPy's multivariate_normal (it may skip storing factors). */
static void jr_mvn_bench(const char *work, jr_dtype dt, int64_t n, int64_t rows,
                         int batched, const double *mean, const double *cov,
                         int threads, int cold) {
  const int64_t nb = batched ? rows : 1;
  void *m = as_dtype(mean, nb * n, dt), *c = as_dtype(cov, nb * n * n, dt);
  int64_t mshape[2] = {nb, n}, cshape[3] = {nb, n, n};
  jr_array ma = {m, dt, batched ? 2 : 1, batched ? mshape : mshape + 1, NULL};
  jr_array ca = {c, dt, batched ? 3 : 2, batched ? cshape : cshape + 1, NULL};
  int64_t shape[1] = {rows};
  size_t bytes = (size_t)(rows * n) * jr_dtype_size(dt);
  jr_ctx *ctx = make_ctx(threads);
  double tf[MAX_REPS], ts[MAX_REPS], tt[MAX_REPS];
  for (int r = 0; r < reps; r++) {
    void *out = cold ? xmalloc(bytes) : warm;
    jr_mvn *mvn;
    double t0 = now();
    check(jr_mvn_create(ctx, &ma, &ca, batched ? JR_SHAPE_NONE : 1,
                        batched ? NULL : shape, dt, JR_CHOLESKY, &mvn),
          "jr_mvn_create");
    double t1 = now();
    check(jr_mvn_sample_rows(mvn, ctx, key, 0, rows, out),
          "jr_mvn_sample_rows");
    double t2 = now();
    jr_mvn_free(mvn);
    tf[r] = t1 - t0;
    ts[r] = t2 - t1;
    if (cold) free(out); /* large: glibc returns it to the OS (munmap) */
  }
  int64_t oshape[3] = {rows, n};
  for (int r = 0; r < reps; r++) {
    void *out = cold ? xmalloc(bytes) : warm;
    jr_array oa = {out, dt, 2, oshape, NULL};
    double t0 = now();
    check(jr_multivariate_normal(ctx, key, &ma, &ca,
                                 batched ? JR_SHAPE_NONE : 1,
                                 batched ? NULL : shape, dt, JR_CHOLESKY, &oa),
          "jr_multivariate_normal");
    tt[r] = now() - t0;
    if (cold) free(out);
  }
  const char *dn = jr_dtype_name(dt);
  const char *impl = cold ? "jr_cold" : "jr";
  if (!cold) {
    emit(work, dn, impl, threads, "factor", (double)rows, tf, reps);
    emit(work, dn, impl, threads, "sample", (double)rows, ts, reps);
  }
  emit(work, dn, impl, threads, "total", (double)rows, tt, reps);
  jr_ctx_free(ctx);
  free(m);
  free(c);
}

/* The standard normals a mvn workload draws (rows * n in dt), alone: with
 * the sample time this separates the product's share for W2/W3. */
static void jr_z_bench(const char *work, jr_dtype dt, int64_t count) {
  jr_ctx *ctx = make_ctx(1);
  double t[MAX_REPS];
  for (int r = 0; r < reps; r++) {
    double t0 = now();
    check(jr_normal(ctx, key, dt, 1, &count, warm), "jr_normal");
    t[r] = now() - t0;
  }
  emit(work, jr_dtype_name(dt), "jr", 1, "z", (double)count, t, reps);
  jr_ctx_free(ctx);
}

/* ------------------------------------------------------------------ */
/* GSL peers                                                           */
/* ------------------------------------------------------------------ */

static void gsl_mvn_bench(const char *work, int64_t n, int64_t rows,
                          const double *mean, const double *cov) {
  gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
  gsl_matrix *L = gsl_matrix_alloc((size_t)n, (size_t)n);
  gsl_vector_const_view mu = gsl_vector_const_view_array(mean, (size_t)n);
  double tf[MAX_REPS], ts[MAX_REPS], tt[MAX_REPS];
  double *out = warm;
  for (int r = 0; r < reps; r++) {
    double t0 = now();
    memcpy(L->data, cov, sizeof(double) * (size_t)(n * n));
    gsl_linalg_cholesky_decomp1(L);
    double t1 = now();
    for (int64_t i = 0; i < rows; i++) {
      gsl_vector_view x = gsl_vector_view_array(out + i * n, (size_t)n);
      gsl_ran_multivariate_gaussian(rng, &mu.vector, L, &x.vector);
    }
    double t2 = now();
    tf[r] = t1 - t0;
    ts[r] = t2 - t1;
    tt[r] = t2 - t0;
  }
  emit(work, "float64", "gsl", 1, "factor", (double)rows, tf, reps);
  emit(work, "float64", "gsl", 1, "sample", (double)rows, ts, reps);
  emit(work, "float64", "gsl", 1, "total", (double)rows, tt, reps);
  gsl_matrix_free(L);
  gsl_rng_free(rng);
}

/* W4 with GSL: one factorization and one draw per batch element. */
static void gsl_w4_bench(int64_t n, int64_t rows, const double *mean,
                         const double *cov) {
  gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
  gsl_matrix *L = gsl_matrix_alloc((size_t)n, (size_t)n);
  double t[MAX_REPS];
  double *out = warm;
  for (int r = 0; r < reps; r++) {
    double t0 = now();
    for (int64_t k = 0; k < rows; k++) {
      memcpy(L->data, cov + k * n * n, sizeof(double) * (size_t)(n * n));
      gsl_linalg_cholesky_decomp1(L);
      gsl_vector_const_view mu =
          gsl_vector_const_view_array(mean + k * n, (size_t)n);
      gsl_vector_view x = gsl_vector_view_array(out + k * n, (size_t)n);
      gsl_ran_multivariate_gaussian(rng, &mu.vector, L, &x.vector);
    }
    t[r] = now() - t0;
  }
  emit("W4", "float64", "gsl", 1, "total", (double)rows, t, reps);
  gsl_matrix_free(L);
  gsl_rng_free(rng);
}

static void gsl_w5_bench(int64_t count) {
  gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
  double *out = warm;
  double t[MAX_REPS];
  for (int r = 0; r < reps; r++) {
    double t0 = now();
    for (int64_t i = 0; i < count; i++)
      out[i] = gsl_ran_gaussian_ziggurat(rng, 1.0);
    t[r] = now() - t0;
  }
  emit("W5", "float64", "gsl", 1, "total", (double)count, t, reps);
  gsl_rng_free(rng);
}

/* ------------------------------------------------------------------ */
/* W5 with jaxrandom                                                   */
/* ------------------------------------------------------------------ */

static void jr_w5_bench(jr_dtype dt, int64_t count, int threads, int cold) {
  jr_ctx *ctx = make_ctx(threads);
  size_t bytes = (size_t)count * jr_dtype_size(dt);
  double t[MAX_REPS];
  for (int r = 0; r < reps; r++) {
    void *out = cold ? xmalloc(bytes) : warm;
    double t0 = now();
    check(jr_normal(ctx, key, dt, 1, &count, out), "jr_normal");
    t[r] = now() - t0;
    if (cold) free(out);
  }
  emit("W5", jr_dtype_name(dt), cold ? "jr_cold" : "jr", threads, "total",
       (double)count, t, reps);
  jr_ctx_free(ctx);
}

/* ------------------------------------------------------------------ */
/* Machine limits                                                      */
/* ------------------------------------------------------------------ */

static void limit_memory(size_t bytes) {
  double t[MAX_REPS];
  for (int r = 0; r < reps; r++) {
    double t0 = now();
    memset(warm, r + 1, bytes);
    t[r] = now() - t0;
  }
  emit("L", "-", "memset", 1, "write", (double)bytes, t, reps);
#if defined(__SSE2__)
  /* Non-temporal stores skip the read-for-ownership of normal stores: the
   * most a writer of fresh results can reach. */
  for (int r = 0; r < reps; r++) {
    __m128i v = _mm_set1_epi32(r);
    __m128i *p = warm;
    size_t k = bytes / sizeof(__m128i);
    double t0 = now();
    for (size_t i = 0; i < k; i += 4) {
      _mm_stream_si128(p + i, v);
      _mm_stream_si128(p + i + 1, v);
      _mm_stream_si128(p + i + 2, v);
      _mm_stream_si128(p + i + 3, v);
    }
    _mm_sfence();
    t[r] = now() - t0;
  }
  emit("L", "-", "ntstore", 1, "write", (double)bytes, t, reps);
#endif
  /* Fresh pages: the kernel zeroes each one on first touch. */
  for (int r = 0; r < reps; r++) {
    void *p = xmalloc(bytes);
    double t0 = now();
    memset(p, r + 1, bytes);
    t[r] = now() - t0;
    free(p);
  }
  emit("L", "-", "firsttouch", 1, "write", (double)bytes, t, reps);
}

/* threefry words/s through jr_random_bits: in cache-sized slices (the
 * generator alone) and into a large warm buffer (generator plus stores). */
static void limit_threefry(int threads, int64_t words) {
  jr_ctx *ctx = make_ctx(threads);
  double t[MAX_REPS];
  enum { SLICE = 1 << 14 };
  uint32_t *small = xmalloc(sizeof *small * SLICE * 2);
  if (threads == 1) {
    for (int r = 0; r < reps; r++) {
      double t0 = now();
      for (int64_t s = 0; s < words; s += SLICE) {
        int64_t c = words - s < SLICE ? words - s : SLICE;
        check(jr_random_bits_range(ctx, key, 32, words, s, c, small),
              "jr_random_bits_range");
      }
      t[r] = now() - t0;
    }
    emit("L", "uint32", "threefry_cache", 1, "words", (double)words, t, reps);
  }
  for (int r = 0; r < reps; r++) {
    double t0 = now();
    check(jr_random_bits(ctx, key, 32, 1, &words, warm), "jr_random_bits");
    t[r] = now() - t0;
  }
  emit("L", "uint32", "threefry_mem", threads, "words", (double)words, t, reps);
  free(small);
  jr_ctx_free(ctx);
}

/* W4 through the one call a user makes, jr_multivariate_normal (its
 * one-shot path factors and samples block by block, storing no factors). */
static void jr_oneshot_bench(jr_dtype dt, int64_t n, int64_t rows,
                             const double *mean, const double *cov) {
  void *m = as_dtype(mean, rows * n, dt), *c = as_dtype(cov, rows * n * n, dt);
  int64_t mshape[2] = {rows, n}, cshape[3] = {rows, n, n},
          oshape[2] = {rows, n};
  jr_array ma = {m, dt, 2, mshape, NULL}, ca = {c, dt, 3, cshape, NULL};
  jr_array oa = {warm, dt, 2, oshape, NULL};
  jr_ctx *ctx = make_ctx(1);
  double t[MAX_REPS];
  for (int r = 0; r < reps; r++) {
    double t0 = now();
    check(jr_multivariate_normal(ctx, key, &ma, &ca, JR_SHAPE_NONE, NULL, dt,
                                 JR_CHOLESKY, &oa),
          "jr_multivariate_normal");
    t[r] = now() - t0;
  }
  emit("W4", jr_dtype_name(dt), "jr_oneshot", 1, "total", (double)rows, t,
       reps);
  jr_ctx_free(ctx);
  free(m);
  free(c);
}

/* GEMM at the product shape of a mvn workload: (rows x n) x (n x n). */
static void limit_gemm(const char *work, int dbl, int64_t rows, int64_t n) {
  size_t es = dbl ? sizeof(double) : sizeof(float);
  void *f = xmalloc(es * (size_t)(n * n));
  void *z = warm; /* rows * n, then the product after it */
  char *x = (char *)warm + es * (size_t)(rows * n);
  for (int64_t i = 0; i < n * n; i++) {
    if (dbl)
      ((double *)f)[i] = 1.0 / (double)(1 + i % 7);
    else
      ((float *)f)[i] = 1.0f / (float)(1 + i % 7);
  }
  for (int64_t i = 0; i < rows * n; i++) {
    if (dbl)
      ((double *)z)[i] = (double)(i % 13) - 6.0;
    else
      ((float *)z)[i] = (float)(i % 13) - 6.0f;
  }
  double t[MAX_REPS];
  for (int r = 0; r < reps; r++) {
    double t0 = now();
    if (dbl)
      cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)rows, (int)n,
                  (int)n, 1.0, z, (int)n, f, (int)n, 0.0, (double *)(void *)x,
                  (int)n);
    else
      cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)rows, (int)n,
                  (int)n, 1.0f, z, (int)n, f, (int)n, 0.0f, (float *)(void *)x,
                  (int)n);
    t[r] = now() - t0;
  }
  emit(work, dbl ? "float64" : "float32", dbl ? "dgemm" : "sgemm", 1, "gemm",
       2.0 * (double)rows * (double)(n * n), t, reps);
  free(f);
}

/* ------------------------------------------------------------------ */

static void usage(void) {
  fprintf(stderr,
          "usage: bench_workloads [--reps N (1..%d)] [--scale X] "
          "[--only W1,W2,W3,W4,W5,L]\n"
          "                       [--threads2 0|1] [--no-gsl] "
          "[--no-cold]\n"
          "                       [--dtype float32|float64]\n",
          MAX_REPS);
  exit(2);
}

int main(int argc, char **argv) {
  for (int i = 1; i < argc; i++) {
    if (!strcmp(argv[i], "--reps") && i + 1 < argc)
      reps = atoi(argv[++i]);
    else if (!strcmp(argv[i], "--scale") && i + 1 < argc)
      scale = atof(argv[++i]);
    else if (!strcmp(argv[i], "--only") && i + 1 < argc)
      only = argv[++i];
    else if (!strcmp(argv[i], "--threads2") && i + 1 < argc)
      use_t2 = atoi(argv[++i]);
    else if (!strcmp(argv[i], "--no-gsl"))
      use_gsl = 0;
    else if (!strcmp(argv[i], "--no-cold"))
      use_cold = 0;
    else if (!strcmp(argv[i], "--dtype") && i + 1 < argc) {
      const char *d = argv[++i];
      if (!strcmp(d, "float32"))
        dtype_only = JR_FLOAT32;
      else if (!strcmp(d, "float64"))
        dtype_only = JR_FLOAT64;
      else
        usage();
    } else
      usage();
  }
  if (reps < 1 || reps > MAX_REPS || !(scale > 0)) usage();

  /* The peers (NumPy, GSL's dtrmv through this CBLAS) run on one thread. */
  openblas_set_num_threads(1);

  const int64_t w1 = scaled(1e7), w2 = scaled(1e5), w3 = scaled(1e4),
                w4 = scaled(1e5), w5 = scaled(1e8);
  /* Sized for the largest selected user, so a profile of one workload is
   * not dominated by faulting in W5's 800 MB. */
  warm_bytes = 1 << 20;
#define NEED(w, bytes)                                                         \
  do {                                                                         \
    size_t b_ = (size_t)(bytes);                                               \
    if (wanted(w) && b_ > warm_bytes) warm_bytes = b_;                         \
  } while (0)
  NEED("W1", w1 * 3 * 8);
  NEED("W2", w2 * 100 * 8);
  NEED("W3", w3 * 1000 * 8);
  NEED("W4", w4 * 4 * 8);
  NEED("W5", w5 * 8);
  NEED("L", w5 * 4);           /* threefry words */
  NEED("L", 2 * w2 * 100 * 8); /* GEMM z and product */
  NEED("L", 2 * w3 * 1000 * 8);
#undef NEED
  warm = xmalloc(warm_bytes);
  memset(warm, 0, warm_bytes);

  char buf[256];
  time_t tnow = time(NULL);
  strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S UTC", gmtime(&tnow));
  meta("date", buf);
  cpu_info();
  /* JAXRANDOM_ISA (bench/run.sh's second pass: avx2 on an AVX-512 CPU)
   * chooses the kernel set; else the best one */
  const char *isa_env = getenv("JAXRANDOM_ISA");
  if (!isa_env || !*isa_env) check(jr_isa_select(JR_ISA_AUTO), "jr_isa_select");
  if (jr_isa_active() == JR_ISA_AUTO) {
    fprintf(stderr, "bench_workloads: JAXRANDOM_ISA=%s cannot run here\n",
            isa_env);
    return 2;
  }
  meta("isa", jr_isa_name(jr_isa_active()));
  meta("jaxrandom", jr_version_string());
  meta("openblas", openblas_get_config());
  /* the kernels OpenBLAS chose (or OPENBLAS_CORETYPE forced): gemm's limit
   * and eigh/svd depend on them, jaxrandom's cholesky path does not */
  meta("openblas_core", openblas_get_corename());
  meta("gsl", gsl_version);
  snprintf(buf, sizeof buf, "%d", reps);
  meta("reps", buf);
  snprintf(buf, sizeof buf, "%g", scale);
  meta("scale", buf);
  meta("threads", "1 (jaxrandom JR_PARAM_THREADS=1, OpenBLAS 1); 2T column "
                  "for W1, W2, W5");

  if (wanted("L")) {
    fprintf(stderr, "machine limits\n");
    limit_memory(warm_bytes < ((size_t)1 << 29) ? warm_bytes : (size_t)1 << 29);
    limit_threefry(1, w5);
    if (use_t2) limit_threefry(2, w5);
    limit_gemm("W2", 1, w2, 100);
    limit_gemm("W2", 0, w2, 100);
    limit_gemm("W3", 1, w3, 1000);
    limit_gemm("W3", 0, w3, 1000);
  }

  static const jr_dtype dts[2] = {JR_FLOAT32, JR_FLOAT64};
  struct {
    const char *name;
    int64_t n, rows;
  } const mvn_w[3] = {{"W1", 3, w1}, {"W2", 100, w2}, {"W3", 1000, w3}};
  for (int w = 0; w < 3; w++) {
    if (!wanted(mvn_w[w].name)) continue;
    const int64_t n = mvn_w[w].n, rows = mvn_w[w].rows;
    fprintf(stderr, "%s: n=%lld, %lld samples\n", mvn_w[w].name, (long long)n,
            (long long)rows);
    double *mean = xmalloc(sizeof *mean * (size_t)n);
    double *cov = xmalloc(sizeof *cov * (size_t)(n * n));
    for (int64_t i = 0; i < n; i++)
      mean[i] = 0.5 * (double)(i % 5) - 1.0;
    ar1(cov, n, 0.5);
    for (int d = 0; d < 2; d++) {
      if (dtype_only >= 0 && (int)dts[d] != dtype_only) continue;
      jr_mvn_bench(mvn_w[w].name, dts[d], n, rows, 0, mean, cov, 1, 0);
      if (w < 2 && use_t2)
        jr_mvn_bench(mvn_w[w].name, dts[d], n, rows, 0, mean, cov, 2, 0);
      if (w == 0 && use_cold)
        jr_mvn_bench(mvn_w[w].name, dts[d], n, rows, 0, mean, cov, 1, 1);
      if (w > 0) jr_z_bench(mvn_w[w].name, dts[d], rows * n);
    }
    if (use_gsl) gsl_mvn_bench(mvn_w[w].name, n, rows, mean, cov);
    free(mean);
    free(cov);
  }

  if (wanted("W4")) {
    const int64_t n = 4, rows = w4;
    fprintf(stderr, "W4: %lld covariances of 4x4, one sample each\n",
            (long long)rows);
    double *mean = xmalloc(sizeof *mean * (size_t)(rows * n));
    double *cov = xmalloc(sizeof *cov * (size_t)(rows * n * n));
    for (int64_t k = 0; k < rows; k++) {
      /* rho in (-0.9, 0.9): each batch element its own AR(1) matrix. */
      ar1(cov + k * n * n, n, 0.9 * sin((double)k));
      for (int64_t i = 0; i < n; i++)
        mean[k * n + i] = cos((double)(k + i));
    }
    for (int d = 0; d < 2; d++)
      if (dtype_only < 0 || (int)dts[d] == dtype_only) {
        jr_mvn_bench("W4", dts[d], n, rows, 1, mean, cov, 1, 0);
        jr_oneshot_bench(dts[d], n, rows, mean, cov);
      }
    if (use_gsl) gsl_w4_bench(n, rows, mean, cov);
    free(mean);
    free(cov);
  }

  if (wanted("W5")) {
    fprintf(stderr, "W5: %lld standard normals\n", (long long)w5);
    for (int d = 0; d < 2; d++) {
      if (dtype_only >= 0 && (int)dts[d] != dtype_only) continue;
      jr_w5_bench(dts[d], w5, 1, 0);
      if (use_t2) jr_w5_bench(dts[d], w5, 2, 0);
      if (use_cold) jr_w5_bench(dts[d], w5, 1, 1);
    }
    if (use_gsl) gsl_w5_bench(w5);
  }
  free(warm);
  return 0;
}
