/* jaxrandom: jax.random from the command line (docs/cli.md). */
#include "run.h"

int main(int argc, char **argv) {
  static const cli_env env = {.prog = "jaxrandom"};
  return cli_main(argc, argv, &env);
}
