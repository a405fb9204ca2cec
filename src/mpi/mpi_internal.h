/* Declarations shared by the MPI sources (src/mpi/). Not installed. */
#ifndef JR_MPI_INTERNAL_H
#define JR_MPI_INTERNAL_H

#include "jaxrandom_mpi.h"

/* Rank and size of comm, with a message naming `fn` on failure. */
jr_status jr_mpi_comm_info(MPI_Comm comm, const char *fn, int *rank, int *size);
/* JR_E_MPI with "fn: call failed: <MPI's error string for rc>". */
jr_status jr_mpi_fail_rc(int rc, const char *fn, const char *call);

#endif /* JR_MPI_INTERNAL_H */
