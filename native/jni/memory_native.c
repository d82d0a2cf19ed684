/* Glue for io.holdfast.internal.MemoryNative: the address of a direct buffer (the one natives
 * taking an object, because Java 17 has no public way to read it). */
#include "jni_glue.h"

static jlong address(JNIEnv *env, jclass cls, jobject buffer) {
  (void)cls;
  return (jlong)(intptr_t)(*env)->GetDirectBufferAddress(env, buffer);
}

int hf_jni_register_memory(JNIEnv *env) {
  static const JNINativeMethod methods[] = {
      {"address", "(Ljava/nio/ByteBuffer;)J", (void *)address},
  };
  return hf_jni_register(env, HF_JNI_PKG "MemoryNative", methods, sizeof methods / sizeof methods[0]);
}
