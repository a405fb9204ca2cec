/* Loading --mean/--cov with JAX's input canonicalization. */
#include <stdint.h>
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

/* Integers and bools become the default float (float32, or float64 with
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
