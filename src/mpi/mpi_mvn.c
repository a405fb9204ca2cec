/* Distributed multivariate_normal: each rank samples its rows of the
 * flattened batch from the shared factors (algorithm.md 8.7). */
#include "internal.h"
#include "jaxrandom_mpi.h"

jr_status jr_mpi_mvn_sample_local(const jr_mvn *mvn, const jr_ctx *ctx,
                                  jr_key key, MPI_Comm comm, int64_t begin,
                                  int64_t end, void *local_out) {
  int64_t rows = 0;
  jr_status st =
      mvn ? jr_mvn_describe(mvn, NULL, NULL, NULL, &rows, NULL)
          : jr_fail(JR_E_NULL_POINTER, "jr_mpi_mvn_sample_local: mvn is NULL");
  if (st == JR_OK && (begin < 0 || begin > end || end > rows))
    st = jr_fail(JR_E_BAD_RANGE,
                 "jr_mpi_mvn_sample_local: row range [%lld, %lld) is outside "
                 "[0, %lld); expected 0 <= begin <= end <= rows",
                 (long long)begin, (long long)end, (long long)rows);
  if (st == JR_OK)
    st = jr_mvn_sample_rows(mvn, ctx, key, begin, end, local_out);
  return jr_mpi_agree(comm, st);
}
