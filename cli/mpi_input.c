/* jaxrandom-mpi's --mean/--cov: rank 0 loads them with jaxrandom's loader,
 * every rank receives the arrays, so only rank 0 needs to see the files. */
#include <string.h>

#include "cli_mpi.h"
#include "input.h"
#include "report.h"

/* Broadcasts n bytes from rank 0 in pieces that fit MPI's int counts. */
static int cli_mpi_bcast_bytes(const cli_mpi *m, void *data, int64_t n) {
  const int64_t piece = (int64_t)1 << 30;
  for (int64_t at = 0; at < n; at += piece) {
    int64_t k = n - at < piece ? n - at : piece;
    if (MPI_Bcast((char *)data + at, (int)k, MPI_BYTE, 0, m->comm) !=
        MPI_SUCCESS)
      return 0;
  }
  return 1;
}

/* multivariate-normal's input loader: rank 0 loads (and canonicalizes)
 * --mean/--cov as jaxrandom does, then every rank receives the array. All
 * ranks return the same code, so they all take the same path afterwards. */
int cli_mpi_load_input(void *self, const cli_opts *o, const char *spec,
                       const char *what, int is_mean, jr_ndarray *a) {
  const cli_mpi *m = self;
  enum {
    H_CODE,
    H_DTYPE,
    H_NDIM,
    H_SIZE,
    H_SHAPE,
    H_LEN = H_SHAPE + JR_MAX_NDIM
  };
  int64_t h[H_LEN];
  memset(h, 0, sizeof h);
  memset(a, 0, sizeof *a);
  if (m->rank == 0) {
    h[H_CODE] = cli_load_input(o, spec, what, is_mean, a);
    if (h[H_CODE] == CLI_OK) {
      h[H_DTYPE] = a->dtype;
      h[H_NDIM] = a->ndim;
      h[H_SIZE] = a->size;
      memcpy(h + H_SHAPE, a->shape, sizeof a->shape);
    }
  }
  if (MPI_Bcast(h, H_LEN, MPI_INT64_T, 0, m->comm) != MPI_SUCCESS)
    return cli_error(o, CLI_RUNTIME, "%s: broadcasting the input failed", what);
  if (h[H_CODE] != CLI_OK) { /* rank 0 has the message */
    if (m->rank != 0)
      cli_error(o, (int)h[H_CODE], "%s: rank 0 could not load it", what);
    return (int)h[H_CODE];
  }
  jr_status st = JR_OK;
  if (m->rank != 0) {
    /* jr_ndarray_alloc checks the shape; the size is bounded by what rank 0
     * accepted (JR_IO_MAX_INPUT_BYTES). */
    const int ndim = (int)h[H_NDIM];
    if (ndim < 0 || ndim > JR_MAX_NDIM)
      st = jr_io_fail(JR_E_BAD_SHAPE, "%s: received ndim %d", what, ndim);
    else
      st = jr_ndarray_alloc(a, (jr_dtype)h[H_DTYPE], ndim, h + H_SHAPE, what);
    if (st == JR_OK && a->size != h[H_SIZE])
      st = jr_io_fail(JR_E_BAD_SHAPE, "%s: received size %lld for its shape",
                      what, (long long)h[H_SIZE]);
  }
  /* Everyone has room for the data (or nobody receives it). */
  st = jr_mpi_agree(m->comm, st);
  if (st != JR_OK) {
    jr_ndarray_free(a);
    return cli_fail_status(o, st);
  }
  const int64_t bytes = a->size * (int64_t)jr_dtype_size(a->dtype);
  if (!cli_mpi_bcast_bytes(m, a->data, bytes))
    return cli_error(o, CLI_RUNTIME, "%s: broadcasting the input failed", what);
  return CLI_OK;
}
