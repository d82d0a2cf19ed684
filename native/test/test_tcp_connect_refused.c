/* A refused connect completes with HF_ECONNREFUSED; the handle stays open until hf_close. */
#include "hf_test.h"

int main(void) {
  hft_watchdog(10);
  int fds0 = hft_fd_count();
  /* A bound socket that does not listen holds the port: connecting to it is refused. */
  int holder = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  struct sockaddr_in sa = hft_addr4(0);
  socklen_t len = sizeof sa;
  ASSERT_OK(bind(holder, HFT_SA(sa)));
  ASSERT_OK(getsockname(holder, (struct sockaddr *)&sa, &len));

  hf_loop_t *loop = hft_loop(64, 65536);
  for (int round = 0; round < 3; round++) {
    hf_token_t t;
    ASSERT_OK(hf_tcp_connect(loop, HFT_SA(sa), 77, &t));
    static const char data[] = "queued before the refusal";
    hf_buf_t buf = {data, sizeof data};
    ASSERT(hf_stream_write(loop, t, &buf, 1, 78) >= 0);
    int connects = 0, writes = 0;
    uint64_t start = hft_now_ms();
    /* Collect everything for a while: each completion exactly once. */
    while (hft_keep_polling(start, connects && writes, 200)) {
      int n = hf_loop_poll(loop, 10);
      ASSERT(n >= 0);
      for (int i = 0; i < n; i++) {
        hf_event_t *e = &hf_loop_events(loop)[i];
        ASSERT_EQ(e->token, t);
        if (e->kind == HF_EV_CONNECT) {
          ASSERT_EQ(e->result, HF_ECONNREFUSED);
          ASSERT_EQ(e->aux, 77);
          connects++;
        } else {
          ASSERT_EQ(e->kind, HF_EV_WRITE); /* the queued write fails with the connect */
          ASSERT_EQ(e->result, HF_ECONNREFUSED);
          ASSERT_EQ(e->aux, 78);
          writes++;
        }
      }
    }
    ASSERT_EQ(connects, 1);
    ASSERT_EQ(writes, 1);
    /* Not closed behind the owner's back: the token is valid, the handle counted. */
    ASSERT_EQ(hf_handle_type(loop, t), HF_TYPE_TCP_STREAM);
    ASSERT_EQ(hf_loop_handle_count(loop), 1);
    ASSERT_EQ(hf_stream_write_queue_size(loop, t), 0);
    ASSERT_OK(hf_close(loop, t, 0));
    hf_event_t ev = hft_wait_for(loop, t, HF_EV_CLOSE, 1000);
    ASSERT_EQ(ev.kind, HF_EV_CLOSE);
    ASSERT_EQ(hf_handle_type(loop, t), HF_ESTALE);
  }
  hf_loop_close(loop);
  close(holder);
  ASSERT_EQ(hft_fd_count(), fds0);
  return 0;
}
