/* Input/output helpers of the jaxrandom CLI and its fuzzers (internal, not
 * installed): n-dimensional arrays read from .npy, CSV and inline literals, a
 * shape parser, the .npy header writer and atomic output files.
 *
 * Every function returns a jr_status and, on failure, sets jr_last_error() to
 * a one-line message saying what was wrong, where and what was expected. No
 * allocation is sized from a number in an input: sizes are checked against
 * the bytes actually present first. */
#ifndef JR_IO_H
#define JR_IO_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "jaxrandom.h"

/* An owned, C-contiguous array in host byte order. */
typedef struct jr_ndarray {
  jr_dtype dtype;
  int ndim;
  int64_t shape[JR_MAX_NDIM];
  int64_t size; /* elements */
  void *data;   /* malloc'd; never NULL after a successful load */
} jr_ndarray;

void jr_ndarray_free(jr_ndarray *a);
/* Allocates a zeroed array; `what` names it in messages. */
jr_status jr_ndarray_alloc(jr_ndarray *a, jr_dtype dtype, int ndim,
                           const int64_t *shape, const char *what);
/* Reads element i as a double (any dtype jr_ndarray can hold). */
double jr_ndarray_get(const jr_ndarray *a, int64_t i);

/* Largest input array we accept (bytes); inputs are held in memory. */
#define JR_IO_MAX_INPUT_BYTES ((int64_t)1 << 32)

/* ---- .npy (NumPy format 1.0, 2.0, 3.0) */
#define JR_NPY_MAX_HEADER 100000 /* bytes of header text we accept */

typedef struct jr_npy_header {
  int major, minor;
  size_t data_offset; /* bytes before the array data */
  jr_dtype dtype;
  int swap;    /* data byte order differs from the host's */
  int fortran; /* fortran_order: True */
  int ndim;
  int64_t shape[JR_MAX_NDIM];
  int64_t size;   /* elements */
  int64_t nbytes; /* size * itemsize */
} jr_npy_header;

/* The length of the prefix (magic, version, header length) and the total
 * header length, from the first `len` bytes (at least 12 are needed for
 * versions 2 and 3, 10 for version 1). */
jr_status jr_npy_prefix(const uint8_t *buf, size_t len, const char *where,
                        size_t *data_offset);
/* Parses a complete header; buf holds at least data_offset bytes. */
jr_status jr_npy_parse_header(const uint8_t *buf, size_t len, const char *where,
                              jr_npy_header *h);
/* A whole .npy image in memory (used by the fuzzer and by jr_npy_load). */
jr_status jr_npy_parse(const uint8_t *buf, size_t len, const char *where,
                       jr_ndarray *out);
/* Reads a .npy file: the header is validated and the data size checked
 * against the file size before anything is allocated. */
/* Opens `path` for reading if it is a regular file (not a directory, FIFO
 * or device, whose size means nothing), with *size its length in bytes. */
jr_status jr_input_open(const char *path, FILE **f, uint64_t *size);

jr_status jr_npy_load(const char *path, jr_ndarray *out);
/* Converts raw array bytes (as in the file) to out: byte swap and Fortran
 * order are undone. data holds h->nbytes bytes. */
jr_status jr_npy_decode(const jr_npy_header *h, const uint8_t *data,
                        const char *where, jr_ndarray *out);
/* Writes the header of a C-order little-endian array: version 1.0, or 2.0
 * when the header does not fit 1.0. *len receives the header's length
 * (a multiple of 64). bfloat16 is described as '<u2' (NumPy has no
 * bfloat16). */
jr_status jr_npy_format_header(jr_dtype dtype, int ndim, const int64_t *shape,
                               char *buf, size_t cap, size_t *len);

/* ---- numbers, CSV, literals, shapes */
/* Parses one number token (decimal integer or float, nan, inf, infinity,
 * with sign). Returns 0 and sets *msg on failure. */
int jr_parse_number(const char *s, size_t len, double *value, const char **msg);
/* CSV text: comma-separated numbers, one row per line; blank lines and lines
 * starting with '#' are skipped. The result is 2-D float64 (rows, columns). */
jr_status jr_csv_parse(const char *text, size_t len, const char *where,
                       jr_ndarray *out);
