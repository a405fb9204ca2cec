/* jaxrandom-mpi: the jaxrandom subcommands bits, uniform, normal and
 * multivariate-normal under mpirun, writing one .npy file with MPI-IO
 * (docs/mpi.md). The CLI whole, with the hooks of cli_mpi.h. */
#include <signal.h>
#include <stdio.h>

#include "cli_mpi.h"
#include "jr_io.h"
#include "run.h"

int main(int argc, char **argv) {
  /* MPI_Init starts helper threads. They inherit these signals blocked, so
   * a SIGTERM from mpirun always reaches the main thread, whose handler (set
   * while the output is open) removes the temporary file; otherwise a helper
   * thread could take it with the default action while the main thread
   * blocks it around the file's creation. */
  sigset_t old;
  jr_signals_block(&old);
  int init = MPI_Init(&argc, &argv);
  pthread_sigmask(SIG_SETMASK, &old, NULL);
  if (init != MPI_SUCCESS) {
    fprintf(stderr, "jaxrandom-mpi: error: MPI_Init failed\n");
    return 1;
  }
  static cli_mpi m; /* large (its message buffer): not on the stack */
  m.comm = MPI_COMM_WORLD;
  MPI_Comm_rank(m.comm, &m.rank);
  MPI_Comm_size(m.comm, &m.size);
  const cli_env env = {.prog = "jaxrandom-mpi",
                       .self = &m,
                       .report = cli_mpi_report,
                       .agree = cli_mpi_agree,
                       .load_input = cli_mpi_load_input,
                       .write_output = cli_mpi_write_output,
                       .prepare = cli_mpi_prepare,
                       .finish = cli_mpi_finish,
                       .mvn_create = cli_mpi_mvn_create,
                       .help = cli_mpi_help,
                       .version = cli_mpi_version};
  /* mpirun exits non-zero once it was signalled, whatever the ranks do: a
   * file published before a signal reached the ranks is removed by the
   * handlers until every rank is through MPI_Finalize, so the exit status
   * and the file agree. */
  jr_signals_hold_published(1);
  int code = cli_main(argc, argv, &env);
  MPI_Finalize();
  jr_signals_disarm();
  return code;
}
