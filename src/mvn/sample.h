/* Sampling multivariate_normal rows: z drawn block by block just before the
 * product reads it, on worker threads. Internal. */
#ifndef JR_MVN_SAMPLE_H
#define JR_MVN_SAMPLE_H

#include "internal.h"
#include "mvn/factor_store.h"
#include "mvn/plan.h"

/* Where a sampling run finds each row's factor and mean. */
typedef struct jr_mvn_source {
  const jr_mvn_plan *plan;
  const jr_factor_layout *lay;
  /* The stored factors, one per cov batch element (jr_mvn_create), or NULL:
   * then each block's covariances are read from `cov` and factored as the
   * block is sampled (the one-shot path: one covariance per row,
   * C-contiguous). */
  const jr_factors *factors;
  const jr_array *cov;
  /* The means in R, one per mean batch element, or NULL: then each block's
   * means are read from `mean` (one per row, C-contiguous). */
  const void *means;
  const jr_array *mean;
  /* Stored for a part of the rows only: slot k of `factors` holds cov batch
   * element factor_first + k, means[k] mean element mean_first + k (0 when
   * stored for all rows), and the maps (NULL when stored for all rows) say
   * which are stored (every row sampled uses stored ones). */
  int64_t factor_first, mean_first, mean_count;
  const unsigned char *factor_used, *mean_used;
} jr_mvn_source;

/* Rows [row0, row1) of the flattened batch into out ((row1 - row0) * n in
 * R), 0 <= row0 < row1 <= rows, n >= 1, ctx already checked. Each element is
 * a function of (key, its flat index, the total size, its row's factor and
 * mean), so any slice and thread count gives the same bytes. `fn` names the
 * caller in messages. */
jr_status jr_mvn_sample(const jr_ctx *ctx, const jr_mvn_source *src, jr_key key,
                        int64_t row0, int64_t row1, void *out, const char *fn);

#endif /* JR_MVN_SAMPLE_H */
