/* Errors and notes of the CLI: one line each, "PROG CMD: error: ...". The
 * bottom layer: every other CLI file reports through it. */
#ifndef JR_CLI_REPORT_H
#define JR_CLI_REPORT_H

#include "opts.h"

/* Reports an error and returns `code`. o may be NULL. */
int cli_error(const cli_opts *o, int code, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;
/* A one-line note (JAX's warnings, dtype canonicalization). */
void cli_note(const cli_opts *o, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
/* A one-line warning: the run goes on, but not as asked. */
void cli_warning(const cli_opts *o, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
/* Exit code for a library/io status: runtime failures (I/O, memory,
 * LAPACK, MPI) are 1, everything else is bad input (2). */
int cli_status_code(jr_status st);
/* cli_error with jr_last_error() (or the status string). */
int cli_fail_status(const cli_opts *o, jr_status st);

#endif /* JR_CLI_REPORT_H */
