/* Run by ctest with JAXRANDOM_ISA=<argv[1]>: the variable must force that
 * kernel set when the build and CPU support it, and otherwise make generation
 * fail with JR_E_BAD_ISA and a message naming the value. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jaxrandom.h"

static int failures;
#define CHECK(cond, ...)                                                       \
  do {                                                                         \
    if (!(cond)) {                                                             \
      failures++;                                                              \
      fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__);                     \
      fprintf(stderr, __VA_ARGS__);                                            \
      fputc('\n', stderr);                                                     \
    }                                                                          \
  } while (0)

static jr_status gen(void) {
  uint32_t out[37];
  int64_t n = 37;
  return jr_random_bits(NULL, jr_key_from_seed(42, 0), 32, 1, &n, out);
}

int main(int argc, char **argv) {
  if (argc != 2) return 2;
  const char *want = argv[1], *env = getenv("JAXRANDOM_ISA");
  CHECK(env && strcmp(env, want) == 0, "run with JAXRANDOM_ISA=%s", want);
  jr_isa isa = (jr_isa)-1;
  if (strcmp(want, "ref") == 0) isa = JR_ISA_REF;
  if (strcmp(want, "avx2") == 0) isa = JR_ISA_AVX2;
  if (strcmp(want, "avx512") == 0) isa = JR_ISA_AVX512;
  if (strcmp(want, "auto") == 0) isa = JR_ISA_AUTO;

  jr_status st = gen();
  if (isa == JR_ISA_AUTO) {
    jr_isa best = jr_isa_supported(JR_ISA_AVX512) ? JR_ISA_AVX512
                  : jr_isa_supported(JR_ISA_AVX2) ? JR_ISA_AVX2
                                                  : JR_ISA_REF;
    CHECK(st == JR_OK, "auto: %s", jr_last_error());
    CHECK(jr_isa_active() == best, "auto chose %s, expected %s",
          jr_isa_name(jr_isa_active()), jr_isa_name(best));
  } else if (isa != (jr_isa)-1 && jr_isa_supported(isa)) {
    CHECK(st == JR_OK, "%s: %s", want, jr_last_error());
    CHECK(jr_isa_active() == isa, "JAXRANDOM_ISA=%s gave %s", want,
          jr_isa_name(jr_isa_active()));
  } else {
    CHECK(st == JR_E_BAD_ISA,
          "JAXRANDOM_ISA=%s: status %d, expected "
          "JR_E_BAD_ISA",
          want, (int)st);
    CHECK(strstr(jr_last_error(), want) != NULL,
          "message does not name the value: %s", jr_last_error());
    CHECK(gen() == JR_E_BAD_ISA, "a second call did not fail as well");
    /* No set runs, so none is reported as active. */
    CHECK(jr_isa_active() == JR_ISA_AUTO,
          "JAXRANDOM_ISA=%s: generation fails, yet jr_isa_active() reports %s",
          want, jr_isa_name(jr_isa_active()));
  }
  printf("JAXRANDOM_ISA=%s: active %s, status %d\n", want,
         jr_isa_name(jr_isa_active()), (int)st);

  /* Explicit selection overrides the variable; unsupported sets fail. */
  for (jr_isa s = JR_ISA_REF; s <= JR_ISA_AVX512; s++) {
    st = jr_isa_select(s);
    if (jr_isa_supported(s)) {
      CHECK(st == JR_OK && jr_isa_active() == s && gen() == JR_OK,
            "jr_isa_select(%s) did not take effect", jr_isa_name(s));
    } else {
      CHECK(st == JR_E_BAD_ISA,
            "jr_isa_select(%s) on an unsupported set: "
            "status %d",
            jr_isa_name(s), (int)st);
    }
  }
  CHECK(jr_isa_select((jr_isa)99) == JR_E_BAD_ISA,
        "jr_isa_select(99) did not fail");
  return failures ? 1 : 0;
}
