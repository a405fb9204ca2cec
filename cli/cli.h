/* The jaxrandom command-line tool: shared declarations. */
#ifndef JR_CLI_H
#define JR_CLI_H

#include <stdint.h>

#include "jaxrandom.h"
#include "jr_io.h"

/* Checked 64-bit product: 0 on overflow. */
static inline int cli_mul_i64(int64_t a, int64_t b, int64_t *out) {
  return !__builtin_mul_overflow(a, b, out);
}

/* Exit codes. */
enum { CLI_OK = 0, CLI_RUNTIME = 1, CLI_USAGE = 2 };

typedef enum {
  CMD_KEY,
  CMD_SPLIT,
  CMD_FOLD_IN,
  CMD_BITS,
  CMD_UNIFORM,
  CMD_NORMAL,
  CMD_MVN,
  CMD_DEMO,
  CMD_COUNT
} cli_cmd;

typedef enum { FMT_NONE, FMT_TABLE, FMT_NPY, FMT_CSV, FMT_BIN } cli_format;

typedef struct cli_opts {
  cli_cmd cmd;
  const char *cmd_name; /* as typed, for messages */
  int have_seed, have_key;
  int64_t seed;
  jr_key key; /* resolved by cli_resolve_key */
  int have_shape;
  int ndim;
  int64_t shape[JR_MAX_NDIM];
  int have_dtype;
  jr_dtype dtype;
  int legacy, x64, force, quiet, example;
  int have_threads;
  int64_t threads;
  const char *out;
  cli_format format;
  int have_num;
  int64_t num;
  int have_data;
  uint32_t data;
  int have_width;
  int width;
  double minval, maxval;
  const char *mean, *cov;
  jr_method method;
  jr_check check;
  int have_tol;
  double tol;
  int have_rows;
  int64_t row_begin, row_end; /* row_end < 0: to the end */
} cli_opts;

/* Reports an error "jaxrandom CMD: error: ..." and returns the exit code. */
int cli_error(const cli_opts *o, int code, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;
/* A one-line note on stderr (JAX's warnings, dtype canonicalization). */
void cli_note(const cli_opts *o, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
/* Exit code for a library/io status: runtime failures (I/O, memory,
 * LAPACK) are 1, everything else is bad input (2). */
int cli_status_code(jr_status st);
/* cli_error with jr_last_error() (or the status string). */
int cli_fail_status(const cli_opts *o, jr_status st);

/* ---- output (output.c) */
/* Fills elements [start, start + count) of the flattened output. */
typedef jr_status (*cli_fill_fn)(void *arg, int64_t start, int64_t count,
                                 void *buf);

typedef struct cli_output {
  jr_dtype dtype;
  int ndim;
  int64_t shape[JR_MAX_NDIM];
  int64_t total;    /* elements */
  int64_t line_len; /* text formats: elements per line (>= 1) */
  int64_t align;    /* blocks start at multiples of this (>= 1) */
  int key_rows;     /* table: "k0,k1" lines that --key accepts */
  cli_fill_fn fill;
  void *arg;
} cli_output;

/* Streams the output block by block into --out (or stdout) in the chosen
 * format. Returns an exit code (errors already reported). */
int cli_write_output(const cli_opts *o, const cli_output *spec);
/* Shortest decimal that reads back as the same value of the dtype. */
int cli_format_value(jr_dtype dtype, const void *elem, char *buf, size_t cap);
/* 1 if s ends with suffix (lower case), ignoring ASCII case. */
int cli_ends_with(const char *s, const char *suffix);

/* ---- hooks for jaxrandom-mpi (cli/jaxrandom_mpi.c), which reuses this
 * parser and these subcommands with its own collective writer */
/* Where cli_error/cli_note messages go; NULL (default): stderr. */
typedef void (*cli_report_fn)(const cli_opts *o, int is_error, const char *msg);
extern cli_report_fn cli_report_hook;
/* What the subcommands hand their output to; default cli_write_output. */
extern int (*cli_output_sink)(const cli_opts *o, const cli_output *spec);
/* Loads --mean/--cov (a .npy or .csv file or a literal) with JAX's input
 * canonicalization; multivariate-normal calls it through cli_input_loader
 * (default cli_load_input; jaxrandom-mpi reads on rank 0 and broadcasts). */
int cli_load_input(const cli_opts *o, const char *spec, const char *what,
                   int is_mean, jr_ndarray *a);
extern int (*cli_input_loader)(const cli_opts *o, const char *spec,
                               const char *what, int is_mean, jr_ndarray *a);
/* Parses the subcommand argv[1] and its options (argc >= 2) into o;
 * returns an exit code (errors already reported), CLI_OK to run. */
int cli_parse_args(int argc, char **argv, cli_opts *o);

/* ---- commands (commands.c, mvn.c) */
int cli_run(cli_opts *o);
int cli_run_mvn(cli_opts *o);
int cli_run_demo(cli_opts *o);
jr_ctx *cli_make_ctx(const cli_opts *o, int *code);

/* ---- help (help.c) */
void cli_print_main_help(void);
void cli_print_cmd_help(cli_cmd cmd);

#endif /* JR_CLI_H */
