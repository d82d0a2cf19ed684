/* JNI_OnLoad: registers every native of every glue file; the only exported symbols. */
#include "jni_glue.h"

int hf_jni_register(JNIEnv *env, const char *class_name, const JNINativeMethod *methods,
                    int count) {
  jclass cls = (*env)->FindClass(env, class_name);
  if (cls == NULL) return -1;
  int rc = (*env)->RegisterNatives(env, cls, methods, count);
  (*env)->DeleteLocalRef(env, cls);
  return rc;
}

JNIEXPORT jint JNI_OnLoad(JavaVM *vm, void *reserved) {
  (void)reserved;
  JNIEnv *env;
  if ((*vm)->GetEnv(vm, (void **)&env, JNI_VERSION_1_8) != JNI_OK) return JNI_ERR;
  if (hf_jni_register_loop(env) || hf_jni_register_handle(env) || hf_jni_register_timer(env) ||
      hf_jni_register_tcp(env) || hf_jni_register_stream(env) || hf_jni_register_errors(env) ||
      hf_jni_register_memory(env) || hf_jni_register_udp(env))
    return JNI_ERR;
  return JNI_VERSION_1_8;
}

JNIEXPORT void JNI_OnUnload(JavaVM *vm, void *reserved) {
  (void)vm;
  (void)reserved;
}
