/* Parsing the command line into a cli_opts. */
#ifndef JR_CLI_ARGS_H
#define JR_CLI_ARGS_H

#include "opts.h"

/* The subcommand named `name` (aliases included), or CMD_COUNT. */
cli_cmd cli_cmd_from_name(const char *name);

/* Parses the subcommand argv[1] and its options (argc >= 2) into o, for the
 * program `env`. Returns CLI_OK to run, CLI_HELP if --help was given (o->cmd
 * says for which subcommand), or an exit code (the error reported). o is
 * filled as far as parsing got, in every case. */
int cli_parse_args(int argc, char **argv, const cli_env *env, cli_opts *o);

#endif /* JR_CLI_ARGS_H */
