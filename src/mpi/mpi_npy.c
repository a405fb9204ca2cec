/* The parallel .npy writer: rank 0 writes the header, every rank streams its
 * records in blocks and writes them at their offsets with collective MPI-IO
 * into a temporary file, which becomes the output only if every rank
 * succeeded (the file appears whole or not at all). The header and the
 * temporary-file discipline are the CLI's (src/io), so the bytes and the
 * no-clobber rules are those of the single-process jaxrandom. */
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "internal.h"
#include "jaxrandom_mpi.h"
#include "jr_io.h"
#include "mpi_internal.h"

#define FN "jr_mpi_write_npy"

enum { JR_MPI_PATH_MAX = 4096, JR_MPI_HEADER_MAX = 2048 };
/* Default block: big enough that a collective write per block costs little,
 * small enough that P ranks on one node hold P blocks comfortably. */
static const int64_t jr_mpi_block_bytes = (int64_t)16 << 20;
/* MPI counts are int: one write never exceeds this. */
static const int64_t jr_mpi_block_bytes_max = (int64_t)1 << 30;

/* A hash of the arguments that must be equal on every rank, to catch a
 * caller that passes different shapes or paths on different ranks. */
static uint64_t jr_mpi_args_hash(const char *path, const jr_mpi_npy_spec *s) {
  uint64_t h = 1469598103934665603ull;
#define JR_MIX(v) (h = (h ^ (uint64_t)(v)) * 1099511628211ull)
  JR_MIX(s->dtype);
  JR_MIX(s->ndim);
  for (int i = 0; i < s->ndim; i++)
    JR_MIX(s->shape[i]);
  JR_MIX(s->record_elems);
  JR_MIX(s->force);
  for (const char *p = path; *p; p++)
    JR_MIX((unsigned char)*p);
#undef JR_MIX
  return h;
}

/* Local checks of one rank's arguments; computes the sizes. */
typedef struct {
  int64_t records, record_bytes, block_records;
  char header[JR_MPI_HEADER_MAX];
  size_t header_len;
} jr_mpi_layout;

static jr_status jr_mpi_check_args(const char *path, const jr_mpi_npy_spec *s,
                                   jr_mpi_fill_fn fill, jr_mpi_layout *lay) {
  if (!path || !s || !fill)
    return jr_fail(JR_E_NULL_POINTER, FN ": path, spec or fill is NULL");
  if (!path[0] || strlen(path) >= JR_MPI_PATH_MAX - 64)
    return jr_fail(JR_E_BAD_ARGUMENT,
                   FN ": output path is empty or longer than %d bytes",
                   JR_MPI_PATH_MAX - 64);
  if (strcmp(path, "-") == 0)
    return jr_fail(JR_E_BAD_ARGUMENT,
                   FN ": cannot write to stdout ('-') from several ranks; "
                      "expected a file name");
  const size_t item = jr_dtype_size(s->dtype);
  if (item == 0)
    return jr_fail(JR_E_BAD_DTYPE, FN ": unknown dtype %d", (int)s->dtype);
  int64_t total;
  jr_status st = jr_check_shape(FN ": shape", s->ndim, s->shape, &total);
  if (st != JR_OK) return st;
  char sb[64 * JR_MAX_NDIM];
  if (s->record_elems < 1 || total % s->record_elems != 0)
    return jr_fail(JR_E_BAD_ARGUMENT,
                   FN ": record_elems %lld does not divide the %lld elements "
                      "of shape %s; expected a positive divisor",
                   (long long)s->record_elems, (long long)total,
                   jr_format_shape(sb, sizeof sb, s->ndim, s->shape));
  lay->records = total / s->record_elems;
  if (!jr_mul_i64(s->record_elems, (int64_t)item, &lay->record_bytes))
    return jr_fail(JR_E_SIZE_OVERFLOW, FN ": record bytes overflow 64 bits");
  if (lay->record_bytes > jr_mpi_block_bytes_max)
    return jr_fail(JR_E_TOO_LARGE,
                   FN ": one record is %lld bytes; at most %lld are written "
                      "at a time",
                   (long long)lay->record_bytes,
                   (long long)jr_mpi_block_bytes_max);
  int64_t bytes;
  if (!jr_mul_i64(lay->records, lay->record_bytes, &bytes) ||
      !jr_add_i64(bytes, JR_MPI_HEADER_MAX, &bytes) ||
      (sizeof(MPI_Offset) < sizeof(int64_t) && bytes > (int64_t)INT32_MAX))
    return jr_fail(JR_E_SIZE_OVERFLOW,
                   FN ": the file size of shape %s overflows a 64-bit offset",
                   jr_format_shape(sb, sizeof sb, s->ndim, s->shape));
  if (s->begin < 0 || s->begin > s->end || s->end > lay->records)
    return jr_fail(
        JR_E_BAD_RANGE, FN ": record range [%lld, %lld) is outside [0, %lld)",
        (long long)s->begin, (long long)s->end, (long long)lay->records);
  if (s->block_records < 0)
    return jr_fail(JR_E_BAD_ARGUMENT, FN ": block_records %lld is negative",
                   (long long)s->block_records);
  const int64_t cap = jr_mpi_block_bytes_max / lay->record_bytes;
  int64_t b = s->block_records;
  if (b == 0) b = jr_mpi_block_bytes / lay->record_bytes;
  lay->block_records = b < 1 ? 1 : (b > cap ? cap : b);
  return jr_npy_format_header(s->dtype, s->ndim, s->shape, lay->header,
                              sizeof lay->header, &lay->header_len);
}

