/* jaxrandom-mpi: the jaxrandom subcommands bits, uniform, normal and
 * multivariate-normal under mpirun, writing one .npy file with MPI-IO.
 *
 * It reuses the jaxrandom CLI whole (option parsing, key and dtype rules,
 * input loading, the mvn setup) and replaces only its output sink: each rank
 * writes a balanced contiguous range of the output's records through
 * jr_mpi_write_npy. The file is byte-identical to 'jaxrandom ... --out'.
 *
 * Every rank parses the same argv; rank 0 alone reads the --mean/--cov inputs
 * (with the CLI's loader) and broadcasts the arrays, so only rank 0 needs to
 * see the files. Errors on any rank are agreed on at the writer's entry (or
 * right after a rank failed before it), so all ranks exit with the same
 * status and rank 0 prints one message naming the failing rank. Test hook:
 * JAXRANDOM_MPI_TEST_FAIL_RANK=R makes rank R fail while writing its first
 * block. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "internal.h" /* jr_fail: messages that jr_mpi_agree passes on */
#include "jaxrandom_mpi.h"

static MPI_Comm jm_comm;
static int jm_rank, jm_size;
static int jm_sink_entered; /* this rank reached the collective writer */
static char jm_error[2048]; /* first error reported on this rank */
static const char *jm_cmd;  /* subcommand name, for messages */

static void jm_report(const cli_opts *o, int is_error, const char *msg) {
  if (o && o->cmd_name) jm_cmd = o->cmd_name;
  if (!is_error) { /* notes are the same on every rank: print once */
    if (jm_rank == 0)
      fprintf(stderr, "jaxrandom-mpi%s%s: note: %s\n", jm_cmd ? " " : "",
              jm_cmd ? jm_cmd : "", msg);
    return;
  }
  if (!jm_error[0]) snprintf(jm_error, sizeof jm_error, "%s", msg);
}

/* Broadcasts n bytes from rank 0 in pieces that fit MPI's int counts. */
static int jm_bcast_bytes(void *data, int64_t n) {
  const int64_t piece = (int64_t)1 << 30;
  for (int64_t at = 0; at < n; at += piece) {
    int64_t k = n - at < piece ? n - at : piece;
    if (MPI_Bcast((char *)data + at, (int)k, MPI_BYTE, 0, jm_comm) !=
        MPI_SUCCESS)
      return 0;
  }
  return 1;
}

/* multivariate-normal's input loader: rank 0 loads (and canonicalizes)
 * --mean/--cov as jaxrandom does, then every rank receives the array. All
 * ranks return the same code, so they all take the same path afterwards. */
static int jm_load_input(const cli_opts *o, const char *spec, const char *what,
                         int is_mean, jr_ndarray *a) {
  enum {
    H_CODE,
    H_DTYPE,
    H_NDIM,
    H_SIZE,
    H_SHAPE,
    H_LEN = H_SHAPE + JR_MAX_NDIM
  };
  int64_t h[H_LEN];
  memset(h, 0, sizeof h);
  memset(a, 0, sizeof *a);
  if (jm_rank == 0) {
    h[H_CODE] = cli_load_input(o, spec, what, is_mean, a);
    if (h[H_CODE] == CLI_OK) {
      h[H_DTYPE] = a->dtype;
      h[H_NDIM] = a->ndim;
      h[H_SIZE] = a->size;
      memcpy(h + H_SHAPE, a->shape, sizeof a->shape);
    }
  }
  if (MPI_Bcast(h, H_LEN, MPI_INT64_T, 0, jm_comm) != MPI_SUCCESS)
    return cli_error(o, CLI_RUNTIME, "%s: broadcasting the input failed", what);
  if (h[H_CODE] != CLI_OK) { /* rank 0 has the message */
    if (jm_rank != 0)
      cli_error(o, (int)h[H_CODE], "%s: rank 0 could not load it", what);
    return (int)h[H_CODE];
  }
  jr_status st = JR_OK;
  if (jm_rank != 0) {
    /* jr_ndarray_alloc checks the shape; the size is bounded by what rank 0
     * accepted (JR_IO_MAX_INPUT_BYTES). */
    const int ndim = (int)h[H_NDIM];
    if (ndim < 0 || ndim > JR_MAX_NDIM)
      st = jr_fail(JR_E_BAD_SHAPE, "%s: received ndim %d", what, ndim);
    else
      st = jr_ndarray_alloc(a, (jr_dtype)h[H_DTYPE], ndim, h + H_SHAPE, what);
    if (st == JR_OK && a->size != h[H_SIZE])
      st = jr_fail(JR_E_BAD_SHAPE, "%s: received size %lld for its shape", what,
                   (long long)h[H_SIZE]);
  }
  /* Everyone has room for the data (or nobody receives it). */
  st = jr_mpi_agree(jm_comm, st);
  if (st != JR_OK) {
    jr_ndarray_free(a);
    return cli_fail_status(o, st);
  }
  const int64_t bytes = a->size * (int64_t)jr_dtype_size(a->dtype);
  if (!jm_bcast_bytes(a->data, bytes))
    return cli_error(o, CLI_RUNTIME, "%s: broadcasting the input failed", what);
  return CLI_OK;
}

