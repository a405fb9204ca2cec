/* JR_PARAM_JAX_VERSION: a JAX release's defaults (the mode: JR_LEGACY below
 * 0.5.0; the float64 log1p: JR_XLA_LOG1P_2024 for every release checked),
 * explicit settings win in either order, bad values fail and change
 * nothing, and the generated values follow the resulting settings. */
#include "internal.h"
#include "test_util.h"

static int64_t get(const jr_ctx *c, jr_param p) {
  int64_t v = -99;
  CHECK_OK(jr_ctx_get_int(c, p, &v));
  return v;
}

static void check_defaults(void) {
  const struct {
    int64_t version, mode;
  } cases[] = {{JR_JAX_VERSION(0, 4, 0), JR_LEGACY},
               {JR_JAX_VERSION(0, 4, 35), JR_LEGACY},
               {JR_JAX_VERSION(0, 4, 99), JR_LEGACY},
               {JR_JAX_VERSION(0, 5, 0), JR_PARTITIONABLE},
               {JR_JAX_VERSION(0, 10, 2), JR_PARTITIONABLE},
               {JR_JAX_VERSION_NEWEST, JR_PARTITIONABLE},
               /* newer than checked: the newest checked release's defaults */
               {JR_JAX_VERSION(0, 12, 0), JR_PARTITIONABLE},
               {JR_JAX_VERSION(99, 99, 99), JR_PARTITIONABLE}};
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
    jr_ctx *c = jr_ctx_create();
    CHECK(get(c, JR_PARAM_JAX_VERSION) == 0, "default version not 0");
    CHECK_OK(jr_ctx_set_int(c, JR_PARAM_JAX_VERSION, cases[i].version));
    CHECK(get(c, JR_PARAM_JAX_VERSION) == cases[i].version,
          "version %lld not kept", (long long)cases[i].version);
    CHECK(get(c, JR_PARAM_MODE) == cases[i].mode, "version %lld: mode %lld",
          (long long)cases[i].version, (long long)get(c, JR_PARAM_MODE));
    CHECK(get(c, JR_PARAM_XLA_LOG1P) == JR_XLA_LOG1P_2024,
          "version %lld: log1p variant %lld", (long long)cases[i].version,
          (long long)get(c, JR_PARAM_XLA_LOG1P));
    jr_ctx_free(c);
  }
}

static void check_explicit_wins(void) {
  /* explicit before the version */
  jr_ctx *c = jr_ctx_create();
  CHECK_OK(jr_ctx_set_int(c, JR_PARAM_MODE, JR_PARTITIONABLE));
  CHECK_OK(jr_ctx_set_int(c, JR_PARAM_XLA_LOG1P, JR_XLA_LOG1P_2026_08));
  CHECK_OK(jr_ctx_set_int(c, JR_PARAM_JAX_VERSION, JR_JAX_VERSION(0, 4, 30)));
  CHECK(get(c, JR_PARAM_MODE) == JR_PARTITIONABLE &&
            get(c, JR_PARAM_XLA_LOG1P) == JR_XLA_LOG1P_2026_08,
        "the version overrode explicit settings");
  jr_ctx_free(c);
  /* explicit after the version */
  c = jr_ctx_create();
  CHECK_OK(jr_ctx_set_int(c, JR_PARAM_JAX_VERSION, JR_JAX_VERSION(0, 4, 30)));
  CHECK_OK(jr_ctx_set_int(c, JR_PARAM_MODE, JR_PARTITIONABLE));
  CHECK(get(c, JR_PARAM_MODE) == JR_PARTITIONABLE, "explicit mode ignored");
  /* a later version keeps it */
  CHECK_OK(jr_ctx_set_int(c, JR_PARAM_JAX_VERSION, JR_JAX_VERSION(0, 4, 1)));
  CHECK(get(c, JR_PARAM_MODE) == JR_PARTITIONABLE,
        "a second version overrode an explicit mode");
  jr_ctx_free(c);
}

static void check_bad(void) {
  const int64_t bad[] = {-1,
                         0,
                         399,
                         JR_JAX_VERSION(0, 3, 25),
                         JR_JAX_VERSION(100, 0, 0),
                         INT64_MAX,
                         INT64_MIN};
  jr_ctx *c = jr_ctx_create();
  CHECK_OK(jr_ctx_set_int(c, JR_PARAM_JAX_VERSION, JR_JAX_VERSION(0, 4, 30)));
  for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
    CHECK(jr_ctx_set_int(c, JR_PARAM_JAX_VERSION, bad[i]) == JR_E_BAD_ARGUMENT,
          "version %lld accepted", (long long)bad[i]);
    CHECK(strstr(jr_last_error(), "JR_PARAM_JAX_VERSION") != NULL,
          "message does not name the parameter: %s", jr_last_error());
    CHECK(get(c, JR_PARAM_JAX_VERSION) == JR_JAX_VERSION(0, 4, 30) &&
              get(c, JR_PARAM_MODE) == JR_LEGACY,
          "a rejected version %lld changed the context", (long long)bad[i]);
  }
  jr_ctx_free(c);
}

/* The generated values follow the settings the version implies. */
static void check_generation(void) {
  enum { N = 1000 };
  jr_ctx *v = jr_ctx_create(), *m = jr_ctx_create();
  CHECK_OK(jr_ctx_set_int(v, JR_PARAM_JAX_VERSION, JR_JAX_VERSION(0, 4, 30)));
  CHECK_OK(jr_ctx_set_int(m, JR_PARAM_MODE, JR_LEGACY));
  const int64_t shape[1] = {N};
  double a[N], b[N];
  jr_key key = jr_key_from_seed(7, 1);
  CHECK_OK(jr_normal(v, key, JR_FLOAT64, 1, shape, a));
  CHECK_OK(jr_normal(m, key, JR_FLOAT64, 1, shape, b));
  CHECK(memcmp(a, b, sizeof a) == 0,
        "version 0.4.30 does not generate as JR_LEGACY");
  CHECK_OK(jr_normal(NULL, key, JR_FLOAT64, 1, shape, b));
  CHECK(memcmp(a, b, sizeof a) != 0,
        "legacy and partitionable normals are the same (test proves nothing)");
  jr_ctx_free(v);
  jr_ctx_free(m);
}

int main(void) {
  check_defaults();
  check_explicit_wins();
  check_bad();
  check_generation();
  return tu_finish("test_jax_version");
}
