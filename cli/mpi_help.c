/* jaxrandom-mpi's usage text and version line, printed once (by rank 0). */
#include <stdio.h>
#include <string.h>

#include "cli_mpi.h"

static void cli_mpi_usage(FILE *f) {
  fprintf(f,
          "usage: mpirun -np P jaxrandom-mpi SUBCOMMAND [OPTIONS] --out "
          "FILE.npy\n"
          "\n"
          "Runs a jaxrandom subcommand on P MPI ranks; each rank computes a "
          "balanced\n"
          "contiguous range of the output and all write one .npy file with "
          "MPI-IO. The\n"
          "file is byte-identical to 'jaxrandom SUBCOMMAND [OPTIONS] --out "
          "FILE.npy'.\n"
          "\n"
          "subcommands: bits, uniform, normal, multivariate-normal\n"
          "options:     as for jaxrandom (see 'jaxrandom SUBCOMMAND --help'); "
          "--out is\n"
          "             required, --threads is per rank (default: the node's "
          "cores\n"
          "             divided by its ranks). --mean/--cov are read by "
          "rank 0 and\n"
          "             broadcast.\n"
          "See docs/mpi.md.\n");
}

void cli_mpi_help(void *self, FILE *f, cli_cmd cmd) {
  const cli_mpi *m = self;
  (void)cmd; /* one text: the options are jaxrandom's */
  if (m->rank == 0) cli_mpi_usage(f);
}

void cli_mpi_version(void *self, FILE *f) {
  const cli_mpi *m = self;
  if (m->rank != 0) return;
  char lib[MPI_MAX_LIBRARY_VERSION_STRING];
  int len = 0;
  MPI_Get_library_version(lib, &len);
  char *nl = strchr(lib, '\n');
  if (nl) *nl = '\0';
  fprintf(f, "jaxrandom-mpi %s (library %s, kernels %s; %s)\n",
          JR_VERSION_STRING, jr_version_string(), jr_isa_name(jr_isa_active()),
          lib);
}
