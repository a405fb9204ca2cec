/* Test helper, preloaded into jaxrandom-mpi's ranks: MPI_Finalize waits
 * JR_TEST_FINALIZE_DELAY_MS milliseconds first, so a test can signal the job
 * after the output was published and before the ranks exit. */
#include <mpi.h>
#include <stdlib.h>
#include <time.h>

int MPI_Finalize(void) {
  const char *ms = getenv("JR_TEST_FINALIZE_DELAY_MS");
  if (ms && *ms) {
    long v = atol(ms);
    struct timespec t = {v / 1000, (v % 1000) * 1000000L};
    nanosleep(&t, NULL);
  }
  return PMPI_Finalize();
}
