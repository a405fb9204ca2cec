/* NumPy .npy files: reading versions 1.0/2.0/3.0 and writing 1.0/2.0.
 *
 * The header is a Python dict literal; we accept exactly NumPy's three keys
 * with the restricted syntax NumPy writes (and ast.literal_eval would take
 * for it), and nothing else: this is a parser of untrusted input. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "jr_io.h"

static const uint8_t jr_npy_magic[6] = {0x93, 'N', 'U', 'M', 'P', 'Y'};

static int jr_host_little(void) {
  const uint16_t one = 1;
  uint8_t b;
  memcpy(&b, &one, 1);
  return b == 1;
}

jr_status jr_npy_prefix(const uint8_t *buf, size_t len, const char *where,
                        size_t *data_offset) {
  if (len < 8 || memcmp(buf, jr_npy_magic, 6) != 0)
    return jr_fail(JR_E_BAD_ARGUMENT,
                   "%s: not a .npy file (expected the magic string "
                   "\\x93NUMPY at offset 0)",
                   where);
  const int major = buf[6], minor = buf[7];
  size_t prefix, hlen;
  if (major == 1 && minor == 0) {
    if (len < 10)
      return jr_fail(JR_E_BAD_ARGUMENT,
                     "%s: truncated .npy prefix (%zu bytes; expected 10)",
                     where, len);
    prefix = 10;
    hlen = (size_t)buf[8] | ((size_t)buf[9] << 8);
  } else if ((major == 2 || major == 3) && minor == 0) {
    if (len < 12)
      return jr_fail(JR_E_BAD_ARGUMENT,
                     "%s: truncated .npy prefix (%zu bytes; expected 12)",
                     where, len);
    prefix = 12;
    uint32_t h = (uint32_t)buf[8] | ((uint32_t)buf[9] << 8) |
                 ((uint32_t)buf[10] << 16) | ((uint32_t)buf[11] << 24);
    if (h > JR_NPY_MAX_HEADER)
      return jr_fail(JR_E_BAD_ARGUMENT,
                     "%s: .npy header length %lu exceeds the limit of %d "
                     "bytes",
                     where, (unsigned long)h, JR_NPY_MAX_HEADER);
    hlen = h;
  } else {
    return jr_fail(JR_E_BAD_ARGUMENT,
                   "%s: unsupported .npy format version %d.%d (expected "
                   "1.0, 2.0 or 3.0)",
                   where, major, minor);
  }
  if (hlen == 0)
    return jr_fail(JR_E_BAD_ARGUMENT, "%s: empty .npy header", where);
  *data_offset = prefix + hlen;
  return JR_OK;
}

/* ---- a tiny scanner over the header text */
typedef struct {
  const char *s;
  size_t n, i;
  const char *where;
} jr_hscan;

static void jr_hskip(jr_hscan *c) {
  while (c->i < c->n && (c->s[c->i] == ' ' || c->s[c->i] == '\t'))
    c->i++;
}

static jr_status jr_hexpect(jr_hscan *c, char ch, const char *what) {
  jr_hskip(c);
  if (c->i >= c->n)
    return jr_fail(JR_E_BAD_ARGUMENT,
                   "%s: .npy header ends early; expected '%c' %s", c->where, ch,
                   what);
  if (c->s[c->i] != ch)
    return jr_fail(
        JR_E_BAD_ARGUMENT, "%s: .npy header byte %zu is '%c'; expected '%c' %s",
        c->where, c->i, c->s[c->i] >= 32 && c->s[c->i] < 127 ? c->s[c->i] : '?',
        ch, what);
  c->i++;
  return JR_OK;
}

/* A quoted string without escapes into out (cap bytes incl. NUL). */
static jr_status jr_hstring(jr_hscan *c, char *out, size_t cap) {
  jr_hskip(c);
  if (c->i >= c->n || (c->s[c->i] != '\'' && c->s[c->i] != '"'))
    return jr_fail(JR_E_BAD_ARGUMENT,
                   "%s: .npy header byte %zu: expected a quoted string",
                   c->where, c->i);
  const char q = c->s[c->i++];
  size_t k = 0;
  while (c->i < c->n && c->s[c->i] != q) {
    char ch = c->s[c->i];
    if (ch == '\\' || ch == '\n' || k + 1 >= cap)
      return jr_fail(JR_E_BAD_ARGUMENT,
                     "%s: .npy header byte %zu: unexpected or too long "
                     "string (expected a short name such as 'descr' or "
                     "'<f8')",
                     c->where, c->i);
    out[k++] = ch;
    c->i++;
  }
  if (c->i >= c->n)
    return jr_fail(JR_E_BAD_ARGUMENT, "%s: .npy header: unterminated string",
                   c->where);
  c->i++;
  out[k] = '\0';
  return JR_OK;
}

