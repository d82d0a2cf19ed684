/* Every entry point answers HF_ESTALE for a closed token, before and after HF_EV_CLOSE. */
#include "hf_test.h"

static void assert_all_stale(hf_loop_t *loop, hf_token_t t) {
  static const char data[] = "x";
  hf_buf_t buf = {data, 1};
  struct sockaddr_in sa;
  ASSERT_EQ(hf_close(loop, t, 0), HF_ESTALE);
  ASSERT_EQ(hf_close(loop, t, 1), HF_ESTALE);
  ASSERT_EQ(hf_handle_type(loop, t), HF_ESTALE);
  ASSERT_EQ(hf_stream_read_start(loop, t), HF_ESTALE);
  ASSERT_EQ(hf_stream_read_stop(loop, t), HF_ESTALE);
  ASSERT_EQ(hf_stream_write(loop, t, &buf, 1, 7), HF_ESTALE);
  ASSERT_EQ(hf_stream_write(loop, t, NULL, -1, 7), HF_ESTALE); /* validated before arguments */
  ASSERT_EQ(hf_stream_try_write(loop, t, &buf, 1), HF_ESTALE);
  ASSERT_EQ(hf_stream_shutdown(loop, t, 8), HF_ESTALE);
  ASSERT_EQ(hf_stream_write_queue_size(loop, t), HF_ESTALE);
  ASSERT_EQ(hf_tcp_nodelay(loop, t, 1), HF_ESTALE);
  ASSERT_EQ(hf_tcp_keepalive(loop, t, 1, 10, 10, 3), HF_ESTALE);
  ASSERT_EQ(hf_tcp_listen(loop, t, 16), HF_ESTALE);
  ASSERT_EQ(hf_socket_set_buffer(loop, t, 0, 65536), HF_ESTALE);
  ASSERT_EQ(hf_socket_get_buffer(loop, t, 1), HF_ESTALE);
  ASSERT_EQ(hf_socket_address(loop, t, 0, (struct sockaddr *)&sa, sizeof sa), HF_ESTALE);
  ASSERT_EQ(hf_timer_start(loop, t, 10, 10), HF_ESTALE);
  ASSERT_EQ(hf_timer_stop(loop, t), HF_ESTALE);
}

static int in_snapshot(hf_loop_t *loop, hf_token_t t, int32_t *state) {
  hf_token_t tokens[16];
  int32_t types[16], states[16];
  int n = hf_loop_handles(loop, tokens, types, states, 16);
  ASSERT(n <= 16);
  for (int i = 0; i < n; i++)
    if (tokens[i] == t) return *state = states[i], 1;
  return 0;
}

int main(void) {
  hft_watchdog(10);
  int fds0 = hft_fd_count();
  hf_loop_t *loop = hft_loop(64, 65536);
  uint16_t port;
  hf_token_t listener = hft_listen(loop, &port);
  struct sockaddr_in sa = hft_addr4(port);
  hf_token_t stream, timer;
  ASSERT_OK(hf_tcp_connect(loop, HFT_SA(sa), 1, &stream));
  ASSERT_OK(hf_timer_open(loop, &timer));
  hf_event_t ev = hft_wait_for(loop, stream, HF_EV_CONNECT, 2000);
  ASSERT_EQ(ev.result, 0);
  ASSERT_OK(hf_stream_read_start(loop, stream));
  ASSERT_OK(hf_timer_start(loop, timer, 10000, 0));
  ASSERT_EQ(hf_handle_type(loop, stream), HF_TYPE_TCP_STREAM);
  ASSERT_EQ(hf_handle_type(loop, listener), HF_TYPE_TCP_LISTENER);
  ASSERT_EQ(hf_handle_type(loop, timer), HF_TYPE_TIMER);

  hf_token_t all[3] = {stream, listener, timer};
  int fds_open = hft_fd_count();
  for (int i = 0; i < 3; i++) {
    ASSERT_OK(hf_close(loop, all[i], i == 0));
    assert_all_stale(loop, all[i]); /* at once, before HF_EV_CLOSE */
    int32_t state;
    ASSERT(in_snapshot(loop, all[i], &state) && state == HF_STATE_CLOSING);
  }
  ASSERT_EQ(hft_fd_count(), fds_open - 2); /* both sockets are closed by hf_close itself */
  int closes = 0;
  uint64_t start = hft_now_ms();
  while (closes < 3 && hft_now_ms() - start < 2000) {
    int n = hf_loop_poll(loop, 10);
    for (int i = 0; i < n; i++) {
      hf_event_t *e = &hf_loop_events(loop)[i];
      if (e->kind == HF_EV_NONE) continue;
      ASSERT(e->kind == HF_EV_CLOSE || e->kind == HF_EV_ACCEPT);
      if (e->kind == HF_EV_ACCEPT) continue; /* queued before the listener closed */
      closes++;
      assert_all_stale(loop, e->token); /* while HF_EV_CLOSE is being dispatched */
    }
  }
  ASSERT_EQ(closes, 3);
  for (int round = 0; round < 2; round++) {
    for (int i = 0; i < 3; i++) assert_all_stale(loop, all[i]); /* after HF_EV_CLOSE */
    ASSERT(hf_loop_poll(loop, 0) >= 0);
  }
  /* Tokens that never existed are stale too. */
  assert_all_stale(loop, 0);
  assert_all_stale(loop, ((uint64_t)1 << 32) | 5000);
  assert_all_stale(loop, ((uint64_t)0x7fffffff << 32) | HF_TOKEN_SLOT(stream));
  hf_loop_close(loop);
  ASSERT_EQ(hft_fd_count(), fds0);
  return 0;
}
