/* The jaxrandom CLI's shared types: the parsed request (cli_opts), the
 * output it asks for (cli_output) and what differs between the programs
 * built from the CLI (cli_env). Types only: every CLI file may include it. */
#ifndef JR_CLI_OPTS_H
#define JR_CLI_OPTS_H

#include <stdint.h>
#include <stdio.h>

#include "jaxrandom.h"
#include "jr_io.h"

/* Checked 64-bit product: 0 on overflow. */
static inline int cli_mul_i64(int64_t a, int64_t b, int64_t *out) {
  return !__builtin_mul_overflow(a, b, out);
}

/* Exit codes. The negative values are what a command line asks for other
 * than a run (never exit codes): the help (the parser's result for --help),
 * the version, or the usage as an error (no subcommand). */
enum {
  CLI_OK = 0,
  CLI_RUNTIME = 1,
  CLI_USAGE = 2,
  CLI_HELP = -1,
  CLI_VERSION = -2,
  CLI_NO_COMMAND = -3
};

/* cli_env.report's is_error for a warning (neither error nor note). */
enum { CLI_WARNING = 2 };

typedef enum {
  CMD_KEY,
  CMD_SPLIT,
  CMD_FOLD_IN,
  CMD_BITS,
  CMD_UNIFORM,
  CMD_NORMAL,
  CMD_MVN,
  CMD_DEMO,
  CMD_LOGPDF,   /* jax.scipy.stats.multivariate_normal.logpdf / pdf */
  CMD_DESCRIBE, /* describe-cov: what a covariance's factorization tells */
  CMD_COUNT     /* also "no subcommand" */
} cli_cmd;

/* FMT_JSON: describe-cov only. */
typedef enum {
  FMT_NONE,
  FMT_TABLE,
  FMT_NPY,
  FMT_CSV,
  FMT_BIN,
  FMT_JSON
} cli_format;

struct cli_env;

typedef struct cli_opts {
  const struct cli_env *env; /* the program running this request */
  cli_cmd cmd;
  const char *cmd_name; /* as typed, for messages; NULL before it is known */
  int have_seed, have_key;
  int64_t seed;
  jr_key key; /* resolved by the commands */
  int have_shape;
  int ndim;
  int64_t shape[JR_MAX_NDIM];
  int have_dtype;
  jr_dtype dtype;
  int legacy, x64, force, quiet, example;
  int mode_set;        /* --legacy or --partitionable given: wins over --jax */
  int64_t jax_version; /* --jax: major*10000 + minor*100 + patch; 0 = none */
  int have_log1p;
  int xla_log1p; /* --xla-log1p: a jr_xla_log1p */
  int have_threads;
  int64_t threads;
  const char *out;
  const char *plot; /* --plot FILE.svg (multivariate-normal, demo) */
  cli_format format;
  int have_num;
  int64_t num;
  int have_data;
  uint32_t data;
  int have_width;
  int width;
  double minval, maxval;
  const char *mean, *cov;
  const char *x; /* logpdf's --x */
  int pdf;       /* logpdf --pdf */
  int cov_form;  /* logpdf: jr_cov_form of --cov / --scale-tril / ... */
  int have_method;
  jr_method method;
  jr_check check;
  int have_tol;
  double tol;
  int have_rows;
  int64_t row_begin, row_end; /* row_end < 0: to the end */
  /* multivariate-normal: n of the loaded --mean (0: not loaded yet), so
   * that a .npy --cov of another n is refused from its header. */
  int64_t mean_n;
} cli_opts;

struct cli_source;

/* An output to write: its array and where its values come from. */
typedef struct cli_output {
  jr_dtype dtype;
  int ndim;
  int64_t shape[JR_MAX_NDIM];
  int64_t total;    /* elements */
  int64_t line_len; /* text formats: elements per line (>= 1) */
  int64_t align;    /* blocks start at multiples of this (>= 1) */
  int key_rows;     /* table: "k0,k1" lines that --key accepts */
  struct cli_source *src;
} cli_output;

/* What differs between the programs built from the CLI (jaxrandom,
 * jaxrandom-mpi). Every hook is optional (NULL: jaxrandom's behaviour);
 * `self` is passed back to each. */
typedef struct cli_env {
  const char *prog; /* in messages: "PROG CMD: error: ..." */
  void *self;
  /* Receives every error, note and warning (formatted, without the prefix):
   * is_error is 1 for an error, 0 for a note, CLI_WARNING for a warning. */
  void (*report)(void *self, const cli_opts *o, int is_error, const char *msg);
  /* Loads --mean/--cov (see cli_load_input). */
  int (*load_input)(void *self, const cli_opts *o, const char *spec,
                    const char *what, int is_mean, jr_ndarray *a);
  /* Writes a checked output (see cli_write_output). */
  int (*write_output)(void *self, const cli_opts *o, const cli_output *out);
  /* Right after parsing, with its outcome (CLI_OK, CLI_HELP, CLI_VERSION,
   * CLI_NO_COMMAND or an exit code): what to do, agreed (MPI: by all
   * ranks). */
  int (*agree)(void *self, const cli_opts *o, int code);
  /* After parsing, before running: the program's own rules and defaults. */
  int (*prepare)(void *self, cli_opts *o);
  /* At the end, with the run's exit code (also for a failed parse, then
   * o->cmd may be CMD_COUNT): returns the program's exit code. */
  int (*finish)(void *self, const cli_opts *o, int code);
  /* Creates multivariate-normal's distribution (jr_mvn_create's arguments;
   * see cli_mvn_create): MPI factors each covariance once over the ranks. */
  jr_status (*mvn_create)(void *self, const cli_opts *o, const jr_ctx *ctx,
                          const jr_array *mean, const jr_array *cov,
                          int shape_ndim, const int64_t *shape, jr_dtype dtype,
                          jr_method method, jr_mvn **out);
  /* Help (cmd CMD_COUNT: the main help) and the version line. */
  void (*help)(void *self, FILE *f, cli_cmd cmd);
  void (*version)(void *self, FILE *f);
} cli_env;

#endif /* JR_CLI_OPTS_H */
