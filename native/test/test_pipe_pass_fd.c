/* Passing handles over a pipe (SCM_RIGHTS) between two loops: a TCP stream and a pipe stream
 * arrive as live handles of their own type, at their place in the byte stream (the byte that
 * carried each fd is not data), and keep serving; the sender's token is stale; handles that
 * arrive at a pipe closed before they were delivered are closed; no fd is left over. */
#include "hf_pipe_test.h"

#define BULK (300 * 1024)

static uint8_t bulk[BULK];

/* What the receiving pipe got: data, and each handle with the data count before it. */
typedef struct {
  hf_token_t pipe;
  uint8_t *data;
  size_t got, cap;
  hf_token_t handles[8];
  size_t handle_at[8];
  int32_t handle_type[8];
  int nhandles;
  size_t want; /* drain_b's goal */
  int want_handles;
} rx_t;

static int rx_event(hf_loop_t *loop, const hf_event_t *ev, void *ctx) {
  rx_t *rx = ctx;
  if (ev->token != rx->pipe) return 0;
  if (ev->kind == HF_EV_READ) {
    ASSERT(ev->result > 0);
    ASSERT(rx->got + ev->length <= rx->cap);
    memcpy(rx->data + rx->got, hf_loop_arena(loop) + ev->offset, ev->length);
    rx->got += ev->length;
  } else if (ev->kind == HF_EV_HANDLE) {
    ASSERT(ev->result > 0);
    ASSERT(rx->nhandles < 8);
    rx->handle_type[rx->nhandles] = ev->result;
    rx->handle_at[rx->nhandles] = rx->got;
    rx->handles[rx->nhandles++] = ev->aux;
    ASSERT_EQ(hf_handle_type(loop, ev->aux), ev->result);
  }
  return 0;
}

static int rx_done(hf_loop_t *loop, void *ctx) {
  (void)loop;
  rx_t *rx = ctx;
  return rx->got >= rx->want && rx->nhandles >= rx->want_handles;
}

static void drain_b(hf_loop_t *b, rx_t *rx, size_t want, int handles) {
  rx->want = want;
  rx->want_handles = handles;
  hft_run(b, 5000, rx_event, rx_done, rx);
}

static void write_on(hf_loop_t *loop, hf_token_t t, const void *p, size_t n, uint64_t req) {
  hf_buf_t buf = {p, n};
  ASSERT(hf_stream_write(loop, t, &buf, 1, req) >= 0);
}

/* Detaches a quiet stream of loop a (delivering its pending events first). */
static int detach(hf_loop_t *a, hf_token_t t) {
  int fd = -1;
  for (int i = 0; i < 100; i++) {
    int rc = hf_handle_detach(a, t, &fd);
    if (rc == 0) return fd;
    ASSERT_EQ(rc, HF_EBUSYSTATE);
    hf_loop_poll(a, 10);
  }
  ASSERT(!"stream never became quiet");
  return -1;
}

