/* A peer's orderly close arrives as data then one HF_EOF; the stream stays open and writable. */
#include "hf_test.h"

int main(void) {
  hft_watchdog(10);
  int fds0 = hft_fd_count();
  hf_loop_t *loop = hft_loop(64, 65536);
  uint16_t port;
  hf_token_t listener = hft_listen(loop, &port);
  int peer = hft_plain_connect(port);
  hf_event_t ev = hft_wait_for(loop, listener, HF_EV_ACCEPT, 2000);
  ASSERT_EQ(ev.result, 0);
  hf_token_t t = ev.aux;
  ASSERT_OK(hf_stream_read_start(loop, t));
  ASSERT_EQ(write(peer, "abc", 3), 3);
  ASSERT_OK(shutdown(peer, SHUT_WR));

  char got[8];
  size_t got_len = 0;
  int eofs = 0;
  uint64_t start = hft_now_ms();
  /* Keep polling a while: HF_EOF comes once, nothing after it. */
  while (hft_keep_polling(start, eofs, 200)) {
    int n = hf_loop_poll(loop, 10);
    ASSERT(n >= 0);
    for (int i = 0; i < n; i++) {
      hf_event_t *e = &hf_loop_events(loop)[i];
      ASSERT_EQ(e->token, t);
      ASSERT_EQ(e->kind, HF_EV_READ);
      ASSERT_EQ(eofs, 0);
      if (e->result == HF_EOF) {
        eofs++;
        continue;
      }
      ASSERT(e->result > 0 && got_len + (size_t)e->result <= sizeof got);
      memcpy(got + got_len, hf_loop_arena(loop) + e->offset, (size_t)e->result);
      got_len += (size_t)e->result;
    }
  }
  ASSERT_EQ(eofs, 1);
  ASSERT_EQ(got_len, 3);
  ASSERT(memcmp(got, "abc", 3) == 0);

  /* Not closed behind the owner's back; reading again yields nothing more; writing still works. */
  ASSERT_EQ(hf_handle_type(loop, t), HF_TYPE_TCP_STREAM);
  ASSERT_OK(hf_stream_read_start(loop, t));
  for (int i = 0; i < 5; i++) ASSERT_EQ(hf_loop_poll(loop, 10), 0);
  hf_buf_t buf = {"xyz", 3};
  ASSERT(hf_stream_write(loop, t, &buf, 1, 5) >= 0);
  ev = hft_wait_for(loop, t, HF_EV_WRITE, 1000);
  ASSERT_EQ(ev.result, 0);
  ASSERT_EQ(ev.aux, 5);
  ASSERT_EQ(read(peer, got, sizeof got), 3);
  ASSERT(memcmp(got, "xyz", 3) == 0);
  ASSERT_OK(hf_close(loop, t, 0));
  ASSERT_EQ(read(peer, got, sizeof got), 0); /* our close reaches the peer as EOF */
  ASSERT_EQ(hft_wait_for(loop, t, HF_EV_CLOSE, 1000).kind, HF_EV_CLOSE);
  close(peer);
  hf_loop_close(loop);
  ASSERT_EQ(hft_fd_count(), fds0);
  return 0;
}
