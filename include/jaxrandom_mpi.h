/*
 * jaxrandom_mpi.h -- distributed sampling and parallel .npy output with MPI.
 *
 * Built only with -DJR_ENABLE_MPI=ON, as the separate library jaxrandom_mpi
 * (it links libjaxrandom and MPI; the plain library never depends on MPI).
 * See docs/mpi.md for the guide.
 *
 * Why this works: every output element of jax.random depends only on (key,
 * its flat index, the total size) and, for multivariate_normal, its row's
 * factor and mean (docs/algorithm.md section 8.7). So each rank computes its
 * own slice alone and the union over ranks is exactly the single-process
 * output. Nothing but the inputs is ever communicated.
 *
 * Conventions
 * -----------
 * - Every function here except jr_mpi_split() and jr_mpi_row_range() is
 *   collective over `comm`:
 *   all ranks call it, in the same order, with the same global arguments
 *   (shape, dtype, key, path...); only the local range and buffer differ.
 * - Errors are agreed on: if any rank fails, every rank returns the status
 *   of the lowest failing rank and jr_last_error() gives, on every rank, the
 *   same message "rank R of P: <what went wrong>". So a caller never
 *   deadlocks in a later collective because one rank went its own way.
 * - Ranges are half-open [begin, end) of 64-bit indices.
 */
#ifndef JAXRANDOM_MPI_H
#define JAXRANDOM_MPI_H

#include <mpi.h>

#include "jaxrandom.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------ */
/* Splitting work                                                      */
/* ------------------------------------------------------------------ */
/* The balanced contiguous split of n items into `parts` parts, part `part`
 * (0-based): with q = n / parts and r = n % parts,
 *     begin = part * q + min(part, r),   end = begin + q + (part < r).
 * The first r parts get one item more; parts never differ by more than one;
 * the parts tile [0, n) in order. Not collective. */
JR_API jr_status jr_mpi_split(int64_t n, int parts, int part, int64_t *begin,
                              int64_t *end);

/* This rank's part of n items: jr_mpi_split(n, size(comm), rank(comm)).
 * Local (calls only MPI_Comm_rank/MPI_Comm_size). */
JR_API jr_status jr_mpi_row_range(MPI_Comm comm, int64_t n, int64_t *begin,
                                  int64_t *end);

/* ------------------------------------------------------------------ */
/* Distributed sampling into local buffers                             */
/* ------------------------------------------------------------------ */
/* Each rank fills `local_out` with its range [begin, end) -- usually the
 * one jr_mpi_row_range() gives, or any range the caller chooses (ranges of
 * different ranks may overlap or leave gaps; each is simply that slice of
 * the single-process output).
 *
 * normal / uniform / bits: the unit is one element of the flattened output of
 * `total` elements (to split by rows of the last axis, split the row count
 * and multiply by the row length). local_out holds end - begin elements.
 *
 * multivariate_normal: the unit is one row (one sample of dimension n) of the
 * flattened batch of jr_mvn_describe(); local_out holds (end - begin) * n
 * elements of the result dtype.
 *
 * Collective only for the error agreement (one small allreduce); the
 * sampling itself communicates nothing. */
JR_API jr_status jr_mpi_normal_local(const jr_ctx *ctx, jr_key key,
                                     jr_dtype dtype, int64_t total,
                                     MPI_Comm comm, int64_t begin, int64_t end,
                                     void *local_out);
JR_API jr_status jr_mpi_uniform_local(const jr_ctx *ctx, jr_key key,
                                      jr_dtype dtype, int64_t total,
                                      double minval, double maxval,
                                      MPI_Comm comm, int64_t begin, int64_t end,
                                      void *local_out);
JR_API jr_status jr_mpi_bits_local(const jr_ctx *ctx, jr_key key, int width,
                                   int64_t total, MPI_Comm comm, int64_t begin,
                                   int64_t end, void *local_out);
JR_API jr_status jr_mpi_mvn_sample_local(const jr_mvn *mvn, const jr_ctx *ctx,
                                         jr_key key, MPI_Comm comm,
                                         int64_t begin, int64_t end,
                                         void *local_out);

