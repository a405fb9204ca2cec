/* Distributed multivariate_normal: each rank samples its rows of the
 * flattened batch (algorithm.md 8.7) from factors that were computed once,
 * on one rank, and sent to the ranks that use them. */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "jaxrandom_mpi.h"
#include "mpi_internal.h"
#include "mvn/factoring.h"

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

/* ---- every factor once */

/* Bytes of factors handled per round, and covariances at most. */
enum { JR_MPI_ROUND_BYTES = 16 << 20, JR_MPI_ROUND_MAX = 65536 };

typedef struct {
  MPI_Comm comm;
  int rank, size;
  int entered; /* this rank reached the factoring step */
} jr_mpi_factoring;

/* One factor as an MPI datatype (slots can exceed INT_MAX bytes). */
static jr_status jr_mpi_slot_type(const jr_mvn_factoring *f, MPI_Datatype *t) {
  const size_t bytes = jr_mvn_factoring_slot_bytes(f);
  const size_t unit = jr_dtype_size(jr_mvn_factoring_slot_dtype(f));
  int rc;
  if (bytes <= INT_MAX) {
    rc = MPI_Type_contiguous((int)(bytes ? bytes : 1), MPI_BYTE, t);
  } else {
    MPI_Datatype u;
    /* bytes / unit <= JR_LINALG_MAX_N^2 < INT_MAX */
    if (bytes % unit || bytes / unit > INT_MAX)
      return jr_fail(JR_E_TOO_LARGE,
                     "jr_mpi_mvn_create: a factor of %zu bytes cannot be "
                     "sent",
                     bytes);
    rc = MPI_Type_contiguous((int)unit, MPI_BYTE, &u);
    if (rc == MPI_SUCCESS) rc = MPI_Type_contiguous((int)(bytes / unit), u, t);
    MPI_Type_free(&u);
  }
  if (rc == MPI_SUCCESS) rc = MPI_Type_commit(t);
  return rc == MPI_SUCCESS
             ? JR_OK
             : jr_mpi_fail_rc(rc, "jr_mpi_mvn_create", "MPI_Type_contiguous");
}

/* The rank that computes covariance c of a round: need[r * k + c] says which
 * ranks use it. -1: none. */
static int jr_mpi_owner(const unsigned char *need, int size, int64_t k,
                        int64_t c, int64_t ci) {
  int users = 0;
  for (int r = 0; r < size; r++)
    users += need[(int64_t)r * k + c] != 0;
  if (users == 0) return -1;
  int turn = (int)(ci % users);
  for (int r = 0; r < size; r++)
    if (need[(int64_t)r * k + c] && turn-- == 0) return r;
  return -1;
}

/* Sends the factors of round [c0, c0 + k) that this rank owns to the ranks
 * that use them, receiving the ones it uses from their owners: one exchange
 * per pair of ranks (a ring, so no two wait on each other), the slots read
 * and written in place through indexed datatypes. */
static jr_status jr_mpi_exchange(jr_mpi_factoring *a, jr_mvn_factoring *f,
                                 MPI_Datatype slot, const unsigned char *need,
                                 const int *owner, int64_t c0, int64_t k,
                                 MPI_Aint *sd, MPI_Aint *rd) {
  int64_t first, count;
  const unsigned char *used;
  jr_mvn_factoring_uses(f, &first, &count, &used);
  const size_t bytes = jr_mvn_factoring_slot_bytes(f);
  char *base = count ? jr_mvn_factoring_slot(f, first) : NULL;
  char dummy = 0;
  for (int d = 1; d < a->size; d++) {
    const int to = (a->rank + d) % a->size,
              from = (a->rank - d + a->size) % a->size;
    int ns = 0, nr = 0;
    for (int64_t c = 0; c < k; c++) {
      const MPI_Aint off = (MPI_Aint)((size_t)(c0 + c - first) * bytes);
      if (owner[c] == a->rank && need[(int64_t)to * k + c]) sd[ns++] = off;
      if (owner[c] == from && need[(int64_t)a->rank * k + c]) rd[nr++] = off;
    }
    MPI_Datatype st, rt;
    int rc = MPI_Type_create_hindexed_block(ns, 1, sd, slot, &st);
    if (rc == MPI_SUCCESS) rc = MPI_Type_commit(&st);
    if (rc == MPI_SUCCESS) {
      rc = MPI_Type_create_hindexed_block(nr, 1, rd, slot, &rt);
      if (rc == MPI_SUCCESS) rc = MPI_Type_commit(&rt);
      if (rc == MPI_SUCCESS) {
        rc = MPI_Sendrecv(base ? base : &dummy, ns ? 1 : 0, st, to, 0,
                          base ? base : &dummy, nr ? 1 : 0, rt, from, 0,
                          a->comm, MPI_STATUS_IGNORE);
        MPI_Type_free(&rt);
      }
      MPI_Type_free(&st);
    }
    if (rc != MPI_SUCCESS)
      return jr_mpi_fail_rc(rc, "jr_mpi_mvn_create", "MPI_Sendrecv");
  }
  return JR_OK;
}

/* The factoring step of every rank's jr_mvn (jr_mvn_factor_fn), in rounds
 * over the covariances any rank uses: who uses what (allgather), the owners
 * compute, the outcome is agreed, the bytes move. Every rank takes the same
 * collective calls, ending with an agreement. */
