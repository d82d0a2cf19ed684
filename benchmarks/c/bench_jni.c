/*
 * The JNI call-overhead baseline: one empty function, reached three ways from Java
 * (io.holdfast.bench.JniBenchmark): a JNI native registered with RegisterNatives, and the same
 * C symbol through JNA direct mapping and JNA interface mapping. Not part of libholdfast.
 */
#include <jni.h>

/* What JNA calls: no JNI types, nothing done. */
JNIEXPORT void hf_bench_empty(void) {}

/* What the JNI native calls: the same empty body behind the JNI calling convention. */
static void JNICALL empty_native(JNIEnv *env, jclass cls) {
  (void)env;
  (void)cls;
  hf_bench_empty();
}

JNIEXPORT jint JNI_OnLoad(JavaVM *vm, void *reserved) {
  (void)reserved;
  JNIEnv *env;
  if ((*vm)->GetEnv(vm, (void **)&env, JNI_VERSION_1_8) != JNI_OK) return JNI_ERR;
  jclass cls = (*env)->FindClass(env, "io/holdfast/bench/EmptyNative");
  if (cls == NULL) return JNI_ERR;
  static const JNINativeMethod methods[] = {
      {"empty", "()V", (void *)empty_native},
  };
  if ((*env)->RegisterNatives(env, cls, methods, 1) != 0) return JNI_ERR;
  return JNI_VERSION_1_8;
}
