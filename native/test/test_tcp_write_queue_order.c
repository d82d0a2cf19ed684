/* Closing a stream with a long write queue completes every write once, in order, then closes. */
#include "hf_test.h"

#define WRITES 10000
#define CHUNK 4096

static char data[CHUNK];

int main(void) {
  hft_watchdog(20);
  int fds0 = hft_fd_count();
  uint16_t port;
  int lfd = hft_plain_listen(&port);
  hf_loop_t *loop = hft_loop(64, 65536);
  struct sockaddr_in sa = hft_addr4(port);
  hf_token_t t;
  ASSERT_OK(hf_tcp_connect(loop, HFT_SA(sa), 0xc0, &t));
  ASSERT_OK(hf_socket_set_buffer(loop, t, 0, 16384));
  ASSERT_EQ(hft_wait_for(loop, t, HF_EV_CONNECT, 2000).result, 0);
  int peer = accept(lfd, NULL, NULL); /* never reads */
  ASSERT(peer >= 0);

  /* Queue the writes, letting the loop flush some of them now and then. */
  static uint8_t status[WRITES]; /* 0: outstanding, 1: done, 2: canceled */
  uint64_t expect = 0;
  int close_seen = 0;
  hf_event_t *evs = hf_loop_events(loop);
  for (int i = 0; i <= WRITES && !close_seen; i++) {
    if (i < WRITES) {
      hf_buf_t buf = {data, CHUNK};
      ASSERT(hf_stream_write(loop, t, &buf, 1, (uint64_t)i) >= 0);
      if (i % 1000 != 999) continue;
    } else {
      ASSERT(hf_stream_write_queue_size(loop, t) > 0); /* the peer's refusal to read shows */
      ASSERT_OK(hf_close(loop, t, 0));
    }
    uint64_t start = hft_now_ms();
    do {
      int n = hf_loop_poll(loop, i < WRITES ? 0 : 10);
      ASSERT(n >= 0);
      for (int k = 0; k < n; k++) {
        ASSERT_EQ(evs[k].token, t);
        ASSERT(!close_seen); /* nothing after HF_EV_CLOSE */
        if (evs[k].kind == HF_EV_CLOSE) {
          close_seen = 1;
          continue;
        }
        ASSERT_EQ(evs[k].kind, HF_EV_WRITE);
        ASSERT_EQ(evs[k].aux, expect); /* request order, none skipped or repeated */
        ASSERT(evs[k].result == 0 || evs[k].result == HF_ECANCELED);
        /* Once one write is canceled, every later one is too. */
        ASSERT(!(expect > 0 && status[expect - 1] == 2 && evs[k].result == 0));
        status[expect++] = evs[k].result == 0 ? 1 : 2;
      }
    } while (i == WRITES && !close_seen && hft_now_ms() - start < 5000);
  }
  ASSERT(close_seen);
  ASSERT_EQ(expect, WRITES);
  int done = 0;
  for (int i = 0; i < WRITES; i++) done += status[i] == 1;
  ASSERT(done > 0 && done < WRITES); /* some went to the kernel, the rest were canceled */
  for (int i = 0; i < 10; i++) ASSERT_EQ(hf_loop_poll(loop, 5), 0);
  ASSERT_EQ(hf_loop_handle_count(loop), 0);
  hf_loop_close(loop);
  close(peer);
  close(lfd);
  ASSERT_EQ(hft_fd_count(), fds0);
  return 0;
}