static jr_status jr_mpi_factor(void *user, jr_mvn_factoring *f) {
  jr_mpi_factoring *a = user;
  a->entered = 1;
  /* matches the agreement of ranks that failed before this step */
  jr_status st = jr_mpi_agree(a->comm, JR_OK);
  if (st != JR_OK) return st;
  int64_t first, count;
  const unsigned char *used;
  jr_mvn_factoring_uses(f, &first, &count, &used);
  const size_t bytes = jr_mvn_factoring_slot_bytes(f);
  /* the covariances any rank uses lie in [span[0], -span[1]) */
  int64_t span[2] = {count ? first : INT64_MAX, count ? -(first + count) : 0};
  int rc = MPI_Allreduce(MPI_IN_PLACE, span, 2, MPI_INT64_T, MPI_MIN, a->comm);
  if (rc != MPI_SUCCESS)
    st = jr_mpi_fail_rc(rc, "jr_mpi_mvn_create", "MPI_Allreduce");
  st = jr_mpi_agree(a->comm, st);
  if (st != JR_OK || span[0] >= -span[1]) return st;
  const int64_t lo = span[0], hi = -span[1];
  int64_t k = bytes ? JR_MPI_ROUND_BYTES / (int64_t)bytes : JR_MPI_ROUND_MAX;
  if (k > JR_MPI_ROUND_MAX) k = JR_MPI_ROUND_MAX;
  if (k > JR_MPI_ROUND_BYTES / a->size) k = JR_MPI_ROUND_BYTES / a->size;
  if (k < 1) k = 1;
  unsigned char *mine = malloc((size_t)k);
  unsigned char *need = malloc((size_t)k * (size_t)a->size);
  int *owner = malloc((size_t)k * sizeof *owner);
  MPI_Aint *sd = malloc((size_t)k * sizeof *sd);
  MPI_Aint *rd = malloc((size_t)k * sizeof *rd);
  MPI_Datatype slot = MPI_DATATYPE_NULL;
  st = !mine || !need || !owner || !sd || !rd
           ? jr_fail(JR_E_OUT_OF_MEMORY, "jr_mpi_mvn_create: out of memory")
           : jr_mpi_slot_type(f, &slot);
  st = jr_mpi_agree(a->comm, st);
  for (int64_t c0 = lo; st == JR_OK && c0 < hi; c0 += k) {
    const int64_t kk = hi - c0 < k ? hi - c0 : k;
    for (int64_t c = 0; c < kk; c++) {
      const int64_t ci = c0 + c;
      mine[c] =
          ci >= first && ci < first + count && (!used || used[ci - first]);
    }
    /* row r of need: the ranks' flags for this round, k apart */
    rc = MPI_Allgather(mine, (int)kk, MPI_UNSIGNED_CHAR, need, (int)kk,
                       MPI_UNSIGNED_CHAR, a->comm);
    if (rc != MPI_SUCCESS) {
      st = jr_mpi_agree(
          a->comm, jr_mpi_fail_rc(rc, "jr_mpi_mvn_create", "MPI_Allgather"));
      break;
    }
    int all = 1;
    for (int64_t c = 0; c < kk; c++) {
      owner[c] = jr_mpi_owner(need, a->size, kk, c, c0 + c);
      for (int r = 0; r < a->size; r++)
        all &= need[(int64_t)r * kk + c] != 0;
    }
    /* the owned covariances, in runs (a run goes a chunk at a time) */
    for (int64_t c = 0; st == JR_OK && c < kk;) {
      if (owner[c] != a->rank) {
        c++;
        continue;
      }
      int64_t e = c + 1;
      while (e < kk && owner[e] == a->rank)
        e++;
      st = jr_mvn_factoring_compute(f, c0 + c, e - c);
      c = e;
    }
    st = jr_mpi_agree(a->comm, st);
    if (st != JR_OK || a->size == 1) continue;
    if (kk == 1 && all) { /* one covariance for every rank */
      rc = MPI_Bcast(jr_mvn_factoring_slot(f, c0), 1, slot, owner[0], a->comm);
      if (rc != MPI_SUCCESS)
        st = jr_mpi_fail_rc(rc, "jr_mpi_mvn_create", "MPI_Bcast");
    } else {
      st = jr_mpi_exchange(a, f, slot, need, owner, c0, kk, sd, rd);
    }
    st = jr_mpi_agree(a->comm, st);
  }
  if (slot != MPI_DATATYPE_NULL) MPI_Type_free(&slot);
  free(mine);
  free(need);
  free(owner);
  free(sd);
  free(rd);
  return st;
}

jr_status jr_mpi_mvn_create(const jr_ctx *ctx, const jr_array *mean,
                            const jr_array *cov, int shape_ndim,
                            const int64_t *shape, jr_dtype dtype,
                            jr_method method, MPI_Comm comm, int64_t row_begin,
                            int64_t row_end, jr_mvn **out) {
  jr_mpi_factoring a = {.comm = comm};
  jr_status st = jr_mpi_comm_info(comm, "jr_mpi_mvn_create", &a.rank, &a.size);
  if (st != JR_OK) return st; /* not a usable communicator: no collective */
  st = jr_mvn_create_rows_with(ctx, mean, cov, shape_ndim, shape, dtype, method,
                               row_begin, row_end, jr_mpi_factor, &a, out);
  /* A rank that failed before the factoring step agrees here, with the
   * entry agreement of the others; the step itself ends agreed. */
  if (!a.entered) st = jr_mpi_agree(comm, st);
  if (st != JR_OK && out && *out) {
    jr_mvn_free(*out);
    *out = NULL;
  }
  return st;
}
