/* Help texts: `jaxrandom --help` and `jaxrandom SUBCOMMAND --help`. */
#include <stdio.h>

#include "help.h"

static const char *const cli_common_help =
    "Key (one of):\n"
    "  --seed S        the key jax.random.key(S) (S an integer; without --x64\n"
    "                  it wraps to 32 bits as in JAX: key (0, S mod 2^32))\n"
    "  --key K0,K1     a key given by its two uint32 words, as printed by\n"
    "                  'jaxrandom key' or 'jaxrandom split'\n"
    "JAX settings:\n"
    "  --legacy        jax_threefry_partitionable=False (JAX < 0.5 streams)\n"
    "  --partitionable jax_threefry_partitionable=True (the default)\n"
    "  --jax VERSION   the behaviour of that JAX release (e.g. 0.4.31: legacy\n"
    "                  streams before 0.5.0 unless --partitionable is given)\n"
    "  --xla-log1p V   float64 log1p of XLA: 2024 (default, every release\n"
    "                  checked) or 2026-08 (XLA 7853755041)\n"
    "  --x64           jax_enable_x64=True: 64-bit seeds, float64 default\n"
    "                  dtype, uint64 bits; without it float64 requests become\n"
    "                  float32 and uint64 becomes uint32 (with a note)\n"
    "Output:\n"
    "  --out FILE      write FILE; the format comes from the extension\n"
    "                  (.npy NumPy, .csv text, .bin raw little-endian) or\n"
    "                  --format. Without --out a table goes to stdout;\n"
    "                  '--out - --format npy' writes .npy to stdout (pipes).\n"
    "                  Files appear only when complete (written under a\n"
    "                  temporary name, then renamed); an existing file is\n"
    "                  kept unless --force.\n"
    "  --format F      npy, csv, bin or table\n"
    "  --force         replace an existing output file\n"
    "  --quiet         no progress bar (shown on a terminal for jobs > 1 s)\n"
    "  --threads N     worker threads (0 = all cores, the default); the\n"
    "                  numbers never depend on it\n"
    "  --help          this text\n"
    "Exit status: 0 success, 2 bad usage or input, 1 runtime failure (I/O\n"
    "error, disk full, out of memory).\n";

void cli_print_main_help(FILE *f) {
  fprintf(
      f,
      "jaxrandom %s -- jax.random from the command line, bit-exact with JAX "
      "on CPU\n\n"
      "Usage: jaxrandom SUBCOMMAND [OPTIONS]\n"
      "       jaxrandom SUBCOMMAND --help\n"
      "       jaxrandom --version\n\n"
      "Subcommands (named after jax.random):\n"
      "  key                   jax.random.key(seed): the two key words\n"
      "  split                 jax.random.split(key, num | shape)\n"
      "  fold-in               jax.random.fold_in(key, data)\n"
      "  bits                  jax.random.bits(key, shape, uint8..uint64)\n"
      "  uniform               jax.random.uniform(key, shape, dtype, minval, "
      "maxval)\n"
      "  normal                jax.random.normal(key, shape, dtype)\n"
      "  multivariate-normal   jax.random.multivariate_normal(key, mean, cov, "
      "shape,\n"
      "                        dtype, method)  (alias multivariate_normal)\n"
      "  demo                  sample a built-in 3-D example and compare the "
      "sample\n"
      "                        mean and covariance with the requested ones\n"
      "                        (--plot F.svg: and draw them)\n"
      "  logpdf                jax.scipy.stats.multivariate_normal.logpdf(x, "
      "mean, cov)\n"
      "                        (--pdf: pdf)\n"
      "  describe-cov          what a covariance's factorization tells: "
      "Cholesky\n"
      "                        pivot, rank, eigenvalues, log det, entropy\n\n"
      "Examples:\n"
      "  jaxrandom key --seed 42\n"
      "  jaxrandom split --seed 0 --num 3\n"
      "  jaxrandom uniform --seed 0 --shape 2,5 --minval -3 --maxval 5\n"
      "  jaxrandom normal --seed 1 --shape 1000000 --dtype float16 --out "
      "z.npy\n"
      "  jaxrandom multivariate-normal --seed 0 --mean '[1, 2, 3]' \\\n"
      "      --cov '[[2, 0.5, 0], [0.5, 1, 0.2], [0, 0.2, 0.5]]' \\\n"
      "      --shape 100000 --out samples.npy\n"
      "  jaxrandom demo --plot demo.svg\n\n"
      "Output is streamed in blocks: any size runs in bounded memory.\n"
      "See docs/cli.md for details.\n",
      JR_VERSION_STRING);
}

