/* jaxrandom-mpi's agreements: the ranks agree on what the command line asks
 * for (a run, --help, --version), on every error, and on the exit, so that
 * every rank makes the same collective calls, exits with the same status,
 * and rank 0 prints the lowest failing rank's message once. */
#include <stdio.h>

#include "cli_mpi.h"
#include "report.h"

/* The status that gives back the same exit code (cli_status_code). */
static jr_status cli_mpi_status_for_code(int code) {
  return code == CLI_RUNTIME ? JR_E_IO : JR_E_BAD_ARGUMENT;
}

int cli_mpi_agree_code(cli_mpi *m, int code) {
  jr_status local = code > 0 ? jr_io_fail(cli_mpi_status_for_code(code), "%s",
                                          m->error[0] ? m->error : "failed")
                             : JR_OK;
  jr_status st = jr_mpi_agree(m->comm, local);
  if (st == JR_OK) return code;
  m->agreed = 1; /* every rank knows: no further collective call */
  snprintf(m->error, sizeof m->error, "%s", jr_last_error());
  return cli_status_code(st);
}

static const char *cli_mpi_asks(int code) {
  switch (code) {
  case CLI_OK: return "a run";
  case CLI_HELP: return "--help";
  case CLI_VERSION: return "--version";
  case CLI_NO_COMMAND: return "no subcommand";
  default: return "an invalid command line";
  }
}

int cli_mpi_agree(void *self, const cli_opts *o, int code) {
  cli_mpi *m = self;
  if (o && o->cmd_name) m->cmd = o->cmd_name;
  /* What rank 0 asks for; a rank that asks for something else fails. */
  int first = code > 0 ? CLI_USAGE : code;
  if (MPI_Bcast(&first, 1, MPI_INT, 0, m->comm) != MPI_SUCCESS) first = code;
  if (code <= 0 && code != first)
    code = cli_error(o, CLI_USAGE,
                     "its command line asks for %s, rank 0's for %s (every "
                     "rank must be given the same command line)",
                     cli_mpi_asks(code), cli_mpi_asks(first));
  return cli_mpi_agree_code(m, code);
}

int cli_mpi_finish(void *self, const cli_opts *o, int code) {
  cli_mpi *m = self;
  if (o && o->cmd_name) m->cmd = o->cmd_name;
  if (!m->sink_entered && !m->agreed) {
    /* Failed before the writer (inputs, mvn checks): meet the others at
     * the writer's entry agreement. */
    if (code == CLI_OK)
      code = cli_error(o, CLI_RUNTIME, "internal: finished without writing");
    code = cli_mpi_agree_code(m, code);
  }
  if (code != CLI_OK && m->rank == 0)
    fprintf(stderr, "jaxrandom-mpi%s%s: error: %s\n", m->cmd ? " " : "",
            m->cmd ? m->cmd : "", m->error);
  return code;
}
