/* Distributed sampling: the row split, error agreement across ranks, and the
 * per-rank slices of bits/uniform/normal/multivariate_normal. Each slice is
 * computed by the core *_range / *_rows functions (algorithm.md 8.7), so nothing but
 * the outcome is communicated. */
#include <stdio.h>

#include "internal.h"
#include "jaxrandom_mpi.h"
#include "mpi_internal.h"

jr_status jr_mpi_split(int64_t n, int parts, int part, int64_t *begin,
                       int64_t *end) {
  if (!begin || !end)
    return jr_fail(JR_E_NULL_POINTER, "jr_mpi_split: begin or end is NULL");
  if (n < 0)
    return jr_fail(JR_E_BAD_ARGUMENT,
                   "jr_mpi_split: item count %lld is negative", (long long)n);
  if (parts < 1 || part < 0 || part >= parts)
    return jr_fail(JR_E_BAD_ARGUMENT,
                   "jr_mpi_split: part %d of %d parts; expected 0 <= part < "
                   "parts",
                   part, parts);
  const int64_t q = n / parts, r = n % parts;
  /* part * q <= n, so neither product nor sum can overflow. */
  *begin = (int64_t)part * q + (part < r ? part : r);
  *end = *begin + q + (part < r ? 1 : 0);
  return JR_OK;
}

jr_status jr_mpi_row_range(MPI_Comm comm, int64_t n, int64_t *begin,
                           int64_t *end) {
  int rank, size;
  jr_status st = jr_mpi_comm_info(comm, "jr_mpi_row_range", &rank, &size);
  if (st != JR_OK) return st;
  return jr_mpi_split(n, size, rank, begin, end);
}

jr_status jr_mpi_comm_info(MPI_Comm comm, const char *fn, int *rank,
                           int *size) {
  int init = 0;
  MPI_Initialized(&init);
  if (!init) return jr_fail(JR_E_MPI, "%s: MPI is not initialized", fn);
  if (comm == MPI_COMM_NULL)
    return jr_fail(JR_E_MPI, "%s: the communicator is MPI_COMM_NULL", fn);
  int rc = MPI_Comm_rank(comm, rank);
  if (rc == MPI_SUCCESS) rc = MPI_Comm_size(comm, size);
  if (rc != MPI_SUCCESS) return jr_mpi_fail_rc(rc, fn, "MPI_Comm_rank/size");
  return JR_OK;
}

jr_status jr_mpi_fail_rc(int rc, const char *fn, const char *call) {
  char msg[MPI_MAX_ERROR_STRING + 1] = "";
  int len = 0;
  if (MPI_Error_string(rc, msg, &len) != MPI_SUCCESS) len = 0;
  msg[len < 0 ? 0 : len] = '\0';
  return jr_fail(JR_E_MPI, "%s: %s failed: %s", fn, call, msg);
}

/* The agreed message is "rank R of P: ..."; a status that already went
 * through an agreement keeps its prefix instead of gaining a second one. */
static int jr_mpi_is_agreed(const char *msg) {
  int r, p, n = 0;
  return sscanf(msg, "rank %d of %d: %n", &r, &p, &n) == 2 && n > 0;
}

enum { JR_MPI_MSG = 1024 };

jr_status jr_mpi_agree(MPI_Comm comm, jr_status local) {
  int rank, size;
  /* Keep the local message: jr_mpi_comm_info only writes one on failure. */
  jr_status st = jr_mpi_comm_info(comm, "jr_mpi_agree", &rank, &size);
  if (st != JR_OK) return st;
  int mine = local != JR_OK ? rank : size, first = size;
  int rc = MPI_Allreduce(&mine, &first, 1, MPI_INT, MPI_MIN, comm);
  if (rc != MPI_SUCCESS)
    return jr_mpi_fail_rc(rc, "jr_mpi_agree", "MPI_Allreduce");
  if (first == size) return JR_OK;
  /* The lowest failing rank sends its status and message to all. */
  char buf[sizeof(int) + JR_MPI_MSG];
  memset(buf, 0, sizeof buf);
  if (rank == first) {
    int s = (int)local;
    memcpy(buf, &s, sizeof s);
    snprintf(buf + sizeof(int), JR_MPI_MSG, "%s", jr_last_error());
  }
  rc = MPI_Bcast(buf, (int)sizeof buf, MPI_BYTE, first, comm);
  if (rc != MPI_SUCCESS) return jr_mpi_fail_rc(rc, "jr_mpi_agree", "MPI_Bcast");
  int s;
  memcpy(&s, buf, sizeof s);
  char *msg = buf + sizeof(int);
  msg[JR_MPI_MSG - 1] = '\0';
  if (s == JR_OK) s = JR_E_MPI; /* a rank reported failure with status 0 */
  if (jr_mpi_is_agreed(msg)) return jr_fail((jr_status)s, "%s", msg);
  return jr_fail((jr_status)s, "rank %d of %d: %s", first, size,
                 msg[0] ? msg : jr_status_string((jr_status)s));
}

static jr_status jr_mpi_check_range(const char *fn, const char *unit,
                                    int64_t total, int64_t begin, int64_t end) {
  if (total < 0)
    return jr_fail(JR_E_BAD_SHAPE, "%s: total %s count %lld is negative", fn,
                   unit, (long long)total);
  if (begin < 0 || begin > end || end > total)
    return jr_fail(JR_E_BAD_RANGE,
                   "%s: %s range [%lld, %lld) is outside [0, %lld); expected "
                   "0 <= begin <= end <= total",
                   fn, unit, (long long)begin, (long long)end,
                   (long long)total);
  return JR_OK;
}

jr_status jr_mpi_normal_local(const jr_ctx *ctx, jr_key key, jr_dtype dtype,
                              int64_t total, MPI_Comm comm, int64_t begin,
                              int64_t end, void *local_out) {
  jr_status st =
      jr_mpi_check_range("jr_mpi_normal_local", "element", total, begin, end);
  if (st == JR_OK)
    st = jr_normal_range(ctx, key, dtype, total, begin, end - begin, local_out);
  return jr_mpi_agree(comm, st);
}

jr_status jr_mpi_uniform_local(const jr_ctx *ctx, jr_key key, jr_dtype dtype,
                               int64_t total, double minval, double maxval,
                               MPI_Comm comm, int64_t begin, int64_t end,
                               void *local_out) {
  jr_status st =
      jr_mpi_check_range("jr_mpi_uniform_local", "element", total, begin, end);
  if (st == JR_OK)
    st = jr_uniform_range(ctx, key, dtype, total, begin, end - begin, minval,
                          maxval, local_out);
  return jr_mpi_agree(comm, st);
}

jr_status jr_mpi_bits_local(const jr_ctx *ctx, jr_key key, int width,
                            int64_t total, MPI_Comm comm, int64_t begin,
                            int64_t end, void *local_out) {
  jr_status st =
      jr_mpi_check_range("jr_mpi_bits_local", "element", total, begin, end);
  if (st == JR_OK)
    st = jr_random_bits_range(ctx, key, width, total, begin, end - begin,
                              local_out);
  return jr_mpi_agree(comm, st);
}