/* The status that gives back the same exit code (cli_status_code). */
static jr_status jm_status_for_code(int code) {
  return code == CLI_RUNTIME ? JR_E_IO : JR_E_BAD_ARGUMENT;
}

typedef struct {
  const cli_output *spec;
  int64_t record_elems;
  int fail; /* test hook: fail on the first block */
} jm_fill_args;

static jr_status jm_fill(void *user, int64_t begin, int64_t end, void *buf) {
  const jm_fill_args *a = user;
  if (a->fail)
    return jr_fail(JR_E_IO,
                   "injected failure (JAXRANDOM_MPI_TEST_FAIL_RANK=%d) "
                   "writing records [%lld, %lld)",
                   jm_rank, (long long)begin, (long long)end);
  return a->spec->fill(a->spec->arg, begin * a->record_elems,
                       (end - begin) * a->record_elems, buf);
}

/* The output sink: every rank writes its records of the .npy file. */
static int jm_sink(const cli_opts *o, const cli_output *spec) {
  jm_sink_entered = 1;
  /* Matches the agreement of ranks that failed before getting here. */
  jr_status st = jr_mpi_agree(jm_comm, JR_OK);
  if (st != JR_OK) return cli_fail_status(o, st);
  if (spec->dtype == JR_BFLOAT16)
    cli_note(o, "NumPy has no bfloat16: the .npy holds the bit patterns as "
                "uint16 (view them with ml_dtypes.bfloat16, or as float32 "
                "by (a.astype('u4') << 16).view('f4'))");
  jm_fill_args a = {spec, spec->align > 0 ? spec->align : 1, 0};
  const char *hook = getenv("JAXRANDOM_MPI_TEST_FAIL_RANK");
  a.fail = hook && *hook && atoi(hook) == jm_rank;
  jr_mpi_npy_spec ns;
  memset(&ns, 0, sizeof ns);
  ns.dtype = spec->dtype;
  ns.ndim = spec->ndim;
  ns.shape = spec->shape;
  ns.record_elems = a.record_elems;
  ns.force = o->force;
  st = jr_mpi_row_range(jm_comm, spec->total / a.record_elems, &ns.begin,
                        &ns.end);
  st = jr_mpi_agree(jm_comm, st);
  if (st == JR_OK) st = jr_mpi_write_npy(jm_comm, o->out, &ns, jm_fill, &a);
  return st == JR_OK ? CLI_OK : cli_fail_status(o, st);
}

static int jm_ends_with(const char *s, const char *suffix) {
  size_t n = strlen(s), k = strlen(suffix);
  return n >= k && strcmp(s + n - k, suffix) == 0;
}

/* What jaxrandom-mpi supports, checked identically on every rank. */
static int jm_check_opts(const cli_opts *o) {
  if (o->cmd != CMD_BITS && o->cmd != CMD_UNIFORM && o->cmd != CMD_NORMAL &&
      o->cmd != CMD_MVN)
    return cli_error(o, CLI_USAGE,
                     "jaxrandom-mpi runs bits, uniform, normal and "
                     "multivariate-normal; use jaxrandom for %s",
                     o->cmd_name);
  if (o->example)
    return cli_error(o, CLI_USAGE,
                     "--example prints statistics; use jaxrandom for it");
  if (!o->out || strcmp(o->out, "-") == 0)
    return cli_error(o, CLI_USAGE,
                     "--out FILE.npy is required: the ranks write one .npy "
                     "file together (not stdout)");
  if (o->format != FMT_NONE && o->format != FMT_NPY)
    return cli_error(o, CLI_USAGE, "--format: jaxrandom-mpi writes npy only");
  struct stat sb;
  const int special =
      stat(o->out, &sb) == 0 && !S_ISREG(sb.st_mode) && !S_ISDIR(sb.st_mode);
  if (o->format == FMT_NONE && !special && !jm_ends_with(o->out, ".npy") &&
      !jm_ends_with(o->out, ".NPY"))
    return cli_error(o, CLI_USAGE,
                     "--out %s: expected a .npy file name (or pass --format "
                     "npy)",
                     o->out);
  return CLI_OK;
}

