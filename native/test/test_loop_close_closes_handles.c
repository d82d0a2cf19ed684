/* hf_loop_close closes every live handle: all fds the loop opened are closed. */
#include "hf_test.h"

static char big[1 << 20];

int main(void) {
  hft_watchdog(20);
  int fds0 = hft_fd_count();
  for (int round = 0; round < 3; round++) {
    hf_loop_t *loop = hft_loop(64, 65536);
    uint16_t port;
    hf_token_t listener = hft_listen(loop, &port);
    struct sockaddr_in sa = hft_addr4(port);
    hf_token_t client[8], timer[4];
    for (int i = 0; i < 8; i++)
      ASSERT_OK(hf_tcp_connect(loop, HFT_SA(sa), (uint64_t)i, &client[i]));
    for (int i = 0; i < 4; i++) {
      ASSERT_OK(hf_timer_open(loop, &timer[i]));
      if (i % 2) ASSERT_OK(hf_timer_start(loop, timer[i], 1000, 1000));
    }
    /* Connect and accept all eight (the server side reads). */
    int connected = 0, accepted = 0;
    uint64_t start = hft_now_ms();
    while ((connected < 8 || accepted < 8) && hft_now_ms() - start < 2000) {
      int n = hf_loop_poll(loop, 10);
      for (int i = 0; i < n; i++) {
        hf_event_t *e = &hf_loop_events(loop)[i];
        if (e->kind == HF_EV_CONNECT) {
          ASSERT_EQ(e->result, 0);
          connected++;
        }
        if (e->kind == HF_EV_ACCEPT) {
          ASSERT_EQ(e->result, 0);
          accepted++;
          ASSERT_OK(hf_stream_read_start(loop, e->aux));
        }
      }
    }
    ASSERT_EQ(connected, 8);
    ASSERT_EQ(accepted, 8);
    /* Streams in every state: reading, with a write queue (the peer does not read), shut down,
     * closing (close called, HF_EV_CLOSE not delivered), and fresh connects still pending. */
    ASSERT_OK(hf_stream_read_start(loop, client[0]));
    hf_buf_t buf = {big, sizeof big};
    for (int i = 0; i < 16; i++)
      ASSERT(hf_stream_write(loop, client[1], &buf, 1, (uint64_t)i) >= 0);
    ASSERT(hf_stream_write_queue_size(loop, client[1]) > 0);
    ASSERT_OK(hf_stream_shutdown(loop, client[2], 99));
    ASSERT_OK(hf_close(loop, client[3], 0));
    ASSERT_OK(hf_close(loop, timer[0], 0));
    hf_token_t pending;
    ASSERT_OK(hf_tcp_connect(loop, HFT_SA(sa), 100, &pending));
    ASSERT(hf_loop_poll(loop, 0) >= 0);
    ASSERT(hf_loop_handle_count(loop) >= 1 + 8 + 8 + 4);
    ASSERT(hft_fd_count() > fds0 + 16);
    hf_loop_close(loop);
    ASSERT_EQ(hft_fd_count(), fds0);
    (void)listener;
  }
  return 0;
}
