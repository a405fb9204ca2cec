/* Run-time choice of the kernel table (BLIS/SLEEF style): once, from CPU
 * detection or JAXRANDOM_ISA=ref|avx2|avx512|auto. The single point through
 * which every kernel set is selected (the random kernels and the linear
 * algebra are one table), and each SIMD set passes the self-check
 * (self_check.c, one check per kernel_list.h entry) before use: its
 * generation group at the first jr_kernels_get, its linear-algebra group at
 * the first jr_kernels_get_linalg (jr_isa_select: both at once). */
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "kernels/kernels_simd.h"

static const jr_kernels *jr_own_table(jr_isa isa) {
  switch (isa) {
  case JR_ISA_REF: return &jr_kernels_ref;
#if defined(JR_HAVE_AVX2)
  case JR_ISA_AVX2: return &jr_kernels_avx2;
#endif
#if defined(JR_HAVE_AVX512)
  case JR_ISA_AVX512: return &jr_kernels_avx512;
#endif
  default: return NULL;
  }
}

/* jr_kernels_test_substitute's tables (the tests' injected wrong kernels). */
static _Atomic(const jr_kernels *) jr_substitute[4];

static const jr_kernels *jr_table_for(jr_isa isa) {
  const jr_kernels *own = jr_own_table(isa);
  if (!own) return NULL;
  const jr_kernels *t =
      atomic_load_explicit(&jr_substitute[isa], memory_order_acquire);
  return t ? t : own;
}

void jr_kernels_test_substitute(jr_isa isa, const jr_kernels *table) {
  if (isa >= JR_ISA_REF && isa <= JR_ISA_AVX512)
    atomic_store_explicit(&jr_substitute[isa], table, memory_order_release);
}

int jr_isa_supported(jr_isa isa) {
  switch (isa) {
  case JR_ISA_AUTO:
  case JR_ISA_REF: return 1;
#if defined(JR_HAVE_AVX2) && (defined(__x86_64__) || defined(__i386__))
  case JR_ISA_AVX2:
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
#endif
#if defined(JR_HAVE_AVX512) && (defined(__x86_64__) || defined(__i386__))
  case JR_ISA_AVX512: __builtin_cpu_init();
#if defined(JR_EMULATE_AVX512) /* test build: SIMDe runs the set on AVX2 */
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
#else
    return __builtin_cpu_supports("avx512f") &&
           __builtin_cpu_supports("avx512dq") &&
           __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("fma");
#endif
#endif
  default: return 0;
  }
}

/* The self-check rule, one for every entry of the one list: a SIMD set's
 * kernel runs only after its self-check (self_check.c) gave the reference's
 * bytes for every entry of its group. A set that fails is an error
 * (JR_E_BAD_ISA naming the set and the first entry that differs), whether it
 * was requested (JAXRANDOM_ISA, jr_isa_select) or chosen as the best
 * supported one (auto): no silent switch to another set, so a miscompiled or
 * wrong kernel shows up where it happens instead of as an unexplained
 * slowdown. JAXRANDOM_ISA=ref always runs (the reference is the definition
 * and is not checked). The two groups are checked separately, each when
 * first needed: the generation group when the set is resolved (the first
 * jr_kernels_get), the linear-algebra group (about 10 ms, most of the
 * check) at the first jr_kernels_get_linalg, so a process that only draws
 * random numbers never pays it. jr_isa_select checks both groups at once:
 * the caller asks for that set explicitly and learns there whether it
 * runs. */
static atomic_int jr_checked[2][4]; /* 0 not yet, 1 passed, -1 failed */
static _Atomic(const char *) jr_check_failed[2][4]; /* the failing entry */

/* Only for a set this build and CPU support. Racing first calls both run the
 * check and store the same answer; the entry name is published before the
 * result (release / acquire). */
static int jr_isa_passes(jr_isa isa, jr_kernel_group g) {
  if (isa == JR_ISA_REF) return 1;
  int c = atomic_load_explicit(&jr_checked[g][isa], memory_order_acquire);
  if (c == 0) {
    const char *bad = jr_kernels_self_check_group_failure(jr_table_for(isa), g);
    atomic_store_explicit(&jr_check_failed[g][isa], bad, memory_order_relaxed);
    c = bad ? -1 : 1;
    atomic_store_explicit(&jr_checked[g][isa], c, memory_order_release);
  }
  return c == 1;
}

int jr_kernels_group_checked(jr_isa isa, jr_kernel_group group) {
  if (isa == JR_ISA_REF) return 1;
  if (isa < JR_ISA_REF || isa > JR_ISA_AVX512) return 0;
  return atomic_load_explicit(&jr_checked[group][isa], memory_order_acquire);
}

/* The best set this build and CPU support (its self-check not yet run). */
static jr_isa jr_best_isa(void) {
  if (jr_table_for(JR_ISA_AVX512) && jr_isa_supported(JR_ISA_AVX512))
    return JR_ISA_AVX512;
  if (jr_table_for(JR_ISA_AVX2) && jr_isa_supported(JR_ISA_AVX2))
    return JR_ISA_AVX2;
  return JR_ISA_REF;
}

const char *jr_isa_name(jr_isa isa) {
  switch (isa) {
  case JR_ISA_AUTO: return "auto";
  case JR_ISA_REF: return "ref";
  case JR_ISA_AVX2: return "avx2";
  case JR_ISA_AVX512: return "avx512";
  }
  return "unknown";
}

/* The resolved table. Threads that race on the first call compute the same
 * value, so relaxed atomics suffice; the failure's details are published
 * with release/acquire through jr_env_failed. */
