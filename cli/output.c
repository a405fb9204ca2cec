/* Streaming writers: .npy, CSV, raw binary and a readable table, generated
 * and written block by block into one reused buffer, with a progress bar on
 * a terminal. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"

enum { CLI_BLOCK_BYTES = 1 << 20, CLI_TEXT_BYTES = 1 << 20 };

static double cli_now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* Case-insensitive suffix test for file extensions. */
int cli_ends_with(const char *s, const char *suffix) {
  size_t n = strlen(s), k = strlen(suffix);
  if (n < k) return 0;
  for (size_t i = 0; i < k; i++) {
    char c = s[n - k + i];
    if (c >= 'A' && c <= 'Z') c = (char)(c + 32);
    if (c != suffix[i]) return 0;
  }
  return 1;
}

int cli_format_value(jr_dtype dtype, const void *elem, char *buf, size_t cap) {
  switch (dtype) {
  case JR_UINT8: return snprintf(buf, cap, "%u", *(const uint8_t *)elem);
  case JR_UINT16: return snprintf(buf, cap, "%u", *(const uint16_t *)elem);
  case JR_UINT32:
    return snprintf(buf, cap, "%lu", (unsigned long)*(const uint32_t *)elem);
  case JR_UINT64:
    return snprintf(buf, cap, "%llu",
                    (unsigned long long)*(const uint64_t *)elem);
  case JR_FLOAT16:
  case JR_BFLOAT16: {
    uint16_t h;
    memcpy(&h, elem, 2);
    float f = dtype == JR_FLOAT16 ? jr_f16_to_f32(h) : jr_bf16_to_f32(h);
    if (isnan(f) || isinf(f)) break;
    int n = 0;
    for (int p = 1; p <= 9; p++) { /* shortest that reads back the same */
      n = snprintf(buf, cap, "%.*g", p, (double)f);
      float back = strtof(buf, NULL);
      uint16_t hb =
          dtype == JR_FLOAT16 ? jr_f32_to_f16(back) : jr_f32_to_bf16(back);
      if (hb == h) return n;
    }
    return n;
  }
  case JR_FLOAT32: {
    float f;
    memcpy(&f, elem, 4);
    if (isnan(f) || isinf(f)) break;
    int n = 0;
    for (int p = 1; p <= 9; p++) {
      n = snprintf(buf, cap, "%.*g", p, (double)f);
      if (strtof(buf, NULL) == f) return n;
    }
    return n;
  }
  case JR_FLOAT64: {
    double f;
    memcpy(&f, elem, 8);
    if (isnan(f) || isinf(f)) break;
    int n = 0;
    for (int p = 15; p <= 17; p++) { /* 15 digits always fit f64 */
      n = snprintf(buf, cap, "%.*g", p, f);
      if (strtod(buf, NULL) == f) return n;
    }
    return n;
  }
  default: return snprintf(buf, cap, "?");
  }
  /* NaN and infinities, spelled as NumPy prints and reads them. */
  double v = jr_ndarray_get(
      &(jr_ndarray){.dtype = dtype, .data = (void *)(uintptr_t)elem}, 0);
  return snprintf(buf, cap, "%s", isnan(v) ? "nan" : v > 0 ? "inf" : "-inf");
}

static int cli_table_width(jr_dtype d) {
  switch (d) {
  case JR_UINT8: return 3;
  case JR_UINT16: return 5;
  case JR_UINT32: return 10;
  case JR_UINT64: return 20;
  case JR_FLOAT16:
  case JR_BFLOAT16: return 10;
  case JR_FLOAT32: return 15;
  default: return 24;
  }
}

typedef struct {
  double start, last;
  int shown;
  int enabled;
} cli_progress;

static void cli_progress_update(cli_progress *p, int64_t done, int64_t total,
                                size_t item) {
  if (!p->enabled || total <= 0) return;
  double t = cli_now();
  if (t - p->start < 1.0 || t - p->last < 0.2) return;
  p->last = t;
  p->shown = 1;
  const int width = 30;
  double frac = (double)done / (double)total;
  int fill = (int)(frac * width);
  char bar[64];
  for (int i = 0; i < width; i++)
    bar[i] = i < fill ? '#' : '.';
  bar[width] = '\0';
  double mb_done = (double)done * (double)item / 1048576.0,
         mb_total = (double)total * (double)item / 1048576.0;
  double eta = frac > 0 ? (t - p->start) * (1 - frac) / frac : 0;
  fprintf(stderr, "\rjaxrandom: [%s] %5.1f%%  %.0f / %.0f MiB  eta %.0fs ", bar,
          100.0 * frac, mb_done, mb_total, eta);
  fflush(stderr);
}

static void cli_progress_end(cli_progress *p) {
  if (p->shown) fputs("\r\033[K", stderr);
}

/* Text output collects formatted lines in a buffer flushed when full. */
typedef struct {
  char *buf;
  size_t len;
  jr_outfile *f;
} cli_text;

static jr_status cli_text_put(cli_text *t, const char *s, size_t n) {
  if (t->len + n > CLI_TEXT_BYTES) {
    jr_status st = jr_outfile_write(t->f, t->buf, t->len);
    if (st) return st;
    t->len = 0;
  }
  memcpy(t->buf + t->len, s, n);
  t->len += n;
  return JR_OK;
}

int (*cli_output_sink)(const cli_opts *o,
                       const cli_output *spec) = cli_write_output;

