/* Shutdown waits for queued writes: the peer reads every byte, then EOF; reading still works. */
#include "hf_test.h"

#define TOTAL (1 << 20)

typedef struct {
  hf_token_t t;
  int peer;
  uint8_t *data;
  size_t peer_got;
  int peer_eof, writes_done, shutdown_done, client_eof;
  char reply[8];
  size_t reply_len;
} state_t;

static int on_event(hf_loop_t *loop, const hf_event_t *ev, void *ctx) {
  state_t *s = ctx;
  ASSERT_EQ(ev->token, s->t);
  if (ev->kind == HF_EV_WRITE) {
    ASSERT_EQ(ev->result, 0);
    ASSERT_EQ(ev->aux, (uint64_t)s->writes_done++);
    ASSERT(!s->shutdown_done);
  } else if (ev->kind == HF_EV_SHUTDOWN) {
    ASSERT_EQ(ev->result, 0);
    ASSERT_EQ(ev->aux, 9);
    ASSERT_EQ(s->writes_done, 16); /* after every write completed */
    s->shutdown_done++;
  } else {
    ASSERT_EQ(ev->kind, HF_EV_READ);
    if (ev->result == HF_EOF) {
      s->client_eof++;
    } else {
      ASSERT(ev->result > 0 && s->reply_len + (size_t)ev->result <= sizeof s->reply);
      memcpy(s->reply + s->reply_len, hf_loop_arena(loop) + ev->offset, (size_t)ev->result);
      s->reply_len += (size_t)ev->result;
    }
  }
  return 0;
}

/* The peer drains what has arrived and answers once it sees EOF. */
static int on_turn(hf_loop_t *loop, void *ctx) {
  (void)loop;
  state_t *s = ctx;
  static uint8_t buf[65536];
  ssize_t n = -1;
  while (!s->peer_eof && (n = read(s->peer, buf, sizeof buf)) != 0) {
    if (n < 0) {
      ASSERT(errno == EAGAIN);
      break;
    }
    ASSERT(s->peer_got + (size_t)n <= TOTAL);
    ASSERT(memcmp(buf, s->data + s->peer_got, (size_t)n) == 0);
    s->peer_got += (size_t)n;
  }
  if (!s->peer_eof && n == 0) {
    s->peer_eof = 1;
    ASSERT_EQ(s->peer_got, TOTAL); /* EOF only after all data */
    ASSERT_EQ(write(s->peer, "bye", 3), 3);
    ASSERT_OK(shutdown(s->peer, SHUT_WR));
  }
  return s->peer_eof && s->shutdown_done && s->client_eof;
}

int main(void) {
  hft_watchdog(20);
  int fds0 = hft_fd_count();
  uint16_t port;
  int lfd = hft_plain_listen(&port);
  hf_loop_t *loop = hft_loop(64, 65536);
  state_t s = {0};
  s.data = malloc(TOTAL);
  ASSERT(s.data != NULL);
  for (size_t i = 0; i < TOTAL; i++) s.data[i] = (uint8_t)(i * 131 + (i >> 9));
  struct sockaddr_in sa = hft_addr4(port);
  ASSERT_OK(hf_tcp_connect(loop, HFT_SA(sa), 1, &s.t));
  ASSERT_OK(hf_socket_set_buffer(loop, s.t, 0, 16384)); /* so that writes really queue */
  ASSERT_EQ(hft_wait_for(loop, s.t, HF_EV_CONNECT, 2000).result, 0);
  s.peer = accept(lfd, NULL, NULL);
  ASSERT(s.peer >= 0);
  hft_set_nonblock(s.peer);
  ASSERT_OK(hf_stream_read_start(loop, s.t));
  for (int i = 0; i < 16; i++) {
    hf_buf_t buf = {s.data + (size_t)i * (TOTAL / 16), TOTAL / 16};
    ASSERT(hf_stream_write(loop, s.t, &buf, 1, (uint64_t)i) >= 0);
  }
  ASSERT(hf_stream_write_queue_size(loop, s.t) > 0);
  ASSERT_OK(hf_stream_shutdown(loop, s.t, 9));
  /* Once shut down (or shutting down), writes and a second shutdown are refused. */
  hf_buf_t late = {"late", 4};
  ASSERT_EQ(hf_stream_write(loop, s.t, &late, 1, 100), HF_EBUSYSTATE);
  ASSERT_EQ(hf_stream_try_write(loop, s.t, &late, 1), HF_EBUSYSTATE);
  ASSERT_EQ(hf_stream_shutdown(loop, s.t, 10), HF_EALREADY);
  hft_run(loop, 10000, on_event, on_turn, &s);
  ASSERT_EQ(s.shutdown_done, 1);
  ASSERT_EQ(s.client_eof, 1);
  ASSERT_EQ(s.reply_len, 3);
  ASSERT(memcmp(s.reply, "bye", 3) == 0);
  ASSERT_EQ(hf_stream_write(loop, s.t, &late, 1, 100), HF_EBUSYSTATE);
  ASSERT_OK(hf_close(loop, s.t, 0));
  ASSERT_EQ(hft_wait_for(loop, s.t, HF_EV_CLOSE, 1000).kind, HF_EV_CLOSE);
  hf_loop_close(loop);
  close(s.peer);
  close(lfd);
  free(s.data);
  ASSERT_EQ(hft_fd_count(), fds0);
  return 0;
}
