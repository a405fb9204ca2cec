/* multivariate-normal and the built-in demo: inputs in, the distribution
 * set up with all of JAX's checks, its rows out. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "commands_common.h"
#include "input.h"
#include "plot.h"
#include "plot_svg.h"
#include "report.h"
#include "sample_stats.h"

static jr_array cli_view(const jr_ndarray *a) {
  jr_array v;
  v.data = a->data;
  v.dtype = a->dtype;
  v.ndim = a->ndim;
  v.shape = a->shape;
  v.strides = NULL;
  return v;
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

static int cli_mvn_range_error(const cli_opts *o, int64_t end, int64_t rows) {
  return cli_error(o, CLI_USAGE,
                   "--rows %lld:%lld is outside the %lld rows of the "
                   "flattened batch (expected 0 <= A <= B <= %lld)",
                   (long long)o->row_begin, (long long)end, (long long)rows,
                   (long long)rows);
}

/* The output's array (shape + (n,), or (B-A, n) with --rows) and the source
 * of its rows. */
static int cli_mvn_output(const cli_opts *o, const jr_mvn *mvn, cli_output *out,
                          cli_source *src) {
  int64_t rows = 0, n = 0;
  jr_status st =
      jr_mvn_describe(mvn, &out->dtype, &out->ndim, out->shape, &rows, &n);
  if (st) return cli_fail_status(o, st);
  src->kind = SRC_MVN;
  src->mvn = mvn;
  src->key = o->key;
  src->n = n;
  src->dtype = out->dtype;
  if (o->have_rows) {
    int64_t end = o->row_end < 0 ? rows : o->row_end;
    if (o->row_begin > rows || end > rows)
      return cli_mvn_range_error(o, end, rows);
    src->row_first = o->row_begin;
    rows = end - o->row_begin;
    out->ndim = 2;
    out->shape[0] = rows;
    out->shape[1] = n;
  }
  if (!cli_mul_i64(rows, n, &out->total))
    return cli_fail_status(o, JR_E_SIZE_OVERFLOW);
  out->line_len = n > 0 ? n : 1;
  out->align = n > 0 ? n : 1;
  out->src = src;
  src->total = out->total;
  return CLI_OK;
}

/* The demo's report: requested against sample moments. */
static int cli_print_moments(const cli_opts *o, const cli_stats *s,
                             const jr_ndarray *mean, const jr_ndarray *cov) {
  const int64_t n = s->n;
  double *smean = malloc((size_t)n * sizeof(double));
  double *scov = malloc((size_t)(n * n) * sizeof(double));
  if (!smean || !scov) {
    free(smean);
    free(scov);
    return cli_error(o, CLI_RUNTIME, "out of memory");
  }
  cli_stats_mean(s, smean);
  cli_stats_cov(s, scov);
  printf("multivariate_normal demo: %lld samples of a %lld-D normal, key "
         "(%lu, %lu), %s, %s, %s mode\n",
         (long long)s->count, (long long)n, (unsigned long)o->key.k[0],
         (unsigned long)o->key.k[1], jr_dtype_name(s->dtype),
         o->method == JR_CHOLESKY ? "cholesky"
         : o->method == JR_EIGH   ? "eigh"
                                  : "svd",
         o->legacy ? "legacy" : "partitionable");
  printf("\n%-6s %12s %12s\n", "", "requested", "sample");
  for (int64_t a = 0; a < n; a++)
    printf("mean[%lld] %9.4f %12.4f\n", (long long)a, jr_ndarray_get(mean, a),
           smean[a]);
  printf("\n%-*s   %s\n", (int)(n * 9), "requested covariance",
         "sample covariance");
  for (int64_t a = 0; a < n; a++) {
    for (int64_t b = 0; b < n; b++)
      printf("%9.4f", jr_ndarray_get(cov, a * n + b));
    printf("   ");
    for (int64_t b = 0; b < n; b++)
      printf("%9.4f", scov[a * n + b]);
    printf("\n");
  }
  free(smean);
  free(scov);
  if (o->out && strcmp(o->out, "-") != 0)
    printf("\nsamples written to %s\n", o->out);
  if (o->plot)
    printf("%spicture written to %s\n",
           o->out && strcmp(o->out, "-") != 0 ? "" : "\n", o->plot);
  return CLI_OK;
}

/* Without --out, the demo and --plot sample in blocks only for the
 * moments and the picture. */
static int cli_sample_only(const cli_opts *o, const cli_output *out,
                           cli_source *src) {
  const int64_t block_rows = 4096, n = src->n;
  void *buf = malloc((size_t)(block_rows * n) * jr_dtype_size(out->dtype) + 1);
  if (!buf) return cli_error(o, CLI_RUNTIME, "out of memory");
  const int64_t rows = n > 0 ? out->total / n : 0;
  jr_status st = JR_OK;
  for (int64_t r = 0; !st && r < rows; r += block_rows) {
    int64_t k = rows - r < block_rows ? rows - r : block_rows;
    st = cli_source_fill(src, r * n, k * n, buf);
  }
  free(buf);
  return st ? cli_fail_status(o, st) : CLI_OK;
}

