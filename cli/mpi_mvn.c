/* jaxrandom-mpi's multivariate-normal distribution: each rank keeps the
 * factors of the rows it writes (the records cli_mpi_write_output gives it),
 * and every factor is computed by one rank only (jr_mpi_mvn_create). */
#include "cli_mpi.h"

jr_status cli_mpi_mvn_create(void *self, const cli_opts *o, const jr_ctx *ctx,
                             const jr_array *mean, const jr_array *cov,
                             int shape_ndim, const int64_t *shape,
                             jr_dtype dtype, jr_method method, jr_mvn **out) {
  cli_mpi *m = self;
  int ndim = 0;
  int64_t oshape[JR_MAX_NDIM + 1], rows = 1, first = 0, b = 0, e = 0;
  /* A bad request fails alike on every rank (the request is agreed). */
  jr_status st = jr_multivariate_normal_shape(
      mean, cov, shape_ndim, shape, dtype, method, NULL, &ndim, oshape);
  if (st != JR_OK) return jr_mpi_agree(m->comm, st);
  for (int d = 0; d + 1 < ndim; d++)
    rows *= oshape[d];
  if (o->have_rows) {
    const int64_t end = o->row_end < 0 ? rows : o->row_end;
    /* rows outside the batch: the output step says so; no rows here */
    if (o->row_begin > rows || end > rows) {
      first = rows = 0;
    } else {
      first = o->row_begin;
      rows = end - o->row_begin;
    }
  }
  /* cli_mpi_write_output's split of the records (one record per row) */
  st = jr_mpi_row_range(m->comm, rows, &b, &e);
  if (st != JR_OK) return jr_mpi_agree(m->comm, st);
  return jr_mpi_mvn_create(ctx, mean, cov, shape_ndim, shape, dtype, method,
                           m->comm, first + b, first + e, out);
}