static jr_status jr_descr_dtype(const char *d, const char *where,
                                jr_npy_header *h) {
  const int little = jr_host_little();
  char order = d[0];
  if (order != '<' && order != '>' && order != '|' && order != '=') goto bad;
  {
    const char kind = d[1];
    if (!kind || !d[2] || d[3]) goto bad;
    const int size = d[2] - '0';
    static const struct {
      char kind;
      int size;
      jr_dtype dtype;
    } map[] = {{'f', 2, JR_FLOAT16}, {'f', 4, JR_FLOAT32}, {'f', 8, JR_FLOAT64},
               {'i', 1, JR_INT8},    {'i', 2, JR_INT16},   {'i', 4, JR_INT32},
               {'i', 8, JR_INT64},   {'u', 1, JR_UINT8},   {'u', 2, JR_UINT16},
               {'u', 4, JR_UINT32},  {'u', 8, JR_UINT64},  {'b', 1, JR_BOOL}};
    for (size_t k = 0; k < sizeof map / sizeof map[0]; k++) {
      if (map[k].kind != kind || map[k].size != size) continue;
      if (size > 1 && order == '|') goto bad;
      h->dtype = map[k].dtype;
      h->swap =
          size > 1 && ((order == '<' && !little) || (order == '>' && little));
      return JR_OK;
    }
  }
bad:
  return jr_fail(JR_E_BAD_DTYPE,
                 "%s: unsupported .npy dtype '%s' (expected a float16/32/64, "
                 "integer or bool dtype such as '<f8', '>f4', '<i4', '|u1', "
                 "'|b1')",
                 where, d);
}

static jr_status jr_hshape(jr_hscan *c, jr_npy_header *h) {
  jr_status st = jr_hexpect(c, '(', "to open the shape tuple");
  if (st) return st;
  h->ndim = 0;
  for (;;) {
    jr_hskip(c);
    if (c->i < c->n && c->s[c->i] == ')') {
      c->i++;
      break;
    }
    if (c->i >= c->n || c->s[c->i] < '0' || c->s[c->i] > '9')
      return jr_fail(JR_E_BAD_ARGUMENT,
                     "%s: .npy header byte %zu: expected a non-negative "
                     "integer or ')' in the shape",
                     c->where, c->i);
    int64_t v = 0;
    while (c->i < c->n && c->s[c->i] >= '0' && c->s[c->i] <= '9') {
      if (!jr_mul_i64(v, 10, &v) || !jr_add_i64(v, c->s[c->i] - '0', &v))
        return jr_fail(JR_E_SIZE_OVERFLOW,
                       "%s: .npy shape dimension at header byte %zu "
                       "overflows 64 bits",
                       c->where, c->i);
      c->i++;
    }
    if (h->ndim == JR_MAX_NDIM)
      return jr_fail(JR_E_BAD_SHAPE,
                     "%s: .npy shape has more than %d dimensions", c->where,
                     JR_MAX_NDIM);
    h->shape[h->ndim++] = v;
    jr_hskip(c);
    if (c->i < c->n && c->s[c->i] == ',') {
      c->i++;
      continue;
    }
    if (c->i < c->n && c->s[c->i] == ')') {
      /* Python needs "(n,)" for a 1-tuple; "(n)" is just an int. */
      if (h->ndim == 1)
        return jr_fail(JR_E_BAD_ARGUMENT,
                       "%s: .npy shape '(n)' is not a tuple; expected "
                       "'(n,)'",
                       c->where);
      c->i++;
      break;
    }
    return jr_fail(JR_E_BAD_ARGUMENT,
                   "%s: .npy header byte %zu: expected ',' or ')' in the "
                   "shape",
                   c->where, c->i);
  }
  return JR_OK;
}

