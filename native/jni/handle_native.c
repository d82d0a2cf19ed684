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

static jlong transfer(JNIEnv *env, jclass cls, jlong loop, jlong token) {
  (void)env, (void)cls;
  hf_token_t moved;
  int rc = hf_handle_transfer(HF_LOOP(loop), (hf_token_t)token, &moved);
  return rc < 0 ? rc : (jlong)moved;
}

static jint detach(JNIEnv *env, jclass cls, jlong loop, jlong token) {
  (void)env, (void)cls;
  int fd;
  int rc = hf_handle_detach(HF_LOOP(loop), (hf_token_t)token, &fd);
  return rc < 0 ? rc : fd;
}

static jint close_fd(JNIEnv *env, jclass cls, jint fd) {
  (void)env, (void)cls;
  return hf_fd_close(fd);
}

int hf_jni_register_handle(JNIEnv *env) {
  static const JNINativeMethod methods[] = {
      {"close", "(JJZ)I", (void *)close_handle},
      {"type", "(JJ)I", (void *)type},
      {"transfer", "(JJ)J", (void *)transfer},
      {"detach", "(JJ)I", (void *)detach},
      {"closeFd", "(I)I", (void *)close_fd},
  };
  return hf_jni_register(env, HF_JNI_PKG "HandleNative", methods, sizeof methods / sizeof methods[0]);
}
