/* Streaming writers: .npy, CSV, raw binary and a readable table, generated
 * and written block by block into one reused buffer, with a progress bar on
 * a terminal. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "decimal.h"
#include "names.h"
#include "output.h"
#include "report.h"
#include "source.h"

enum { CLI_BLOCK_BYTES = 1 << 20, CLI_TEXT_BYTES = 1 << 20 };

static double cli_now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
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

/* Room for n more bytes at t->buf + t->len (flushing if needed). */
static jr_status cli_text_reserve(cli_text *t, size_t n) {
  if (t->len + n <= CLI_TEXT_BYTES) return JR_OK;
  jr_status st = jr_outfile_write(t->f, t->buf, t->len);
  t->len = 0;
  return st;
}

/* An existing target that is not a regular file or a directory. */
static int cli_special_target(const char *out, struct stat *sb) {
  return out && strcmp(out, "-") != 0 && stat(out, sb) == 0 &&
         !S_ISREG(sb->st_mode) && !S_ISDIR(sb->st_mode);
}

cli_format cli_output_format(const cli_opts *o) {
  struct stat sb;
  if (o->format != FMT_NONE) return o->format;
  if (!o->out || strcmp(o->out, "-") == 0) return FMT_TABLE;
  if (cli_special_target(o->out, &sb)) /* /dev/null, a FIFO: self-describing */
    return FMT_NPY;
  if (cli_ends_with(o->out, ".npy")) return FMT_NPY;
  if (cli_ends_with(o->out, ".csv")) return FMT_CSV;
  if (cli_ends_with(o->out, ".bin")) return FMT_BIN;
  return FMT_NONE;
}

int cli_write_output(const cli_opts *o, const cli_output *spec) {
  const char *path = o->out ? o->out : "-";
  struct stat sb;
  if (o->out && strcmp(o->out, "-") != 0 && stat(o->out, &sb) == 0 &&
      S_ISDIR(sb.st_mode))
    return cli_error(o, CLI_USAGE,
                     "--out %s: is a directory (expected a file name)", o->out);
  const cli_format fmt = cli_output_format(o);
  if (fmt == FMT_NONE)
    return cli_error(o, CLI_USAGE,
                     "--out %s: cannot tell the format from the extension "
                     "(expected .npy, .csv or .bin, or pass --format "
                     "npy|csv|bin|table)",
                     o->out);
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
    st = cli_source_fill(spec->src, start, count, buf);
    if (st) break;
    if (fmt == FMT_NPY || fmt == FMT_BIN) {
      /* The host is little-endian (x86-64, aarch64): bytes as they are. */
      st = jr_outfile_write(f, buf, (size_t)count * item);
    } else {
      /* Each cell is formatted in place in the text buffer: its separator,
       * padding, value and newline take at most CLI_CELL_MAX bytes. */
      enum { CLI_CELL_MAX = 3 + 24 + 64 };
      int64_t pos = start % line_len; /* column of the block's first value */
      char cell[64] = {0};
      for (int64_t i = 0; !st && i < count;
           i++, pos = pos + 1 < line_len ? pos + 1 : 0) {
        if ((st = cli_text_reserve(&text, CLI_CELL_MAX))) break;
        char *p = text.buf + text.len;
        if (fmt == FMT_CSV || spec->key_rows) {
          /* CSV: the value is formatted where it goes. */
          if (pos) *p++ = ',';
          int n = cli_format_value(spec->dtype, buf + (size_t)i * item, p, 64);
          if (n < 0 || n >= 64) n = (int)strlen(p);
          p += n;
          if (pos == line_len - 1) *p++ = '\n';
          text.len = (size_t)(p - text.buf);
          continue;
        }
        int n = cli_format_value(spec->dtype, buf + (size_t)i * item, cell,
                                 sizeof cell);
        if (n < 0 || (size_t)n >= sizeof cell) n = (int)strlen(cell);
        /* table: two spaces between cells, right-aligned. Fixed-size
         * copies where they fit (pad <= 26, n <= 24 for every dtype; the
         * bytes past the cell are overwritten or not counted): no call
         * per cell. */
        int pad = (pos ? 2 : 0) + (n < width ? width - n : 0);
        if (pad <= 32 && n <= 32) {
          memset(p, ' ', 32);
          memcpy(p + pad, cell, 32);
        } else {
          memset(p, ' ', (size_t)pad);
          memcpy(p + pad, cell, (size_t)n);
        }
        p += pad + n;
        if (pos == line_len - 1) *p++ = '\n';
        text.len = (size_t)(p - text.buf);
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
