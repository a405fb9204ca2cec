/* Portability of multivariate_normal (cholesky): SHA-256 digests of the
 * output for fixed cases against the committed table
 * tests/data/portable_digests.txt. The table was produced on one machine;
 * ctest runs this under every kernel set the CPU supports (JAXRANDOM_ISA)
 * and OPENBLAS_CORETYPE=Haswell, Zen, SkylakeX, and the test itself with 1
 * and 3 threads: the digests must hold on any x86-64 machine, whatever its
 * BLAS kernels, since the factor and the product are the library's own.
 *
 * Cases: float32 and float64; n = 1, 2, 3, 4, 5, 8, 16, 17, 64, 100, 300;
 * both threefry modes; "single" (one covariance and mean, shape (rows,)),
 * "batched" (three covariances and means, shape (k, 3): the stored factors
 * interleaved per row) and "perrow" (one covariance per row, shape (c,):
 * the one-shot path). Covariances D K D with K_ij = rho^|i - j| (rho = 1/2 +
 * b/8 for batch element b) and D_i = 1 + (i mod 7) / 8, computed in double
 * with exact-order IEEE operations only (no libm), then rounded to the
 * dtype: positive definite, condition number below 100. "tiny" and
 * "tinyrow" are "single" and "perrow" with the covariances scaled by 2^-125
 * (float32) / 2^-1021 (float64) and the means by 2^-140 / 2^-1040: entries
 * off the diagonal (and the means) are subnormal, which XLA:CPU's FTZ/DAZ
 * arithmetic reads as zeros (docs/linalg.md, "Arithmetic"), so these
 * digests pin that arithmetic down; the other cases have no subnormal
 * that reaches the output bytes.
 *
 * Usage: test_mvn_portable           check the table (exit 77: the kernel set
 *                                    JAXRANDOM_ISA names is not supported)
 *        test_mvn_portable --print   print the table (to regenerate it:
 *                                    docs/exactness.md, "Portability") */
#include "mvn_test.h"
#include "sha256.h"

static const int64_t ns[] = {1, 2, 3, 4, 5, 8, 16, 17, 64, 100, 300};
enum { NN = sizeof ns / sizeof ns[0] };
enum { NCASE = 5 };
static const char *const case_name[NCASE] = {"single", "batched", "perrow",
                                             "tiny", "tinyrow"};

/* Covariance batch element b in dtype d (n x n at dst), times scale (a
 * power of two, applied in double before the rounding to d). */
static void make_cov(jr_dtype d, int64_t n, int b, double scale, void *dst) {
  const double rho = 0.5 + 0.125 * b;
  for (int64_t i = 0; i < n; i++)
    for (int64_t j = 0; j < n; j++) {
      double k = 1.0;
      for (int64_t e = i > j ? i - j : j - i; e > 0; e--)
        k *= rho;
      const double v =
          (1 + (double)(i % 7) / 8) * k * (1 + (double)(j % 7) / 8) * scale;
      if (d == JR_FLOAT32)
        ((float *)dst)[i * n + j] = (float)v;
      else
        ((double *)dst)[i * n + j] = v;
    }
}

static void make_mean(jr_dtype d, int64_t n, int b, double scale, void *dst) {
  for (int64_t i = 0; i < n; i++) {
    const double v = ((double)(i % 5) * 0.25 - 0.5 + b) * scale;
    if (d == JR_FLOAT32)
      ((float *)dst)[i] = (float)v;
    else
      ((double *)dst)[i] = v;
  }
}

/* The digest of one case's output, or 0 on a library error. */
static int run_case(jr_dtype d, jr_mode mode, int64_t n, int cse, int threads,
                    char hex[65]) {
  const size_t es = jr_dtype_size(d);
  /* the shape of the case: tiny is single's, tinyrow perrow's */
  const int c = cse == 3 ? 0 : cse == 4 ? 2 : cse;
  const int tiny = cse >= 3;
  const double cscale = !tiny ? 1 : d == JR_FLOAT32 ? 0x1p-125 : 0x1p-1021;
  const double mscale = !tiny ? 1 : d == JR_FLOAT32 ? 0x1p-140 : 0x1p-1040;
  /* covariances and means in the batch, rows */
  const int64_t ncov = c == 0 ? 1 : c == 1 ? 3 : n <= 16 ? 37 : 3;
  const int64_t rows = c == 0   ? (n <= 100 ? 200 : 40)
                       : c == 1 ? 3 * (n <= 100 ? 40 : 10)
                                : ncov;
  const int64_t nmean = c == 1 ? 3 : 1;
  char *cov = mt_alloc(es * (size_t)(ncov * n * n));
  char *mean = mt_alloc(es * (size_t)(nmean * n));
  char *out = mt_alloc(es * (size_t)(rows * n));
  for (int64_t b = 0; b < ncov; b++)
    make_cov(d, n, (int)(b % 4), cscale, cov + es * (size_t)(b * n * n));
  for (int64_t b = 0; b < nmean; b++)
    make_mean(d, n, (int)b, mscale, mean + es * (size_t)(b * n));
  const int64_t csh[3] = {ncov, n, n}, msh[2] = {nmean, n};
  const jr_array cv = {cov, d, c == 0 ? 2 : 3, c == 0 ? csh + 1 : csh, NULL};
  const jr_array mv = {mean, d, c == 1 ? 2 : 1, c == 1 ? msh : msh + 1, NULL};
  const int64_t shape[2] = {c == 1 ? rows / 3 : rows, 3};
  const int64_t osh[3] = {shape[0], c == 1 ? 3 : n, n};
  jr_array o = {out, d, c == 1 ? 3 : 2, osh, NULL};
  jr_ctx *ctx = jr_ctx_create();
  int ok = ctx && jr_ctx_set_int(ctx, JR_PARAM_MODE, mode) == JR_OK &&
           jr_ctx_set_int(ctx, JR_PARAM_THREADS, threads) == JR_OK;
  const jr_key key = jr_key_from_seed(20261203 + n, 1);
  jr_status st = ok ? jr_multivariate_normal(ctx, key, &mv, &cv, c == 1 ? 2 : 1,
                                             shape, d, JR_CHOLESKY, &o)
                    : JR_E_OUT_OF_MEMORY;
  CHECK(st == JR_OK, "%s n=%lld %s: %s", jr_dtype_name(d), (long long)n,
        case_name[cse], jr_last_error());
  tu_sha256 s;
  tu_sha256_init(&s);
  tu_sha256_update(&s, out, es * (size_t)(rows * n));
  tu_sha256_hex(&s, hex);
  jr_ctx_free(ctx);
  free(cov);
  free(mean);
  free(out);
  return st == JR_OK;
}

