/* Every error code has a unique, known name; Holdfast's own codes lie outside the errno range. */
#include "hf_test.h"

int main(void) {
  int n = hf_err_codes(NULL, 0);
  ASSERT(n > 0);
  int *codes = calloc((size_t)n, sizeof(int));
  ASSERT(codes != NULL);
  ASSERT_EQ(hf_err_codes(codes, n), n);
  for (int i = 0; i < n; i++) {
    const char *name = hf_err_name(codes[i]);
    ASSERT(name != NULL && strcmp(name, "UNKNOWN") != 0 && strcmp(name, "OK") != 0);
    ASSERT(codes[i] < 0);
    ASSERT(hf_strerror(codes[i]) != NULL && hf_strerror(codes[i])[0] != '\0');
    for (int j = 0; j < i; j++) {
      ASSERT(codes[j] != codes[i]);
      ASSERT(strcmp(hf_err_name(codes[j]), name) != 0);
    }
  }
  /* Spot checks: names match the errno names, own codes are listed. */
  ASSERT(strcmp(hf_err_name(-ECONNREFUSED), "ECONNREFUSED") == 0);
  ASSERT(strcmp(hf_err_name(HF_ECONNRESET), "ECONNRESET") == 0);
  ASSERT(strcmp(hf_err_name(HF_ESTALE), "HF_ESTALE") == 0);
  ASSERT(strcmp(hf_err_name(HF_EOF), "HF_EOF") == 0);
  ASSERT(strcmp(hf_err_name(0), "OK") == 0);
  ASSERT(strcmp(hf_err_name(-123456), "UNKNOWN") == 0);
  int own[] = {HF_ESTALE, HF_EOF, HF_EWRONGTYPE, HF_EBUSYSTATE};
  for (size_t i = 0; i < sizeof own / sizeof own[0]; i++) {
    int listed = 0;
    for (int j = 0; j < n; j++) listed |= codes[j] == own[i];
    ASSERT(listed);
    ASSERT(own[i] < -4095); /* beyond every errno (Linux MAX_ERRNO is 4095) */
  }
  /* A short capacity copies only what fits and still returns the total. */
  int two[2] = {0, 0};
  ASSERT_EQ(hf_err_codes(two, 1), n);
  ASSERT(two[0] == codes[0] && two[1] == 0);
  free(codes);
  return 0;
}
