/* libFuzzer target: the inline-literal parser on arbitrary bytes. */
#include <stdlib.h>

#include "jr_io.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  jr_ndarray a;
  if (jr_literal_parse((const char *)data, size, "fuzz", &a) != JR_OK) return 0;
  int64_t n = 1;
  for (int i = 0; i < a.ndim; i++)
    n *= a.shape[i];
  /* Every number is one element: never more elements than bytes. */
  if (a.ndim < 0 || a.ndim > JR_MAX_NDIM || n != a.size ||
      (size_t)a.size > size || a.dtype != JR_FLOAT64)
    abort();
  jr_ndarray_free(&a);
  return 0;
}
