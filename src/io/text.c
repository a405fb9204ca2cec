/* Text inputs: numbers, CSV files, inline literals and shapes. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "jr_io.h"

enum { JR_MAX_NUMBER_CHARS = 400 };

static int jr_is_digit(char c) {
  return c >= '0' && c <= '9';
}
static int jr_lower(char c) {
  return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

static int jr_word_eq(const char *s, size_t len, const char *w) {
  size_t n = strlen(w);
  if (len != n) return 0;
  for (size_t i = 0; i < n; i++)
    if (jr_lower(s[i]) != w[i]) return 0;
  return 1;
}

/* The reason a text is not a number: `why`, unless it holds a UTF-8 byte
 * order mark, which the quoted text would not show. */
static const char *jr_not_number(const char *s, size_t len, const char *why) {
  for (size_t k = 0; k + 3 <= len; k++)
    if (memcmp(s + k, "\xEF\xBB\xBF", 3) == 0)
      return "holds an invisible UTF-8 byte order mark (U+FEFF; one is "
             "accepted only at the start of a file)";
  return why;
}

int jr_parse_number(const char *s, size_t len, double *value,
                    const char **msg) {
  size_t i = 0;
  int neg = 0;
  if (len == 0) {
    *msg = "empty; expected a number";
    return 0;
  }
  if (s[0] == '+' || s[0] == '-') {
    neg = s[0] == '-';
    i = 1;
  }
  if (jr_word_eq(s + i, len - i, "nan")) {
    *value = neg ? -NAN : NAN;
    return 1;
  }
  if (jr_word_eq(s + i, len - i, "inf") ||
      jr_word_eq(s + i, len - i, "infinity")) {
    *value = neg ? -INFINITY : INFINITY;
    return 1;
  }
  /* digits [. digits] [e [sign] digits], at least one mantissa digit */
  size_t mant = 0;
  while (i < len && jr_is_digit(s[i]))
    i++, mant++;
  if (i < len && s[i] == '.') {
    i++;
    while (i < len && jr_is_digit(s[i]))
      i++, mant++;
  }
  if (mant == 0) {
    *msg = jr_not_number(
        s, len,
        "not a number; expected digits such as 2, -0.5, 1e-3, nan or inf");
    return 0;
  }
  if (i < len && (s[i] == 'e' || s[i] == 'E')) {
    i++;
    if (i < len && (s[i] == '+' || s[i] == '-')) i++;
    size_t ed = 0;
    while (i < len && jr_is_digit(s[i]))
      i++, ed++;
    if (ed == 0) {
      *msg = "exponent without digits; expected e.g. 1e-3";
      return 0;
    }
  }
  if (i != len) {
    *msg = jr_not_number(s, len,
                         "unexpected character in a number; expected digits "
                         "such as 2, -0.5, 1e-3, nan or inf");
    return 0;
  }
  if (len > JR_MAX_NUMBER_CHARS) {
    *msg = "number has more than 400 characters";
    return 0;
  }
  char tmp[JR_MAX_NUMBER_CHARS + 1];
  memcpy(tmp, s, len);
  tmp[len] = '\0';
  errno = 0;
  /* The process never calls setlocale, so strtod uses the "C" locale's
   * decimal point. */
  double v = strtod(tmp, NULL);
  if (errno == ERANGE && isinf(v)) {
    *msg = "number out of range (beyond float64, about 1.8e308)";
    return 0;
  }
  *value = v;
  return 1;
}

/* A growing float64 buffer; its size is bounded by the input's length. */
typedef struct {
  double *v;
  size_t n, cap;
} jr_dvec;

static int jr_dvec_push(jr_dvec *d, double x) {
  if (d->n == d->cap) {
    size_t nc = d->cap ? d->cap * 2 : 64;
    double *p = realloc(d->v, nc * sizeof *p);
    if (!p) return 0;
    d->v = p;
    d->cap = nc;
  }
  d->v[d->n++] = x;
  return 1;
}

static jr_status jr_dvec_to_array(jr_dvec *d, int ndim, const int64_t *shape,
                                  const char *where, jr_ndarray *out) {
  jr_status st = jr_ndarray_alloc(out, JR_FLOAT64, ndim, shape, where);
  if (st) return st;
  if (d->n) memcpy(out->data, d->v, d->n * sizeof(double));
  return JR_OK;
}

