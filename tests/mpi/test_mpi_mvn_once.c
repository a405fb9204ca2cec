/* jr_mpi_mvn_create under mpirun: every rank's rows against the
 * single-process multivariate_normal (bytes), and every covariance that the
 * ranks' rows use factored exactly once over all ranks (the library's
 * factorization counter, summed), for cholesky, eigh and svd, with a
 * covariance whose factor is NaN among them; validation errors agreed by
 * every rank, naming the batch element. Usage: test_mpi_mvn_once */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jaxrandom_mpi.h"

/* The library's internal count of covariances this process factored
 * (src/mvn/factoring.h); the test links the static library. */
int64_t jr_mvn_factorization_count(void);

static int rank, size, failures;
static MPI_Comm comm = MPI_COMM_WORLD;

#define CHECK(cond, ...)                                                       \
  do {                                                                         \
    if (!(cond)) {                                                             \
      fprintf(stderr, "rank %d: %s:%d: check failed: %s: ", rank, __FILE__,    \
              __LINE__, #cond);                                                \
      fprintf(stderr, __VA_ARGS__);                                            \
      fprintf(stderr, "\n");                                                   \
      failures++;                                                              \
    }                                                                          \
  } while (0)

/* Gathers every rank's bytes to rank 0 in rank order. */
static char *gather(const void *mine, int64_t nbytes, int64_t *total) {
  int n = (int)nbytes, *counts = NULL, *displs = NULL;
  char *all = NULL;
  if (rank == 0) {
    counts = malloc(sizeof(int) * (size_t)size);
    displs = malloc(sizeof(int) * (size_t)size);
  }
  MPI_Gather(&n, 1, MPI_INT, counts, 1, MPI_INT, 0, comm);
  if (rank == 0) {
    int64_t t = 0;
    for (int r = 0; r < size; r++) {
      displs[r] = (int)t;
      t += counts[r];
    }
    *total = t;
    all = malloc((size_t)t + 1);
  }
  MPI_Gatherv(mine, n, MPI_BYTE, all, counts, displs, MPI_BYTE, 0, comm);
  free(counts);
  free(displs);
  return all;
}

/* B covariances of size n: symmetric, positive definite, distinct; element
 * `bad` (if >= 0) is indefinite (cholesky and eigh give NaN factors, svd
 * samples |cov|), element `singular` (if >= 0) is positive semidefinite but
 * singular (cholesky fails on it). */
static double *make_covs(int64_t B, int64_t n, int64_t bad, int64_t singular) {
  double *c = malloc((size_t)(B * n * n) * sizeof *c);
  for (int64_t b = 0; b < B; b++)
    for (int64_t i = 0; i < n; i++)
      for (int64_t j = 0; j < n; j++) {
        double v = i == j ? 2.0 + (double)b + 0.1 * (double)i
                          : 0.3 / (1.0 + (double)(i + j + b));
        if (b == bad) v = i == j ? 1.0 : (i + j == 1 ? 2.0 : 0.0);
        if (b == singular) v = (i < 2 && j < 2) || i == j ? 1.0 : 0.0;
        c[(b * n + i) * n + j] = v;
      }
  return c;
}

static const char *method_name(jr_method m) {
  return m == JR_CHOLESKY ? "cholesky" : m == JR_EIGH ? "eigh" : "svd";
}

/* One case: cov batch (B, n, n) (B = 0: one (n, n) covariance), mean (n,),
 * batch shape `batch`; `distinct`: the covariances the rows use. */
static void run_case(const char *name, int64_t B, int64_t n, int bndim,
                     const int64_t *batch, int64_t distinct, jr_method method,
                     int64_t bad, int64_t singular) {
  double *cov = make_covs(B ? B : 1, n, bad, singular);
  double *mean = malloc((size_t)n * sizeof *mean);
  for (int64_t i = 0; i < n; i++)
    mean[i] = 0.5 * (double)i - 1.0;
  const int64_t mshape[1] = {n}, cshape[3] = {B, n, n};
  jr_array m = {mean, JR_FLOAT64, 1, mshape, NULL};
  jr_array c = {cov, JR_FLOAT64, B ? 3 : 2, B ? cshape : cshape + 1, NULL};
  jr_ctx *ctx = jr_ctx_create();
  jr_ctx_set_int(ctx, JR_PARAM_THREADS, 1 + rank % 2);
  int64_t rows = 1;
  for (int d = 0; d < bndim; d++)
    rows *= batch[d];
  int64_t b, e;
  jr_mpi_row_range(comm, rows, &b, &e);
  jr_mvn *mvn = NULL;
  const int64_t before = jr_mvn_factorization_count();
  jr_status st = jr_mpi_mvn_create(ctx, &m, &c, bndim, batch, JR_DTYPE_NONE,
                                   method, comm, b, e, &mvn);
  int64_t done = jr_mvn_factorization_count() - before, sum = 0;
  MPI_Allreduce(&done, &sum, 1, MPI_INT64_T, MPI_SUM, comm);
  CHECK(st == JR_OK, "%s %s: create: %s", name, method_name(method),
        jr_last_error());
  CHECK(sum == distinct,
        "%s %s: %" PRId64 " factorizations over %d ranks, expected %" PRId64,
        name, method_name(method), sum, size, distinct);
  if (st == JR_OK) {
    double *mine = malloc((size_t)((e - b) * n) * sizeof *mine + 1);
    jr_key key = jr_key_from_seed(5, 0);
    st = jr_mpi_mvn_sample_local(mvn, ctx, key, comm, b, e, mine);
    CHECK(st == JR_OK, "%s: sample: %s", name, jr_last_error());
    int64_t got = 0;
    char *all = gather(mine, (e - b) * n * 8, &got);
    if (rank == 0) {
      double *ref = malloc((size_t)(rows * n) * sizeof *ref + 1);
      int64_t oshape[JR_MAX_NDIM + 1];
      for (int d = 0; d < bndim; d++)
        oshape[d] = batch[d];
      oshape[bndim] = n;
      jr_array out = {ref, JR_FLOAT64, bndim + 1, oshape, NULL};
      CHECK(jr_multivariate_normal(ctx, key, &m, &c, bndim, batch,
                                   JR_DTYPE_NONE, method, &out) == JR_OK,
            "serial: %s", jr_last_error());
      CHECK(got == rows * n * 8 && memcmp(all, ref, (size_t)got) == 0,
            "%s %s: rows differ from one process", name, method_name(method));
      int nan = 0;
      for (int64_t k = 0; k < rows * n; k++)
        nan |= ref[k] != ref[k];
      CHECK(nan == (bad >= 0 && method != JR_SVD) ||
                (singular >= 0 && method == JR_CHOLESKY),
            "%s %s: NaN samples %d", name, method_name(method), nan);
      free(ref);
    }
    free(all);
    free(mine);
  }
  jr_mvn_free(mvn);
  jr_ctx_free(ctx);
  free(cov);
  free(mean);
}

/* RAISE: one bad covariance fails every rank with one message naming it. */
static void run_raise(jr_method method, int64_t bad, int64_t singular,
                      jr_status want, const char *needle) {
  const int64_t B = 6, n = 3, batch[2] = {9, 6};
  double *cov = make_covs(B, n, bad, singular);
  double mean[3] = {0, 1, 2};
  const int64_t mshape[1] = {n}, cshape[3] = {B, n, n};
  jr_array m = {mean, JR_FLOAT64, 1, mshape, NULL};
  jr_array c = {cov, JR_FLOAT64, 3, cshape, NULL};
  jr_ctx *ctx = jr_ctx_create();
  jr_ctx_set_int(ctx, JR_PARAM_CHECK_VALID, JR_CHECK_RAISE);
  int64_t b, e;
  jr_mpi_row_range(comm, 54, &b, &e);
  jr_mvn *mvn = NULL;
  jr_status st = jr_mpi_mvn_create(ctx, &m, &c, 2, batch, JR_DTYPE_NONE, method,
                                   comm, b, e, &mvn);
  CHECK(st == want && !mvn, "%s raise: status %d", method_name(method),
        (int)st);
  CHECK(strstr(jr_last_error(), needle) &&
            strncmp(jr_last_error(), "rank ", 5) == 0,
        "%s raise: message '%s' lacks '%s'", method_name(method),
        jr_last_error(), needle);
  /* the same message on every rank */
  char msg[512] = {0}, first[512] = {0};
  snprintf(msg, sizeof msg, "%s", jr_last_error());
  if (rank == 0) memcpy(first, msg, sizeof msg);
  MPI_Bcast(first, sizeof first, MPI_CHAR, 0, comm);
  CHECK(strcmp(first, msg) == 0, "messages differ: '%s' / '%s'", first, msg);
  jr_mvn_free(mvn);
  jr_ctx_free(ctx);
  free(cov);
}

int main(int argc, char **argv) {
  MPI_Init(&argc, &argv);
  MPI_Comm_rank(comm, &rank);
  MPI_Comm_size(comm, &size);
  const jr_method methods[3] = {JR_CHOLESKY, JR_EIGH, JR_SVD};
  const int64_t one[1] = {37}, grid[2] = {9, 6}, per_row[1] = {6},
                big[2] = {5, 3}, few[1] = {2};
  for (int k = 0; k < 3; k++) {
    const jr_method me = methods[k];
    /* one covariance for every row: MPI_Bcast */
    run_case("single", 0, 3, 1, one, 1, me, -1, -1);
    /* every rank's rows use every covariance: round robin owners */
    run_case("shared", 6, 3, 2, grid, 6, me, 3, -1);
    run_case("shared-singular", 6, 3, 2, grid, 6, me, -1, 4);
    /* one covariance per row: each rank factors its own */
    run_case("per-row", 6, 3, 1, per_row, 6, me, 2, -1);
    /* n > 16: the other storage layout */
    run_case("n20", 3, 20, 2, big, 3, me, -1, -1);
    run_case("n20-single", 0, 20, 1, few, 1, me, -1, -1);
  }
  run_raise(JR_CHOLESKY, 3, -1, JR_E_NOT_PSD, "cov batch element 3 ");
  run_raise(JR_EIGH, 5, -1, JR_E_NOT_PSD, "cov batch element 5 ");
  run_raise(JR_SVD, 1, -1, JR_E_NOT_PSD, "cov batch element 1 ");
  run_raise(JR_CHOLESKY, -1, 4, JR_E_NOT_PSD,
            "cholesky of cov batch element 4 gives a NaN factor");
  int any = 0;
  MPI_Allreduce(&failures, &any, 1, MPI_INT, MPI_SUM, comm);
  if (rank == 0)
    printf("test_mpi_mvn_once: %d ranks, %s (%d failed checks)\n", size,
           any ? "FAILED" : "ok", any);
  (void)argc;
  (void)argv;
  MPI_Finalize();
  return any ? 1 : 0;
}
