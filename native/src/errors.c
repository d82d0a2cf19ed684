/* Error names and descriptions, generated from the one list in holdfast.h. */
#include "internal.h"

#include <errno.h>
#include <string.h>

HF__EXPORT const char *hf_err_name(int code) {
  switch (code) {
#define HF__NAME_CASE(name) \
  case -name:               \
    return #name;
    HF_ERRNO_MAP(HF__NAME_CASE)
#undef HF__NAME_CASE
#define HF__OWN_NAME_CASE(name, value, text) \
  case value:                                \
    return #name;
    HF_OWN_ERR_MAP(HF__OWN_NAME_CASE)
#undef HF__OWN_NAME_CASE
    case 0:
      return "OK";
    default:
      return "UNKNOWN";
  }
}

HF__EXPORT const char *hf_strerror(int code) {
  switch (code) {
#define HF__OWN_TEXT_CASE(name, value, text) \
  case value:                                \
    return text;
    HF_OWN_ERR_MAP(HF__OWN_TEXT_CASE)
#undef HF__OWN_TEXT_CASE
    default:
      return code < 0 && code > -4096 ? strerror(-code) : "unknown error";
  }
}

HF__EXPORT int hf_err_codes(int *out, int capacity) {
  static const int codes[] = {
#define HF__CODE(name) -name,
      HF_ERRNO_MAP(HF__CODE)
#undef HF__CODE
#define HF__OWN_CODE(name, value, text) value,
          HF_OWN_ERR_MAP(HF__OWN_CODE)
#undef HF__OWN_CODE
  };
  int n = (int)(sizeof codes / sizeof codes[0]);
  for (int i = 0; i < n && i < capacity; i++) out[i] = codes[i];
  return n;
}
