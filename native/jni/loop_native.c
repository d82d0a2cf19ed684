/* Glue for io.holdfast.internal.LoopNative. */
#include "jni_glue.h"

#include <string.h>

static jlong create(JNIEnv *env, jclass cls, jlong events, jint capacity, jlong arena,
                    jint arena_size) {
  (void)env, (void)cls;
  hf_loop_t *loop;
  int rc = hf_loop_create(&loop, HF_PTR(events), (uint32_t)capacity, HF_PTR(arena),
                          (uint32_t)arena_size);
  return rc < 0 ? rc : (jlong)(intptr_t)loop;
}

static void close_loop(JNIEnv *env, jclass cls, jlong loop) {
  (void)env, (void)cls;
  hf_loop_close(HF_LOOP(loop));
}

static jint poll_loop(JNIEnv *env, jclass cls, jlong loop, jint timeout) {
  (void)env, (void)cls;
  return hf_loop_poll(HF_LOOP(loop), timeout);
}

static jint wake(JNIEnv *env, jclass cls, jlong loop) {
  (void)env, (void)cls;
  return hf_loop_wake(HF_LOOP(loop));
}

static jlong now(JNIEnv *env, jclass cls, jlong loop) {
  (void)env, (void)cls;
  return (jlong)hf_loop_now(HF_LOOP(loop));
}

static jint handle_count(JNIEnv *env, jclass cls, jlong loop) {
  (void)env, (void)cls;
  return (jint)hf_loop_handle_count(HF_LOOP(loop));
}

static jint handles(JNIEnv *env, jclass cls, jlong loop, jlong tokens, jlong types, jlong states,
                    jint capacity) {
  (void)env, (void)cls;
  return hf_loop_handles(HF_LOOP(loop), HF_PTR(tokens), HF_PTR(types), HF_PTR(states), capacity);
}

static jint backend_name(JNIEnv *env, jclass cls, jlong out, jint capacity) {
  (void)env, (void)cls;
  const char *name = hf_loop_backend(NULL);
  jint len = (jint)strlen(name);
  if (len <= capacity) memcpy(HF_PTR(out), name, (size_t)len);
  return len;
}

int hf_jni_register_loop(JNIEnv *env) {
  static const JNINativeMethod methods[] = {
      {"create", "(JIJI)J", (void *)create},
      {"close", "(J)V", (void *)close_loop},
      {"poll", "(JI)I", (void *)poll_loop},
      {"wake", "(J)I", (void *)wake},
      {"now", "(J)J", (void *)now},
      {"handleCount", "(J)I", (void *)handle_count},
      {"handles", "(JJJJI)I", (void *)handles},
      {"backendName", "(JI)I", (void *)backend_name},
  };
  return hf_jni_register(env, HF_JNI_PKG "LoopNative", methods, sizeof methods / sizeof methods[0]);
}
