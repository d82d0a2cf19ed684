/* Writing to a peer that is gone fails through the completion (EPIPE/ECONNRESET), no SIGPIPE. */
#include "hf_test.h"

static char big[1 << 16];

static int is_gone(int result) { return result == HF_EPIPE || result == HF_ECONNRESET; }

static hf_token_t connect_pair(hf_loop_t *loop, hf_token_t listener, uint16_t port, int *peer) {
  *peer = hft_plain_connect(port);
  hf_event_t ev = hft_wait_for(loop, listener, HF_EV_ACCEPT, 2000);
  ASSERT_EQ(ev.result, 0);
  return ev.aux;
}

int main(void) {
  hft_watchdog(20);
  signal(SIGPIPE, SIG_DFL); /* a SIGPIPE would kill the test */
  int fds0 = hft_fd_count();
  hf_loop_t *loop = hft_loop(64, 65536);
  uint16_t port;
  hf_token_t listener = hft_listen(loop, &port);
  int peer;

  /* Immediate path: nothing queued, each write goes straight to the kernel. */
  hf_token_t t = connect_pair(loop, listener, port, &peer);
  hft_close_reset(peer);
  hft_sleep_ms(10);
  int failed = 0;
  for (uint64_t req = 0; req < 100 && !failed; req++) {
    hf_buf_t buf = {"ping", 4};
    ASSERT(hf_stream_write(loop, t, &buf, 1, req) >= 0);
    hf_event_t ev = hft_wait_for(loop, t, HF_EV_WRITE, 1000);
    ASSERT_EQ(ev.aux, req);
    if (ev.result != 0) {
      ASSERT(is_gone(ev.result));
      failed = 1;
    }
  }
  ASSERT(failed);
  for (int i = 0; i < 3; i++) { /* and again: still an error, still no signal */
    hf_buf_t buf = {"ping", 4};
    ASSERT(hf_stream_write(loop, t, &buf, 1, 1000) >= 0);
    ASSERT(is_gone(hft_wait_for(loop, t, HF_EV_WRITE, 1000).result));
  }
  ASSERT_OK(hf_close(loop, t, 0));

  /* Queued path: the peer does not read, the queue backs up, then the peer resets. */
  t = connect_pair(loop, listener, port, &peer);
  ASSERT_OK(hf_socket_set_buffer(loop, t, 0, 16384));
  int queued = 0;
  while (queued < 4096 && hf_stream_write_queue_size(loop, t) == 0) {
    hf_buf_t buf = {big, sizeof big};
    ASSERT(hf_stream_write(loop, t, &buf, 1, (uint64_t)queued++) >= 0);
  }
  ASSERT(hf_stream_write_queue_size(loop, t) > 0);
  for (int i = 0; i < 4; i++, queued++) {
    hf_buf_t buf = {big, sizeof big};
    ASSERT(hf_stream_write(loop, t, &buf, 1, (uint64_t)queued) > 0);
  }
  hft_close_reset(peer);
  int next = 0, errors = 0;
  uint64_t start = hft_now_ms();
  while (next < queued && hft_now_ms() - start < 3000) {
    int n = hf_loop_poll(loop, 10);
    ASSERT(n >= 0);
    for (int i = 0; i < n; i++) {
      hf_event_t *e = &hf_loop_events(loop)[i];
      if (e->token == listener) continue;
      ASSERT_EQ(e->token, t);
      ASSERT_EQ(e->kind, HF_EV_WRITE);
      ASSERT_EQ(e->aux, (uint64_t)next++); /* each once, in order */
      if (e->result == 0) continue;
      ASSERT(is_gone(e->result));
      errors++;
    }
  }
  ASSERT_EQ(next, queued);
  ASSERT(errors >= 4); /* at least the writes still queued at the reset failed */
  ASSERT_EQ(hf_stream_write_queue_size(loop, t), 0);
  ASSERT_OK(hf_close(loop, t, 0));
  hf_loop_close(loop);
  ASSERT_EQ(hft_fd_count(), fds0);
  return 0;
}
