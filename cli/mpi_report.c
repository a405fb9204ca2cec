/* jaxrandom-mpi's messages: an error is kept until the ranks agree on it
 * (mpi_agree.c); notes are the same on every rank and printed once. */
#include <stdio.h>

#include "cli_mpi.h"

void cli_mpi_report(void *self, const cli_opts *o, int is_error,
                    const char *msg) {
  cli_mpi *m = self;
  if (o && o->cmd_name) m->cmd = o->cmd_name;
  if (is_error != 1) {
    if (m->rank == 0)
      fprintf(stderr, "jaxrandom-mpi%s%s: %s: %s\n", m->cmd ? " " : "",
              m->cmd ? m->cmd : "",
              is_error == CLI_WARNING ? "warning" : "note", msg);
    return;
  }
  if (!m->error[0]) snprintf(m->error, sizeof m->error, "%s", msg);
}
