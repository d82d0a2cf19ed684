/* Closing a socket with queued sends completes each once with HF_ECANCELED, in order, then closes;
 * nothing follows the close. (Loopback never pushes back, so a test hook holds the queue.) */
#include "hf_test.h"

extern int hf__test_udp_stall(hf_loop_t *loop, hf_token_t token, int on);

int main(void) {
  hft_watchdog(10);
  int fds0 = hft_fd_count();
  hf_loop_t *loop = hft_loop(64, 65536);
  static const char payload[] = "queued";
  struct sockaddr_in to = hft_addr4(9); /* never reached */
  for (int round = 0; round < 3; round++) {
    hf_token_t t;
    ASSERT_OK(hf_udp_open(loop, 0, &t));
    ASSERT_OK(hf__test_udp_stall(loop, t, 1));
    hf_buf_t buf = {payload, sizeof payload};
    for (int i = 0; i < 10; i++)
      ASSERT_EQ(hf_udp_send(loop, t, &buf, 1, HFT_SA(to), 100 + (uint64_t)i), i + 1);
    ASSERT_EQ(hf_udp_send_queue_count(loop, t), 10);
    ASSERT_EQ(hf_udp_send_queue_size(loop, t), 10 * (int64_t)sizeof payload);
    /* Nothing completes while the queue is held. */
    for (int i = 0; i < 3; i++) ASSERT_EQ(hf_loop_poll(loop, 5), 0);
    ASSERT_OK(hf_close(loop, t, 0));
    ASSERT_EQ(hf_udp_send(loop, t, &buf, 1, HFT_SA(to), 999), HF_ESTALE);
    int seen = 0;
    uint64_t start = hft_now_ms();
    while (hft_keep_polling(start, seen == 11, 100)) {
      int n = hf_loop_poll(loop, 10);
      ASSERT(n >= 0);
      for (int i = 0; i < n; i++) {
        hf_event_t *e = &hf_loop_events(loop)[i];
        ASSERT_EQ(e->token, t);
        ASSERT(seen < 11);
        if (seen < 10) {
          ASSERT_EQ(e->kind, HF_EV_SEND);
          ASSERT_EQ(e->result, HF_ECANCELED);
          ASSERT_EQ(e->aux, 100 + (uint64_t)seen);
          ASSERT_EQ(e->length, 9 - seen); /* still queued after this one */
        } else {
          ASSERT_EQ(e->kind, HF_EV_CLOSE);
        }
        seen++;
      }
    }
    ASSERT_EQ(seen, 11);
    ASSERT_EQ(hf_loop_handle_count(loop), 0);
  }
  hf_loop_close(loop);
  ASSERT_EQ(hft_fd_count(), fds0);
  return 0;
}