/* Ranks sharing a node share its cores: by default each rank gets its part
 * of them instead of all (results never depend on the thread count). */
static void jm_default_threads(cli_opts *o) {
  if (o->have_threads) return;
  MPI_Comm node;
  int local = 1;
  if (MPI_Comm_split_type(jm_comm, MPI_COMM_TYPE_SHARED, jm_rank, MPI_INFO_NULL,
                          &node) == MPI_SUCCESS) {
    MPI_Comm_size(node, &local);
    MPI_Comm_free(&node);
  }
  long cpus = sysconf(_SC_NPROCESSORS_ONLN);
  if (cpus < 1) cpus = 1;
  o->threads = cpus / local > 1 ? cpus / local : 1;
}

static void jm_usage(FILE *f) {
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

int main(int argc, char **argv) {
  /* MPI_Init starts helper threads. They inherit these signals blocked, so
   * a SIGTERM from mpirun always reaches the main thread, whose handler (set
   * while the output is open) removes the temporary file; otherwise a helper
   * thread could take it with the default action while the main thread
   * blocks it around the file's creation. */
  sigset_t block, old;
  sigemptyset(&block);
  const int sigs[] = {SIGINT, SIGTERM, SIGHUP, SIGPIPE, SIGXFSZ};
  for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
    sigaddset(&block, sigs[i]);
  pthread_sigmask(SIG_BLOCK, &block, &old);
  int init = MPI_Init(&argc, &argv);
  pthread_sigmask(SIG_SETMASK, &old, NULL);
  if (init != MPI_SUCCESS) {
    fprintf(stderr, "jaxrandom-mpi: error: MPI_Init failed\n");
    return CLI_RUNTIME;
  }
  jm_comm = MPI_COMM_WORLD;
  MPI_Comm_rank(jm_comm, &jm_rank);
  MPI_Comm_size(jm_comm, &jm_size);
  cli_report_hook = jm_report;
  cli_output_sink = jm_sink;
  cli_input_loader = jm_load_input;

  int help = argc < 2 || strcmp(argv[1], "help") == 0;
  for (int i = 1; i < argc; i++)
    if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) help = 1;
  if (!help &&
      (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "-V") == 0)) {
    if (jm_rank == 0) {
      char lib[MPI_MAX_LIBRARY_VERSION_STRING];
      int len = 0;
      MPI_Get_library_version(lib, &len);
      char *nl = strchr(lib, '\n');
      if (nl) *nl = '\0';
      printf("jaxrandom-mpi %s (library %s, kernels %s; %s)\n",
             JR_VERSION_STRING, jr_version_string(),
             jr_isa_name(jr_isa_active()), lib);
    }
    MPI_Finalize();
    return CLI_OK;
  }
  if (help) { /* the parser would exit() on --help, without MPI_Finalize */
    if (jm_rank == 0) jm_usage(argc < 2 ? stderr : stdout);
    MPI_Finalize();
    return argc < 2 ? CLI_USAGE : CLI_OK;
  }

  cli_opts o;
  memset(&o, 0, sizeof o);
  int code = cli_parse_args(argc, argv, &o);
  if (code == CLI_OK) code = jm_check_opts(&o);
  if (code == CLI_OK) {
    jm_default_threads(&o);
    code = cli_run(&o);
  }
  if (!jm_sink_entered) {
    /* Failed before the writer (options, inputs, mvn checks): meet the
     * others at the writer's entry agreement. */
    jr_status local;
    if (code)
      local = jr_fail(jm_status_for_code(code), "%s",
                      jm_error[0] ? jm_error : "failed");
    else
      local = jr_fail(JR_E_MPI, "internal: finished without writing");
    jr_status st = jr_mpi_agree(jm_comm, local);
    code = cli_status_code(st);
    snprintf(jm_error, sizeof jm_error, "%s", jr_last_error());
  }
  if (code != CLI_OK && jm_rank == 0)
    fprintf(stderr, "jaxrandom-mpi%s%s: error: %s\n", jm_cmd ? " " : "",
            jm_cmd ? jm_cmd : "", jm_error);
  MPI_Finalize();
  return code;
}
