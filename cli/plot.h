/* --plot FILE.svg of multivariate-normal and demo: the request's checks
 * before any sampling, then the picture of the run (plot_svg.c) written
 * atomically, as every output file (src/io's jr_outfile). */
#ifndef JR_CLI_PLOT_H
#define JR_CLI_PLOT_H

#include "opts.h"
#include "sample_stats.h"

/* Checks o->plot before any work: a file name ending in .svg, not --out's
 * file, a target that may be created or (with --force) replaced, n >= 2,
 * and one distribution (mean (n,), cov (n, n)), as the picture draws one.
 * Returns an exit code (errors reported). */
int cli_plot_check(const cli_opts *o, const jr_ndarray *mean,
                   const jr_ndarray *cov);

/* Draws the run to o->plot: the requested mean and cov, the rows and
 * moments gathered in stats (plot_coords(n) coordinates, PLOT_MAX_POINTS
 * rows kept, moments over all rows sampled; the first is row_first), with a
 * title naming key, n, dtype and method. Returns an exit code (errors
 * reported). */
int cli_plot_write(const cli_opts *o, const jr_ndarray *mean,
                   const jr_ndarray *cov, jr_dtype dtype, int64_t row_first,
                   const cli_stats *stats);

#endif /* JR_CLI_PLOT_H */
