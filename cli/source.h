/* Where an output's values come from: a description of one jax.random call
 * that fills any block [start, start + count) of the flattened output. The
 * writers pull blocks from it; it calls only the library. */
#ifndef JR_CLI_SOURCE_H
#define JR_CLI_SOURCE_H

#include "opts.h"

typedef enum {
  SRC_WORDS,   /* key, fold-in: the two words of one key */
  SRC_BITS,    /* jax.random.bits */
  SRC_UNIFORM, /* jax.random.uniform */
  SRC_NORMAL,  /* jax.random.normal */
  SRC_SPLIT,   /* jax.random.split: pairs of words */
  SRC_MVN,     /* jax.random.multivariate_normal: rows of n elements */
  SRC_DENSITY  /* multivariate_normal.logpdf / pdf at the points of x */
} cli_source_kind;

typedef struct cli_source {
  cli_source_kind kind;
  const jr_ctx *ctx;
  jr_key key;
  int legacy;
  int width;      /* SRC_BITS */
  jr_dtype dtype; /* SRC_UNIFORM, SRC_NORMAL, SRC_MVN */
  int64_t total;  /* elements of the whole output */
  double minval, maxval;
  uint32_t words[2]; /* SRC_WORDS */
  /* SRC_MVN */
  const jr_mvn *mvn;
  int64_t n;         /* elements per row */
  int64_t row_first; /* first row of the output (--rows) */
  /* SRC_DENSITY */
  const jr_mvn_density *density;
  const jr_array *x;
  int pdf;
  int64_t chunk; /* elements per library call (> 0) */
  /* Called after each call (may be NULL): a mapped x drops its pages, so
   * memory stays bounded however large x is. */
  void (*release)(void *user);
  void *release_user;
  /* SRC_MVN: when set (the demo, --plot), every block's rows are added */
  struct cli_stats *stats;
} cli_source;

/* Fills elements [start, start + count) of the output into buf. Blocks of
 * SRC_SPLIT and SRC_MVN start and end on whole keys / rows. */
jr_status cli_source_fill(cli_source *s, int64_t start, int64_t count,
                          void *buf);

#endif /* JR_CLI_SOURCE_H */
