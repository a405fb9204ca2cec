/* jaxrandom-mpi's request agreement: ranks given different command lines
 * (another --seed, subcommand, shape, output...) would write a mixed file.
 * Rank 0's request, serialized, is broadcast; every rank compares its own
 * byte for byte, and the first rank that differs is named on all ranks.
 * --mean/--cov are compared as given: rank 0 alone reads them and
 * broadcasts their contents, so the arrays are the same on every rank. */
#include <stdlib.h>
#include <string.h>

#include "cli_mpi.h"
#include "report.h"

typedef struct {
  unsigned char *b;
  size_t n, cap;
  int failed;
} cli_buf;

static void cli_put(cli_buf *w, const void *p, size_t n) {
  if (w->failed) return;
  if (w->n + n > w->cap) {
    size_t cap = (w->cap ? w->cap * 2 : 256) + n;
    unsigned char *b = realloc(w->b, cap);
    if (!b) {
      w->failed = 1;
      return;
    }
    w->b = b;
    w->cap = cap;
  }
  memcpy(w->b + w->n, p, n);
  w->n += n;
}

static void cli_put_i64(cli_buf *w, int64_t v) {
  cli_put(w, &v, sizeof v);
}

static void cli_put_f64(cli_buf *w, double v) {
  cli_put(w, &v, sizeof v);
}

static void cli_put_str(cli_buf *w, const char *s) {
  cli_put_i64(w, s ? (int64_t)strlen(s) : -1);
  if (s) cli_put(w, s, strlen(s));
}

/* Everything that decides the output's bytes and where they go; not the
 * per-rank --threads or --quiet. */
static void cli_request(cli_buf *w, const cli_opts *o) {
  jr_key key = o->key;
  if (o->have_seed && !o->have_key) key = jr_key_from_seed(o->seed, o->x64);
  cli_put_i64(w, o->cmd);
  cli_put_i64(w, o->have_seed || o->have_key);
  cli_put_i64(w, key.k[0]);
  cli_put_i64(w, key.k[1]);
  cli_put_i64(w, o->legacy);
  cli_put_i64(w, o->jax_version);
  cli_put_i64(w, o->have_log1p ? o->xla_log1p : -1);
  cli_put_i64(w, o->x64);
  cli_put_i64(w, o->have_dtype ? (int64_t)o->dtype : -1);
  cli_put_i64(w, o->have_shape ? o->ndim : -1);
  for (int i = 0; o->have_shape && i < o->ndim; i++)
    cli_put_i64(w, o->shape[i]);
  cli_put_str(w, o->out);
  cli_put_i64(w, o->format);
  cli_put_i64(w, o->force);
  cli_put_i64(w, o->have_width ? o->width : -1);
  cli_put_f64(w, o->minval);
  cli_put_f64(w, o->maxval);
  cli_put_str(w, o->mean);
  cli_put_str(w, o->cov);
  cli_put_i64(w, o->method);
  cli_put_i64(w, o->check);
  cli_put_f64(w, o->tol);
  cli_put_i64(w, o->have_rows);
  cli_put_i64(w, o->have_rows ? o->row_begin : 0);
  cli_put_i64(w, o->have_rows ? o->row_end : 0);
  cli_put_i64(w, o->example);
}

int cli_mpi_agree_request(cli_mpi *m, const cli_opts *o) {
  cli_buf mine = {NULL, 0, 0, 0};
  cli_request(&mine, o);
  int64_t len = mine.failed ? -1 : (int64_t)mine.n;
  int ok = MPI_Bcast(&len, 1, MPI_INT64_T, 0, m->comm) == MPI_SUCCESS;
  /* Rank 0's bytes in pieces through one fixed buffer (no allocation that
   * could fail on one rank only), compared with this rank's as they come. */
  int same = ok && len >= 0 && !mine.failed && (size_t)len == mine.n;
  static unsigned char piece[65536];
  for (int64_t at = 0; ok && at < len; at += (int64_t)sizeof piece) {
    int k = (int)(len - at < (int64_t)sizeof piece ? len - at
                                                   : (int64_t)sizeof piece);
    if (m->rank == 0) memcpy(piece, mine.b + at, (size_t)k);
    ok = MPI_Bcast(piece, k, MPI_BYTE, 0, m->comm) == MPI_SUCCESS;
    if (same && memcmp(piece, mine.b + at, (size_t)k) != 0) same = 0;
  }
  int code = CLI_OK;
  if (!ok || len < 0 || mine.failed)
    code = cli_error(o, CLI_RUNTIME, "%s",
                     ok ? "out of memory comparing the ranks' requests"
                        : "broadcasting rank 0's request failed");
  else if (!same)
    code = cli_error(o, CLI_USAGE,
                     "its request differs from rank 0's (subcommand, key, "
                     "mode, dtype, shape, --out, inputs and options must be "
                     "the same on every rank)");
  free(mine.b);
  return cli_mpi_agree_code(m, code);
}
