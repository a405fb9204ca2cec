/* Reading multivariate_normal's inputs: jr_array views of any of the 13
 * dtypes with optional element strides, converted to the factor's dtype with
 * one rounding. Internal. */
#ifndef JR_MVN_ARRAY_VIEW_H
#define JR_MVN_ARRAY_VIEW_H

#include "internal.h"

/* Validates an input view: pointers, ndim, dims, dtype; `what` names it. */
jr_status jr_view_check(const char *what, const jr_array *a);

/* Copies flat elements [first, first + count) of a view into dst as R
 * (float32/float64), each value rounded to P first (P float32 or float64, R
 * at least as wide). */
jr_status jr_view_copy(const char *what, const jr_array *a, int64_t first,
                       int64_t count, jr_dtype P, jr_dtype R, void *dst);

/* Element k of a float32 or float64 buffer, as a double. */
static inline double jr_buf_get(jr_dtype d, const void *p, int64_t k) {
  return d == JR_FLOAT32 ? (double)((const float *)p)[k]
                         : ((const double *)p)[k];
}

#endif /* JR_MVN_ARRAY_VIEW_H */
