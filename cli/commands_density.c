/* logpdf (jax.scipy.stats.multivariate_normal.logpdf / pdf at the points of
 * --x, streamed to the output in blocks) and describe-cov (what the
 * factorization of each covariance tells, as a summary or JSON). */
/* madvise(MADV_DONTNEED) is not POSIX (posix_madvise's DONTNEED is a
 * no-op on Linux). */
#define _DEFAULT_SOURCE
#include <fcntl.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "commands.h"
#include "commands_common.h"
#include "names.h"
#include "report.h"

/* --x: a native-order C-order .npy whose dtype JAX keeps (float16,
 * float32; float64 with --x64) is mapped, not read, so x of any size is
 * evaluated in bounded memory; anything else goes through the loader. */
typedef struct cli_points {
  jr_ndarray loaded; /* data != NULL: held in memory */
  void *map;
  size_t map_len;
  jr_array view;
  int64_t shape[JR_MAX_NDIM];
} cli_points;

/* Drops the mapped pages read so far (they are read again if needed). */
static void cli_points_release(void *user) {
  cli_points *p = user;
#ifdef MADV_DONTNEED
  if (p->map) madvise(p->map, p->map_len, MADV_DONTNEED);
#else
  (void)p;
#endif
}

static void cli_points_free(cli_points *p) {
  if (p->map) munmap(p->map, p->map_len);
  jr_ndarray_free(&p->loaded);
}

/* CLI_OK if mapped, -1 to load instead, an exit code (> 0) on a bad file. */
static int cli_points_map(const cli_opts *o, const char *path, cli_points *p) {
  FILE *f;
  uint64_t size;
  jr_status st = jr_input_open(path, &f, &size);
  if (st) return cli_fail_status(o, st);
  uint8_t head[JR_NPY_MAX_HEADER + 16];
  size_t got = fread(head, 1, sizeof head, f);
  int fd = fileno(f);
  size_t off;
  jr_npy_header h;
  st = jr_npy_prefix(head, got, "--x", &off);
  if (!st && off > got)
    st = jr_io_fail(JR_E_BAD_ARGUMENT,
                    "--x %s: the .npy header is longer "
                    "than %d bytes",
                    path, JR_NPY_MAX_HEADER);
  if (!st) st = jr_npy_parse_header(head, got, "--x", &h);
  if (st) {
    fclose(f);
    return cli_fail_status(o, st);
  }
  const int keep = h.dtype == JR_FLOAT16 || h.dtype == JR_FLOAT32 ||
                   (h.dtype == JR_FLOAT64 && o->x64);
  if (!keep || h.swap || (h.fortran && h.ndim > 1) || h.nbytes == 0) {
    fclose(f);
    return -1;
  }
  if ((uint64_t)h.data_offset + (uint64_t)h.nbytes > size) {
    fclose(f);
    return cli_error(o, CLI_USAGE,
                     "--x %s: the header promises %lld bytes of data, the "
                     "file has %llu after the header",
                     path, (long long)h.nbytes,
                     (unsigned long long)(size - h.data_offset));
  }
  void *m = mmap(NULL, (size_t)size, PROT_READ, MAP_PRIVATE, fd, 0);
  fclose(f);
  if (m == MAP_FAILED) return -1; /* e.g. a file system without mmap */
  if (h.data_offset % jr_dtype_size(h.dtype) != 0) {
    munmap(m, (size_t)size);
    return -1;
  }
  p->map = m;
  p->map_len = (size_t)size;
  memcpy(p->shape, h.shape, sizeof(int64_t) * (size_t)h.ndim);
  p->view.data = (char *)m + h.data_offset;
  p->view.dtype = h.dtype;
  p->view.ndim = h.ndim;
  p->view.shape = p->shape;
  p->view.strides = NULL;
  return CLI_OK;
}

static int cli_points_open(const cli_opts *o, const char *spec, cli_points *p) {
  memset(p, 0, sizeof *p);
  if (cli_ends_with(spec, ".npy") && !(o->env && o->env->load_input)) {
    int r = cli_points_map(o, spec, p);
    if (r >= 0) return r;
  }
  int code = cli_load(o, spec, "--x", 0, &p->loaded);
  if (code) return code;
  /* a CSV of one row or column is a point's vector, as --mean's */
  memcpy(p->shape, p->loaded.shape, sizeof(int64_t) * JR_MAX_NDIM);
  p->view.data = p->loaded.data;
  p->view.dtype = p->loaded.dtype;
  p->view.ndim = p->loaded.ndim;
  p->view.shape = p->shape;
  p->view.strides = NULL;
  return CLI_OK;
}

static jr_array cli_view_of(const jr_ndarray *a) {
  jr_array v = {a->data, a->dtype, a->ndim, a->shape, NULL};
  return v;
}