/* ---- CSV */
jr_status jr_csv_parse(const char *text, size_t len, const char *where,
                       jr_ndarray *out) {
  jr_dvec d = {NULL, 0, 0};
  jr_status st = JR_OK;
  int64_t rows = 0, cols = -1, first_line = 0, line = 0;
  size_t pos = 0;
  out->data = NULL;
  /* A UTF-8 byte order mark, as spreadsheet programs write it. */
  if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0) pos = 3;
  while (pos < len) {
    size_t end = pos;
    while (end < len && text[end] != '\n')
      end++;
    line++;
    size_t a = pos, b = end;
    pos = end + 1;
    if (b > a && text[b - 1] == '\r') b--;
    while (a < b && (text[a] == ' ' || text[a] == '\t'))
      a++;
    if (a == b || text[a] == '#') continue;
    int64_t fields = 0;
    size_t f = a;
    for (;;) {
      size_t e = f;
      while (e < b && text[e] != ',')
        e++;
      size_t fa = f, fb = e;
      while (fa < fb && (text[fa] == ' ' || text[fa] == '\t'))
        fa++;
      while (fb > fa && (text[fb - 1] == ' ' || text[fb - 1] == '\t'))
        fb--;
      double v;
      const char *msg = "";
      for (size_t k = fa; k < fb; k++)
        if (text[k] == '\0') {
          st = jr_fail(JR_E_BAD_ARGUMENT,
                       "%s: line %lld: NUL byte in a CSV "
                       "file (expected text)",
                       where, (long long)line);
          goto fail;
        }
      if (!jr_parse_number(text + fa, fb - fa, &v, &msg)) {
        int shown = (int)(fb - fa > 40 ? 40 : fb - fa);
        st = jr_fail(
            JR_E_BAD_ARGUMENT, "%s: line %lld, field %lld ('%.*s'): %s", where,
            (long long)line, (long long)fields + 1, shown, text + fa, msg);
        goto fail;
      }
      if (!jr_dvec_push(&d, v)) {
        st = jr_fail(JR_E_OUT_OF_MEMORY, "%s: out of memory", where);
        goto fail;
      }
      fields++;
      if (e >= b) break;
      f = e + 1;
    }
    if (cols < 0) {
      cols = fields;
      first_line = line;
    } else if (fields != cols) {
      st = jr_fail(JR_E_BAD_ARGUMENT,
                   "%s: line %lld has %lld fields; expected %lld like line "
                   "%lld (every row needs the same number of columns)",
                   where, (long long)line, (long long)fields, (long long)cols,
                   (long long)first_line);
      goto fail;
    }
    rows++;
  }
  if (rows == 0) {
    st = jr_fail(JR_E_BAD_ARGUMENT,
                 "%s: no numbers found (expected comma-separated rows)", where);
    goto fail;
  }
  {
    int64_t shape[2] = {rows, cols};
    st = jr_dvec_to_array(&d, 2, shape, where, out);
  }
fail:
  free(d.v);
  return st;
}

/* Reads a whole (bounded) text file. */
static jr_status jr_read_text(const char *path, char **text, size_t *len) {
  *text = NULL;
  FILE *f;
  uint64_t fsize;
  jr_status st = jr_input_open(path, &f, &fsize);
  if (st) return st;
  if (fsize > (uint64_t)JR_IO_MAX_INPUT_BYTES) {
    st = jr_fail(JR_E_TOO_LARGE,
                 "%s: %llu bytes is more than the %lld accepted for a text "
                 "input",
                 path, (unsigned long long)fsize,
                 (long long)JR_IO_MAX_INPUT_BYTES);
  } else {
    size_t n = (size_t)fsize;
    char *buf = malloc(n + 1);
    if (!buf) {
      st = jr_fail(JR_E_OUT_OF_MEMORY, "%s: out of memory", path);
    } else if (fread(buf, 1, n, f) != n) {
      free(buf);
      st = jr_fail(JR_E_IO, "%s: read error", path);
    } else {
      buf[n] = '\0';
      *text = buf;
      *len = n;
    }
  }
  fclose(f);
  return st;
}