/* Collective: jr_mvn_create_rows(ctx, mean, cov, shape_ndim, shape, dtype,
 * method, row_begin, row_end, out) on every rank (each its own rows; the
 * other arguments the same on every rank), with every covariance that the
 * ranks' rows use factored once, on one rank: the lowest rank using it if
 * only one does, else one of the ranks using it in turn (round robin over
 * the covariance index). Its bytes (a NaN factor included) go to the other
 * ranks that use it, in chunks of at most about 16 MiB (MPI_Bcast when all
 * ranks use one covariance). So ranks never disagree on a factor (eigh and
 * svd come from LAPACK, whose bytes can differ between CPUs) and never
 * repeat one. Validation (JR_PARAM_CHECK_VALID) runs where the factor is
 * computed; a RAISE fails every rank with the message naming the batch
 * element (see Conventions). */
JR_API jr_status jr_mpi_mvn_create(const jr_ctx *ctx, const jr_array *mean,
                                   const jr_array *cov, int shape_ndim,
                                   const int64_t *shape, jr_dtype dtype,
                                   jr_method method, MPI_Comm comm,
                                   int64_t row_begin, int64_t row_end,
                                   jr_mvn **out);

/* Agrees on an outcome: every rank passes its own status (and, if it failed,
 * has its message in jr_last_error()); every rank gets back the status of the
 * lowest failing rank with its message, or JR_OK if none failed. For callers
 * that run their own per-rank steps (reading inputs, allocating) before the
 * next collective. */
JR_API jr_status jr_mpi_agree(MPI_Comm comm, jr_status local);

/* ------------------------------------------------------------------ */
/* Parallel .npy writer                                                */
/* ------------------------------------------------------------------ */
/* Fills `buf` with records [begin, end) of the output (a record is
 * `record_elems` consecutive elements of the flattened array, e.g. one
 * multivariate_normal row, or one element). Returns JR_OK or a status with
 * its message set (jr_fail-style, via jr_last_error()). */
typedef jr_status (*jr_mpi_fill_fn)(void *user, int64_t begin, int64_t end,
                                    void *buf);

typedef struct jr_mpi_npy_spec {
  jr_dtype dtype;        /* element dtype written in the header */
  int ndim;              /* 0 ..= JR_MAX_NDIM */
  const int64_t *shape;  /* the whole array's shape, C order */
  int64_t record_elems;  /* elements per record (>= 1, divides the size) */
  int64_t begin, end;    /* this rank's records; the ranks' ranges must tile
                            [0, records) exactly (any rank order) */
  int64_t block_records; /* records per write; 0 = about 16 MiB worth */
  int force;             /* 1: replace an existing file; 0: refuse */
} jr_mpi_npy_spec;

/* Writes one .npy file (the header that the jaxrandom CLI writes, then the
 * data, C order) from all ranks of comm with MPI-IO:
 * - rank 0 writes the header; every rank streams its records through `fill`
 *   in blocks of at most block_records (memory: one block per rank) and
 *   writes them at their offsets with MPI_File_write_at_all; ranks with fewer
 *   blocks join the remaining collective calls with empty writes;
 * - the data go to a temporary file next to `path`, which is synced, closed
 *   and renamed to `path` by rank 0 only when every rank succeeded; on any
 *   failure the temporary file is deleted, so `path` appears whole or not at
 *   all. Temporary files that killed runs left for `path` (their process,
 *   on rank 0's host and of its user, gone) are removed first. An existing
 *   `path` is refused (JR_E_BAD_ARGUMENT) unless force, a directory always;
 *   a non-regular target such as /dev/null is written directly. "-"
 *   (stdout) is refused.
 * - signals: during the call every rank installs handlers for the signals
 *   whose default action ends the process (SIGINT, SIGTERM, SIGHUP, SIGPIPE,
 *   SIGQUIT, SIGUSR1, SIGUSR2, SIGALRM, SIGXCPU, SIGXFSZ, SIGVTALRM,
 *   SIGPROF; one ignored at the call stays ignored) that remove the
 *   temporary file and then die of the signal (mpirun signals every rank, and
 * may SIGKILL the others once one has died); the calling thread blocks them
 * until its handler knows the file's name. The previous handlers and mask are
 *   restored before returning. Other threads of the caller should block
 *   these signals (jaxrandom-mpi blocks them before MPI_Init starts MPI's
 *   threads).
 * Every rank returns the same status and message (see Conventions). */
JR_API jr_status jr_mpi_write_npy(MPI_Comm comm, const char *path,
                                  const jr_mpi_npy_spec *spec,
                                  jr_mpi_fill_fn fill, void *user);

#ifdef __cplusplus
}
#endif
#endif /* JAXRANDOM_MPI_H */