int cli_cmd_logpdf(cli_opts *o) {
  if (!o->x || !o->mean || !o->cov)
    return cli_error(o, CLI_USAGE,
                     "missing --%s (a .npy or .csv file or a literal)",
                     !o->x      ? "x"
                     : !o->mean ? "mean"
                                : "cov (or --scale-tril, --precision, --diag)");
  int code;
  jr_ctx *ctx = cli_make_ctx(o, &code);
  if (!ctx) return code;
  jr_ndarray mean = {0}, cov = {0};
  cli_points pts;
  memset(&pts, 0, sizeof pts);
  jr_mvn_density *dens = NULL;
  code = cli_load(o, o->mean, "--mean", 1, &mean);
  static const char *const what[4] = {"--cov", "--scale-tril", "--precision",
                                      "--diag"};
  /* --diag is a vector: a one-row or one-column CSV as --mean's */
  if (!code)
    code = cli_load(o, o->cov, what[o->cov_form], o->cov_form == JR_COV_DIAG,
                    &cov);
  if (!code) code = cli_points_open(o, o->x, &pts);
  if (!code) {
    jr_array mv = cli_view_of(&mean), cv = cli_view_of(&cov);
    jr_status st = jr_mvn_density_create_form(
        ctx, &mv, &cv, (jr_cov_form)o->cov_form, pts.view.dtype, &dens);
    if (st) code = cli_fail_status(o, st);
  }
  cli_output out;
  cli_source src;
  memset(&out, 0, sizeof out);
  memset(&src, 0, sizeof src);
  if (!code) {
    jr_status st =
        jr_mvn_density_shape(dens, &pts.view, &out.dtype, &out.ndim, out.shape);
    if (st) code = cli_fail_status(o, st);
  }
  if (!code) {
    src.kind = SRC_DENSITY;
    src.ctx = ctx;
    src.density = dens;
    src.x = &pts.view;
    src.pdf = o->pdf;
    src.dtype = out.dtype;
    /* about 4 MiB of x per call (a row per result element at most) */
    int64_t row = pts.view.ndim ? pts.view.shape[pts.view.ndim - 1] : 1;
    row *= (int64_t)jr_dtype_size(pts.view.dtype);
    src.chunk = row > 0 ? ((int64_t)1 << 22) / row : ((int64_t)1 << 20);
    if (src.chunk < 1) src.chunk = 1;
    src.release = cli_points_release;
    src.release_user = &pts;
    out.align = 1;
    code = cli_emit(o, &out, &src);
  }
  jr_mvn_density_free(dens);
  cli_points_free(&pts);
  jr_ndarray_free(&mean);
  jr_ndarray_free(&cov);
  jr_ctx_free(ctx);
  return code;
}

/* ---- describe-cov */

/* Text collected in memory (a few lines per covariance), then written at
 * once: the file appears whole or not at all. */
typedef struct cli_text {
  char *buf;
  size_t len, cap;
  int oom;
} cli_text;

#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
static void
cli_text_add(cli_text *t, const char *fmt, ...) {
  va_list ap;
  if (!t->buf && !t->oom) { /* a first buffer: no arithmetic on NULL */
    t->buf = malloc(4096);
    t->cap = 4096;
    if (!t->buf) t->oom = 1;
  }
  for (;;) {
    va_start(ap, fmt);
    int n = t->oom ? -1 : vsnprintf(t->buf + t->len, t->cap - t->len, fmt, ap);
    va_end(ap);
    if (n < 0) {
      t->oom = 1;
      return;
    }
    if ((size_t)n < t->cap - t->len) {
      t->len += (size_t)n;
      return;
    }
    size_t cap = (t->cap + (size_t)n + 1) * 2;
    char *b = realloc(t->buf, cap);
    if (!b) {
      t->oom = 1;
      return;
    }
    t->buf = b;
    t->cap = cap;
  }
}

/* A JSON number, or null for NaN and infinities (JSON has neither). */
static void cli_json_num(cli_text *t, const char *name, double v, int last) {
  if (isfinite(v))
    cli_text_add(t, "\"%s\": %.17g%s", name, v, last ? "" : ", ");
  else
    cli_text_add(t, "\"%s\": null%s", name, last ? "" : ", ");
}

static const char *cli_method_name(jr_method m) {
  return m == JR_CHOLESKY ? "cholesky" : m == JR_EIGH ? "eigh" : "svd";
}

