#include <stdio.h>
#include <inttypes.h>
#include "jaxrandom.h"
int main(void) {
  jr_key k = jr_key_from_seed(0, 0), s[2];
  int64_t two = 2, five = 5;
  jr_split(NULL, k, 1, &two, s);
  printf("split %u %u %u %u\n", s[0].k[0], s[0].k[1], s[1].k[0], s[1].k[1]);
  uint32_t b[5];
  jr_random_bits(NULL, k, 32, 1, &five, b);
  printf("bits %u %u\n", b[0], b[1]);
  jr_ctx *c = jr_ctx_create();
  jr_ctx_set_int(c, JR_PARAM_MODE, JR_LEGACY);
  jr_split(c, k, 1, &two, s);
  printf("legacy split %u %u %u %u\n", s[0].k[0], s[0].k[1], s[1].k[0], s[1].k[1]);
  float z[5];
  jr_key kn = jr_key_from_seed(1193674498, 0);
  jr_normal(c, kn, JR_FLOAT32, 1, &five, z);
  printf("legacy normal %f %f %f %f %f\n", z[0], z[1], z[2], z[3], z[4]);
  jr_ctx_free(c);
  return 0;
}