jr_status jr_npy_parse_header(const uint8_t *buf, size_t len, const char *where,
                              jr_npy_header *h) {
  size_t off;
  jr_status st = jr_npy_prefix(buf, len, where, &off);
  if (st) return st;
  if (len < off)
    return jr_fail(JR_E_BAD_ARGUMENT,
                   "%s: truncated .npy header (%zu bytes; the header says "
                   "%zu)",
                   where, len, off);
  memset(h, 0, sizeof *h);
  h->major = buf[6];
  h->minor = buf[7];
  h->data_offset = off;
  const size_t start = h->major == 1 ? 10 : 12;
  jr_hscan c = {(const char *)buf + start, off - start, 0, where};
  /* Version 1/2 headers are latin-1/ASCII, 3 is UTF-8; the keys and values
   * we accept are ASCII either way. */
  for (size_t i = 0; i < c.n; i++)
    if (c.s[i] == '\0')
      return jr_fail(JR_E_BAD_ARGUMENT,
                     "%s: NUL byte in the .npy header at byte %zu", where,
                     start + i);
  if ((st = jr_hexpect(&c, '{', "to open the header dict"))) return st;
  int seen_descr = 0, seen_fortran = 0, seen_shape = 0;
  for (;;) {
    jr_hskip(&c);
    if (c.i < c.n && c.s[c.i] == '}') {
      c.i++;
      break;
    }
    char key[32], val[32];
    if ((st = jr_hstring(&c, key, sizeof key))) return st;
    if ((st = jr_hexpect(&c, ':', "after a dict key"))) return st;
    if (strcmp(key, "descr") == 0 && !seen_descr) {
      seen_descr = 1;
      jr_hskip(&c);
      if (c.i < c.n && c.s[c.i] == '[')
        return jr_fail(JR_E_BAD_DTYPE,
                       "%s: structured .npy dtypes are not supported "
                       "(expected a plain numeric dtype)",
                       where);
      if ((st = jr_hstring(&c, val, sizeof val))) return st;
      if ((st = jr_descr_dtype(val, where, h))) return st;
    } else if (strcmp(key, "fortran_order") == 0 && !seen_fortran) {
      seen_fortran = 1;
      jr_hskip(&c);
      if (c.n - c.i >= 4 && memcmp(c.s + c.i, "True", 4) == 0) {
        h->fortran = 1;
        c.i += 4;
      } else if (c.n - c.i >= 5 && memcmp(c.s + c.i, "False", 5) == 0) {
        h->fortran = 0;
        c.i += 5;
      } else {
        return jr_fail(JR_E_BAD_ARGUMENT,
                       "%s: .npy header byte %zu: fortran_order must be "
                       "True or False",
                       where, start + c.i);
      }
    } else if (strcmp(key, "shape") == 0 && !seen_shape) {
      seen_shape = 1;
      if ((st = jr_hshape(&c, h))) return st;
    } else {
      return jr_fail(JR_E_BAD_ARGUMENT,
                     "%s: unexpected or repeated key '%s' in the .npy "
                     "header (expected each of 'descr', 'fortran_order', "
                     "'shape' once)",
                     where, key);
    }
    jr_hskip(&c);
    if (c.i < c.n && c.s[c.i] == ',') {
      c.i++;
      continue;
    }
    if (c.i < c.n && c.s[c.i] == '}') {
      c.i++;
      break;
    }
    return jr_fail(JR_E_BAD_ARGUMENT,
                   "%s: .npy header byte %zu: expected ',' or '}' in the "
                   "dict",
                   where, start + c.i);
  }
  if (!seen_descr || !seen_fortran || !seen_shape)
    return jr_fail(JR_E_BAD_ARGUMENT,
                   "%s: the .npy header lacks '%s' (expected 'descr', "
                   "'fortran_order' and 'shape')",
                   where,
                   !seen_descr     ? "descr"
                   : !seen_fortran ? "fortran_order"
                                   : "shape");
  while (c.i < c.n && (c.s[c.i] == ' ' || c.s[c.i] == '\t' ||
                       c.s[c.i] == '\n' || c.s[c.i] == '\r'))
    c.i++;
  if (c.i != c.n)
    return jr_fail(JR_E_BAD_ARGUMENT,
                   "%s: unexpected text after the .npy header dict at byte "
                   "%zu (expected only padding spaces and a newline)",
                   where, start + c.i);
  if ((st = jr_check_shape(where, h->ndim, h->shape, &h->size))) return st;
  if (!jr_mul_i64(h->size, (int64_t)jr_dtype_size(h->dtype), &h->nbytes))
    return jr_fail(JR_E_SIZE_OVERFLOW,
                   "%s: the .npy shape's byte size overflows 64 bits", where);
  return JR_OK;
}

static void jr_swap_bytes(uint8_t *p, int64_t count, size_t item) {
  for (int64_t i = 0; i < count; i++, p += item)
    for (size_t a = 0, b = item - 1; a < b; a++, b--) {
      uint8_t t = p[a];
      p[a] = p[b];
      p[b] = t;
    }
}