jr_status jr_csv_load(const char *path, jr_ndarray *out) {
  char *text;
  size_t len = 0;
  out->data = NULL;
  jr_status st = jr_read_text(path, &text, &len);
  if (st) return st;
  st = jr_csv_parse(text, len, path, out);
  free(text);
  return st;
}

/* ---- inline literals */
typedef struct {
  const char *s;
  size_t n, i;
  const char *where;
  int ndim;                       /* -1 until known */
  int64_t shape[JR_MAX_NDIM + 1]; /* -1 until known */
  jr_dvec vals;
} jr_lit;

static void jr_lit_skip(jr_lit *p) {
  while (p->i < p->n && (p->s[p->i] == ' ' || p->s[p->i] == '\t' ||
                         p->s[p->i] == '\n' || p->s[p->i] == '\r'))
    p->i++;
}

static jr_status jr_lit_err(jr_lit *p, const char *what) {
  if (p->i >= p->n)
    return jr_fail(JR_E_BAD_ARGUMENT, "%s: literal ends early: %s", p->where,
                   what);
  char c = p->s[p->i];
  return jr_fail(JR_E_BAD_ARGUMENT, "%s: at character %zu ('%c'): %s", p->where,
                 p->i + 1, c > 32 && c < 127 ? c : '?', what);
}

static jr_status jr_lit_leaf_depth(jr_lit *p, int depth) {
  if (p->ndim < 0) p->ndim = depth;
  if (p->ndim != depth)
    return jr_fail(JR_E_BAD_ARGUMENT,
                   "%s: ragged literal near character %zu: found a value "
                   "at nesting depth %d where depth %d was expected",
                   p->where, p->i + 1, depth, p->ndim);
  return JR_OK;
}

static jr_status jr_lit_value(jr_lit *p, int depth) {
  jr_status st;
  jr_lit_skip(p);
  if (p->i < p->n && (p->s[p->i] == '[' || p->s[p->i] == '(')) {
    const char close = p->s[p->i] == '[' ? ']' : ')';
    if (depth == JR_MAX_NDIM)
      return jr_lit_err(p, "lists nested deeper than 32 levels");
    p->i++;
    int64_t count = 0;
    jr_lit_skip(p);
    if (p->i < p->n && p->s[p->i] == close) {
      p->i++;
      /* An empty list ends the nesting one level down. */
      if ((st = jr_lit_leaf_depth(p, depth + 1))) return st;
    } else {
      for (;;) {
        if ((st = jr_lit_value(p, depth + 1))) return st;
        count++;
        jr_lit_skip(p);
        if (p->i < p->n && p->s[p->i] == ',') {
          p->i++;
          jr_lit_skip(p);
          if (p->i < p->n && p->s[p->i] == close) { /* trailing comma */
            p->i++;
            break;
          }
          continue;
        }
        if (p->i < p->n && p->s[p->i] == close) {
          p->i++;
          break;
        }
        return jr_lit_err(p, close == ']' ? "expected ',' or ']'"
                                          : "expected ',' or ')'");
      }
    }
    if (p->shape[depth] < 0) p->shape[depth] = count;
    if (p->shape[depth] != count)
      return jr_fail(JR_E_BAD_ARGUMENT,
                     "%s: ragged literal: a list ending at character %zu "
                     "has %lld elements; expected %lld like the first list "
                     "at nesting depth %d",
                     p->where, p->i, (long long)count,
                     (long long)p->shape[depth], depth + 1);
    return JR_OK;
  }
  size_t a = p->i;
  while (p->i < p->n && p->s[p->i] != ',' && p->s[p->i] != ']' &&
         p->s[p->i] != ')' && p->s[p->i] != '[' && p->s[p->i] != '(' &&
         p->s[p->i] != ' ' && p->s[p->i] != '\t' && p->s[p->i] != '\n' &&
         p->s[p->i] != '\r')
    p->i++;
  if (a == p->i) return jr_lit_err(p, "expected a number or '['");
  double v;
  const char *msg = "";
  if (!jr_parse_number(p->s + a, p->i - a, &v, &msg)) {
    int shown = (int)(p->i - a > 40 ? 40 : p->i - a);
    return jr_fail(JR_E_BAD_ARGUMENT, "%s: at character %zu ('%.*s'): %s",
                   p->where, a + 1, shown, p->s + a, msg);
  }
  if ((st = jr_lit_leaf_depth(p, depth))) return st;
  if (!jr_dvec_push(&p->vals, v))
    return jr_fail(JR_E_OUT_OF_MEMORY, "%s: out of memory", p->where);
  return JR_OK;
}

