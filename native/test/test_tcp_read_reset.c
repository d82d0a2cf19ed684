/* A peer's reset (SO_LINGER 0) arrives as one READ with HF_ECONNRESET; the handle stays open. */
#include "hf_test.h"

int main(void) {
  hft_watchdog(10);
  int fds0 = hft_fd_count();
  hf_loop_t *loop = hft_loop(64, 65536);
  uint16_t port;
  hf_token_t listener = hft_listen(loop, &port);
  for (int round = 0; round < 2; round++) {
    int peer = hft_plain_connect(port);
    hf_event_t ev = hft_wait_for(loop, listener, HF_EV_ACCEPT, 2000);
    ASSERT_EQ(ev.result, 0);
    hf_token_t t = ev.aux;
    /* Round 0 resets a stream already reading; round 1 starts reading after the reset. */
    if (round == 0) ASSERT_OK(hf_stream_read_start(loop, t));
    if (round == 0) ASSERT_EQ(hf_loop_poll(loop, 20), 0);
    hft_close_reset(peer);
    if (round == 1) ASSERT_OK(hf_stream_read_start(loop, t));
    int resets = 0;
    uint64_t start = hft_now_ms();
    while (hft_keep_polling(start, resets, 150)) {
      int n = hf_loop_poll(loop, 10);
      ASSERT(n >= 0);
      for (int i = 0; i < n; i++) {
        hf_event_t *e = &hf_loop_events(loop)[i];
        ASSERT_EQ(e->token, t);
        ASSERT_EQ(e->kind, HF_EV_READ);
        ASSERT_EQ(e->result, HF_ECONNRESET);
        resets++;
      }
    }
    ASSERT_EQ(resets, 1);
    ASSERT_EQ(hf_handle_type(loop, t), HF_TYPE_TCP_STREAM);
    ASSERT_OK(hf_close(loop, t, 0));
    ASSERT_EQ(hft_wait_for(loop, t, HF_EV_CLOSE, 1000).kind, HF_EV_CLOSE);
  }
  hf_loop_close(loop);
  ASSERT_EQ(hft_fd_count(), fds0);
  return 0;
}
