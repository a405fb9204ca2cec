/* Samples a correlated 3-D normal distribution with jaxrandom and prints it:
 * the numbers of
 *   jax.random.multivariate_normal(jax.random.key(0), mean, cov, (5,))
 * in JAX >= 0.5 on CPU (float32, method='cholesky'), to within the rounding
 * of the factor and the dot product (docs/multivariate_normal.md). */
#include <stdio.h>

#include "jaxrandom.h"

int main(void) {
  float mean[3] = {1.0f, -2.0f, 0.5f};
  float cov[3][3] = {
      {2.0f, 0.6f, -0.4f}, {0.6f, 1.0f, 0.3f}, {-0.4f, 0.3f, 1.5f}};
  int64_t mean_shape[1] = {3}, cov_shape[2] = {3, 3}, batch[1] = {5};
  jr_array m = {mean, JR_FLOAT32, 1, mean_shape, NULL};
  jr_array c = {cov, JR_FLOAT32, 2, cov_shape, NULL};

  float samples[5][3];
  int64_t out_shape[2] = {5, 3};
  jr_array out = {samples, JR_FLOAT32, 2, out_shape, NULL};
  jr_status st =
      jr_multivariate_normal(NULL, jr_key_from_seed(0, 0), &m, &c, 1, batch,
                             JR_DTYPE_NONE, JR_CHOLESKY, &out);
  if (st != JR_OK) {
    fprintf(stderr, "mvn3d: %s\n", jr_last_error());
    return 1;
  }
  for (int i = 0; i < 5; i++)
    printf("% .7f % .7f % .7f\n", samples[i][0], samples[i][1], samples[i][2]);
  return 0;
}