jr_status jr_npy_decode(const jr_npy_header *h, const uint8_t *data,
                        const char *where, jr_ndarray *out) {
  jr_status st = jr_ndarray_alloc(out, h->dtype, h->ndim, h->shape, where);
  if (st) return st;
  const size_t item = jr_dtype_size(h->dtype);
  uint8_t *dst = out->data;
  if (!h->fortran || h->ndim < 2) {
    memcpy(dst, data, (size_t)h->nbytes);
  } else if (h->size > 0) {
    /* Walk the C-order index and track the Fortran offset alongside. */
    int64_t idx[JR_MAX_NDIM] = {0}, fstride[JR_MAX_NDIM];
    int64_t s = 1;
    for (int d = 0; d < h->ndim; d++) {
      fstride[d] = s;
      /* no overflow: every extent is >= 1 here, so each partial product is
       * at most the checked size (a zero extent, size 0, skips this; found
       * by fuzz_npy: shape (3, 6611686018405688506, 0)) */
      s *= h->shape[d];
    }
    int64_t foff = 0;
    for (int64_t i = 0; i < h->size; i++) {
      memcpy(dst + (size_t)i * item, data + (size_t)foff * item, item);
      for (int d = h->ndim - 1; d >= 0; d--) {
        if (++idx[d] < h->shape[d]) {
          foff += fstride[d];
          break;
        }
        foff -= fstride[d] * (idx[d] - 1);
        idx[d] = 0;
      }
    }
  }
  if (h->swap) jr_swap_bytes(dst, h->size, item);
  if (h->dtype == JR_BOOL) /* NumPy reads any non-zero byte as True */
    for (int64_t i = 0; i < h->size; i++)
      dst[i] = dst[i] != 0;
  return JR_OK;
}

jr_status jr_npy_parse(const uint8_t *buf, size_t len, const char *where,
                       jr_ndarray *out) {
  jr_npy_header h;
  out->data = NULL;
  jr_status st = jr_npy_parse_header(buf, len, where, &h);
  if (st) return st;
  const size_t avail = len - h.data_offset;
  if ((uint64_t)h.nbytes != avail) {
    char sh[256];
    return jr_fail(JR_E_BAD_ARGUMENT,
                   "%s: the .npy data is %zu bytes but shape %s of %s needs "
                   "%lld (truncated or trailing data)",
                   where, avail,
                   jr_format_shape(sh, sizeof sh, h.ndim, h.shape),
                   jr_dtype_name(h.dtype), (long long)h.nbytes);
  }
  return jr_npy_decode(&h, buf + h.data_offset, where, out);
}

jr_status jr_npy_load(const char *path, jr_ndarray *out) {
  out->data = NULL;
  FILE *f;
  uint64_t fsize;
  jr_status st = jr_input_open(path, &f, &fsize);
  if (st) return st;
  uint8_t *hbuf = NULL, *data = NULL;
  uint8_t pre[12];
  size_t got = fread(pre, 1, sizeof pre, f);
  size_t off;
  if ((st = jr_npy_prefix(pre, got, path, &off))) goto done;
  if (fsize < off) {
    st = jr_fail(JR_E_BAD_ARGUMENT,
                 "%s: truncated .npy file (%lld bytes; the header alone "
                 "needs %zu)",
                 path, (long long)fsize, off);
    goto done;
  }
  hbuf = malloc(off); /* off <= 12 + JR_NPY_MAX_HEADER or 10 + 65535 */
  if (!hbuf) {
    st = jr_fail(JR_E_OUT_OF_MEMORY, "%s: out of memory", path);
    goto done;
  }
  if (fseek(f, 0, SEEK_SET) != 0 || fread(hbuf, 1, off, f) != off) {
    st = jr_fail(JR_E_IO, "%s: read error in the header", path);
    goto done;
  }
  jr_npy_header h;
  if ((st = jr_npy_parse_header(hbuf, off, path, &h))) goto done;
  const uint64_t avail = fsize - off;
  if ((uint64_t)h.nbytes != avail) {
    char sh[256];
    st = jr_fail(JR_E_BAD_ARGUMENT,
                 "%s: the .npy data is %llu bytes but shape %s of %s needs "
                 "%lld (truncated or trailing data)",
                 path, (unsigned long long)avail,
                 jr_format_shape(sh, sizeof sh, h.ndim, h.shape),
                 jr_dtype_name(h.dtype), (long long)h.nbytes);
    goto done;
  }
  if (h.nbytes > JR_IO_MAX_INPUT_BYTES) {
    st = jr_fail(JR_E_TOO_LARGE,
                 "%s: %lld bytes of data is more than the "
                 "%lld accepted for an input",
                 path, (long long)h.nbytes, (long long)JR_IO_MAX_INPUT_BYTES);
    goto done;
  }
  data = malloc((size_t)h.nbytes + 1);
  if (!data) {
    st = jr_fail(JR_E_OUT_OF_MEMORY, "%s: cannot allocate %lld bytes", path,
                 (long long)h.nbytes);
    goto done;
  }
  if (fread(data, 1, (size_t)h.nbytes, f) != (size_t)h.nbytes) {
    st = jr_fail(JR_E_IO, "%s: read error in the data", path);
    goto done;
  }
  st = jr_npy_decode(&h, data, path, out);
done:
  free(hbuf);
  free(data);
  fclose(f);
  return st;
}

