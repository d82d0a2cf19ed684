/* A socket pair: bytes cross both ways, the peer credentials are this process's, and closing one
 * end gives the other end EOF after the data written before the close. */
#include "hf_pipe_test.h"

static int read_into(hf_loop_t *loop, hf_token_t t, char *out, size_t cap, size_t *got) {
  hf_event_t ev = hft_wait_for(loop, t, HF_EV_READ, 2000);
  if (ev.result == HF_EOF) return 0;
  ASSERT(ev.result > 0);
  ASSERT(*got + ev.length <= cap);
  memcpy(out + *got, hf_loop_arena(loop) + ev.offset, ev.length);
  *got += ev.length;
  return 1;
}

int main(void) {
  hft_watchdog(20);
  signal(SIGPIPE, SIG_IGN);
  int fds0 = hft_fd_count();
  hf_loop_t *loop = hft_loop(64, 65536);
  int fds_loop = hft_fd_count();
  hf_token_t t[2];
  ASSERT_OK(hf_pipe_pair(loop, t));
  ASSERT_EQ(hf_handle_type(loop, t[0]), HF_TYPE_PIPE_STREAM);
  ASSERT_EQ(hf_handle_type(loop, t[1]), HF_TYPE_PIPE_STREAM);
  ASSERT_EQ(hft_fd_count(), fds_loop + 2);
  ASSERT_EQ(hf_pipe_is_socket(loop, t[0]), 1);

  /* Round trip: ping one way, pong back. */
  ASSERT_OK(hf_stream_read_start(loop, t[0]));
  ASSERT_OK(hf_stream_read_start(loop, t[1]));
  hf_buf_t ping = {"ping", 4}, pong = {"pong!", 5};
  ASSERT(hf_stream_write(loop, t[0], &ping, 1, 1) >= 0);
  char buf[64];
  size_t got = 0;
  while (got < 4) ASSERT(read_into(loop, t[1], buf, sizeof buf, &got));
  ASSERT(memcmp(buf, "ping", 4) == 0);
  ASSERT(hf_stream_write(loop, t[1], &pong, 1, 2) >= 0);
  got = 0;
  while (got < 5) ASSERT(read_into(loop, t[0], buf, sizeof buf, &got));
  ASSERT(memcmp(buf, "pong!", 5) == 0);
  ASSERT_EQ(hft_wait_for(loop, t[0], HF_EV_WRITE, 1000).result, 0);
  ASSERT_EQ(hft_wait_for(loop, t[1], HF_EV_WRITE, 1000).result, 0);

  /* Both ends were made by this process. */
  hf_peer_cred_t cred;
  ASSERT_OK(hf_pipe_peer_credentials(loop, t[0], &cred));
  ASSERT_EQ(cred.pid, getpid());
  ASSERT_EQ(cred.uid, getuid());
  ASSERT_EQ(cred.gid, getgid());

  /* Data written before a close arrives, then EOF. */
  hf_buf_t last = {"bye", 3};
  ASSERT(hf_stream_write(loop, t[1], &last, 1, 3) >= 0);
  ASSERT_OK(hf_close(loop, t[1], 0));
  got = 0;
  while (read_into(loop, t[0], buf, sizeof buf, &got)) {
  }
  ASSERT_EQ(got, 3);
  ASSERT(memcmp(buf, "bye", 3) == 0);
  ASSERT_EQ(hf_stream_read_start(loop, t[1]), HF_ESTALE);
  ASSERT_EQ(hf_pipe_peer_credentials(loop, t[1], &cred), HF_ESTALE);
  ASSERT_OK(hf_close(loop, t[0], 0));
  hft_wait_for(loop, t[0], HF_EV_CLOSE, 1000);
  ASSERT_EQ(hf_loop_handle_count(loop), 0);
  hf_loop_close(loop);
  ASSERT_EQ(hft_fd_count(), fds0);
  return 0;
}
