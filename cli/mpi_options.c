/* What jaxrandom-mpi accepts beyond the shared parser, checked identically
 * on every rank, and its per-rank thread default. */
#include <string.h>
#include <unistd.h>

#include "cli_mpi.h"
#include "output.h"
#include "report.h"

static int cli_mpi_check(const cli_opts *o) {
  if (o->cmd != CMD_BITS && o->cmd != CMD_UNIFORM && o->cmd != CMD_NORMAL &&
      o->cmd != CMD_MVN)
    return cli_error(o, CLI_USAGE,
                     "jaxrandom-mpi runs bits, uniform, normal and "
                     "multivariate-normal; use jaxrandom for %s",
                     o->cmd_name);
  if (o->example)
    return cli_error(o, CLI_USAGE,
                     "--example prints statistics; use jaxrandom for it");
  if (o->plot)
    return cli_error(o, CLI_USAGE,
                     "--plot draws the samples of one process; use jaxrandom "
                     "for it");
  if (!o->out || strcmp(o->out, "-") == 0)
    return cli_error(o, CLI_USAGE,
                     "--out FILE.npy is required: the ranks write one .npy "
                     "file together (not stdout)");
  if (o->format != FMT_NONE && o->format != FMT_NPY)
    return cli_error(o, CLI_USAGE, "--format: jaxrandom-mpi writes npy only");
  /* jaxrandom's rule: a device or FIFO is .npy, else the extension. */
  if (cli_output_format(o) != FMT_NPY)
    return cli_error(o, CLI_USAGE,
                     "--out %s: expected a .npy file name (or pass --format "
                     "npy)",
                     o->out);
  return CLI_OK;
}

/* Ranks sharing a node share its cores: by default each rank gets its part
 * of them instead of all (results never depend on the thread count). */
static void cli_mpi_default_threads(const cli_mpi *m, cli_opts *o) {
  if (o->have_threads) return;
  MPI_Comm node;
  int local = 1;
  if (MPI_Comm_split_type(m->comm, MPI_COMM_TYPE_SHARED, m->rank, MPI_INFO_NULL,
                          &node) == MPI_SUCCESS) {
    MPI_Comm_size(node, &local);
    MPI_Comm_free(&node);
  }
  long cpus = sysconf(_SC_NPROCESSORS_ONLN);
  if (cpus < 1) cpus = 1;
  o->threads = cpus / local > 1 ? cpus / local : 1;
}

/* Collective: the checks' outcome is agreed on before the collective calls
 * that follow, and so is the request. */
int cli_mpi_prepare(void *self, cli_opts *o) {
  cli_mpi *m = self;
  int code = cli_mpi_agree_code(m, cli_mpi_check(o));
  if (code == CLI_OK) code = cli_mpi_agree_request(m, o);
  if (code == CLI_OK) cli_mpi_default_threads(m, o);
  return code;
}
