/* Shared declarations of the JNI glue: one register function per Java class with natives. */
#ifndef HF_JNI_GLUE_H
#define HF_JNI_GLUE_H

#include <jni.h>
#include <stdint.h>

#include "holdfast.h"

#define HF_JNI_PKG "io/holdfast/internal/"
#define HF_LOOP(ptr) ((hf_loop_t *)(intptr_t)(ptr))
#define HF_PTR(addr) ((void *)(intptr_t)(addr))

int hf_jni_register(JNIEnv *env, const char *class_name, const JNINativeMethod *methods, int count);

int hf_jni_register_loop(JNIEnv *env);
int hf_jni_register_handle(JNIEnv *env);
int hf_jni_register_timer(JNIEnv *env);
int hf_jni_register_tcp(JNIEnv *env);
int hf_jni_register_stream(JNIEnv *env);
int hf_jni_register_errors(JNIEnv *env);
int hf_jni_register_memory(JNIEnv *env);
int hf_jni_register_udp(JNIEnv *env);

#endif
