/* Glue for io.holdfast.internal.TimerNative. */
#include "jni_glue.h"

static jlong open_timer(JNIEnv *env, jclass cls, jlong loop) {
  (void)env, (void)cls;
  hf_token_t token;
  int rc = hf_timer_open(HF_LOOP(loop), &token);
  return rc < 0 ? rc : (jlong)token;
}

static jint start(JNIEnv *env, jclass cls, jlong loop, jlong token, jlong timeout, jlong repeat) {
  (void)env, (void)cls;
  return hf_timer_start(HF_LOOP(loop), (hf_token_t)token, (uint64_t)timeout, (uint64_t)repeat);
}

static jint stop(JNIEnv *env, jclass cls, jlong loop, jlong token) {
  (void)env, (void)cls;
  return hf_timer_stop(HF_LOOP(loop), (hf_token_t)token);
}

int hf_jni_register_timer(JNIEnv *env) {
  static const JNINativeMethod methods[] = {
      {"open", "(J)J", (void *)open_timer},
      {"start", "(JJJJ)I", (void *)start},
      {"stop", "(JJ)I", (void *)stop},
  };
  return hf_jni_register(env, HF_JNI_PKG "TimerNative", methods, sizeof methods / sizeof methods[0]);
}
