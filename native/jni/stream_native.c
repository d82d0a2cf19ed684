/* Glue for io.holdfast.internal.StreamNative. */
#include "jni_glue.h"

static jint read_start(JNIEnv *env, jclass cls, jlong loop, jlong token) {
  (void)env, (void)cls;
  return hf_stream_read_start(HF_LOOP(loop), (hf_token_t)token);
}

static jint read_stop(JNIEnv *env, jclass cls, jlong loop, jlong token) {
  (void)env, (void)cls;
  return hf_stream_read_stop(HF_LOOP(loop), (hf_token_t)token);
}

static jlong write_stream(JNIEnv *env, jclass cls, jlong loop, jlong token, jlong bufs, jint count,
                   jlong req) {
  (void)env, (void)cls;
  return hf_stream_write(HF_LOOP(loop), (hf_token_t)token, HF_PTR(bufs), count, (uint64_t)req);
}

static jlong try_write(JNIEnv *env, jclass cls, jlong loop, jlong token, jlong bufs, jint count) {
  (void)env, (void)cls;
  return hf_stream_try_write(HF_LOOP(loop), (hf_token_t)token, HF_PTR(bufs), count);
}

static jint shutdown_stream(JNIEnv *env, jclass cls, jlong loop, jlong token, jlong req) {
  (void)env, (void)cls;
  return hf_stream_shutdown(HF_LOOP(loop), (hf_token_t)token, (uint64_t)req);
}

static jlong write_queue_size(JNIEnv *env, jclass cls, jlong loop, jlong token) {
  (void)env, (void)cls;
  return hf_stream_write_queue_size(HF_LOOP(loop), (hf_token_t)token);
}

static jlong adopt(JNIEnv *env, jclass cls, jlong loop, jint fd) {
  (void)env, (void)cls;
  hf_token_t token;
  int rc = hf_stream_adopt(HF_LOOP(loop), fd, &token);
  return rc < 0 ? rc : (jlong)token;
}

int hf_jni_register_stream(JNIEnv *env) {
  static const JNINativeMethod methods[] = {
      {"readStart", "(JJ)I", (void *)read_start},
      {"readStop", "(JJ)I", (void *)read_stop},
      {"write", "(JJJIJ)J", (void *)write_stream},
      {"tryWrite", "(JJJI)J", (void *)try_write},
      {"shutdown", "(JJJ)I", (void *)shutdown_stream},
      {"writeQueueSize", "(JJ)J", (void *)write_queue_size},
      {"adopt", "(JI)J", (void *)adopt},
  };
  return hf_jni_register(env, HF_JNI_PKG "StreamNative", methods, sizeof methods / sizeof methods[0]);
}
