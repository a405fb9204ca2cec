/* multivariate-normal and the built-in demo. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

/* Converts `a` in place to float dtype `to` (float32 or float64). */
static int cli_convert(const cli_opts *o, jr_ndarray *a, jr_dtype to,
                       const char *what) {
  jr_ndarray b;
  jr_status st = jr_ndarray_alloc(&b, to, a->ndim, a->shape, what);
  if (st) return cli_fail_status(o, st);
  for (int64_t i = 0; i < a->size; i++) {
    double v = jr_ndarray_get(a, i);
    if (to == JR_FLOAT32)
      ((float *)b.data)[i] = (float)v;
    else
      ((double *)b.data)[i] = v;
  }
  jr_ndarray_free(a);
  *a = b;
  return CLI_OK;
}

/* Loads --mean/--cov from a .npy, a .csv or an inline literal and applies
 * JAX's input canonicalization (jnp.asarray, then promote_dtypes_inexact):
 * integers and bools become the default float (float32, or float64 with
 * --x64); without --x64 float64 becomes float32 and 64-bit integers must
 * fit 32 bits (JAX would silently wrap them). */
int cli_load_input(const cli_opts *o, const char *spec, const char *what,
                   int is_mean, jr_ndarray *a) {
  jr_status st;
  int text = 0;
  a->data = NULL;
  if (cli_ends_with(spec, ".npy")) {
    st = jr_npy_load(spec, a);
  } else if (cli_ends_with(spec, ".csv")) {
    st = jr_csv_load(spec, a);
    text = 1;
    /* A CSV is a matrix; for the mean, one row or one column is a vector. */
    if (!st && is_mean && (a->shape[0] == 1 || a->shape[1] == 1)) {
      a->shape[0] = a->size;
      a->ndim = 1;
    }
  } else {
    st = jr_literal_parse(spec, strlen(spec), what, a);
    text = 1;
    if (st) {
      int code = cli_error(o, CLI_USAGE,
                           "%s (%s takes a .npy or .csv file name or a "
                           "literal such as '[[2,0.5],[0.5,1]]')",
                           jr_last_error(), what);
      return code;
    }
  }
  if (st) return cli_fail_status(o, st);
  const jr_dtype deflt = o->x64 ? JR_FLOAT64 : JR_FLOAT32;
  if (text) return cli_convert(o, a, deflt, what);
  switch (a->dtype) {
  case JR_FLOAT16:
  case JR_FLOAT32: return CLI_OK;
  case JR_FLOAT64:
    if (o->x64) return CLI_OK;
    cli_note(o,
             "%s is float64, which JAX without --x64 converts to "
             "float32: using float32",
             what);
    return cli_convert(o, a, JR_FLOAT32, what);
  case JR_INT64:
  case JR_UINT64:
    if (!o->x64)
      for (int64_t i = 0; i < a->size; i++) {
        int bad = a->dtype == JR_INT64 ? (((int64_t *)a->data)[i] < INT32_MIN ||
                                          ((int64_t *)a->data)[i] > INT32_MAX)
                                       : ((uint64_t *)a->data)[i] > UINT32_MAX;
        if (bad)
          return cli_error(o, CLI_USAGE,
                           "%s: element %lld of the %s array does not fit "
                           "32 bits (JAX without --x64 would truncate it); "
                           "pass --x64 or store floats",
                           what, (long long)i, jr_dtype_name(a->dtype));
      }
    return cli_convert(o, a, deflt, what);
  default: return cli_convert(o, a, deflt, what);
  }
}

int (*cli_input_loader)(const cli_opts *o, const char *spec, const char *what,
                        int is_mean, jr_ndarray *a) = cli_load_input;

static jr_array cli_view(const jr_ndarray *a) {
  jr_array v;
  v.data = a->data;
  v.dtype = a->dtype;
  v.ndim = a->ndim;
  v.shape = a->shape;
  v.strides = NULL;
  return v;
}

typedef struct {
  const jr_mvn *mvn;
  const jr_ctx *ctx;
  jr_key key;
  int64_t n;         /* elements per row */
  int64_t row_first; /* first row of the output (--rows) */
  /* demo: running sums for the sample mean and covariance */
  int stats;
  jr_dtype dtype;
  double *sum, *sumsq;
  int64_t count;
} cli_mvn_job;

