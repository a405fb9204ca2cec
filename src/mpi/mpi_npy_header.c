/* The .npy header, as numpy.lib.format writes it for a C-order array:
 * "{'descr': ..., 'fortran_order': False, 'shape': (...), }", spaces for
 * growth of the first axis, padding so the data start at a multiple of 64,
 * then '\n'. Version 1.0 unless the header needs more than 65535 bytes. */
#include <stdio.h>

#include "internal.h"
#include "mpi_npy_header.h"

static const char *jr_npy_descr(jr_dtype d) {
  switch (d) {
  case JR_FLOAT16: return "<f2";
  case JR_BFLOAT16: return "<V2"; /* NumPy has no bfloat16: raw 2 bytes */
  case JR_FLOAT32: return "<f4";
  case JR_FLOAT64: return "<f8";
  case JR_UINT8: return "|u1";
  case JR_UINT16: return "<u2";
  case JR_UINT32: return "<u4";
  case JR_UINT64: return "<u8";
  case JR_INT8: return "|i1";
  case JR_INT16: return "<i2";
  case JR_INT32: return "<i4";
  case JR_INT64: return "<i8";
  case JR_BOOL: return "|b1";
  default: return NULL;
  }
}

jr_status jr_npy_header(const char *fn, jr_dtype dtype, int ndim,
                        const int64_t *shape, char *buf, size_t cap,
                        size_t *len) {
  const char *descr = jr_npy_descr(dtype);
  if (!descr)
    return jr_fail(JR_E_BAD_DTYPE, "%s: dtype %d has no .npy descr", fn,
                   (int)dtype);
  char dict[JR_NPY_HEADER_MAX];
  size_t n = (size_t)snprintf(dict, sizeof dict,
                              "{'descr': '%s', 'fortran_order': False, "
                              "'shape': (",
                              descr);
  for (int i = 0; i < ndim && n < sizeof dict; i++)
    n += (size_t)snprintf(dict + n, sizeof dict - n, "%s%lld", i ? ", " : "",
                          (long long)shape[i]);
  if (n < sizeof dict)
    n += (size_t)snprintf(dict + n, sizeof dict - n, "%s), }",
                          ndim == 1 ? "," : "");
  if (ndim > 0 && n < sizeof dict) { /* NumPy's room to grow axis 0 */
    char d0[24];
    int w = snprintf(d0, sizeof d0, "%lld", (long long)shape[0]);
    for (int i = w; i < 21 && n + 1 < sizeof dict; i++)
      dict[n++] = ' ';
  }
  if (n + 1 >= sizeof dict)
    return jr_fail(JR_E_TOO_LARGE, "%s: .npy header too long", fn);
  const size_t hlen = n + 1; /* with the final '\n' */
  const size_t pre = hlen + 10 <= 65535 + 10 ? 10 : 12;
  const size_t pad = 64 - ((pre + hlen) % 64);
  const size_t total = pre + hlen + pad;
  if (total > cap || (pre == 10 && hlen + pad > 65535))
    return jr_fail(JR_E_TOO_LARGE, "%s: .npy header too long", fn);
  memcpy(buf, "\x93NUMPY", 6);
  const size_t body = hlen + pad;
  if (pre == 10) {
    buf[6] = 1, buf[7] = 0;
    buf[8] = (char)(body & 0xFF), buf[9] = (char)(body >> 8);
  } else {
    buf[6] = 2, buf[7] = 0;
    for (int i = 0; i < 4; i++)
      buf[8 + i] = (char)((body >> (8 * i)) & 0xFF);
  }
  memcpy(buf + pre, dict, n);
  memset(buf + pre + n, ' ', pad);
  buf[total - 1] = '\n';
  *len = total;
  return JR_OK;
}
