/* jaxrandom-mpi's messages: an error is kept until the ranks agree on it
 * (mpi_agree.c); notes are the same on every rank and printed once. */
#include <stdio.h>

#include "cli_mpi.h"

void cli_mpi_report(void *self, const cli_opts *o, int is_error,
                    const char *msg) {
  cli_mpi *m = self;
  if (o && o->cmd_name) m->cmd = o->cmd_name;
  if (!is_error) {
    if (m->rank == 0)
      fprintf(stderr, "jaxrandom-mpi%s%s: note: %s\n", m->cmd ? " " : "",
              m->cmd ? m->cmd : "", msg);
    return;
  }
  if (!m->error[0]) snprintf(m->error, sizeof m->error, "%s", msg);
}
