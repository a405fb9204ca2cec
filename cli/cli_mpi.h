/* jaxrandom-mpi's side of the CLI: the hooks of its cli_env. The ranks run
 * the same request; rank 0 reads the inputs and broadcasts them, every rank
 * writes its records of one .npy file, and errors are agreed on so that all
 * ranks exit alike and rank 0 prints one message naming the failing rank. */
#ifndef JR_CLI_MPI_H
#define JR_CLI_MPI_H

#include "jaxrandom_mpi.h"
#include "opts.h"

/* The state the hooks share (cli_env.self). */
typedef struct cli_mpi {
  MPI_Comm comm;
  int rank, size;
  int sink_entered; /* this rank reached the collective writer */
  int agreed;       /* a failure was agreed on: no more collective calls */
  char error[2048]; /* first error reported on this rank */
  const char *cmd;  /* subcommand name, for messages */
} cli_mpi;

/* mpi_report.c: errors kept for the agreement, notes printed by rank 0. */
void cli_mpi_report(void *self, const cli_opts *o, int is_error,
                    const char *msg);
/* mpi_agree.c: after parsing, what every rank does (a run, help, version,
 * or the lowest failing rank's error); a local exit code agreed on (this
 * rank's message from its first error); at the end, the agreed exit code
 * (one message, on rank 0). */
int cli_mpi_agree(void *self, const cli_opts *o, int code);
int cli_mpi_agree_code(cli_mpi *m, int code);
int cli_mpi_finish(void *self, const cli_opts *o, int code);
/* mpi_request.c: fails on every rank, naming the first rank whose request
 * (subcommand, key, mode, dtype, shape, output, inputs, options) differs
 * from rank 0's. Collective. */
int cli_mpi_agree_request(cli_mpi *m, const cli_opts *o);
/* mpi_options.c: what jaxrandom-mpi runs; --threads' per-rank default. */
int cli_mpi_prepare(void *self, cli_opts *o);
/* mpi_input.c: --mean/--cov read by rank 0 and broadcast. */
int cli_mpi_load_input(void *self, const cli_opts *o, const char *spec,
                       const char *what, int is_mean, jr_ndarray *a);
/* mpi_output.c: every rank writes its records of the .npy file. */
int cli_mpi_write_output(void *self, const cli_opts *o, const cli_output *out);
/* mpi_mvn.c: the distribution for this rank's output rows, each factor
 * computed on one rank (jr_mpi_mvn_create). Collective. */
jr_status cli_mpi_mvn_create(void *self, const cli_opts *o, const jr_ctx *ctx,
                             const jr_array *mean, const jr_array *cov,
                             int shape_ndim, const int64_t *shape,
                             jr_dtype dtype, jr_method method, jr_mvn **out);
/* mpi_help.c: usage and version, printed by rank 0. */
void cli_mpi_help(void *self, FILE *f, cli_cmd cmd);
void cli_mpi_version(void *self, FILE *f);

#endif /* JR_CLI_MPI_H */
