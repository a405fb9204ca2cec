/* Loading --mean/--cov with JAX's input canonicalization. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "input.h"
#include "names.h"
#include "report.h"

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

/* A .npy covariance whose shape does not fit the mean's n is refused from
 * its header, before its data (possibly gigabytes) is read. Other problems
 * of the file are left to the loader, which names them. */
static int cli_check_cov_header(const cli_opts *o, const char *path,
                                const char *what) {
  FILE *f;
  uint64_t fsize;
  if (jr_input_open(path, &f, &fsize) != JR_OK) return CLI_OK;
  uint8_t pre[12], *hbuf = NULL;
  size_t got = fread(pre, 1, sizeof pre, f), off;
  jr_npy_header h;
  int bad = 0;
  if (jr_npy_prefix(pre, got, path, &off) == JR_OK && off <= fsize &&
      (hbuf = malloc(off)) != NULL && fseek(f, 0, SEEK_SET) == 0 &&
      fread(hbuf, 1, off, f) == off &&
      jr_npy_parse_header(hbuf, off, path, &h) == JR_OK)
    bad = h.ndim < 2 || h.shape[h.ndim - 1] != o->mean_n ||
          h.shape[h.ndim - 2] != o->mean_n;
  free(hbuf);
  fclose(f);
  if (!bad) return CLI_OK;
  char sh[256];
  size_t len = 0;
  sh[len++] = '(';
  for (int i = 0; i < h.ndim; i++)
    len += (size_t)snprintf(sh + len, sizeof sh - len, i ? ", %lld" : "%lld",
                            (long long)h.shape[i]);
  snprintf(sh + len, sizeof sh - len, ")");
  if (h.ndim < 2)
    return cli_error(o, CLI_USAGE,
                     "%s %s: multivariate_normal requires cov.ndim >= 2, "
                     "got cov.ndim == %d",
                     what, path, h.ndim);
  return cli_error(o, CLI_USAGE,
                   "%s %s: multivariate_normal requires cov.shape == (..., "
                   "n, n) for n=%lld (the mean's last axis), but got "
                   "cov.shape == %s.",
                   what, path, (long long)o->mean_n, sh);
}

/* Integers and bools become the default float (float32, or float64 with
 * --x64); without --x64 float64 becomes float32 and 64-bit integers must
 * fit 32 bits (JAX would silently wrap them). */
int cli_load_input(const cli_opts *o, const char *spec, const char *what,
                   int is_mean, jr_ndarray *a) {
  jr_status st;
  int text = 0;
  a->data = NULL;
  if (cli_ends_with(spec, ".npy")) {
    if (!is_mean && o->mean_n > 0) {
      int code = cli_check_cov_header(o, spec, what);
      if (code) return code;
    }
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
    if (st)
      return cli_error(o, CLI_USAGE,
                       "%s (%s takes a .npy or .csv file name or a "
                       "literal such as '[[2,0.5],[0.5,1]]')",
                       jr_last_error(), what);
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
