/* What the subcommands share: the key, the library context, the program's
 * input loader and output sink. Used by commands_*.c only. */
#ifndef JR_CLI_COMMANDS_COMMON_H
#define JR_CLI_COMMANDS_COMMON_H

#include "opts.h"
#include "source.h"

/* Sets o->key from --seed/--key (the demo's default key is seed 0). */
int cli_resolve_key(cli_opts *o);
/* A context with the request's mode, threads and validity checks. */
jr_ctx *cli_make_ctx(const cli_opts *o, int *code);
/* The float dtype of uniform/normal (`fn` names it in the note): float64
 * without --x64 becomes float32, as JAX's canonicalize_dtype does. */
jr_dtype cli_float_dtype(const cli_opts *o, const char *fn);
/* --mean/--cov through the program's loader. */
int cli_load(const cli_opts *o, const char *spec, const char *what, int is_mean,
             jr_ndarray *a);
/* Completes out (element count, text line length), checks the arguments
 * on a first block before any output is opened, and writes it through the
 * program's sink. */
int cli_emit(const cli_opts *o, cli_output *out, cli_source *src);
/* The program's sink for an output that is ready. */
int cli_sink(const cli_opts *o, const cli_output *out);

#endif /* JR_CLI_COMMANDS_COMMON_H */
