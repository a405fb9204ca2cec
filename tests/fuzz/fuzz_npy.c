/* libFuzzer target: the .npy reader on arbitrary bytes. A file that parses
 * must survive a header round trip: writing its dtype and shape back and
 * parsing that gives the same description. */
#include <stdlib.h>
#include <string.h>

#include "jr_io.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  jr_ndarray a;
  if (jr_npy_parse(data, size, "fuzz", &a) != JR_OK) return 0;
  double sink = 0;
  for (int64_t i = 0; i < a.size && i < 64; i++)
    sink += jr_ndarray_get(&a, i);
  (void)sink;
  char hdr[4096];
  size_t len;
  jr_npy_header h;
  if (jr_npy_format_header(a.dtype, a.ndim, a.shape, hdr, sizeof hdr, &len) ||
      jr_npy_parse_header((const uint8_t *)hdr, len, "fuzz", &h) ||
      h.dtype != a.dtype || h.ndim != a.ndim || h.fortran ||
      memcmp(h.shape, a.shape, sizeof(int64_t) * (size_t)a.ndim) != 0 ||
      h.data_offset != len)
    abort(); /* the writer and the reader disagree */
  jr_ndarray_free(&a);
  return 0;
}
