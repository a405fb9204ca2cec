/* Reading input views of any dtype and strides (multivariate_normal's mean
 * and cov), with the single rounding of JAX's convert_element_type. */
#include "mvn/array_view.h"

#include <math.h>
#include <stdio.h>

/* Validates an input view: pointers, ndim, dims, dtype. */
jr_status jr_view_check(const char *what, const jr_array *a) {
  if (!a)
    return jr_fail(JR_E_NULL_POINTER, "multivariate_normal: %s is NULL", what);
  if (a->dtype < JR_FLOAT16 || a->dtype > JR_BOOL)
    return jr_fail(JR_E_BAD_DTYPE,
                   "multivariate_normal: %s has unknown dtype "
                   "%d",
                   what, (int)a->dtype);
  char name[32];
  snprintf(name, sizeof name, "multivariate_normal: %s", what);
  int64_t size;
  jr_status st = jr_check_shape(name, a->ndim, a->shape, &size);
  if (st != JR_OK) return st;
  if (size > 0 && !a->data)
    return jr_fail(JR_E_NULL_POINTER,
                   "multivariate_normal: %s.data is NULL "
                   "with %lld elements",
                   what, (long long)size);
  return JR_OK;
}

/* Element offset (in elements) of flat C-order index `flat` of a view. */
static int jr_view_offset(const jr_array *a, int64_t flat, int64_t *off) {
  int64_t o = 0, bytes;
  if (!a->strides) {
    o = flat;
  } else {
    for (int d = a->ndim - 1; d >= 0; d--) {
      int64_t idx = flat % a->shape[d], t;
      flat /= a->shape[d];
      if (!jr_mul_i64(idx, a->strides[d], &t) || !jr_add_i64(o, t, &o))
        return 0;
    }
  }
  /* the byte offset must be representable too */
  if (!jr_mul_i64(o, (int64_t)jr_dtype_size(a->dtype), &bytes)) return 0;
  *off = o;
  return 1;
}

/* Element `off` of a view converted to P (float32 or float64) with one
 * rounding, as JAX's convert_element_type does. */
static double jr_view_load(const jr_array *a, int64_t off, jr_dtype P) {
  const char *base =
      (const char *)a->data + off * (int64_t)jr_dtype_size(a->dtype);
  int64_t i = 0;
  uint64_t u = 0;
  int is_signed = 1;
  switch (a->dtype) {
  case JR_FLOAT16: return jr_f16_to_f32(*(const uint16_t *)base);
  case JR_BFLOAT16: return jr_bf16_to_f32(*(const uint16_t *)base);
  case JR_FLOAT32: return *(const float *)base;
  case JR_FLOAT64: return *(const double *)base; /* P is float64 here */
  case JR_INT8: i = *(const int8_t *)base; break;
  case JR_INT16: i = *(const int16_t *)base; break;
  case JR_INT32: i = *(const int32_t *)base; break;
  case JR_INT64: i = *(const int64_t *)base; break;
  case JR_UINT8:
    u = *(const uint8_t *)base;
    is_signed = 0;
    break;
  case JR_UINT16:
    u = *(const uint16_t *)base;
    is_signed = 0;
    break;
  case JR_UINT32:
    u = *(const uint32_t *)base;
    is_signed = 0;
    break;
  case JR_UINT64:
    u = *(const uint64_t *)base;
    is_signed = 0;
    break;
  case JR_BOOL: return *(const uint8_t *)base ? 1.0 : 0.0;
  default: return NAN;
  }
  /* Integers go straight to P: through double first could round twice. */
  if (P == JR_FLOAT32) return is_signed ? (float)i : (float)u;
  return is_signed ? (double)i : (double)u;
}

/* Copies flat elements [first, first + count) of a view into dst as rdtype
 * (values rounded to P first). */
jr_status jr_view_copy(const char *what, const jr_array *a, int64_t first,
                       int64_t count, jr_dtype P, jr_dtype R, void *dst) {
  /* Contiguous float inputs (the common case, and per batch element of a
   * large batch): plain loops, the same single rounding to P. */
  if (!a->strides && (a->dtype == JR_FLOAT32 || a->dtype == JR_FLOAT64)) {
    if (a->dtype == JR_FLOAT32) {
      const float *s = (const float *)a->data + first;
      if (R == JR_FLOAT32)
        memcpy(dst, s, (size_t)count * sizeof *s);
      else
        for (int64_t k = 0; k < count; k++)
          ((double *)dst)[k] = s[k];
    } else { /* float64 input: P is float64, so R is too */
      memcpy(dst, (const double *)a->data + first, (size_t)count * 8);
    }
    return JR_OK;
  }
  for (int64_t k = 0; k < count; k++) {
    int64_t off;
    if (!jr_view_offset(a, first + k, &off))
      return jr_fail(JR_E_SIZE_OVERFLOW,
                     "multivariate_normal: %s's strides "
                     "overflow 64 bits at element %lld",
                     what, (long long)(first + k));
    double v = jr_view_load(a, off, P);
    if (R == JR_FLOAT32)
      ((float *)dst)[k] = (float)v;
    else
      ((double *)dst)[k] = v;
  }
  return JR_OK;
}
