/* libFuzzer target: the CSV reader on arbitrary bytes. */
#include <stdlib.h>

#include "jr_io.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  jr_ndarray a;
  if (jr_csv_parse((const char *)data, size, "fuzz", &a) != JR_OK) return 0;
  /* A parsed CSV is a non-empty 2-D float64 matrix. */
  if (a.ndim != 2 || a.dtype != JR_FLOAT64 || a.shape[0] < 1 ||
      a.shape[1] < 1 || a.size != a.shape[0] * a.shape[1])
    abort();
  jr_ndarray_free(&a);
  return 0;
}