static _Atomic(const jr_kernels *) jr_active;
static atomic_int jr_env_failed;
static char jr_env_value[32];
/* the set whose self-check failed (JR_ISA_AUTO: the value was not a set this
 * build and CPU support) */
static atomic_int jr_env_failed_isa;

static const jr_kernels *jr_resolve(void) {
  const char *env = getenv("JAXRANDOM_ISA");
  jr_isa isa = JR_ISA_AUTO;
  if (env && *env) {
    if (strcmp(env, "ref") == 0)
      isa = JR_ISA_REF;
    else if (strcmp(env, "avx2") == 0)
      isa = JR_ISA_AVX2;
    else if (strcmp(env, "avx512") == 0)
      isa = JR_ISA_AVX512;
    else if (strcmp(env, "auto") == 0)
      isa = JR_ISA_AUTO;
    else
      isa = (jr_isa)-1;
  }
  strncpy(jr_env_value, env ? env : "", sizeof jr_env_value - 1);
  if (isa == (jr_isa)-1 || !jr_isa_supported(isa) ||
      (isa != JR_ISA_AUTO && !jr_table_for(isa))) {
    atomic_store_explicit(&jr_env_failed_isa, JR_ISA_AUTO,
                          memory_order_relaxed);
    atomic_store_explicit(&jr_env_failed, 1, memory_order_release);
    return NULL;
  }
  if (isa == JR_ISA_AUTO) isa = jr_best_isa();
  if (!jr_isa_passes(isa, JR_KGROUP_GEN)) {
    atomic_store_explicit(&jr_env_failed_isa, isa, memory_order_relaxed);
    atomic_store_explicit(&jr_env_failed, 1, memory_order_release);
    return NULL;
  }
  return jr_table_for(isa);
}

static jr_status jr_fail_self_check(jr_isa isa, const char *how,
                                    jr_kernel_group g) {
  return jr_fail(
      JR_E_BAD_ISA,
      "kernel set %s (%s): its %s kernel gives bytes that differ "
      "from the reference set on this machine (%s failed); set "
      "JAXRANDOM_ISA=ref",
      jr_isa_name(isa), how,
      atomic_load_explicit(&jr_check_failed[g][isa], memory_order_relaxed),
      g == JR_KGROUP_LINALG ? "self-check at the first linear-algebra use"
                            : "start-up self-check");
}

/* How the set in use was chosen, for the messages (jr_isa_select checks
 * every group itself, so a later failure is the variable's or auto's). */
static void jr_how(char *how, size_t size, const char *env) {
  if (env && env[0])
    snprintf(how, size, "JAXRANDOM_ISA=%s", env);
  else
    snprintf(how, size, "the best this CPU supports");
}

jr_status jr_kernels_get(const jr_kernels **out) {
  const jr_kernels *k = atomic_load_explicit(&jr_active, memory_order_relaxed);
  if (!k && !atomic_load_explicit(&jr_env_failed, memory_order_acquire)) {
    k = jr_resolve();
    if (k) atomic_store_explicit(&jr_active, k, memory_order_relaxed);
  }
  if (k) {
    *out = k;
    return JR_OK;
  }
  const jr_isa failed =
      (jr_isa)atomic_load_explicit(&jr_env_failed_isa, memory_order_relaxed);
  if (failed != JR_ISA_AUTO) {
    char how[64];
    jr_how(how, sizeof how, jr_env_value);
    return jr_fail_self_check(failed, how, JR_KGROUP_GEN);
  }
  return jr_fail(JR_E_BAD_ISA,
                 "JAXRANDOM_ISA=%s: expected ref, avx2, avx512 or auto, and "
                 "a kernel set this build and CPU support",
                 jr_env_value);
}

jr_status jr_kernels_linalg_ready(const jr_kernels *k) {
  if (jr_isa_passes(k->isa, JR_KGROUP_LINALG)) return JR_OK;
  /* the variable itself: this thread may not have resolved the set, so
   * jr_env_value is not ordered before this read */
  char how[64];
  jr_how(how, sizeof how, getenv("JAXRANDOM_ISA"));
  return jr_fail_self_check(k->isa, how, JR_KGROUP_LINALG);
}

jr_status jr_kernels_get_linalg(const jr_kernels **out) {
  const jr_kernels *k = NULL;
  jr_status st = jr_kernels_get(&k);
  if (st == JR_OK) st = jr_kernels_linalg_ready(k);
  if (st == JR_OK) *out = k;
  return st;
}

/* JR_ISA_AUTO when no set is in use (JAXRANDOM_ISA asked for one that cannot
 * run, so generation fails with JR_E_BAD_ISA): never a set that would not
 * run. */
jr_isa jr_isa_active(void) {
  const jr_kernels *k = NULL;
  return jr_kernels_get(&k) == JR_OK ? k->isa : JR_ISA_AUTO;
}

jr_status jr_isa_select(jr_isa isa) {
  if (isa == JR_ISA_AUTO) isa = jr_best_isa();
  if (!jr_isa_supported(isa) || !jr_table_for(isa))
    return jr_fail(JR_E_BAD_ISA,
                   "kernel set %s is not supported by this "
                   "build and CPU",
                   jr_isa_name(isa));
  for (int g = JR_KGROUP_GEN; g <= JR_KGROUP_LINALG; g++)
    if (!jr_isa_passes(isa, (jr_kernel_group)g))
      return jr_fail_self_check(isa, "jr_isa_select", (jr_kernel_group)g);
  atomic_store_explicit(&jr_active, jr_table_for(isa), memory_order_relaxed);
  atomic_store_explicit(&jr_env_failed, 0, memory_order_relaxed);
  return JR_OK;
}