/* Signals on ranks other than 0 (src/io/jr_io.h). mpirun ends a job by
 * signalling every rank, and the first rank to die can get the others killed
 * outright; so every rank that knows the temporary file removes it when a
 * terminating signal arrives (rank 0 has the CLI's outfile handlers). The
 * signals are blocked from the start of the call until the handler knows the
 * name: a signal in between waits, then removes the file. */

typedef struct {
  int64_t begin, end;
} jr_mpi_span;

static int jr_mpi_span_cmp(const void *a, const void *b) {
  const jr_mpi_span *x = a, *y = b;
  if (x->begin != y->begin) return x->begin < y->begin ? -1 : 1;
  return (x->end > y->end) - (x->end < y->end);
}

/* Collective: the same global arguments everywhere, and ranges that tile
 * [0, records) (a gap would leave undefined bytes, an overlap a race). */
static jr_status jr_mpi_check_global(MPI_Comm comm, int size, const char *path,
                                     const jr_mpi_npy_spec *s,
                                     const jr_mpi_layout *lay) {
  uint64_t h = jr_mpi_args_hash(path, s), hmin, hmax;
  int rc = MPI_Allreduce(&h, &hmin, 1, MPI_UINT64_T, MPI_MIN, comm);
  if (rc == MPI_SUCCESS)
    rc = MPI_Allreduce(&h, &hmax, 1, MPI_UINT64_T, MPI_MAX, comm);
  if (rc != MPI_SUCCESS) return jr_mpi_fail_rc(rc, FN, "MPI_Allreduce");
  if (hmin != hmax)
    return jr_fail(JR_E_BAD_ARGUMENT,
                   FN ": the ranks passed different paths, shapes, dtypes, "
                      "record sizes or force flags; all must be equal");
  jr_mpi_span mine = {s->begin, s->end};
  jr_mpi_span *all = malloc((size_t)size * sizeof *all);
  if (!all)
    return jr_fail(JR_E_OUT_OF_MEMORY, FN ": no memory for %d ranges", size);
  rc = MPI_Allgather(&mine, 2, MPI_INT64_T, all, 2, MPI_INT64_T, comm);
  if (rc != MPI_SUCCESS) {
    free(all);
    return jr_mpi_fail_rc(rc, FN, "MPI_Allgather");
  }
  qsort(all, (size_t)size, sizeof *all, jr_mpi_span_cmp);
  int64_t at = 0;
  jr_status st = JR_OK;
  for (int i = 0; i < size && st == JR_OK; i++) {
    if (all[i].begin == all[i].end) continue;
    if (all[i].begin != at)
      st = jr_fail(JR_E_BAD_RANGE,
                   FN ": the ranks' record ranges do not tile [0, %lld): %s "
                      "at record %lld",
                   (long long)lay->records,
                   all[i].begin > at ? "gap" : "overlap", (long long)at);
    at = all[i].end;
  }
  if (st == JR_OK && at != lay->records)
    st = jr_fail(JR_E_BAD_RANGE,
                 FN ": the ranks' record ranges cover [0, %lld) of [0, %lld)",
                 (long long)at, (long long)lay->records);
  free(all);
  return st;
}

/* Streams this rank's records and writes them; every rank makes `nblocks`
 * collective calls. After each block the ranks agree on failures so that
 * all stop at the same block. */
