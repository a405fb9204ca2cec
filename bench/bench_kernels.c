/* Throughput of each kernel set: the kernel table directly (one thread) and
 * the public jr_normal / jr_random_bits with 1 and 2 threads. Prints the CPU
 * model, the date, and each figure's ratio to the portable reference.
 * Usage: bench_kernels [million elements per run, default 16] [repeats, 7]
 * Each figure is the best of the repeats (the machine may be shared). */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "internal.h"

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static void cpu_model(char *buf, size_t cap) {
  FILE *f = fopen("/proc/cpuinfo", "r");
  char line[512];
  snprintf(buf, cap, "unknown CPU");
  if (!f) return;
  while (fgets(line, sizeof line, f)) {
    char *c = strchr(line, ':');
    if (!strncmp(line, "model name", 10) && c) {
      snprintf(buf, cap, "%s", c + 2);
      buf[strcspn(buf, "\n")] = 0;
      break;
    }
  }
  fclose(f);
}

enum {
  BITS32,
  NORMAL_F32,
  NORMAL_F64,
  NORMAL_F16,
  NORMAL_BF16,
  UNIFORM_F32,
  UNIFORM_F64,
  NKIND
};
static const char *kind_name[NKIND] = {
    "bits32",      "normal_f32",  "normal_f64", "normal_f16",
    "normal_bf16", "uniform_f32", "uniform_f64"};
/* the dtype of each kind for the public API */
static const jr_dtype kind_dtype[NKIND] = {JR_UINT32,  JR_FLOAT32,  JR_FLOAT64,
                                           JR_FLOAT16, JR_BFLOAT16, JR_FLOAT32,
                                           JR_FLOAT64};

static size_t n_elems;
static int reps;
static void *buf;
static const jr_key key = {{0x13198A2Eu, 0x03707344u}};

/* Best rate in M elements/s of the kernel table; runs in chunks so the
 * output stays cache-resident as in the library's block loop. */
static double bench_table(const jr_kernels *k, int kind) {
  enum { CHUNK = 4096 };
  double best = 0;
  for (int r = 0; r < reps; r++) {
    double t0 = now();
    for (size_t i = 0; i < n_elems; i += CHUNK) {
      size_t m = n_elems - i < CHUNK ? n_elems - i : CHUNK;
      if (kind == BITS32)
        k->bits32(key, i, m, buf);
      else if (kind == NORMAL_F32)
        k->normal_f32(key, i, m, buf);
      else if (kind == NORMAL_F64)
        k->normal_f64(key, i, m, buf);
      else if (kind == NORMAL_F16)
        k->normal_f16(key, i, m, buf);
      else if (kind == NORMAL_BF16)
        k->normal_bf16(key, i, m, buf);
      else if (kind == UNIFORM_F32)
        k->uniform_f32(key, i, m, -1.0f, 3.0f, buf);
      else
        k->uniform_f64(key, i, m, -1.0, 3.0, buf);
    }
    double rate = (double)n_elems / (now() - t0) / 1e6;
    if (rate > best) best = rate;
  }
  return best;
}

/* Best rate of the public API writing a whole array of n_elems. */
static double bench_api(int kind, int threads, void *out) {
  jr_ctx *c = jr_ctx_create();
  jr_ctx_set_int(c, JR_PARAM_THREADS, threads);
  int64_t n = (int64_t)n_elems;
  double best = 0;
  for (int r = 0; r < reps; r++) {
    double t0 = now();
    jr_status st =
        kind == BITS32 ? jr_random_bits(c, key, 32, 1, &n, out)
        : kind >= UNIFORM_F32
            ? jr_uniform(c, key, kind_dtype[kind], 1, &n, -1.0, 3.0, out)
            : jr_normal(c, key, kind_dtype[kind], 1, &n, out);
    double rate = (double)n_elems / (now() - t0) / 1e6;
    if (st != JR_OK) {
      fprintf(stderr, "bench: %s\n", jr_last_error());
      exit(1);
    }
    if (rate > best) best = rate;
  }
  jr_ctx_free(c);
  return best;
}

int main(int argc, char **argv) {
  n_elems = (size_t)((argc > 1 ? atof(argv[1]) : 16) * 1e6);
  reps = argc > 2 ? atoi(argv[2]) : 7;
  if (n_elems < 4096 || reps < 1) {
    fprintf(stderr, "usage: bench_kernels [Mi elements >= 0.005] [reps]\n");
    return 2;
  }
  char model[256], date[64];
  cpu_model(model, sizeof model);
  time_t t = time(NULL);
  strftime(date, sizeof date, "%Y-%m-%d %H:%M UTC", gmtime(&t));
  printf("# %s, %s, %zu elements per run, best of %d, M elements/s\n", model,
         date, n_elems, reps);
  buf = malloc(4096 * 8);
  void *out = malloc(n_elems * 8);
  if (!buf || !out) return 1;
  memset(out, 0, n_elems * 8); /* fault the pages in before timing */
  double ref_rate[3][NKIND] = {{0}};
  printf("%-7s %-11s %12s %8s %12s %8s %12s %8s\n", "isa", "kernel", "table 1T",
         "x ref", "api 1T", "x ref", "api 2T", "x ref");
  for (jr_isa isa = JR_ISA_REF; isa <= JR_ISA_AVX512; isa++) {
    if (!jr_isa_supported(isa)) continue;
    if (jr_isa_select(isa) != JR_OK) {
      printf("%-7s %s\n", jr_isa_name(isa), jr_last_error());
      continue;
    }
    const jr_kernels *k;
    if (jr_kernels_get(&k) != JR_OK) return 1;
    for (int kind = 0; kind < NKIND; kind++) {
      double r[3] = {bench_table(k, kind), bench_api(kind, 1, out),
                     bench_api(kind, 2, out)};
      if (isa == JR_ISA_REF)
        for (int j = 0; j < 3; j++)
          ref_rate[j][kind] = r[j];
      printf("%-7s %-11s %12.1f %8.2f %12.1f %8.2f %12.1f %8.2f\n",
             jr_isa_name(isa), kind_name[kind], r[0], r[0] / ref_rate[0][kind],
             r[1], r[1] / ref_rate[1][kind], r[2], r[2] / ref_rate[2][kind]);
    }
  }
  free(buf);
  free(out);
  return 0;
}
