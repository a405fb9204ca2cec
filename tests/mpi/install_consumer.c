/* A program built against the *installed* MPI layer (test_install_mpi.sh):
 * every rank draws its balanced slice of 1001 float32 normals with
 * jr_mpi_normal_local, rank 0 gathers them and compares the bytes with the
 * single-process jr_normal. Prints "ok P" (P ranks) on rank 0, exit 0; on a
 * difference or error prints what went wrong and exits 1. */
#include <jaxrandom_mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv) {
  MPI_Init(&argc, &argv);
  int rank, size;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  const int64_t total = 1001;
  const jr_key key = jr_key_from_seed(7, 0);
  int64_t b, e;
  jr_status st = jr_mpi_row_range(MPI_COMM_WORLD, total, &b, &e);
  float *mine = malloc((size_t)(e - b + 1) * sizeof *mine);
  if (st == JR_OK && mine)
    st = jr_mpi_normal_local(NULL, key, JR_FLOAT32, total, MPI_COMM_WORLD, b, e,
                             mine);
  if (st != JR_OK || !mine) {
    fprintf(stderr, "rank %d: %s\n", rank,
            mine ? jr_last_error() : "no memory");
    MPI_Abort(MPI_COMM_WORLD, 1);
  }
  int *counts = malloc(sizeof *counts * (size_t)size);
  int *displs = malloc(sizeof *displs * (size_t)size);
  float *all = malloc(sizeof *all * (size_t)total);
  float *ref = malloc(sizeof *ref * (size_t)total);
  if (!counts || !displs || !all || !ref) MPI_Abort(MPI_COMM_WORLD, 1);
  for (int p = 0; p < size; p++) {
    int64_t pb, pe;
    jr_mpi_split(total, size, p, &pb, &pe);
    counts[p] = (int)(pe - pb);
    displs[p] = (int)pb;
  }
  MPI_Gatherv(mine, (int)(e - b), MPI_FLOAT, all, counts, displs, MPI_FLOAT, 0,
              MPI_COMM_WORLD);
  int rc = 0;
  if (rank == 0) {
    const int64_t shape[1] = {total};
    if (jr_normal(NULL, key, JR_FLOAT32, 1, shape, ref) != JR_OK) {
      fprintf(stderr, "jr_normal: %s\n", jr_last_error());
      rc = 1;
    } else if (memcmp(all, ref, sizeof *ref * (size_t)total) != 0) {
      fprintf(stderr, "FAIL: the gathered slices differ from jr_normal\n");
      rc = 1;
    } else {
      printf("ok %d\n", size);
    }
  }
  MPI_Bcast(&rc, 1, MPI_INT, 0, MPI_COMM_WORLD);
  free(mine);
  free(counts);
  free(displs);
  free(all);
  free(ref);
  MPI_Finalize();
  return rc;
}
