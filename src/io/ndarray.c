/* jr_ndarray: owned C-order arrays for the CLI's inputs. */
#include <stdlib.h>

#include "internal.h"
#include "jr_io.h"

void jr_ndarray_free(jr_ndarray *a) {
  if (!a) return;
  free(a->data);
  a->data = NULL;
  a->size = 0;
}

jr_status jr_ndarray_alloc(jr_ndarray *a, jr_dtype dtype, int ndim,
                           const int64_t *shape, const char *what) {
  int64_t size, nbytes;
  size_t item = jr_dtype_size(dtype);
  if (!a) return jr_fail(JR_E_NULL_POINTER, "%s: no output array", what);
  a->data = NULL;
  if (item == 0)
    return jr_fail(JR_E_BAD_DTYPE, "%s: unknown dtype %d", what, (int)dtype);
  jr_status st = jr_check_shape(what, ndim, shape, &size);
  if (st) return st;
  if (!jr_mul_i64(size, (int64_t)item, &nbytes))
    return jr_fail(JR_E_SIZE_OVERFLOW, "%s: byte size overflows 64 bits", what);
  if (nbytes > JR_IO_MAX_INPUT_BYTES)
    return jr_fail(JR_E_TOO_LARGE,
                   "%s: %lld bytes is more than the %lld bytes accepted for "
                   "an input array",
                   what, (long long)nbytes, (long long)JR_IO_MAX_INPUT_BYTES);
  if ((uint64_t)nbytes > (uint64_t)SIZE_MAX - 1)
    return jr_fail(JR_E_TOO_LARGE, "%s: too large for this machine", what);
  /* calloc(…, 1) with at least one byte so that data is never NULL. */
  a->data = calloc((size_t)nbytes + 1, 1);
  if (!a->data)
    return jr_fail(JR_E_OUT_OF_MEMORY, "%s: cannot allocate %lld bytes", what,
                   (long long)nbytes);
  a->dtype = dtype;
  a->ndim = ndim;
  for (int i = 0; i < ndim; i++)
    a->shape[i] = shape[i];
  a->size = size;
  return JR_OK;
}

double jr_ndarray_get(const jr_ndarray *a, int64_t i) {
  const void *p = a->data;
  switch (a->dtype) {
  case JR_FLOAT16: return jr_f16_to_f32(((const uint16_t *)p)[i]);
  case JR_BFLOAT16: return jr_bf16_to_f32(((const uint16_t *)p)[i]);
  case JR_FLOAT32: return ((const float *)p)[i];
  case JR_FLOAT64: return ((const double *)p)[i];
  case JR_UINT8: return ((const uint8_t *)p)[i];
  case JR_UINT16: return ((const uint16_t *)p)[i];
  case JR_UINT32: return ((const uint32_t *)p)[i];
  case JR_UINT64: return (double)((const uint64_t *)p)[i];
  case JR_INT8: return ((const int8_t *)p)[i];
  case JR_INT16: return ((const int16_t *)p)[i];
  case JR_INT32: return ((const int32_t *)p)[i];
  case JR_INT64: return (double)((const int64_t *)p)[i];
  case JR_BOOL: return ((const uint8_t *)p)[i] != 0;
  case JR_DTYPE_NONE: break;
  }
  return 0.0;
}