static void sha_selftest(void) {
  char hex[65];
  tu_sha256 s;
  tu_sha256_init(&s);
  tu_sha256_update(&s, "abc", 3);
  tu_sha256_hex(&s, hex);
  CHECK(!strcmp(hex, "ba7816bf8f01cfea414140de5dae2223"
                     "b00361a396177a9cb410ff61f20015ad"),
        "SHA-256(abc) = %s", hex);
  const char *m = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
  tu_sha256_init(&s);
  tu_sha256_update(&s, m, strlen(m));
  tu_sha256_hex(&s, hex);
  CHECK(!strcmp(hex, "248d6a61d20638b8e5c026930c3e6039"
                     "a33ce45964ff2167f6ecedd419db06c1"),
        "SHA-256(two-block vector) = %s", hex);
}

int main(int argc, char **argv) {
  const int print = argc > 1 && !strcmp(argv[1], "--print");
  const char *env = getenv("JAXRANDOM_ISA");
  if (env && *env && !print) {
    const jr_isa isa = !strcmp(env, "ref")      ? JR_ISA_REF
                       : !strcmp(env, "avx2")   ? JR_ISA_AVX2
                       : !strcmp(env, "avx512") ? JR_ISA_AVX512
                                                : JR_ISA_AUTO;
    if (!jr_isa_supported(isa)) {
      printf("test_mvn_portable: kernel set %s not supported here: skipped\n",
             env);
      return 77;
    }
  }
  sha_selftest();
  if (print) {
    printf("# SHA-256 of jr_multivariate_normal's output bytes (little-endian "
           "IEEE), cholesky;\n# cases: tests/mvn/test_mvn_portable.c. "
           "Columns: dtype mode n case digest.\n");
    for (int di = 0; di < 2; di++)
      for (int mo = 0; mo < 2; mo++)
        for (int k = 0; k < NN; k++)
          for (int c = 0; c < NCASE; c++) {
            const jr_dtype d = di ? JR_FLOAT64 : JR_FLOAT32;
            char hex[65];
            if (run_case(d, (jr_mode)mo, ns[k], c, 1, hex))
              printf("%s %s %lld %s %s\n", jr_dtype_name(d),
                     mo ? "legacy" : "partitionable", (long long)ns[k],
                     case_name[c], hex);
          }
    if (tu_failures) return tu_finish("test_mvn_portable --print");
    return 0; /* stdout: the table alone */
  }
  char path[4096];
  snprintf(path, sizeof path, "%s/portable_digests.txt", JR_TEST_DATA_DIR);
  FILE *f = fopen(path, "r");
  CHECK(f != NULL, "cannot open %s", path);
  if (!f) return tu_finish("portable");
  char line[512];
  int cases = 0;
  while (fgets(line, sizeof line, f)) {
    char dname[16], mname[16], cname[16], want[80];
    long long n;
    if (line[0] == '#' || line[0] == '\n') continue;
    if (sscanf(line, "%15s %15s %lld %15s %79s", dname, mname, &n, cname,
               want) != 5) {
      CHECK(0, "%s: bad line: %s", path, line);
      continue;
    }
    const jr_dtype d = !strcmp(dname, "float32") ? JR_FLOAT32 : JR_FLOAT64;
    const jr_mode mode =
        !strcmp(mname, "legacy") ? JR_LEGACY : JR_PARTITIONABLE;
    int c = 0;
    while (c < NCASE && strcmp(cname, case_name[c]))
      c++;
    CHECK(c < NCASE, "%s: unknown case %s", path, cname);
    if (c == NCASE) continue;
    for (int threads = 1; threads <= 3; threads += 2) {
      char hex[65];
      if (run_case(d, mode, n, c, threads, hex))
        CHECK(!strcmp(hex, want),
              "%s %s n=%lld %s, %d thread(s), kernel set %s: digest %s, "
              "the table has %s",
              dname, mname, n, cname, threads, jr_isa_name(jr_isa_active()),
              hex, want);
    }
    cases++;
  }
  fclose(f);
  /* every case of the matrix is in the table */
  CHECK(cases == 2 * 2 * NN * NCASE, "%s: %d cases, expected %d", path, cases,
        2 * 2 * NN * NCASE);
  return tu_finish("portable");
}
