/* libFuzzer target: the shape parser on arbitrary bytes. */
#include <stdlib.h>

#include "jr_io.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  int ndim = -1;
  int64_t shape[JR_MAX_NDIM];
  if (jr_shape_parse((const char *)data, size, "fuzz", &ndim, shape) != JR_OK)
    return 0;
  if (ndim < 0 || ndim > JR_MAX_NDIM) abort();
  int64_t n;
  if (jr_shape_size(ndim, shape, &n) != JR_OK) abort(); /* checked already */
  return 0;
}