static jr_status cli_mvn_fill(void *arg, int64_t start, int64_t count,
                              void *buf) {
  cli_mvn_job *j = arg;
  const int64_t r0 = j->row_first + start / j->n;
  const int64_t r1 = r0 + count / j->n;
  jr_status st = jr_mvn_sample_rows(j->mvn, j->ctx, j->key, r0, r1, buf);
  if (st || !j->stats) return st;
  jr_ndarray view = {.dtype = j->dtype, .data = buf};
  for (int64_t r = 0; r < r1 - r0; r++) {
    for (int64_t a = 0; a < j->n; a++) {
      double xa = jr_ndarray_get(&view, r * j->n + a);
      j->sum[a] += xa;
      for (int64_t b = 0; b < j->n; b++)
        j->sumsq[a * j->n + b] += xa * jr_ndarray_get(&view, r * j->n + b);
    }
    j->count++;
  }
  return JR_OK;
}

static jr_dtype cli_mvn_dtype(const cli_opts *o) {
  if (!o->have_dtype) return JR_DTYPE_NONE;
  if (o->dtype == JR_FLOAT64 && !o->x64) {
    cli_note(o, "float64 is not available without --x64 (JAX truncates it "
                "with a warning): using float32");
    return JR_FLOAT32;
  }
  return o->dtype; /* the library rejects non-float dtypes as JAX does */
}

/* Creates the distribution (all of JAX's checks), samples it in blocks and
 * writes it. When `demo` is set the requested and sample moments are
 * printed afterwards. */
static int cli_mvn_common(cli_opts *o, jr_ndarray *mean, jr_ndarray *cov,
                          int demo) {
  int code;
  jr_ctx *ctx = cli_make_ctx(o, &code);
  if (!ctx) return code;
  jr_mvn *mvn = NULL;
  jr_array mv = cli_view(mean), cv = cli_view(cov);
  jr_status st =
      jr_mvn_create(ctx, &mv, &cv, o->have_shape ? o->ndim : JR_SHAPE_NONE,
                    o->shape, cli_mvn_dtype(o), o->method, &mvn);
  if (st) {
    jr_ctx_free(ctx);
    return cli_fail_status(o, st);
  }
  cli_output out;
  memset(&out, 0, sizeof out);
  int64_t rows = 0, n = 0;
  st = jr_mvn_describe(mvn, &out.dtype, &out.ndim, out.shape, &rows, &n);
  cli_mvn_job job;
  memset(&job, 0, sizeof job);
  job.mvn = mvn;
  job.ctx = ctx;
  job.key = o->key;
  job.n = n;
  job.dtype = out.dtype;
  if (!st && o->have_rows) {
    int64_t end = o->row_end < 0 ? rows : o->row_end;
    if (o->row_begin > rows || end > rows) {
      jr_mvn_free(mvn);
      jr_ctx_free(ctx);
      return cli_error(o, CLI_USAGE,
                       "--rows %lld:%lld is outside the %lld rows of the "
                       "flattened batch (expected 0 <= A <= B <= %lld)",
                       (long long)o->row_begin, (long long)end, (long long)rows,
                       (long long)rows);
    }
    job.row_first = o->row_begin;
    rows = end - o->row_begin;
    out.ndim = 2;
    out.shape[0] = rows;
    out.shape[1] = n;
  }
  if (!st && !cli_mul_i64(rows, n, &out.total)) st = JR_E_SIZE_OVERFLOW;
  if (st) {
    jr_mvn_free(mvn);
    jr_ctx_free(ctx);
    return cli_fail_status(o, st);
  }
  out.line_len = n > 0 ? n : 1;
  out.align = n > 0 ? n : 1;
  out.fill = cli_mvn_fill;
  out.arg = &job;
  if (demo) {
    job.stats = 1;
    job.sum = calloc((size_t)n, sizeof(double));
    job.sumsq = calloc((size_t)(n * n), sizeof(double));
    if (!job.sum || !job.sumsq) {
      code = cli_error(o, CLI_RUNTIME, "out of memory");
      goto done;
    }
  }
  if (demo && !o->out) {
    /* No output file: sample in blocks only for the statistics. */
    const int64_t block_rows = 4096;
    size_t item = jr_dtype_size(out.dtype);
    void *buf = malloc((size_t)(block_rows * n) * item + 1);
    if (!buf) {
      code = cli_error(o, CLI_RUNTIME, "out of memory");
      goto done;
    }
    for (int64_t r = 0; !st && r < rows; r += block_rows) {
      int64_t k = rows - r < block_rows ? rows - r : block_rows;
      st = cli_mvn_fill(&job, r * n, k * n, buf);
    }
    free(buf);
    code = st ? cli_fail_status(o, st) : CLI_OK;
  } else {
    code = cli_output_sink(o, &out);
  }
  if (demo && code == CLI_OK) {
    const double m = (double)job.count;
    printf("multivariate_normal demo: %lld samples of a %lld-D normal, key "
           "(%lu, %lu), %s, %s, %s mode\n",
           (long long)job.count, (long long)n, (unsigned long)o->key.k[0],
           (unsigned long)o->key.k[1], jr_dtype_name(out.dtype),
           o->method == JR_CHOLESKY ? "cholesky"
           : o->method == JR_EIGH   ? "eigh"
                                    : "svd",
           o->legacy ? "legacy" : "partitionable");
    printf("\n%-6s %12s %12s\n", "", "requested", "sample");
    for (int64_t a = 0; a < n; a++)
      printf("mean[%lld] %9.4f %12.4f\n", (long long)a, jr_ndarray_get(mean, a),
             job.sum[a] / m);
    printf("\n%-*s   %s\n", (int)(n * 9), "requested covariance",
           "sample covariance");
    for (int64_t a = 0; a < n; a++) {
      for (int64_t b = 0; b < n; b++)
        printf("%9.4f", jr_ndarray_get(cov, a * n + b));
      printf("   ");
      for (int64_t b = 0; b < n; b++) {
        double c =
            (job.sumsq[a * n + b] - job.sum[a] * job.sum[b] / m) / (m - 1);
        printf("%9.4f", c);
      }
      printf("\n");
    }
    if (o->out && strcmp(o->out, "-") != 0)
      printf("\nsamples written to %s\n", o->out);
  }
done:
  free(job.sum);
  free(job.sumsq);
  jr_mvn_free(mvn);
  jr_ctx_free(ctx);
  return code;
}

