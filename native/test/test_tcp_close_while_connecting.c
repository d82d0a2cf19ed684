/* Closing a stream whose connect is in progress cancels the connect exactly once, then closes. */
#include "hf_test.h"

int main(void) {
  hft_watchdog(10);
  int fds0 = hft_fd_count();
  uint16_t port;
  int lfd = hft_plain_listen(&port);
  struct sockaddr_in sa = hft_addr4(port);
  hf_loop_t *loop = hft_loop(64, 65536);
  static const char data[] = "never sent";
  for (int round = 0; round < 10; round++) {
    hf_token_t t;
    ASSERT_OK(hf_tcp_connect(loop, HFT_SA(sa), 500 + (uint64_t)round, &t));
    hf_buf_t buf = {data, sizeof data};
    ASSERT_EQ(hf_stream_write(loop, t, &buf, 1, 1000), (int64_t)sizeof data); /* queued */
    ASSERT_OK(hf_stream_shutdown(loop, t, 2000));
    ASSERT_OK(hf_close(loop, t, round % 2));
    /* Expected, in this order: CONNECT canceled, WRITE canceled, SHUTDOWN canceled, CLOSE. */
    static const uint32_t kinds[] = {HF_EV_CONNECT, HF_EV_WRITE, HF_EV_SHUTDOWN, HF_EV_CLOSE};
    uint64_t reqs[] = {500 + (uint64_t)round, 1000, 2000, 0};
    int seen = 0;
    uint64_t start = hft_now_ms();
    /* Keep polling a while: nothing may follow HF_EV_CLOSE. */
    while (hft_keep_polling(start, seen == 4, 100)) {
      int n = hf_loop_poll(loop, 10);
      ASSERT(n >= 0);
      for (int i = 0; i < n; i++) {
        hf_event_t *e = &hf_loop_events(loop)[i];
        ASSERT_EQ(e->token, t);
        ASSERT(seen < 4);
        ASSERT_EQ(e->kind, kinds[seen]);
        ASSERT_EQ(e->aux, reqs[seen]);
        ASSERT_EQ(e->result, seen < 3 ? HF_ECANCELED : 0);
        seen++;
      }
    }
    ASSERT_EQ(seen, 4);
    ASSERT_EQ(hf_loop_handle_count(loop), 0);
  }
  hf_loop_close(loop);
  close(lfd);
  ASSERT_EQ(hft_fd_count(), fds0);
  return 0;
}