int cli_write_output(const cli_opts *o, const cli_output *spec) {
  cli_format fmt = o->format;
  const char *path = o->out ? o->out : "-";
  struct stat sb;
  const int special = o->out && strcmp(o->out, "-") != 0 &&
                      stat(o->out, &sb) == 0 && !S_ISREG(sb.st_mode);
  if (special && S_ISDIR(sb.st_mode))
    return cli_error(o, CLI_USAGE,
                     "--out %s: is a directory (expected a file name)", o->out);
  if (fmt == FMT_NONE) {
    if (!o->out || strcmp(o->out, "-") == 0)
      fmt = FMT_TABLE;
    else if (special) /* /dev/null, a FIFO: the self-describing format */
      fmt = FMT_NPY;
    else if (cli_ends_with(o->out, ".npy"))
      fmt = FMT_NPY;
    else if (cli_ends_with(o->out, ".csv"))
      fmt = FMT_CSV;
    else if (cli_ends_with(o->out, ".bin"))
      fmt = FMT_BIN;
    else
      return cli_error(o, CLI_USAGE,
                       "--out %s: cannot tell the format from the extension "
                       "(expected .npy, .csv or .bin, or pass --format "
                       "npy|csv|bin|table)",
                       o->out);
  }
  if ((fmt == FMT_NPY || fmt == FMT_BIN) && strcmp(path, "-") == 0 &&
      isatty(STDOUT_FILENO))
    return cli_error(o, CLI_USAGE,
                     "refusing to write binary %s data to a terminal "
                     "(redirect stdout or use --out FILE)",
                     fmt == FMT_NPY ? "npy" : "bin");
  const size_t item = jr_dtype_size(spec->dtype);
  if (fmt == FMT_NPY && spec->dtype == JR_BFLOAT16)
    cli_note(o, "NumPy has no bfloat16: the .npy holds the bit patterns as "
                "uint16 (view them with ml_dtypes.bfloat16, or as float32 "
                "by (a.astype('u4') << 16).view('f4'))");

  /* Everything is checked: open the output now. */
  jr_outfile *f = NULL;
  jr_status st = jr_outfile_open(path, o->force, &f);
  if (st) return cli_fail_status(o, st);

  int64_t align = spec->align > 0 ? spec->align : 1;
  int64_t block = (int64_t)(CLI_BLOCK_BYTES / item);
  if (block < align) block = align;
  block -= block % align;
  int64_t block_bytes;
  if (!cli_mul_i64(block, (int64_t)item, &block_bytes)) {
    jr_outfile_abort(f);
    return cli_error(o, CLI_USAGE, "a single row is too large to buffer");
  }
  uint8_t *buf = malloc((size_t)block_bytes + 1);
  cli_text text = {NULL, 0, f};
  if (fmt == FMT_CSV || fmt == FMT_TABLE) text.buf = malloc(CLI_TEXT_BYTES);
  if (!buf || ((fmt == FMT_CSV || fmt == FMT_TABLE) && !text.buf)) {
    free(buf);
    free(text.buf);
    jr_outfile_abort(f);
    return cli_error(o, CLI_RUNTIME, "out of memory for a %lld-byte block",
                     (long long)block_bytes);
  }

  if (fmt == FMT_NPY) {
    char hdr[2048];
    size_t hlen;
    st = jr_npy_format_header(spec->dtype, spec->ndim, spec->shape, hdr,
                              sizeof hdr, &hlen);
    if (!st) st = jr_outfile_write(f, hdr, hlen);
  }
  cli_progress prog = {cli_now(), 0, 0, !o->quiet && isatty(STDERR_FILENO)};
  prog.last = prog.start;
  const int64_t line_len = spec->line_len > 0 ? spec->line_len : 1;
  const int width = cli_table_width(spec->dtype);
  for (int64_t start = 0; !st && start < spec->total; start += block) {
    int64_t count = spec->total - start < block ? spec->total - start : block;
    st = spec->fill(spec->arg, start, count, buf);
    if (st) break;
    if (fmt == FMT_NPY || fmt == FMT_BIN) {
      /* The host is little-endian (x86-64, aarch64): bytes as they are. */
      st = jr_outfile_write(f, buf, (size_t)count * item);
    } else {
      char val[64], cell[96];
      for (int64_t i = 0; !st && i < count; i++) {
        int64_t pos = (start + i) % line_len;
        int n = cli_format_value(spec->dtype, buf + (size_t)i * item, val,
                                 sizeof val);
        if (n < 0 || (size_t)n >= sizeof val) n = (int)strlen(val);
        int m;
        if (fmt == FMT_CSV || spec->key_rows)
          m = snprintf(cell, sizeof cell, "%s%s", pos ? "," : "", val);
        else
          m = snprintf(cell, sizeof cell, "%s%*s", pos ? "  " : "", width, val);
        if (m < 0) m = 0;
        st = cli_text_put(&text, cell, (size_t)m);
        if (!st && pos == line_len - 1) st = cli_text_put(&text, "\n", 1);
      }
    }
    cli_progress_update(&prog, start + count, spec->total, item);
  }
  if (!st && text.buf && text.len) st = jr_outfile_write(f, text.buf, text.len);
  cli_progress_end(&prog);
  free(buf);
  free(text.buf);
  if (st) {
    jr_outfile_abort(f);
    return cli_fail_status(o, st);
  }
  st = jr_outfile_commit(f);
  if (st) return cli_fail_status(o, st);
  return CLI_OK;
}
