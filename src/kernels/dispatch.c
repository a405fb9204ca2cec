/* Run-time choice of the kernel table (BLIS/SLEEF style): once, from CPU
 * detection or JAXRANDOM_ISA=ref|avx2|avx512|auto. The single point through
 * which every kernel set is selected, and each SIMD set passes the
 * self-check (self_check.c, one check per kernel_list.h entry) before use. */
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "kernels/kernels_simd.h"

static const jr_kernels *jr_table_for(jr_isa isa) {
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

/* Supported and its self-check against the reference passed (run once per
 * set; racing first calls both run it and store the same answer). */
static atomic_int jr_checked[4]; /* 0 not yet, 1 passed, -1 failed */
static int jr_isa_usable(jr_isa isa) {
  const jr_kernels *t = jr_table_for(isa);
  if (!t || !jr_isa_supported(isa)) return 0;
  if (isa == JR_ISA_REF) return 1;
  int c = atomic_load_explicit(&jr_checked[isa], memory_order_relaxed);
  if (c == 0) {
    c = jr_kernels_self_check(t) ? 1 : -1;
    atomic_store_explicit(&jr_checked[isa], c, memory_order_relaxed);
  }
  return c == 1;
}

/* The best set that passes its self-check; a failing one falls back. */
static jr_isa jr_best_isa(void) {
  if (jr_isa_usable(JR_ISA_AVX512)) return JR_ISA_AVX512;
  if (jr_isa_usable(JR_ISA_AVX2)) return JR_ISA_AVX2;
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
 * value, so relaxed atomics suffice; the failure text is published with
 * release/acquire through jr_env_failed. */
static _Atomic(const jr_kernels *) jr_active;
static atomic_int jr_env_failed;
static char jr_env_value[32];
static atomic_int jr_env_self_check_failed;

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
    if (isa == (jr_isa)-1 || !jr_isa_supported(isa) ||
        (isa != JR_ISA_AUTO && !jr_isa_usable(isa))) {
      strncpy(jr_env_value, env, sizeof jr_env_value - 1);
      atomic_store_explicit(&jr_env_self_check_failed,
                            isa != (jr_isa)-1 && jr_isa_supported(isa),
                            memory_order_relaxed);
      atomic_store_explicit(&jr_env_failed, 1, memory_order_release);
      return NULL;
    }
  }
  if (isa == JR_ISA_AUTO) isa = jr_best_isa();
  return jr_table_for(isa);
}

jr_status jr_kernels_get(const jr_kernels **out) {
  const jr_kernels *k = atomic_load_explicit(&jr_active, memory_order_relaxed);
  if (!k && !atomic_load_explicit(&jr_env_failed, memory_order_acquire)) {
    k = jr_resolve();
    if (k) atomic_store_explicit(&jr_active, k, memory_order_relaxed);
  }
  if (!k &&
      atomic_load_explicit(&jr_env_self_check_failed, memory_order_relaxed))
    return jr_fail(JR_E_BAD_ISA,
                   "JAXRANDOM_ISA=%s: this kernel set gives results that "
                   "differ from the reference on this machine (self-check "
                   "failed); use ref or auto",
                   jr_env_value);
  if (!k)
    return jr_fail(JR_E_BAD_ISA,
                   "JAXRANDOM_ISA=%s: expected ref, avx2, avx512 or auto, and "
                   "a kernel set this build and CPU support",
                   jr_env_value);
  *out = k;
  return JR_OK;
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
  if (!jr_isa_usable(isa))
    return jr_fail(JR_E_BAD_ISA,
                   "kernel set %s differs from the reference "
                   "on this machine (self-check failed)",
                   jr_isa_name(isa));
  atomic_store_explicit(&jr_active, jr_table_for(isa), memory_order_relaxed);
  atomic_store_explicit(&jr_env_failed, 0, memory_order_relaxed);
  return JR_OK;
}
