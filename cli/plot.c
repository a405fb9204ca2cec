/* --plot: checks, title and the atomic SVG file (see plot.h). */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "names.h"
#include "plot.h"
#include "plot_svg.h"
#include "report.h"

/* src/io names the file it fails on as --out; here it is --plot's. */
static int cli_plot_fail(const cli_opts *o, jr_status st) {
  const char *m = jr_last_error();
  if (m && strncmp(m, "--out", 5) == 0)
    return cli_error(o, cli_status_code(st), "--plot%s", m + 5);
  return cli_fail_status(o, st);
}

static void cli_shape_text(const jr_ndarray *a, char *buf, size_t cap) {
  size_t len = (size_t)snprintf(buf, cap, "(");
  for (int i = 0; i < a->ndim && len < cap; i++)
    len += (size_t)snprintf(buf + len, cap - len, "%s%lld", i ? ", " : "",
                            (long long)a->shape[i]);
  if (len < cap) snprintf(buf + len, cap - len, "%s)", a->ndim == 1 ? "," : "");
}

/* The directory the file will be created in must take a new file: refused
 * now rather than after the samples are written. (A target reached through
 * a symbolic link is left to the final open.) */
static int cli_plot_dir_check(const cli_opts *o) {
  struct stat sb;
  if (lstat(o->plot, &sb) == 0 && !S_ISREG(sb.st_mode)) return CLI_OK;
  const char *slash = strrchr(o->plot, '/');
  char dir[4096];
  if (!slash) {
    strcpy(dir, ".");
  } else {
    size_t len = slash == o->plot ? 1 : (size_t)(slash - o->plot);
    if (len >= sizeof dir) return CLI_OK; /* the open will say */
    memcpy(dir, o->plot, len);
    dir[len] = '\0';
  }
  /* A runtime failure, as the same failure of --out's open is. */
  if (access(dir, W_OK | X_OK) != 0)
    return cli_error(o, CLI_RUNTIME,
                     "--plot %s: cannot create a file in its directory: %s",
                     o->plot, strerror(errno));
  return CLI_OK;
}

int cli_plot_check(const cli_opts *o, const jr_ndarray *mean,
                   const jr_ndarray *cov) {
  if (!o->plot[0] || strcmp(o->plot, "-") == 0 ||
      !cli_ends_with(o->plot, ".svg"))
    return cli_error(o, CLI_USAGE,
                     "--plot '%s': expected a file name ending in .svg (the "
                     "picture is an SVG file)",
                     o->plot);
  struct stat a, b;
  if (o->out && (strcmp(o->out, o->plot) == 0 ||
                 (stat(o->out, &a) == 0 && stat(o->plot, &b) == 0 &&
                  a.st_dev == b.st_dev && a.st_ino == b.st_ino)))
    return cli_error(o, CLI_USAGE,
                     "--plot %s: the same file as --out (expected another "
                     "name for the picture)",
                     o->plot);
  const int64_t n = mean->ndim >= 1 ? mean->shape[mean->ndim - 1] : 0;
  if (n < 2)
    return cli_error(o, CLI_USAGE,
                     "--plot draws pairs of coordinates: it needs n >= 2 "
                     "(this distribution has n = %lld)",
                     (long long)n);
  if (mean->ndim != 1 || cov->ndim != 2) {
    char ms[128], cs[128];
    cli_shape_text(mean, ms, sizeof ms);
    cli_shape_text(cov, cs, sizeof cs);
    return cli_error(o, CLI_USAGE,
                     "--plot draws one distribution: expected mean of shape "
                     "(n,) and cov (n, n), got %s and %s",
                     ms, cs);
  }
  jr_status st = jr_outfile_check(o->plot, o->force);
  if (st) return cli_plot_fail(o, st);
  return cli_plot_dir_check(o);
}

static const char *cli_method_name(jr_method m) {
  return m == JR_CHOLESKY ? "cholesky" : m == JR_EIGH ? "eigh" : "svd";
}

int cli_plot_write(const cli_opts *o, const jr_ndarray *mean,
                   const jr_ndarray *cov, jr_dtype dtype, int64_t row_first,
                   const cli_stats *stats) {
  const int64_t n = mean->shape[0];
  const int k = stats->k;
  double rmean[PLOT_PAIRWISE_MAX_N],
      rcov[PLOT_PAIRWISE_MAX_N * PLOT_PAIRWISE_MAX_N];
  double smean[PLOT_PAIRWISE_MAX_N],
      scov[PLOT_PAIRWISE_MAX_N * PLOT_PAIRWISE_MAX_N];
  if (k != plot_coords(n))
    return cli_error(o, CLI_RUNTIME,
                     "internal: --plot tracked %d of %lld "
                     "coordinates",
                     k, (long long)n);
  for (int a = 0; a < k; a++) {
    rmean[a] = jr_ndarray_get(mean, a);
    for (int b = 0; b < k; b++)
      rcov[a * k + b] = jr_ndarray_get(cov, a * n + b);
  }
  cli_stats_mean(stats, smean);
  cli_stats_cov(stats, scov);
  /* No sample ellipse (nor its legend line) below two rows or when the
   * samples are not finite (NaN rows of a failed factorization). */
  int have_sample = stats->count > 1;
  for (int a = 0; a < k * k; a++)
    if (!isfinite(scov[a]) || (a < k && !isfinite(smean[a]))) have_sample = 0;

  char title[256], rows[64] = "";
  if (o->have_rows)
    snprintf(rows, sizeof rows, ", rows %lld:%lld", (long long)row_first,
             (long long)(row_first + stats->count));
  snprintf(title, sizeof title,
           "multivariate_normal: key (%lu, %lu), n = %lld, %s, %s%s%s",
           (unsigned long)o->key.k[0], (unsigned long)o->key.k[1], (long long)n,
           jr_dtype_name(dtype), cli_method_name(o->method),
           o->legacy ? ", legacy" : "", rows);
  plot_data d = {.title = title,
                 .n = n,
                 .mean = rmean,
                 .cov = rcov,
                 .smean = have_sample ? smean : NULL,
                 .scov = have_sample ? scov : NULL,
                 .count = stats->kept,
                 .points = stats->rows,
                 .total = stats->count};

  /* The whole picture in memory first (a few MB at most), then one
   * atomic file. */
  char *svg = NULL;
  size_t len = 0;
  FILE *mem = open_memstream(&svg, &len);
  if (!mem) return cli_error(o, CLI_RUNTIME, "out of memory for the picture");
  int bad = plot_svg_write(mem, &d);
  if (fclose(mem) != 0) bad = -1;
  if (bad) {
    free(svg);
    return cli_error(o, CLI_RUNTIME, "out of memory for the picture");
  }
  jr_outfile *f = NULL;
  jr_status st = jr_outfile_open(o->plot, o->force, &f);
  if (!st) st = jr_outfile_write(f, svg, len);
  free(svg);
  if (st) {
    jr_outfile_abort(f);
    return cli_plot_fail(o, st);
  }
  st = jr_outfile_commit(f);
  return st ? cli_plot_fail(o, st) : CLI_OK;
}