void cli_print_cmd_help(FILE *f, cli_cmd cmd) {
  switch (cmd) {
  case CMD_KEY:
    fprintf(f,
            "Usage: jaxrandom key (--seed S | --key K0,K1) [--x64] [output "
            "options]\n\n"
            "Prints the key jax.random.key(S) / PRNGKey(S) as its two uint32 "
            "words\n"
            "K0,K1 (the form --key accepts). Without --x64 the seed wraps to "
            "32\n"
            "bits, key (0, S mod 2^32); with --x64 the key is (S >> 32, S & "
            "0xFFFFFFFF)\n"
            "of the 64-bit two's complement.\n\n"
            "Examples:\n"
            "  jaxrandom key --seed 42            # 0,42\n"
            "  jaxrandom key --seed -1 --x64      # 4294967295,4294967295\n\n");
    break;
  case CMD_SPLIT:
    fprintf(f,
            "Usage: jaxrandom split (--seed S | --key K0,K1) [--num N | "
            "--shape SHAPE]\n"
            "                       [--legacy] [output options]\n\n"
            "jax.random.split(key, num): N new keys (default 2), one 'K0,K1' "
            "line each;\n"
            "with --shape, keys of that shape. Files hold uint32 of shape "
            "(N, 2) or\n"
            "SHAPE + (2,), like jax.random.key_data(split(...)).\n\n"
            "Examples:\n"
            "  jaxrandom split --seed 0                 # two keys\n"
            "  jaxrandom split --seed 0 --num 1000 --out keys.npy\n"
            "  jaxrandom split --key 1797259609,2579123966 --shape 2,3\n\n");
    break;
  case CMD_FOLD_IN:
    fprintf(f,
            "Usage: jaxrandom fold-in (--seed S | --key K0,K1) --data D "
            "[output options]\n\n"
            "jax.random.fold_in(key, D): a new key from key and the integer "
            "D\n"
            "(taken mod 2^32 as JAX does). The same in both threefry modes.\n\n"
            "Examples:\n"
            "  jaxrandom fold-in --seed 0 --data 4\n"
            "  jaxrandom fold-in --key 0,42 --data 7 --out k.npy\n\n");
    break;
  case CMD_BITS:
    fprintf(
        f, "Usage: jaxrandom bits (--seed S | --key K0,K1) [--shape SHAPE] "
           "[--width W |\n"
           "                      --dtype uintW] [--legacy] [--x64] [output "
           "options]\n\n"
           "jax.random.bits(key, shape, dtype): uniformly random unsigned "
           "integers of\n"
           "W = 8, 16, 32 or 64 bits. The default is 32 (64 with --x64), "
           "JAX's\n"
           "jnp.uint. As in JAX, 64 bits without --x64 gives 32-bit values "
           "(and a note).\n"
           "SHAPE is e.g. 1000,3 or '' for a scalar (the default).\n\n"
           "Examples:\n"
           "  jaxrandom bits --seed 0 --shape 8\n"
           "  jaxrandom bits --seed 0 --shape 1000,3 --width 8 --out b.npy\n"
           "  jaxrandom bits --seed 7 --shape 4 --width 64 --x64 --legacy\n\n");
    break;
  case CMD_UNIFORM:
    fprintf(f,
            "Usage: jaxrandom uniform (--seed S | --key K0,K1) [--shape "
            "SHAPE] [--dtype D]\n"
            "                         [--minval A] [--maxval B] [--legacy] "
            "[--x64] [output options]\n\n"
            "jax.random.uniform: values in [A, B) (default [0, 1)) of dtype "
            "float16,\n"
            "bfloat16, float32 (default) or float64 (needs --x64, else "
            "float32 with a\n"
            "note). A and B are rounded to the dtype first, as in JAX.\n\n"
            "Examples:\n"
            "  jaxrandom uniform --seed 0 --shape 8\n"
            "  jaxrandom uniform --seed 0 --shape 2,5 --minval -3 --maxval 5\n"
            "  jaxrandom uniform --seed 1 --shape 10000000 --dtype bfloat16 "
            "--out u.bin\n\n");
    break;
  case CMD_NORMAL:
    fprintf(f,
            "Usage: jaxrandom normal (--seed S | --key K0,K1) [--shape SHAPE] "
            "[--dtype D]\n"
            "                        [--legacy] [--x64] [output options]\n\n"
            "jax.random.normal: standard normal values, bit-exact with "
            "XLA:CPU, of dtype\n"
            "float16, bfloat16, float32 (default) or float64 (with --x64).\n\n"
            "Examples:\n"
            "  jaxrandom normal --seed 0 --shape 5\n"
            "  jaxrandom normal --seed 0 --shape 1000000,3 --out z.npy\n"
            "  jaxrandom normal --seed 1193674498 --shape 5 --legacy\n\n");
    break;
  case CMD_MVN:
    fprintf(
        f,
        "Usage: jaxrandom multivariate-normal (--seed S | --key K0,K1) --mean "
        "M\n"
        "           (--cov C | --scale-tril L | --precision P | --diag V)\n"
        "           [--shape SHAPE] [--dtype D] [--method "
        "cholesky|eigh|svd]\n"
        "           [--check-valid ignore|warn|raise] [--tol T] [--rows A:B]\n"
        "           [--plot F.svg] [--legacy] [--x64] [output options]\n"
        "       jaxrandom multivariate-normal --example [--seed S] [...]\n\n"
        "jax.random.multivariate_normal(key, mean, cov, shape, dtype, "
        "method).\n"
        "  --mean M, --cov C  each a .npy file (any batch shape; "
        "float16/32/64,\n"
        "                 integer or bool; big-endian and Fortran order are\n"
        "                 converted), a .csv file (a matrix; for --mean one "
        "row\n"
        "                 or one column is a vector) or an inline literal "
        "such\n"
        "                 as '[1, 2]' or '[[2,0.5],[0.5,1]]'. mean is (..., "
        "n),\n"
        "                 cov is (..., n, n); batch dimensions broadcast.\n"
        "  --scale-tril L, --precision P, --diag V  instead of --cov (inputs\n"
        "                 as --cov's; V is (..., n)): samples mean + F z with\n"
        "                 F = tril(L) (the cholesky path's bytes when L is "
        "its\n"
        "                 factor), L_P^-T for L_P = cholesky(P), or\n"
        "                 diag(sqrt(V)). --check-valid raise refuses a\n"
        "                 non-positive diagonal of L, a P that is not\n"
        "                 symmetric positive definite, a negative variance;\n"
        "                 ignore gives NaN there. No --method.\n"
        "  --shape SHAPE  the batch shape (JAX's shape argument); default:\n"
        "                 the broadcast of the batch shapes of mean and cov\n"
        "  --dtype D      result dtype request (default: that of mean/cov "
        "after\n"
        "                 JAX's promotion; integers become float32, or "
        "float64\n"
        "                 with --x64; float64 needs --x64)\n"
        "  --method       cholesky (default), eigh or svd\n"
        "  --check-valid  ignore (JAX: NaN samples where the factorization\n"
        "                 fails), warn, or raise (exit 2 on a non-finite, "
        "non-\n"
        "                 symmetric or non-PSD covariance); --tol T its\n"
        "                 relative tolerance (default 1e-8)\n"
        "  --rows A:B     only rows A..B-1 of the flattened batch, shape\n"
        "                 (B-A, n): the same bytes as that slice of the full\n"
        "                 output, so slices computed anywhere concatenate to "
        "it\n"
        "  --example      the built-in 3-D example (same as 'jaxrandom "
        "demo')\n"
        "  --plot F.svg   also draw the samples to F.svg (n >= 2, one "
        "distribution:\n"
        "                 mean (n,), cov (n, n)): pairwise panels for n <= "
        "4, else\n"
        "                 x0 against x1; the first 5000 rows drawn, the "
        "requested\n"
        "                 1/2/3-sigma ellipses and the sample covariance's "
        "2-sigma\n"
        "                 ellipse over all rows (with --rows: the rows "
        "written).\n"
        "                 Without --out only the picture is written.\n\n"
        "Examples:\n"
        "  jaxrandom multivariate-normal --seed 0 --mean '[1, 2, 3]' \\\n"
        "      --cov '[[2, 0.5, 0], [0.5, 1, 0.2], [0, 0.2, 0.5]]' "
        "--shape 100000 \\\n"
        "      --out samples.npy\n"
        "  jaxrandom multivariate-normal --seed 0 --mean mean.npy --cov "
        "cov.npy \\\n"
        "      --shape 1000000000 --out big.npy        # streams, bounded "
        "memory\n"
        "  jaxrandom multivariate-normal --seed 0 --mean m.csv --cov c.csv "
        "--shape 10 \\\n"
        "      --rows 2:5 --format csv --out -\n"
        "  jaxrandom multivariate-normal --seed 0 --mean '[0, 1]' \\\n"
        "      --cov '[[1, 0.8], [0.8, 2]]' --shape 100000 --plot mvn.svg\n\n");
    break;
  case CMD_DEMO:
    fprintf(f,
            "Usage: jaxrandom demo [--seed S | --key K0,K1] [--shape SHAPE] "
            "[--dtype D]\n"
            "                     [--method M] [--legacy] [--x64] [--out "
            "FILE] [--plot F.svg]\n\n"
            "Samples the built-in example -- mean [1, -2, 0.5], covariance\n"
            "[[2, 0.6, -0.4], [0.6, 1, 0.3], [-0.4, 0.3, 1.5]], 100000 "
            "samples, seed 0 --\n"
            "(examples/mvn3d.c's distribution) and prints the requested mean "
            "and\n"
            "covariance next to the sample ones. With --out the samples are "
            "written\n"
            "too; with --plot F.svg a picture of them: a panel per pair of "
            "coordinates\n"
            "with the first 5000 samples, the requested covariance's 1-, 2- "
            "and\n"
            "3-sigma ellipses and the sample covariance's 2-sigma ellipse.\n\n"
            "Examples:\n"
            "  jaxrandom demo\n"
            "  jaxrandom demo --plot demo.svg\n"
            "  jaxrandom demo --seed 3 --shape 1000000 --out demo.npy\n\n");
    break;
  case CMD_LOGPDF:
    fprintf(
        f,
        "Usage: jaxrandom logpdf --x X --mean M (--cov C | --scale-tril L "
        "|\n"
        "           --precision P | --diag V) [--pdf]\n"
        "           [--check-valid ignore|warn|raise] [--x64] [output "
        "options]\n\n"
        "jax.scipy.stats.multivariate_normal.logpdf(x, mean, cov), or pdf "
        "with --pdf.\n"
        "  --x X, --mean M, --cov C  .npy, .csv or literals as for\n"
        "                 multivariate-normal. JAX's three cases: a scalar "
        "mean\n"
        "                 (elementwise, any cov shape), a scalar cov "
        "(isotropic),\n"
        "                 or cov (..., n, n) with n = mean.shape[-1]; x - "
        "mean\n"
        "                 broadcast, and its batch with cov's. The result "
        "has the\n"
        "                 broadcast batch shape and the promoted dtype.\n"
        "                 A .npy x is read as it is written (bounded "
        "memory).\n"
        "  --scale-tril L, --precision P, --diag V  instead of --cov: a "
        "factor\n"
        "                 (its lower triangle; cov = L L^T), the inverse "
        "covariance\n"
        "                 (no inverse is formed), or the variances (..., "
        "n)\n"
        "  --pdf          exp(logpdf)\n"
        "  --check-valid  ignore (JAX: NaN where the Cholesky factorization\n"
        "                 fails), warn, or raise (exit 2)\n\n"
        "Examples:\n"
        "  jaxrandom logpdf --x samples.npy --mean '[1, 2, 3]' \\\n"
        "      --cov '[[2, 0.5, 0], [0.5, 1, 0.2], [0, 0.2, 0.5]]' --out "
        "lp.npy\n"
        "  jaxrandom logpdf --x '[0.5, 1]' --mean '[0, 0]' --cov '[[1, 0.5], "
        "[0.5, 1]]' --pdf\n\n");
    break;
  case CMD_DESCRIBE:
    fprintf(
        f,
        "Usage: jaxrandom describe-cov C [--method eigh|svd|cholesky] "
        "[--format json]\n"
        "           [--x64] [--out FILE]\n\n"
        "For each covariance of C (..., n, n): whether the Cholesky "
        "factorization\n"
        "succeeds (else the first pivot that is not > 0), the log "
        "determinant, the\n"
        "numerical rank and the extreme eigenvalues (eigh, the default) or "
        "singular\n"
        "values (svd), and the entropy of N(mean, C) in nats. C is a .npy "
        "or .csv\n"
        "file or a literal (also as --cov C). --format json: one object per\n"
        "covariance (a list for a batch); NaN and infinities are null.\n\n"
        "Examples:\n"
        "  jaxrandom describe-cov '[[2, 1], [1, 2]]'\n"
        "  jaxrandom describe-cov covs.npy --method svd --format json --out "
        "info.json\n\n");
    break;
  default: cli_print_main_help(f); return;
  }
  fputs(cli_common_help, f);
}

void cli_print_version(FILE *f) {
  fprintf(f, "jaxrandom %s (library %s, kernels %s)\n", JR_VERSION_STRING,
          jr_version_string(), jr_isa_name(jr_isa_active()));
}