jr_status jr_csv_load(const char *path, jr_ndarray *out);
/* An inline literal: a number or nested [...] lists (or (...) tuples) of
 * numbers, rectangular, up to JR_MAX_NDIM levels. Float64 result. */
jr_status jr_literal_parse(const char *text, size_t len, const char *where,
                           jr_ndarray *out);
/* A shape: "1000,3", "(1000, 3)", "[2,3]", "5", "" or "()" for (). Checks
 * that the element count fits 64 bits. */
jr_status jr_shape_parse(const char *text, size_t len, const char *where,
                         int *ndim, int64_t *shape);

/* ---- errors */
/* Sets jr_last_error() to the formatted message and returns status, as the
 * library's own failures do (for callers outside the library, such as the
 * CLI, whose statuses go through jr_mpi_agree). */
jr_status jr_io_fail(jr_status status, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

/* ---- atomic output files */
typedef struct jr_outfile jr_outfile;
/* Opens `path` for writing. "-" is stdout. A regular file (or a new name)
 * is written to a temporary file in the same directory and renamed over
 * the target by jr_outfile_commit; an existing regular file is refused
 * (JR_E_BAD_ARGUMENT) unless force, and keeps its permission bits when
 * replaced. A symbolic link to a regular file is written through: the file
 * it leads to is replaced in its own directory, the link stays. A
 * non-regular target (/dev/null, a pipe, a terminal, /proc/self/fd/N, or a
 * link to one) is written directly, never replaced; a dangling link is
 * refused. The fatal signals remove the temporary file before the process
 * dies (jr_signals_*). Temporary files that killed runs (SIGKILL) left for
 * the same target are removed first: names of this host and user whose
 * process is gone. */
jr_status jr_outfile_open(const char *path, int force, jr_outfile **out);
/* The checks of jr_outfile_open that need no file created (a directory, an
 * existing file without force, a dangling symbolic link), so a request can
 * be refused before any work. */
jr_status jr_outfile_check(const char *path, int force);
jr_status jr_outfile_write(jr_outfile *f, const void *buf, size_t n);
/* Flushes, fsyncs and renames into place; frees f in every case. */
jr_status jr_outfile_commit(jr_outfile *f);
/* Removes the temporary file (if any) and frees f. NULL is fine. */
void jr_outfile_abort(jr_outfile *f);
/* The temporary file being written (renamed to the target at commit), or
 * NULL if the target is written directly (stdout, /dev/null, a FIFO). */
const char *jr_outfile_temp_path(const jr_outfile *f);
/* The file the output becomes (past symbolic links), or NULL for a stream
 * (stdout, /dev/null, a FIFO). */
const char *jr_outfile_target_path(const jr_outfile *f);
/* 1 if the output is a terminal. */
int jr_outfile_isatty(const jr_outfile *f);

/* ---- signals while an output's temporary file exists (signals.c)
 *
 * Each signal whose default action ends the process removes that file and
 * then ends the process by the same signal with its default action. A
 * signal that was ignored when the handlers are installed (nohup, a
 * supervisor's SIG_IGN) stays ignored. One file per process. */

/* Adds the handled signals to *set: INT, TERM, HUP, PIPE, QUIT, USR1, USR2,
 * ALRM, XCPU, XFSZ, VTALRM, PROF. */
void jr_signals_fill(sigset_t *set);

/* Blocks the handled signals in the calling thread; *old: the mask before. */
void jr_signals_block(sigset_t *old);

/* Installs the handlers, which remove `path` (copied; at most 4095 bytes,
 * else nothing is installed and 0 is returned). Again while armed: only the
 * path changes. Returns 1 when armed. */
int jr_signals_arm(const char *path);

/* Restores the handlers found by the first jr_signals_arm. */
void jr_signals_disarm(void);

/* 1: after jr_outfile_commit has published a new file, the handlers stay
 * armed with it until jr_signals_disarm (a program whose exit status is not
 * yet known, such as an MPI rank whose launcher can still be signalled,
 * removes the output it would otherwise report as failed). */
void jr_signals_hold_published(int on);
int jr_signals_holding(void);

#endif /* JR_IO_H */