static jr_status jr_mpi_stream(MPI_Comm comm, MPI_File fh,
                               const jr_mpi_npy_spec *s,
                               const jr_mpi_layout *lay, jr_mpi_fill_fn fill,
                               void *user) {
  const int64_t mine = s->end - s->begin;
  const int64_t b = lay->block_records;
  int64_t nlocal = mine / b + (mine % b != 0), nmax;
  int rc = MPI_Allreduce(&nlocal, &nmax, 1, MPI_INT64_T, MPI_MAX, comm);
  if (rc != MPI_SUCCESS) return jr_mpi_fail_rc(rc, FN, "MPI_Allreduce");
  void *buf = NULL;
  jr_status st = JR_OK;
  if (nlocal > 0) { /* one block, or less if this rank has less */
    const int64_t bytes = (mine < b ? mine : b) * lay->record_bytes;
    buf = malloc((size_t)bytes);
    if (!buf)
      st = jr_fail(JR_E_OUT_OF_MEMORY, FN ": no memory for a %lld-byte block",
                   (long long)bytes);
  }
  st = jr_mpi_agree(comm, st);
  for (int64_t i = 0; i < nmax && st == JR_OK; i++) {
    int64_t r0 = s->begin + i * lay->block_records, n = 0;
    if (i < nlocal) {
      n = s->end - r0 < lay->block_records ? s->end - r0 : lay->block_records;
      jr_clear_error(); /* a silent callback must not inherit a message */
      st = fill(user, r0, r0 + n, buf);
      if (st != JR_OK) {
        if (!jr_last_error()[0])
          jr_fail(st,
                  FN ": the fill callback failed with status %d (%s) "
                     "on records [%lld, %lld)",
                  (int)st, jr_status_string(st), (long long)r0,
                  (long long)(r0 + n));
        n = 0;
      }
    }
    /* Offsets: the header, then records in order; checked at the start
     * (records * record_bytes fits, header is small). */
    MPI_Offset off =
        (MPI_Offset)lay->header_len + (MPI_Offset)r0 * lay->record_bytes;
    MPI_Status ms;
    rc = MPI_File_write_at_all(fh, n ? off : 0, buf,
                               (int)(n * lay->record_bytes), MPI_BYTE, &ms);
    if (rc != MPI_SUCCESS && st == JR_OK)
      st = jr_mpi_fail_rc(rc, FN, "MPI_File_write_at_all");
    if (st == JR_OK && n) {
      int written = 0;
      MPI_Get_count(&ms, MPI_BYTE, &written);
      if (written != (int)(n * lay->record_bytes))
        st = jr_fail(JR_E_IO, FN ": short write: %d of %lld bytes at %lld",
                     written, (long long)(n * lay->record_bytes),
                     (long long)off);
    }
    st = jr_mpi_agree(comm, st);
  }
  free(buf);
  return st;
}

static jr_status jr_mpi_write_npy_blocked(MPI_Comm comm, int rank, int size,
                                          const char *path,
                                          const jr_mpi_npy_spec *spec,
                                          jr_mpi_fill_fn fill, void *user,
                                          const sigset_t *old_mask);

jr_status jr_mpi_write_npy(MPI_Comm comm, const char *path,
                           const jr_mpi_npy_spec *spec, jr_mpi_fill_fn fill,
                           void *user) {
  int rank, size;
  jr_status st = jr_mpi_comm_info(comm, FN, &rank, &size);
  if (st != JR_OK) return st;
  /* Blocked before the first collective, so before rank 0 can create the
   * temporary file; each rank unblocks once its handler is in place. */
  sigset_t old;
  jr_signals_block(&old);
  st = jr_mpi_write_npy_blocked(comm, rank, size, path, spec, fill, user, &old);
  pthread_sigmask(SIG_SETMASK, &old, NULL); /* if not restored already */
  /* rank 0 of a program that holds the published file keeps its handlers
   * (jr_signals_hold_published) */
  if (st != JR_OK || !jr_signals_holding()) jr_signals_disarm();
  return st;
}