/* The covariance a --scale-tril/--precision/--diag distribution has, for
 * --plot (which draws one distribution): F F^T of its factor (row 0) when
 * the parameter is not batched; else the parameter itself, which the plot's
 * check refuses with its shape. */
static int cli_implied_cov(const cli_opts *o, const jr_mvn *mvn,
                           const jr_ndarray *param, jr_ndarray *cov) {
  const int unbatched = param->ndim == (o->cov_form == JR_COV_DIAG ? 1 : 2);
  int64_t n = 0;
  jr_mvn_describe(mvn, NULL, NULL, NULL, NULL, &n);
  const int64_t shape[2] = {n, n};
  if (!unbatched || n < 1 || n > 4096) {
    if (jr_ndarray_alloc(cov, param->dtype, param->ndim, param->shape,
                         "--plot"))
      return cli_fail_status(o, JR_E_OUT_OF_MEMORY);
    memcpy(cov->data, param->data,
           (size_t)param->size * jr_dtype_size(param->dtype));
    return CLI_OK;
  }
  double *f = malloc((size_t)(n * n) * sizeof *f);
  if (!f || jr_ndarray_alloc(cov, JR_FLOAT64, 2, shape, "--plot")) {
    free(f);
    return cli_error(o, CLI_RUNTIME, "out of memory");
  }
  jr_mvn_factor(mvn, 0, f);
  double *c = cov->data;
  for (int64_t i = 0; i < n; i++)
    for (int64_t j = 0; j < n; j++) {
      double t = 0;
      for (int64_t k = 0; k < n; k++)
        t += f[i * n + k] * f[j * n + k];
      c[i * n + j] = t;
    }
  free(f);
  return CLI_OK;
}

/* The batch shape of mean and a diag (..., n) as a cov (..., n, n) for the
 * shape checks of jr_multivariate_normal_shape. */
static jr_array cli_shape_cov(const cli_opts *o, const jr_array *param,
                              int64_t n, int64_t *shape) {
  jr_array v = *param;
  if (o->cov_form != JR_COV_DIAG || param->ndim < 1 ||
      param->ndim >= JR_MAX_NDIM)
    return v;
  for (int d = 0; d < param->ndim; d++)
    shape[d] = param->shape[d];
  shape[param->ndim] = n;
  v.ndim = param->ndim + 1;
  v.shape = shape;
  return v;
}

/* Creates the distribution (all of JAX's checks), samples it in blocks and
 * writes it; the demo also prints the requested and sample moments. */
