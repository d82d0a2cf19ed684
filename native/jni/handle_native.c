/* Glue for io.holdfast.internal.HandleNative. */
#include "jni_glue.h"

static jint close_handle(JNIEnv *env, jclass cls, jlong loop, jlong token, jboolean abortive) {
  (void)env, (void)cls;
  return hf_close(HF_LOOP(loop), (hf_token_t)token, abortive);
}

static jint type(JNIEnv *env, jclass cls, jlong loop, jlong token) {
  (void)env, (void)cls;
  return hf_handle_type(HF_LOOP(loop), (hf_token_t)token);
}

int hf_jni_register_handle(JNIEnv *env) {
  static const JNINativeMethod methods[] = {
      {"close", "(JJZ)I", (void *)close_handle},
      {"type", "(JJ)I", (void *)type},
  };
  return hf_jni_register(env, HF_JNI_PKG "HandleNative", methods, sizeof methods / sizeof methods[0]);
}
