/* Glue for io.holdfast.internal.UdpNative. */
#include "jni_glue.h"

static jlong open_udp(JNIEnv *env, jclass cls, jlong loop, jint flags) {
  (void)env, (void)cls;
  hf_token_t token;
  int rc = hf_udp_open(HF_LOOP(loop), flags, &token);
  return rc < 0 ? rc : (jlong)token;
}

static jint set_recv_size(JNIEnv *env, jclass cls, jlong loop, jlong token, jint size) {
  (void)env, (void)cls;
  return hf_udp_set_recv_size(HF_LOOP(loop), (hf_token_t)token, (uint32_t)size);
}

static jint bind_udp(JNIEnv *env, jclass cls, jlong loop, jlong token, jlong addr, jint len) {
  (void)env, (void)cls;
  return hf_udp_bind(HF_LOOP(loop), (hf_token_t)token, HF_PTR(addr), (socklen_t)len);
}

static jint connect_udp(JNIEnv *env, jclass cls, jlong loop, jlong token, jlong addr, jint len) {
  (void)env, (void)cls;
  return hf_udp_connect(HF_LOOP(loop), (hf_token_t)token, HF_PTR(addr), (socklen_t)len);
}

static jint disconnect_udp(JNIEnv *env, jclass cls, jlong loop, jlong token) {
  (void)env, (void)cls;
  return hf_udp_disconnect(HF_LOOP(loop), (hf_token_t)token);
}

static jint send_batch(JNIEnv *env, jclass cls, jlong loop, jlong token, jlong msgs, jint count,
                       jlong bufs, jint buf_count) {
  (void)env, (void)cls;
  return hf_udp_send_batch(HF_LOOP(loop), (hf_token_t)token, HF_PTR(msgs), count, HF_PTR(bufs),
                           buf_count);
}

static jint try_send(JNIEnv *env, jclass cls, jlong loop, jlong token, jlong bufs, jint count,
                     jlong addr, jint len) {
  (void)env, (void)cls;
  return hf_udp_try_send(HF_LOOP(loop), (hf_token_t)token, HF_PTR(bufs), count,
                         len > 0 ? HF_PTR(addr) : NULL, (socklen_t)len);
}

static jint recv_start(JNIEnv *env, jclass cls, jlong loop, jlong token) {
  (void)env, (void)cls;
  return hf_udp_recv_start(HF_LOOP(loop), (hf_token_t)token);
}

static jint recv_stop(JNIEnv *env, jclass cls, jlong loop, jlong token) {
  (void)env, (void)cls;
  return hf_udp_recv_stop(HF_LOOP(loop), (hf_token_t)token);
}

static jint set_option(JNIEnv *env, jclass cls, jlong loop, jlong token, jint option, jint value) {
  (void)env, (void)cls;
  return hf_udp_set_option(HF_LOOP(loop), (hf_token_t)token, option, value);
}

static jint get_option(JNIEnv *env, jclass cls, jlong loop, jlong token, jint option) {
  (void)env, (void)cls;
  return hf_udp_get_option(HF_LOOP(loop), (hf_token_t)token, option);
}

static jint membership(JNIEnv *env, jclass cls, jlong loop, jlong token, jlong group,
                       jint group_len, jlong source, jint source_len, jint ifindex,
                       jboolean join) {
  (void)env, (void)cls;
  return hf_udp_membership(HF_LOOP(loop), (hf_token_t)token, HF_PTR(group), (socklen_t)group_len,
                           source_len > 0 ? HF_PTR(source) : NULL, (socklen_t)source_len,
                           (uint32_t)ifindex, join);
}

static jint address(JNIEnv *env, jclass cls, jlong loop, jlong token, jboolean peer, jlong out,
                    jint capacity) {
  (void)env, (void)cls;
  return hf_udp_address(HF_LOOP(loop), (hf_token_t)token, peer, HF_PTR(out), (socklen_t)capacity);
}

int hf_jni_register_udp(JNIEnv *env) {
  static const JNINativeMethod methods[] = {
      {"open", "(JI)J", (void *)open_udp},
      {"setRecvSize", "(JJI)I", (void *)set_recv_size},
      {"bind", "(JJJI)I", (void *)bind_udp},
      {"connect", "(JJJI)I", (void *)connect_udp},
      {"disconnect", "(JJ)I", (void *)disconnect_udp},
      {"sendBatch", "(JJJIJI)I", (void *)send_batch},
      {"trySend", "(JJJIJI)I", (void *)try_send},
      {"recvStart", "(JJ)I", (void *)recv_start},
      {"recvStop", "(JJ)I", (void *)recv_stop},
      {"setOption", "(JJII)I", (void *)set_option},
      {"getOption", "(JJI)I", (void *)get_option},
      {"membership", "(JJJIJIIZ)I", (void *)membership},
      {"address", "(JJZJI)I", (void *)address},
  };
  return hf_jni_register(env, HF_JNI_PKG "UdpNative", methods, sizeof methods / sizeof methods[0]);
}