int cli_run_mvn(cli_opts *o) {
  if (!o->mean || !o->cov)
    return cli_error(o, CLI_USAGE,
                     "missing --%s (a .npy or .csv file or a literal; or use "
                     "--example for the built-in example)",
                     !o->mean ? "mean" : "cov");
  jr_ndarray mean = {0}, cov = {0};
  int code = cli_input_loader(o, o->mean, "--mean", 1, &mean);
  if (!code) code = cli_input_loader(o, o->cov, "--cov", 0, &cov);
  if (!code) code = cli_mvn_common(o, &mean, &cov, 0);
  jr_ndarray_free(&mean);
  jr_ndarray_free(&cov);
  return code;
}

/* The built-in example: a correlated 3-D normal, 5000 samples. */
int cli_run_demo(cli_opts *o) {
  static const char *demo_mean = "[1.0, -2.0, 0.5]";
  static const char *demo_cov =
      "[[2.0, 0.6, -0.4], [0.6, 1.0, 0.3], [-0.4, 0.3, 0.5]]";
  if (o->mean || o->cov)
    return cli_error(o, CLI_USAGE,
                     "--example uses the built-in mean and covariance; drop "
                     "--mean/--cov or --example");
  if (o->have_rows)
    return cli_error(o, CLI_USAGE, "--rows does not apply to the example");
  if (!o->have_shape) {
    o->have_shape = 1;
    o->ndim = 1;
    o->shape[0] = 5000;
  }
  jr_ndarray mean = {0}, cov = {0};
  int code = cli_load_input(o, demo_mean, "--mean", 1, &mean);
  if (!code) code = cli_load_input(o, demo_cov, "--cov", 0, &cov);
  if (!code) code = cli_mvn_common(o, &mean, &cov, 1);
  jr_ndarray_free(&mean);
  jr_ndarray_free(&cov);
  return code;
}
