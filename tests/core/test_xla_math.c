/* All 3,200 XLA:CPU input/output pairs (tests/data/xla_cpu_math.txt, from
 * StableHLO's test data) bit for bit, for the library's scalar functions and
 * for the test suite's own model (model.h), which the exhaustive normal test
 * relies on. NaN matches any NaN. float16/bfloat16 erf_inv: the input is
 * widened to float32, erf_inv runs in float32, the result is rounded to the
 * 16-bit type. float64 log is the C library's log, as in XLA:CPU. */
#include <math.h>

#include "model.h"
#include "test_util.h"

static int same_bits(uint64_t got, uint64_t exp, int is_nan_exp) {
  return is_nan_exp ? 1 : got == exp;
}

int main(void) {
  tu_data d;
  long counts[8] = {0};
  static const char *fns[8] = {"erf_inv_f32",  "erf_inv_f64", "erf_inv_f16",
                               "erf_inv_bf16", "log_f32",     "log1p_f32",
                               "log_f64",      "log1p_f64"};
  if (!tu_data_open(&d, "xla_cpu_math.txt")) return tu_finish("test_xla_math");
  while (tu_data_next(&d)) {
    int f = -1;
    for (int i = 0; i < 8; i++)
      if (strcmp(d.tok[0], fns[i]) == 0) f = i;
    CHECK(f >= 0 && d.ntok == 3, "%s:%d: bad line", d.name, d.lineno);
    if (f < 0 || d.ntok != 3) continue;
    counts[f]++;
    uint64_t in = tu_parse_u64(&d, 1, 16), exp = tu_parse_u64(&d, 2, 16);
    uint64_t got = 0, model = 0;
    int got_nan = 0, model_nan = 0, exp_nan = 0;
    switch (f) {
    case 0:
    case 4:
    case 5: { /* float32 */
      float x = m_u2f((uint32_t)in);
      float g = f == 0   ? jr_erf_inv_f32(x)
                : f == 4 ? jr_log_f32(x)
                         : jr_log1p_f32(x);
      float m = f == 0   ? m_erf_inv_f32(x)
                : f == 4 ? m_log_f32(x)
                         : m_log1p_f32(x);
      got = m_f2u(g), model = m_f2u(m);
      got_nan = g != g, model_nan = m != m,
      exp_nan = isnan(m_u2f((uint32_t)exp));
      break;
    }
    case 1:
    case 6:
    case 7: { /* float64 */
      double x = m_u2d(in);
      double g = f == 1 ? jr_erf_inv_f64(x) : f == 6 ? log(x) : jr_log1p_f64(x);
      double m = f == 1 ? m_erf_inv_f64(x) : f == 6 ? log(x) : m_log1p_f64(x);
      got = m_d2u(g), model = m_d2u(m);
      got_nan = g != g, model_nan = m != m, exp_nan = isnan(m_u2d(exp));
      break;
    }
    case 2: { /* float16 through float32 */
      uint16_t g = jr_f32_to_f16(jr_erf_inv_f32(jr_f16_to_f32((uint16_t)in)));
      uint16_t m = m_to_f16(m_erf_inv_f32(m_from_f16((uint16_t)in)));
      got = g, model = m;
      got_nan = (g & 0x7FFF) > 0x7C00, model_nan = (m & 0x7FFF) > 0x7C00;
      exp_nan = (exp & 0x7FFF) > 0x7C00;
      break;
    }
    case 3: { /* bfloat16 through float32 */
      uint16_t g = jr_f32_to_bf16(jr_erf_inv_f32(jr_bf16_to_f32((uint16_t)in)));
      uint16_t m = m_to_bf16(m_erf_inv_f32(m_from_bf16((uint16_t)in)));
      got = g, model = m;
      got_nan = (g & 0x7FFF) > 0x7F80, model_nan = (m & 0x7FFF) > 0x7F80;
      exp_nan = (exp & 0x7FFF) > 0x7F80;
      break;
    }
    }
    CHECK(exp_nan ? got_nan : same_bits(got, exp, 0),
          "%s(%llx): library %llx, XLA:CPU %llx", fns[f],
          (unsigned long long)in, (unsigned long long)got,
          (unsigned long long)exp);
    CHECK(exp_nan ? model_nan : same_bits(model, exp, 0),
          "%s(%llx): test model %llx, XLA:CPU %llx", fns[f],
          (unsigned long long)in, (unsigned long long)model,
          (unsigned long long)exp);
  }
  tu_data_close(&d);
  for (int i = 0; i < 8; i++)
    CHECK(counts[i] == 400, "%s: %ld pairs, expected 400", fns[i], counts[i]);
  return tu_finish("test_xla_math");
}