jr_status jr_literal_parse(const char *text, size_t len, const char *where,
                           jr_ndarray *out) {
  jr_lit p;
  memset(&p, 0, sizeof p);
  p.s = text;
  p.n = len;
  p.where = where;
  p.ndim = -1;
  for (int i = 0; i <= JR_MAX_NDIM; i++)
    p.shape[i] = -1;
  out->data = NULL;
  for (size_t i = 0; i < len; i++)
    if (text[i] == '\0')
      return jr_fail(JR_E_BAD_ARGUMENT,
                     "%s: NUL byte at character %zu of the literal", where,
                     i + 1);
  jr_status st = jr_lit_value(&p, 0);
  if (!st) {
    jr_lit_skip(&p);
    if (p.i != p.n) st = jr_lit_err(&p, "unexpected text after the literal");
  }
  if (!st) st = jr_dvec_to_array(&p.vals, p.ndim, p.shape, where, out);
  free(p.vals.v);
  return st;
}

/* ---- shapes */
jr_status jr_shape_parse(const char *text, size_t len, const char *where,
                         int *ndim, int64_t *shape) {
  size_t i = 0, end = len;
  while (i < end && (text[i] == ' ' || text[i] == '\t'))
    i++;
  while (end > i && (text[end - 1] == ' ' || text[end - 1] == '\t'))
    end--;
  if (i < end && (text[i] == '(' || text[i] == '[')) {
    const char close = text[i] == '(' ? ')' : ']';
    if (text[end - 1] != close || end - i < 2)
      return jr_fail(JR_E_BAD_SHAPE,
                     "%s: shape '%.*s' opens with '%c' but does not end with "
                     "'%c'",
                     where, (int)(len > 60 ? 60 : len), text, text[i], close);
    i++;
    end--;
  }
  int n = 0;
  int64_t size = 1;
  while (i < end) {
    while (i < end && (text[i] == ' ' || text[i] == '\t'))
      i++;
    if (i >= end || !jr_is_digit(text[i]))
      return jr_fail(JR_E_BAD_SHAPE,
                     "%s: shape position %zu: expected a non-negative "
                     "integer (shapes look like 1000,3 or 5 or '' for a "
                     "scalar)",
                     where, i + 1);
    int64_t v = 0;
    while (i < end && jr_is_digit(text[i])) {
      if (!jr_mul_i64(v, 10, &v) || !jr_add_i64(v, text[i] - '0', &v))
        return jr_fail(JR_E_SIZE_OVERFLOW,
                       "%s: shape dimension %d does not fit 64 bits", where,
                       n + 1);
      i++;
    }
    if (n == JR_MAX_NDIM)
      return jr_fail(JR_E_BAD_SHAPE, "%s: shape has more than %d dimensions",
                     where, JR_MAX_NDIM);
    shape[n++] = v;
    if (!jr_mul_i64(size, v, &size))
      return jr_fail(JR_E_SIZE_OVERFLOW,
                     "%s: the shape's element count overflows 64 bits", where);
    while (i < end && (text[i] == ' ' || text[i] == '\t'))
      i++;
    if (i < end) {
      if (text[i] != ',')
        return jr_fail(JR_E_BAD_SHAPE,
                       "%s: shape position %zu: expected ',' between "
                       "dimensions",
                       where, i + 1);
      i++;
      while (i < end && (text[i] == ' ' || text[i] == '\t'))
        i++;
      if (i < end && !jr_is_digit(text[i]))
        return jr_fail(JR_E_BAD_SHAPE,
                       "%s: shape position %zu: expected a non-negative "
                       "integer after ','",
                       where, i + 1);
    }
  }
  *ndim = n;
  return JR_OK;
}