static jr_status jr_mpi_write_npy_blocked(MPI_Comm comm, int rank, int size,
                                          const char *path,
                                          const jr_mpi_npy_spec *spec,
                                          jr_mpi_fill_fn fill, void *user,
                                          const sigset_t *old_mask) {
  jr_status st;
  jr_mpi_layout lay;
  st = jr_mpi_agree(comm, jr_mpi_check_args(path, spec, fill, &lay));
  if (st != JR_OK) return st;
  st = jr_mpi_agree(comm, jr_mpi_check_global(comm, size, path, spec, &lay));
  if (st != JR_OK) return st;

  /* Rank 0 opens the output as the CLI does (refuses to clobber, creates
   * the temporary file, arms the signal handlers that remove it) and tells
   * everyone which file to write: the temporary one, or the target itself
   * if it is not a regular file (/dev/null). */
  char name[JR_MPI_PATH_MAX], target[JR_MPI_PATH_MAX];
  memset(name, 0, sizeof name);
  memset(target, 0, sizeof target);
  jr_outfile *of = NULL;
  if (rank == 0) {
    st = jr_outfile_open(path, spec->force, &of);
    if (st == JR_OK) {
      const char *tmp = jr_outfile_temp_path(of);
      const char *tgt = jr_outfile_target_path(of);
      if (snprintf(name, sizeof name, "%s", tmp ? tmp : path) >=
              (int)sizeof name ||
          snprintf(target, sizeof target, "%s", tgt ? tgt : path) >=
              (int)sizeof target)
        st = jr_fail(JR_E_BAD_ARGUMENT, FN ": output path '%s' is too long",
                     path);
    }
  }
  st = jr_mpi_agree(comm, st);
  int rc = MPI_SUCCESS;
  if (st == JR_OK) {
    rc = MPI_Bcast(name, (int)sizeof name, MPI_CHAR, 0, comm);
    if (rc == MPI_SUCCESS)
      rc = MPI_Bcast(target, (int)sizeof target, MPI_CHAR, 0, comm);
    st = jr_mpi_agree(
        comm, rc == MPI_SUCCESS ? JR_OK : jr_mpi_fail_rc(rc, FN, "MPI_Bcast"));
  }
  /* Every rank knows the temporary file now: arm, then take signals. */
  if (st == JR_OK && rank != 0 && strcmp(name, path) != 0) jr_signals_arm(name);
  pthread_sigmask(SIG_SETMASK, old_mask, NULL);
  MPI_File fh = MPI_FILE_NULL;
  int all_open = 0; /* the collective close needs every rank */
  if (st == JR_OK) {
    rc = MPI_File_open(comm, name, MPI_MODE_WRONLY, MPI_INFO_NULL, &fh);
    jr_status op = JR_OK;
    if (rc != MPI_SUCCESS) {
      char call[JR_MPI_PATH_MAX + 32];
      snprintf(call, sizeof call, "MPI_File_open('%s')", name);
      op = jr_mpi_fail_rc(rc, FN, call);
      fh = MPI_FILE_NULL;
    }
    st = jr_mpi_agree(comm, op);
    /* If the open failed on some ranks only, those that have the file cannot
     * close it (MPI_File_close is collective): they drop the handle rather
     * than hang. MPI implementations agree on open errors in practice. */
    all_open = st == JR_OK;
  }
  if (st == JR_OK) {
    jr_status local = JR_OK;
    if (rank == 0) {
      MPI_Status ms;
      rc = MPI_File_write_at(fh, 0, lay.header, (int)lay.header_len, MPI_BYTE,
                             &ms);
      if (rc != MPI_SUCCESS)
        local = jr_mpi_fail_rc(rc, FN, "MPI_File_write_at (header)");
    }
    st = jr_mpi_agree(comm, local);
    if (st == JR_OK) st = jr_mpi_stream(comm, fh, spec, &lay, fill, user);
    if (st == JR_OK && strcmp(name, path) != 0) {
      /* Data reach storage before the rename makes them visible. (A target
       * written directly is a device such as /dev/null: no sync, as in the
       * CLI.) */
      rc = MPI_File_sync(fh);
      st = jr_mpi_agree(comm, rc == MPI_SUCCESS
                                  ? JR_OK
                                  : jr_mpi_fail_rc(rc, FN, "MPI_File_sync"));
    }
  }
  if (all_open) {
    rc = MPI_File_close(&fh);
    jr_status cl =
        rc == MPI_SUCCESS ? JR_OK : jr_mpi_fail_rc(rc, FN, "MPI_File_close");
    if (st == JR_OK) st = jr_mpi_agree(comm, cl);
  }
  /* Every rank has closed the file: rank 0 publishes or removes it. */
  jr_status fin = JR_OK;
  if (rank == 0 && of) {
    if (st == JR_OK)
      fin = jr_outfile_commit(of);
    else
      jr_outfile_abort(of);
  }
  if (st != JR_OK) {
    /* No rank returns before the temporary file is gone. */
    MPI_Barrier(comm);
    return st;
  }
  st = jr_mpi_agree(comm, fin);
  /* A program that holds the published file (jr_signals_hold_published):
   * every rank removes it on a signal, whichever rank the launcher's signal
   * reaches first (it may kill the others outright). */
  if (st == JR_OK && rank != 0 && strcmp(name, path) != 0 &&
      jr_signals_holding())
    jr_signals_arm(target);
  return st;
}
