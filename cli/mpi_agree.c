/* jaxrandom-mpi's exit: the ranks agree on the outcome, so every rank exits
 * with the same status and rank 0 prints the lowest failing rank's message
 * once. */
#include <stdio.h>

#include "cli_mpi.h"
#include "report.h"

/* The status that gives back the same exit code (cli_status_code). */
static jr_status cli_mpi_status_for_code(int code) {
  return code == CLI_RUNTIME ? JR_E_IO : JR_E_BAD_ARGUMENT;
}

int cli_mpi_finish(void *self, const cli_opts *o, int code) {
  cli_mpi *m = self;
  if (o && o->cmd_name) m->cmd = o->cmd_name;
  if (!m->sink_entered) {
    /* Failed before the writer (options, inputs, mvn checks): meet the
     * others at the writer's entry agreement. */
    jr_status local =
        code ? jr_io_fail(cli_mpi_status_for_code(code), "%s",
                          m->error[0] ? m->error : "failed")
             : jr_io_fail(JR_E_MPI, "internal: finished without writing");
    jr_status st = jr_mpi_agree(m->comm, local);
    code = cli_status_code(st);
    snprintf(m->error, sizeof m->error, "%s", jr_last_error());
  }
  if (code != CLI_OK && m->rank == 0)
    fprintf(stderr, "jaxrandom-mpi%s%s: error: %s\n", m->cmd ? " " : "",
            m->cmd ? m->cmd : "", m->error);
  return code;
}
