/* Status codes, thread-local error messages, version, dtypes, shapes. */
#include <stdarg.h>
#include <stdio.h>

#include "internal.h"

static _Thread_local char jr_error_buf[1024];

jr_status jr_fail(jr_status status, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(jr_error_buf, sizeof jr_error_buf, fmt, ap);
  va_end(ap);
  return status;
}

void jr_clear_error(void) { jr_error_buf[0] = '\0'; }

const char *jr_last_error(void) { return jr_error_buf; }

const char *jr_status_string(jr_status status) {
  switch (status) {
  case JR_OK: return "success";
  case JR_E_NULL_POINTER: return "a required pointer argument is NULL";
  case JR_E_BAD_SHAPE: return "invalid shape (negative dimension or too many dimensions)";
  case JR_E_SIZE_OVERFLOW: return "size overflows 64 bits";
  case JR_E_BAD_DTYPE: return "dtype unknown or not allowed here";
  case JR_E_BAD_WIDTH: return "bit width must be 8, 16, 32 or 64";
  case JR_E_BAD_MODE: return "unknown enumeration value";
  case JR_E_OUT_OF_MEMORY: return "out of memory";
  case JR_E_BAD_RANGE: return "range outside the output";
  case JR_E_TOO_LARGE: return "request larger than JAX supports";
  case JR_E_BAD_METHOD: return "method must be one of 'svd', 'eigh', 'cholesky'";
  case JR_E_MEAN_NDIM: return "multivariate_normal requires mean.ndim >= 1";
  case JR_E_COV_NDIM: return "multivariate_normal requires cov.ndim >= 2";
  case JR_E_COV_SHAPE: return "multivariate_normal requires cov.shape == (..., n, n)";
  case JR_E_BROADCAST: return "incompatible shapes for broadcasting";
  case JR_E_SHAPE_ARGUMENT: return "shape argument does not equal the broadcast of the parameter shapes";
  case JR_E_NOT_SYMMETRIC: return "covariance is not symmetric";
  case JR_E_NOT_PSD: return "covariance is not positive semidefinite";
  case JR_E_NON_FINITE: return "mean or covariance contains NaN or Inf";
  case JR_E_LAPACK: return "LAPACK reported a failure";
  case JR_E_BAD_ISA: return "requested SIMD kernel set is not supported";
  case JR_E_BAD_ARGUMENT: return "invalid argument";
  case JR_E_MPI: return "MPI call failed";
  case JR_E_IO: return "input/output error";
  }
  return "unknown status code";
}

unsigned jr_version_number(void) { return JR_VERSION_NUMBER; }
const char *jr_version_string(void) { return JR_VERSION_STRING; }

static const struct {
  const char *name;
  size_t size;
} jr_dtype_table[] = {
    [JR_DTYPE_NONE] = {NULL, 0},      [JR_FLOAT16] = {"float16", 2},
    [JR_BFLOAT16] = {"bfloat16", 2},  [JR_FLOAT32] = {"float32", 4},
    [JR_FLOAT64] = {"float64", 8},    [JR_UINT8] = {"uint8", 1},
    [JR_UINT16] = {"uint16", 2},      [JR_UINT32] = {"uint32", 4},
    [JR_UINT64] = {"uint64", 8},      [JR_INT8] = {"int8", 1},
    [JR_INT16] = {"int16", 2},        [JR_INT32] = {"int32", 4},
    [JR_INT64] = {"int64", 8},        [JR_BOOL] = {"bool", 1},
};
#define JR_NDTYPES ((int)(sizeof jr_dtype_table / sizeof jr_dtype_table[0]))

size_t jr_dtype_size(jr_dtype d) {
  return ((int)d > 0 && (int)d < JR_NDTYPES) ? jr_dtype_table[d].size : 0;
}
const char *jr_dtype_name(jr_dtype d) {
  return ((int)d > 0 && (int)d < JR_NDTYPES) ? jr_dtype_table[d].name : NULL;
}
jr_dtype jr_dtype_from_name(const char *name) {
  if (!name) return JR_DTYPE_NONE;
  for (int i = 1; i < JR_NDTYPES; i++)
    if (strcmp(name, jr_dtype_table[i].name) == 0) return (jr_dtype)i;
  return JR_DTYPE_NONE;
}
int jr_dtype_is_float(jr_dtype d) {
  return d == JR_FLOAT16 || d == JR_BFLOAT16 || d == JR_FLOAT32 ||
         d == JR_FLOAT64;
}

const char *jr_format_shape(char *buf, size_t cap, int ndim,
                            const int64_t *shape) {
  size_t len = 0;
  if (cap == 0) return buf;
  buf[0] = '\0';
#define JR_APPEND(...)                                                     \
  do {                                                                     \
    int k_ = snprintf(buf + len, cap - len, __VA_ARGS__);                  \
    if (k_ < 0 || (size_t)k_ >= cap - len) return buf;                     \
    len += (size_t)k_;                                                     \
  } while (0)
  JR_APPEND("(");
  for (int i = 0; i < ndim && shape; i++)
    JR_APPEND(i ? ", %lld" : "%lld", (long long)shape[i]);
  JR_APPEND(ndim == 1 ? ",)" : ")");
#undef JR_APPEND
  return buf;
}

jr_status jr_check_shape(const char *what, int ndim, const int64_t *shape,
                         int64_t *size) {
  if (ndim < 0 || ndim > JR_MAX_NDIM)
    return jr_fail(JR_E_BAD_SHAPE, "%s: ndim %d is outside [0, %d]", what,
                   ndim, JR_MAX_NDIM);
  if (ndim > 0 && !shape)
    return jr_fail(JR_E_NULL_POINTER, "%s: shape is NULL with ndim %d", what,
                   ndim);
  int64_t n = 1;
  int has_zero = 0;
  for (int i = 0; i < ndim; i++) {
    if (shape[i] < 0)
      return jr_fail(JR_E_BAD_SHAPE,
                     "%s: dimension %d is %lld; dimensions must be >= 0", what,
                     i, (long long)shape[i]);
    has_zero |= shape[i] == 0;
  }
  /* A zero dimension makes the count 0 whatever the others are (as in
   * NumPy); only a true count can overflow. */
  for (int i = 0; i < ndim && !has_zero; i++)
    if (!jr_mul_i64(n, shape[i], &n))
      return jr_fail(JR_E_SIZE_OVERFLOW,
                     "%s: the number of elements of shape %s overflows 64 bits",
                     what, jr_format_shape((char[800]){0}, 800, ndim, shape));
  if (has_zero) n = 0;
  if (size) *size = n;
  return JR_OK;
}

jr_status jr_shape_size(int ndim, const int64_t *shape, int64_t *size) {
  if (!size) return jr_fail(JR_E_NULL_POINTER, "jr_shape_size: size is NULL");
  return jr_check_shape("jr_shape_size", ndim, shape, size);
}
