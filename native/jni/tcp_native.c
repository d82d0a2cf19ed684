/* Glue for io.holdfast.internal.TcpNative. */
#include "jni_glue.h"

static jlong bind_tcp(JNIEnv *env, jclass cls, jlong loop, jlong addr, jint len, jint flags) {
  (void)env, (void)cls;
  hf_token_t token;
  int rc = hf_tcp_bind(HF_LOOP(loop), HF_PTR(addr), (socklen_t)len, flags, &token);
  return rc < 0 ? rc : (jlong)token;
}

static jint listen_tcp(JNIEnv *env, jclass cls, jlong loop, jlong token, jint backlog) {
  (void)env, (void)cls;
  return hf_tcp_listen(HF_LOOP(loop), (hf_token_t)token, backlog);
}

static jlong connect_tcp(JNIEnv *env, jclass cls, jlong loop, jlong addr, jint len, jlong req) {
  (void)env, (void)cls;
  hf_token_t token;
  int rc = hf_tcp_connect(HF_LOOP(loop), HF_PTR(addr), (socklen_t)len, (uint64_t)req, &token);
  return rc < 0 ? rc : (jlong)token;
}

static jint nodelay(JNIEnv *env, jclass cls, jlong loop, jlong token, jboolean enable) {
  (void)env, (void)cls;
  return hf_tcp_nodelay(HF_LOOP(loop), (hf_token_t)token, enable);
}

static jint keepalive(JNIEnv *env, jclass cls, jlong loop, jlong token, jboolean enable, jint idle,
                      jint interval, jint count) {
  (void)env, (void)cls;
  return hf_tcp_keepalive(HF_LOOP(loop), (hf_token_t)token, enable, idle, interval, count);
}

static jint set_buffer(JNIEnv *env, jclass cls, jlong loop, jlong token, jint which, jint size) {
  (void)env, (void)cls;
  return hf_socket_set_buffer(HF_LOOP(loop), (hf_token_t)token, which, size);
}

static jint get_buffer(JNIEnv *env, jclass cls, jlong loop, jlong token, jint which) {
  (void)env, (void)cls;
  return hf_socket_get_buffer(HF_LOOP(loop), (hf_token_t)token, which);
}

static jint address(JNIEnv *env, jclass cls, jlong loop, jlong token, jboolean peer, jlong out,
                    jint capacity) {
  (void)env, (void)cls;
  return hf_socket_address(HF_LOOP(loop), (hf_token_t)token, peer, HF_PTR(out),
                           (socklen_t)capacity);
}

int hf_jni_register_tcp(JNIEnv *env) {
  static const JNINativeMethod methods[] = {
      {"bind", "(JJII)J", (void *)bind_tcp},
      {"listen", "(JJI)I", (void *)listen_tcp},
      {"connect", "(JJIJ)J", (void *)connect_tcp},
      {"noDelay", "(JJZ)I", (void *)nodelay},
      {"keepAlive", "(JJZIII)I", (void *)keepalive},
      {"setBuffer", "(JJII)I", (void *)set_buffer},
      {"getBuffer", "(JJI)I", (void *)get_buffer},
      {"address", "(JJZJI)I", (void *)address},
  };
  return hf_jni_register(env, HF_JNI_PKG "TcpNative", methods, sizeof methods / sizeof methods[0]);
}
