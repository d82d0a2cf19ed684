/* Glue for io.holdfast.internal.ErrorsNative: the one error list, read by Java at start-up. */
#include "jni_glue.h"

#include <string.h>

static jint codes(JNIEnv *env, jclass cls, jlong out, jint capacity) {
  (void)env, (void)cls;
  return hf_err_codes(HF_PTR(out), capacity);
}

static jint copy_text(const char *text, jlong out, jint capacity) {
  jint len = (jint)strlen(text);
  if (len <= capacity) memcpy(HF_PTR(out), text, (size_t)len);
  return len;
}

static jint name(JNIEnv *env, jclass cls, jint code, jlong out, jint capacity) {
  (void)env, (void)cls;
  return copy_text(hf_err_name(code), out, capacity);
}

static jint description(JNIEnv *env, jclass cls, jint code, jlong out, jint capacity) {
  (void)env, (void)cls;
  return copy_text(hf_strerror(code), out, capacity);
}

int hf_jni_register_errors(JNIEnv *env) {
  static const JNINativeMethod methods[] = {
      {"codes", "(JI)I", (void *)codes},
      {"name", "(IJI)I", (void *)name},
      {"description", "(IJI)I", (void *)description},
  };
  return hf_jni_register(env, HF_JNI_PKG "ErrorsNative", methods, sizeof methods / sizeof methods[0]);
}