jr_status jr_npy_format_header(jr_dtype dtype, int ndim, const int64_t *shape,
                               char *buf, size_t cap, size_t *len) {
  const char *descr;
  switch (dtype) {
  case JR_FLOAT16: descr = "<f2"; break;
  case JR_BFLOAT16: descr = "<u2"; break; /* bit patterns; see jr_io.h */
  case JR_FLOAT32: descr = "<f4"; break;
  case JR_FLOAT64: descr = "<f8"; break;
  case JR_UINT8: descr = "|u1"; break;
  case JR_UINT16: descr = "<u2"; break;
  case JR_UINT32: descr = "<u4"; break;
  case JR_UINT64: descr = "<u8"; break;
  case JR_INT8: descr = "|i1"; break;
  case JR_INT16: descr = "<i2"; break;
  case JR_INT32: descr = "<i4"; break;
  case JR_INT64: descr = "<i8"; break;
  case JR_BOOL: descr = "|b1"; break;
  default:
    return jr_fail(JR_E_BAD_DTYPE, "npy header: unknown dtype %d", (int)dtype);
  }
  if (ndim < 0 || ndim > JR_MAX_NDIM)
    return jr_fail(JR_E_BAD_SHAPE, "npy header: ndim %d", ndim);
  char dict[1024];
  char sh[900];
  size_t k = 0;
  sh[k++] = '(';
  for (int i = 0; i < ndim; i++) {
    int w = snprintf(sh + k, sizeof sh - k, i ? ", %lld" : "%lld",
                     (long long)shape[i]);
    if (w < 0 || (size_t)w >= sizeof sh - k)
      return jr_fail(JR_E_BAD_SHAPE, "npy header: shape too long");
    k += (size_t)w;
  }
  if (k + 3 > sizeof sh)
    return jr_fail(JR_E_BAD_SHAPE, "npy header: shape too long");
  if (ndim == 1) sh[k++] = ',';
  sh[k++] = ')';
  sh[k] = '\0';
  int dl = snprintf(dict, sizeof dict,
                    "{'descr': '%s', 'fortran_order': False, 'shape': %s, }",
                    descr, sh);
  if (dl < 0 || (size_t)dl >= sizeof dict)
    return jr_fail(JR_E_BAD_SHAPE, "npy header: too long");
  /* Version 1.0 stores the header length in 2 bytes; the total (prefix,
   * dict, padding, newline) is padded to a multiple of 64. */
  size_t prefix = 10, total = ((prefix + (size_t)dl + 1 + 63) / 64) * 64;
  int major = 1;
  if (total - prefix > 65535) {
    prefix = 12;
    major = 2;
    total = ((prefix + (size_t)dl + 1 + 63) / 64) * 64;
  }
  if (total > cap)
    return jr_fail(JR_E_BAD_ARGUMENT, "npy header: buffer too small");
  memcpy(buf, jr_npy_magic, 6);
  buf[6] = (char)major;
  buf[7] = 0;
  const size_t hl = total - prefix;
  buf[8] = (char)(hl & 0xFF);
  buf[9] = (char)((hl >> 8) & 0xFF);
  if (major == 2) {
    buf[10] = (char)((hl >> 16) & 0xFF);
    buf[11] = (char)((hl >> 24) & 0xFF);
  }
  memcpy(buf + prefix, dict, (size_t)dl);
  memset(buf + prefix + dl, ' ', total - prefix - (size_t)dl - 1);
  buf[total - 1] = '\n';
  *len = total;
  return JR_OK;
}
