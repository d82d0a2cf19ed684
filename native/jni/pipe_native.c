/* Glue for io.holdfast.internal.PipeNative. */
#include "jni_glue.h"

#include <string.h>

static jlong bind_pipe(JNIEnv *env, jclass cls, jlong loop, jlong addr, jint len, jint flags) {
  (void)env, (void)cls;
  hf_token_t token;
  int rc = hf_pipe_bind(HF_LOOP(loop), HF_PTR(addr), (socklen_t)len, flags, &token);
  return rc < 0 ? rc : (jlong)token;
}

static jint listen_pipe(JNIEnv *env, jclass cls, jlong loop, jlong token, jint backlog) {
  (void)env, (void)cls;
  return hf_pipe_listen(HF_LOOP(loop), (hf_token_t)token, backlog);
}

static jlong connect_pipe(JNIEnv *env, jclass cls, jlong loop, jlong addr, jint len, jlong req) {
  (void)env, (void)cls;
  hf_token_t token;
  int rc = hf_pipe_connect(HF_LOOP(loop), HF_PTR(addr), (socklen_t)len, (uint64_t)req, &token);
  return rc < 0 ? rc : (jlong)token;
}

static jint pair(JNIEnv *env, jclass cls, jlong loop, jlong out) {
  (void)env, (void)cls;
  hf_token_t tokens[2];
  int rc = hf_pipe_pair(HF_LOOP(loop), tokens);
  if (rc == 0) memcpy(HF_PTR(out), tokens, sizeof tokens);
  return rc;
}

static jlong open_pipe(JNIEnv *env, jclass cls, jlong loop, jint fd) {
  (void)env, (void)cls;
  hf_token_t token;
  int rc = hf_pipe_open(HF_LOOP(loop), fd, &token);
  return rc < 0 ? rc : (jlong)token;
}

static jint peer_credentials(JNIEnv *env, jclass cls, jlong loop, jlong token, jlong out) {
  (void)env, (void)cls;
  return hf_pipe_peer_credentials(HF_LOOP(loop), (hf_token_t)token, HF_PTR(out));
}

static jint is_socket(JNIEnv *env, jclass cls, jlong loop, jlong token) {
  (void)env, (void)cls;
  return hf_pipe_is_socket(HF_LOOP(loop), (hf_token_t)token);
}

static jlong write_handle(JNIEnv *env, jclass cls, jlong loop, jlong token, jint fd, jlong req) {
  (void)env, (void)cls;
  return hf_pipe_write_handle(HF_LOOP(loop), (hf_token_t)token, fd, (uint64_t)req);
}

static jint address(JNIEnv *env, jclass cls, jlong loop, jlong token, jboolean peer, jlong out,
                    jint capacity) {
  (void)env, (void)cls;
  return hf_socket_address(HF_LOOP(loop), (hf_token_t)token, peer, HF_PTR(out),
                           (socklen_t)capacity);
}

static jint fd_owned(JNIEnv *env, jclass cls, jint fd) {
  (void)env, (void)cls;
  return hf_fd_owned(fd);
}

int hf_jni_register_pipe(JNIEnv *env) {
  static const JNINativeMethod methods[] = {
      {"bind", "(JJII)J", (void *)bind_pipe},
      {"listen", "(JJI)I", (void *)listen_pipe},
      {"connect", "(JJIJ)J", (void *)connect_pipe},
      {"pair", "(JJ)I", (void *)pair},
      {"open", "(JI)J", (void *)open_pipe},
      {"peerCredentials", "(JJJ)I", (void *)peer_credentials},
      {"isSocket", "(JJ)I", (void *)is_socket},
      {"writeHandle", "(JJIJ)J", (void *)write_handle},
      {"address", "(JJZJI)I", (void *)address},
      {"fdOwned", "(I)I", (void *)fd_owned},
  };
  return hf_jni_register(env, HF_JNI_PKG "PipeNative", methods, sizeof methods / sizeof methods[0]);
}
