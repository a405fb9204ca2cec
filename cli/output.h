/* jaxrandom's output: streams a cli_output to --out (or stdout) as .npy,
 * CSV, raw binary or a readable table, block by block. */
#ifndef JR_CLI_OUTPUT_H
#define JR_CLI_OUTPUT_H

#include "opts.h"

/* The format of --out: --format if given, else a table on stdout, .npy for
 * an existing non-regular target (/dev/null, a FIFO), else the extension
 * (.npy, .csv, .bin, any case). FMT_NONE: it cannot be told. */
cli_format cli_output_format(const cli_opts *o);

/* Generates and writes `out` (values from out->src). Returns an exit code
 * (errors reported). */
int cli_write_output(const cli_opts *o, const cli_output *out);

#endif /* JR_CLI_OUTPUT_H */