static int cli_mvn_run(const cli_opts *o, const jr_ndarray *mean,
                       const jr_ndarray *cov, int demo) {
  int code;
  jr_ctx *ctx = cli_make_ctx(o, &code);
  if (!ctx) return code;
  jr_mvn *mvn = NULL;
  jr_array mv = cli_view(mean), cv = cli_view(cov);
  const int form = o->cov_form;
  int64_t cshape[JR_MAX_NDIM];
  const jr_array cshp = cli_shape_cov(
      o, &cv, mean->ndim >= 1 ? mean->shape[mean->ndim - 1] : 0, cshape);
  jr_ndarray implied = {0};
  const int shape_ndim = o->have_shape ? o->ndim : JR_SHAPE_NONE;
  const jr_dtype dtype = cli_mvn_dtype(o);
  int64_t row_begin = 0, row_end = -1;
  jr_status st = JR_OK;
  if (o->have_rows) {
    /* Only the covariances of the rows asked for are read and factored:
     * check the range against the batch first, for the CLI's message. */
    int ndim = 0;
    int64_t shape[JR_MAX_NDIM], rows = 1;
    st = jr_multivariate_normal_shape(&mv, &cshp, shape_ndim, o->shape, dtype,
                                      o->method, NULL, &ndim, shape);
    for (int d = 0; !st && d + 1 < ndim; d++)
      if (!cli_mul_i64(rows, shape[d], &rows)) st = JR_E_SIZE_OVERFLOW;
    if (st) {
      jr_ctx_free(ctx);
      return cli_fail_status(o, st);
    }
    row_end = o->row_end < 0 ? rows : o->row_end;
    if (o->row_begin > rows || row_end > rows) {
      jr_ctx_free(ctx);
      return cli_mvn_range_error(o, row_end, rows);
    }
    row_begin = o->row_begin;
  }
  /* jaxrandom-mpi: its rank's rows, each factor computed on one rank */
  if (form != JR_COV_FULL) {
    /* the factor is given (or its inverse computed): no method applies */
    if (o->have_method || (o->env && o->env->mvn_create)) {
      jr_ctx_free(ctx);
      return cli_error(o, CLI_USAGE,
                       o->have_method ? "--method applies to --cov only "
                                        "(--scale-tril, --precision and --diag "
                                        "give the factor)"
                                      : "--scale-tril, --precision and --diag "
                                        "are not supported by jaxrandom-mpi");
    }
    if (!st)
      st = jr_mvn_create_form(ctx, &mv, &cv, (jr_cov_form)form, shape_ndim,
                              o->shape, dtype, row_begin, row_end, &mvn);
  } else if (!st && o->env && o->env->mvn_create)
    st = o->env->mvn_create(o->env->self, o, ctx, &mv, &cv, shape_ndim,
                            o->shape, dtype, o->method, &mvn);
  else if (!st)
    st = jr_mvn_create_rows(ctx, &mv, &cv, shape_ndim, o->shape, dtype,
                            o->method, row_begin, row_end, &mvn);
  if (st) {
    jr_ctx_free(ctx);
    return cli_fail_status(o, st);
  }
  cli_output out;
  cli_source src;
  cli_stats stats;
  memset(&out, 0, sizeof out);
  memset(&src, 0, sizeof src);
  memset(&stats, 0, sizeof stats);
  src.ctx = ctx;
  code = cli_mvn_output(o, mvn, &out, &src);
  /* --plot draws the covariance; for another form, the one it implies */
  if (!code && form != JR_COV_FULL && o->plot)
    code = cli_implied_cov(o, mvn, cov, &implied);
  if (form != JR_COV_FULL) cov = &implied;
  if (!code && o->plot) code = cli_plot_check(o, mean, cov);
  /* The demo's moments are over all n coordinates (its n is 3); a picture
   * needs those it shows and its first rows. */
  if (!code && (demo || o->plot) &&
      cli_stats_init(&stats, src.n, demo ? (int)src.n : plot_coords(src.n),
                     src.dtype, o->plot ? PLOT_MAX_POINTS : 0))
    code = cli_error(o, CLI_RUNTIME, "out of memory");
  if (!code && (demo || o->plot)) src.stats = &stats;
  /* Without --out the demo and --plot sample only for themselves. */
  if (!code)
    code = (demo || o->plot) && !o->out ? cli_sample_only(o, &out, &src)
                                        : cli_sink(o, &out);
  if (!code && o->plot)
    code = cli_plot_write(o, mean, cov, src.dtype, src.row_first, &stats);
  if (!code && demo) code = cli_print_moments(o, &stats, mean, cov);
  cli_stats_free(&stats);
  jr_ndarray_free(&implied);
  jr_mvn_free(mvn);
  jr_ctx_free(ctx);
  return code;
}

int cli_cmd_mvn(cli_opts *o) {
  if (o->example) return cli_cmd_demo(o);
  int code = cli_resolve_key(o);
  if (code) return code;
  if (!o->mean || !o->cov)
    return cli_error(o, CLI_USAGE,
                     "missing --%s (a .npy or .csv file or a literal; or use "
                     "--example for the built-in example)",
                     !o->mean ? "mean"
                              : "cov (or --scale-tril, --precision, --diag)");
  static const char *const what[4] = {"--cov", "--scale-tril", "--precision",
                                      "--diag"};
  jr_ndarray mean = {0}, cov = {0};
  code = cli_load(o, o->mean, "--mean", 1, &mean);
  if (!code && mean.ndim >= 1) o->mean_n = mean.shape[mean.ndim - 1];
  /* --diag is a vector: a one-row or one-column CSV as --mean's */
  if (!code)
    code = cli_load(o, o->cov, what[o->cov_form], o->cov_form == JR_COV_DIAG,
                    &cov);
  if (!code) code = cli_mvn_run(o, &mean, &cov, 0);
  jr_ndarray_free(&mean);
  jr_ndarray_free(&cov);
  return code;
}

/* The built-in example: a correlated 3-D normal, 100000 samples, key 0 --
 * examples/mvn3d.c's distribution, also python/examples/plot_samples.py's
 * (keep the three alike). Its inputs are literals, parsed here whatever the
 * program's loader. */
int cli_cmd_demo(cli_opts *o) {
  static const char *demo_mean = "[1.0, -2.0, 0.5]";
  static const char *demo_cov =
      "[[2.0, 0.6, -0.4], [0.6, 1.0, 0.3], [-0.4, 0.3, 1.5]]";
  int code = cli_resolve_key(o);
  if (code) return code;
  if (o->mean || o->cov)
    return cli_error(o, CLI_USAGE,
                     "--example uses the built-in mean and covariance; drop "
                     "--mean/--cov or --example");
  if (o->have_rows)
    return cli_error(o, CLI_USAGE, "--rows does not apply to the example");
  if (!o->have_shape) {
    o->have_shape = 1;
    o->ndim = 1;
    o->shape[0] = 100000;
  }
  jr_ndarray mean = {0}, cov = {0};
  code = cli_load_input(o, demo_mean, "--mean", 1, &mean);
  if (!code) code = cli_load_input(o, demo_cov, "--cov", 0, &cov);
  if (!code) code = cli_mvn_run(o, &mean, &cov, 1);
  jr_ndarray_free(&mean);
  jr_ndarray_free(&cov);
  return code;
}
