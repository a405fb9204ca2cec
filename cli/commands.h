/* The subcommands. Each takes a parsed request, checks it as JAX would,
 * and hands its output (or an error) to the I/O layer; each returns an exit
 * code (errors reported). */
#ifndef JR_CLI_COMMANDS_H
#define JR_CLI_COMMANDS_H

#include "opts.h"

int cli_cmd_key(cli_opts *o);    /* key, fold-in (commands_keys.c) */
int cli_cmd_split(cli_opts *o);  /* split (commands_keys.c) */
int cli_cmd_sample(cli_opts *o); /* bits, uniform, normal (commands_sample.c) */
int cli_cmd_mvn(cli_opts *o);    /* multivariate-normal (commands_mvn.c) */
int cli_cmd_demo(cli_opts *o);   /* demo, --example (commands_mvn.c) */
int cli_cmd_logpdf(cli_opts *o); /* logpdf (commands_density.c) */
int cli_cmd_describe(cli_opts *o); /* describe-cov (commands_density.c) */

#endif /* JR_CLI_COMMANDS_H */
