/* jaxrandom-mpi's output: every rank computes a balanced contiguous range of
 * the output's records and all write one .npy file with MPI-IO
 * (jr_mpi_write_npy), byte-identical to 'jaxrandom ... --out'. Test hook:
 * JAXRANDOM_MPI_TEST_FAIL_RANK=R makes rank R fail on its first block. */
#include <stdlib.h>
#include <string.h>

#include "cli_mpi.h"
#include "report.h"
#include "source.h"

typedef struct {
  const cli_output *spec;
  int64_t record_elems;
  int rank;
  int fail; /* test hook: fail on the first block */
} cli_mpi_fill_args;

/* Records [begin, end) from the output's source. */
static jr_status cli_mpi_fill(void *user, int64_t begin, int64_t end,
                              void *buf) {
  const cli_mpi_fill_args *a = user;
  if (a->fail)
    return jr_io_fail(JR_E_IO,
                      "injected failure (JAXRANDOM_MPI_TEST_FAIL_RANK=%d) "
                      "writing records [%lld, %lld)",
                      a->rank, (long long)begin, (long long)end);
  return cli_source_fill(a->spec->src, begin * a->record_elems,
                         (end - begin) * a->record_elems, buf);
}

int cli_mpi_write_output(void *self, const cli_opts *o,
                         const cli_output *spec) {
  cli_mpi *m = self;
  m->sink_entered = 1;
  /* Matches the agreement of ranks that failed before getting here. */
  jr_status st = jr_mpi_agree(m->comm, JR_OK);
  if (st != JR_OK) return cli_fail_status(o, st);
  if (spec->dtype == JR_BFLOAT16)
    cli_note(o, "NumPy has no bfloat16: the .npy holds the bit patterns as "
                "uint16 (view them with ml_dtypes.bfloat16, or as float32 "
                "by (a.astype('u4') << 16).view('f4'))");
  cli_mpi_fill_args a = {spec, spec->align > 0 ? spec->align : 1, m->rank, 0};
  const char *hook = getenv("JAXRANDOM_MPI_TEST_FAIL_RANK");
  a.fail = hook && *hook && atoi(hook) == m->rank;
  jr_mpi_npy_spec ns;
  memset(&ns, 0, sizeof ns);
  ns.dtype = spec->dtype;
  ns.ndim = spec->ndim;
  ns.shape = spec->shape;
  ns.record_elems = a.record_elems;
  ns.force = o->force;
  st = jr_mpi_row_range(m->comm, spec->total / a.record_elems, &ns.begin,
                        &ns.end);
  st = jr_mpi_agree(m->comm, st);
  if (st == JR_OK)
    st = jr_mpi_write_npy(m->comm, o->out, &ns, cli_mpi_fill, &a);
  return st == JR_OK ? CLI_OK : cli_fail_status(o, st);
}
