/* multivariate-normal's inputs: --mean/--cov from a .npy or .csv file or an
 * inline literal, canonicalized as JAX does. */
#ifndef JR_CLI_INPUT_H
#define JR_CLI_INPUT_H

#include "opts.h"

/* Loads `spec` (named `what` in messages) into a: JAX's input
 * canonicalization (jnp.asarray, then promote_dtypes_inexact) gives float32,
 * or float64 with --x64; float16 .npy arrays stay float16. Returns an exit
 * code (errors reported). */
int cli_load_input(const cli_opts *o, const char *spec, const char *what,
                   int is_mean, jr_ndarray *a);

#endif /* JR_CLI_INPUT_H */