static void cli_describe_json(cli_text *t, const jr_cov_info *c, int64_t k) {
  cli_text_add(t,
               "{\"index\": %lld, \"n\": %lld, \"dtype\": \"%s\", "
               "\"method\": \"%s\", \"cholesky_ok\": %s, "
               "\"cholesky_failed_pivot\": ",
               (long long)k, (long long)c->n, jr_dtype_name(c->dtype),
               cli_method_name(c->method), c->chol_info ? "false" : "true");
  if (c->chol_info)
    cli_text_add(t, "%lld, ", (long long)(c->chol_info - 1));
  else
    cli_text_add(t, "null, ");
  cli_text_add(t, "\"rank\": ");
  if (c->rank >= 0)
    cli_text_add(t, "%lld, ", (long long)c->rank);
  else
    cli_text_add(t, "null, ");
  cli_json_num(t, "logdet", c->logdet, 0);
  if (c->method != JR_CHOLESKY) {
    cli_json_num(t,
                 c->method == JR_EIGH ? "min_eigenvalue" : "min_singular_value",
                 c->min_value, 0);
    cli_json_num(t,
                 c->method == JR_EIGH ? "max_eigenvalue" : "max_singular_value",
                 c->max_value, 0);
  }
  cli_json_num(t, "entropy", c->entropy, 1);
  cli_text_add(t, "}");
}

static void cli_describe_text(cli_text *t, const jr_cov_info *c, int64_t k,
                              int64_t count) {
  if (count > 1)
    cli_text_add(t, "cov[%lld]: %lld x %lld %s\n", (long long)k,
                 (long long)c->n, (long long)c->n, jr_dtype_name(c->dtype));
  else
    cli_text_add(t, "cov: %lld x %lld %s\n", (long long)c->n, (long long)c->n,
                 jr_dtype_name(c->dtype));
  if (c->chol_info == 0)
    cli_text_add(t, "  cholesky: succeeds (positive definite)\n");
  else
    cli_text_add(t,
                 "  cholesky: fails at pivot %lld (the leading %lld x %lld "
                 "block is positive definite; JAX samples and densities "
                 "are NaN)\n",
                 (long long)(c->chol_info - 1), (long long)(c->chol_info - 1),
                 (long long)(c->chol_info - 1));
  if (c->method == JR_CHOLESKY) {
    if (c->chol_info == 0)
      cli_text_add(t, "  rank: %lld (full)\n", (long long)c->n);
  } else {
    const char *what = c->method == JR_EIGH ? "eigenvalues" : "singular values";
    if (c->n == 0)
      cli_text_add(t, "  %s: rank 0 of 0\n", cli_method_name(c->method));
    else if (c->rank >= 0)
      cli_text_add(t, "  %s: rank %lld of %lld, %s in [%.6g, %.6g]\n",
                   cli_method_name(c->method), (long long)c->rank,
                   (long long)c->n, what, c->min_value, c->max_value);
    else
      cli_text_add(t, "  %s: not computed (NaN or Inf entries)\n",
                   cli_method_name(c->method));
  }
  cli_text_add(t, "  log det: %.10g%s\n", c->logdet,
               c->method == JR_SVD ? " (log |det|)" : "");
  cli_text_add(t, "  entropy: %.10g nats\n", c->entropy);
}

int cli_cmd_describe(cli_opts *o) {
  if (!o->cov)
    return cli_error(o, CLI_USAGE,
                     "missing the covariance: 'describe-cov C' or --cov C (a "
                     ".npy or .csv file or a literal)");
  if (o->format != FMT_NONE && o->format != FMT_TABLE && o->format != FMT_JSON)
    return cli_error(o, CLI_USAGE, "describe-cov writes table or json");
  const jr_method method = o->have_method ? o->method : JR_EIGH;
  jr_ndarray cov = {0};
  int code = cli_load(o, o->cov, "--cov", 0, &cov);
  if (code) return code;
  jr_array cv = cli_view_of(&cov);
  int64_t count = 0;
  if (cov.ndim >= 2) jr_shape_size(cov.ndim - 2, cov.shape, &count);
  const int json = o->format == FMT_JSON, list = json && cov.ndim != 2;
  cli_text t = {0};
  if (list) cli_text_add(&t, "[");
  for (int64_t k = 0; k < count || (k == 0 && cov.ndim < 2); k++) {
    jr_cov_info info;
    jr_status st = jr_cov_describe(&cv, k, method, &info);
    if (st) {
      free(t.buf);
      jr_ndarray_free(&cov);
      return cli_fail_status(o, st);
    }
    if (json) {
      if (k) cli_text_add(&t, ",\n ");
      cli_describe_json(&t, &info, k);
    } else {
      cli_describe_text(&t, &info, k, count);
    }
  }
  if (list) cli_text_add(&t, "]");
  if (json) cli_text_add(&t, "\n");
  jr_ndarray_free(&cov);
  if (t.oom) {
    free(t.buf);
    return cli_error(o, CLI_RUNTIME, "out of memory");
  }
  jr_status st = JR_OK;
  if (o->out && strcmp(o->out, "-") != 0) {
    jr_outfile *f = NULL;
    st = jr_outfile_open(o->out, o->force, &f);
    if (!st) st = jr_outfile_write(f, t.buf ? t.buf : "", t.len);
    if (!st)
      st = jr_outfile_commit(f);
    else
      jr_outfile_abort(f);
  } else if (t.len) {
    fwrite(t.buf, 1, t.len, stdout);
  }
  free(t.buf);
  return st ? cli_fail_status(o, st) : CLI_OK;
}
