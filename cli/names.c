/* Case-insensitive extension tests (.npy, .NPY, .Csv all count). */
#include <string.h>

#include "names.h"

int cli_ends_with(const char *s, const char *suffix) {
  size_t n = strlen(s), k = strlen(suffix);
  if (n < k) return 0;
  for (size_t i = 0; i < k; i++) {
    char c = s[n - k + i];
    if (c >= 'A' && c <= 'Z') c = (char)(c + 32);
    if (c != suffix[i]) return 0;
  }
  return 1;
}