int main(void) {
  hft_watchdog(30);
  signal(SIGPIPE, SIG_IGN);
  for (size_t i = 0; i < BULK; i++) bulk[i] = (uint8_t)(i * 7 + 3);
  int fds0 = hft_fd_count();
  hf_loop_t *a = hft_loop(256, 128 * 1024), *b = hft_loop(256, 128 * 1024);

  /* The pipe: p0 stays on a, p1 moves to b. */
  hf_token_t p[2], p1;
  ASSERT_OK(hf_pipe_pair(a, p));
  ASSERT_OK(hf_stream_adopt(b, detach(a, p[1]), &p1));
  ASSERT_OK(hf_stream_read_start(b, p1));

  /* A TCP connection accepted on a: server side s, plain client c. */
  uint16_t port;
  hf_token_t listener = hft_listen(a, &port);
  int c = hft_plain_connect(port);
  hf_event_t acc = hft_wait_for(a, listener, HF_EV_ACCEPT, 2000);
  ASSERT_EQ(acc.result, 0);
  hf_token_t s = acc.aux;

  /* Bulk data, the TCP stream, a little data: the handle arrives after exactly BULK bytes. */
  write_on(a, p[0], bulk, BULK, 1);
  int sfd = detach(a, s);
  ASSERT(hf_pipe_write_handle(a, p[0], sfd, 2) >= 0);
  write_on(a, p[0], "after", 5, 3);
  ASSERT_EQ(hf_stream_read_start(a, s), HF_ESTALE);
  rx_t rx = {.pipe = p1, .cap = BULK + 64};
  rx.data = malloc(rx.cap);
  ASSERT(rx.data != NULL);
  uint64_t start = hft_now_ms();
  int writes_done = 0;
  while (writes_done < 3 || rx.got < BULK + 5) {
    ASSERT(hft_now_ms() - start < 5000);
    int n = hf_loop_poll(a, 1);
    for (int i = 0; i < n; i++) {
      hf_event_t *e = &hf_loop_events(a)[i];
      if (e->token != p[0] || e->kind != HF_EV_WRITE) continue;
      ASSERT_EQ(e->result, 0);
      ASSERT_EQ(e->aux, (uint64_t)++writes_done); /* in order, the handle's among them */
    }
    n = hf_loop_poll(b, 1);
    for (int i = 0; i < n; i++) rx_event(b, &hf_loop_events(b)[i], &rx);
  }
  ASSERT_EQ(rx.got, BULK + 5);
  ASSERT(memcmp(rx.data, bulk, BULK) == 0);
  ASSERT(memcmp(rx.data + BULK, "after", 5) == 0);
  ASSERT_EQ(rx.nhandles, 1);
  ASSERT_EQ(rx.handle_type[0], HF_TYPE_TCP_STREAM);
  ASSERT_EQ(rx.handle_at[0], BULK);

  /* The received TCP stream serves the client from loop b. */
  hf_token_t moved = rx.handles[0];
  ASSERT(fcntl(c, F_GETFD) >= 0);
  ASSERT_EQ(write(c, "hello", 5), 5);
  ASSERT_OK(hf_stream_read_start(b, moved));
  hf_event_t r = hft_wait_for(b, moved, HF_EV_READ, 2000);
  ASSERT_EQ(r.result, 5);
  ASSERT(memcmp(hf_loop_arena(b) + r.offset, "hello", 5) == 0);
  write_on(b, moved, "world", 5, 9);
  ASSERT_EQ(hft_wait_for(b, moved, HF_EV_WRITE, 2000).result, 0);
  char reply[5];
  ASSERT_EQ(read(c, reply, 5), 5);
  ASSERT(memcmp(reply, "world", 5) == 0);

  /* A pipe stream travels too (the one end of a second pair), and arrives as a pipe stream. */
  hf_token_t q[2];
  ASSERT_OK(hf_pipe_pair(a, q));
  ASSERT(hf_pipe_write_handle(a, p[0], detach(a, q[1]), 4) >= 0);
  rx.got = 0;
  drain_b(b, &rx, 0, 2);
  ASSERT_EQ(rx.handle_type[1], HF_TYPE_PIPE_STREAM);
  hf_token_t q1 = rx.handles[1];
  ASSERT_OK(hf_stream_read_start(b, q1));
  write_on(a, q[0], "via pipe", 8, 5);
  r = hft_wait_for(b, q1, HF_EV_READ, 2000);
  ASSERT_EQ(r.result, 8);
  ASSERT(memcmp(hf_loop_arena(b) + r.offset, "via pipe", 8) == 0);
  hf_peer_cred_t cred;
  ASSERT_OK(hf_pipe_peer_credentials(b, q1, &cred));
  ASSERT_EQ(cred.pid, getpid());

  /* Handles that reach a pipe closed before they were delivered are closed, not leaked: one is
   * in the batch just polled (each read stops after the message carrying fds), the other still
   * in the socket, which the kernel closes with it. */
  int fds_before = hft_fd_count();
  hf_token_t extra[2];
  ASSERT_OK(hf_pipe_pair(a, extra));
  ASSERT(hf_pipe_write_handle(a, p[0], detach(a, extra[1]), 6) >= 0);
  ASSERT(hf_pipe_write_handle(a, p[0], detach(a, extra[0]), 7) >= 0);
  hft_sleep_ms(20);
  int n = 0, at = -1;
  for (uint64_t t0 = hft_now_ms(); at < 0 && hft_now_ms() - t0 < 2000;) {
    n = hf_loop_poll(b, 10);
    for (int i = 0; i < n; i++)
      if (hf_loop_events(b)[i].token == p1 && hf_loop_events(b)[i].kind == HF_EV_HANDLE) at = i;
  }
  ASSERT(at >= 0);
  hf_token_t undelivered = hf_loop_events(b)[at].aux;
  ASSERT_OK(hf_close(b, p1, 0));
  ASSERT_EQ(hf_loop_events(b)[at].kind, HF_EV_NONE);
  ASSERT_EQ(hf_handle_type(b, undelivered), HF_ESTALE);
  for (int i = 0; i < 5; i++) {
    hf_loop_poll(a, 1);
    int m = hf_loop_poll(b, 1);
    for (int k = 0; k < m; k++) ASSERT(hf_loop_events(b)[k].kind != HF_EV_HANDLE);
  }
  ASSERT_EQ(hft_fd_count(), fds_before - 1); /* p1 itself is closed too */

  ASSERT_OK(hf_close(b, moved, 0));
  ASSERT_OK(hf_close(b, q1, 0));
  ASSERT_OK(close(c));
  hf_loop_close(a);
  hf_loop_close(b);
  free(rx.data);
  ASSERT_EQ(hft_fd_count(), fds0);
  return 0;
}
