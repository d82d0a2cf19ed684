/* Connect, accept, write and read: 1 MiB in random chunks comes back intact through an echo. */
#include "hf_test.h"

#define TOTAL (1 << 20)

typedef struct {
  hf_token_t listener, client, server;
  uint8_t *data;
  size_t received;       /* echoed bytes the client has verified */
  uint64_t next_done;    /* next client write request expected to complete */
  uint64_t writes;       /* client write requests issued */
  int connected, server_writes_out, closes, closing;
} echo_t;

static uint32_t rng = 12345;
static uint32_t next_rand(void) {
  rng ^= rng << 13;
  rng ^= rng >> 17;
  rng ^= rng << 5;
  return rng;
}

/* Queues data[from, to) in random chunks of 1..65536 bytes, sometimes two buffers per request. */
static void write_chunks(hf_loop_t *loop, echo_t *e, size_t from, size_t to) {
  while (from < to) {
    size_t a = 1 + next_rand() % 65536, b = next_rand() % 3 == 0 ? 1 + next_rand() % 1000 : 0;
    if (a > to - from) a = to - from;
    if (b > to - from - a) b = to - from - a;
    hf_buf_t bufs[2] = {{e->data + from, a}, {e->data + from + a, b}};
    ASSERT(hf_stream_write(loop, e->client, bufs, b ? 2 : 1, e->writes++) >= 0);
    from += a + b;
  }
}

static int on_event(hf_loop_t *loop, const hf_event_t *ev, void *ctx) {
  echo_t *e = ctx;
  if (ev->token == e->listener && ev->kind != HF_EV_CLOSE) {
    ASSERT_EQ(ev->kind, HF_EV_ACCEPT);
    ASSERT_EQ(ev->result, 0);
    ASSERT_EQ(e->server, 0);
    e->server = ev->aux;
    ASSERT_OK(hf_socket_set_buffer(loop, e->server, 0, 16384)); /* partial writes, queueing */
    ASSERT_OK(hf_stream_read_start(loop, e->server));
  } else if (ev->token == e->server && ev->kind == HF_EV_READ) {
    ASSERT(ev->result > 0);
    void *copy = malloc((size_t)ev->result); /* the arena is reused: echo from a copy */
    ASSERT(copy != NULL);
    memcpy(copy, hf_loop_arena(loop) + ev->offset, (size_t)ev->result);
    hf_buf_t buf = {copy, (size_t)ev->result};
    ASSERT(hf_stream_write(loop, e->server, &buf, 1, (uint64_t)(uintptr_t)copy) >= 0);
    e->server_writes_out++;
  } else if (ev->token == e->server && ev->kind == HF_EV_WRITE) {
    ASSERT_EQ(ev->result, 0);
    free((void *)(uintptr_t)ev->aux);
    e->server_writes_out--;
  } else if (ev->token == e->client && ev->kind == HF_EV_CONNECT) {
    ASSERT_EQ(ev->result, 0);
    ASSERT_EQ(ev->aux, 42);
    e->connected = 1;
    ASSERT_OK(hf_stream_read_start(loop, e->client));
    write_chunks(loop, e, TOTAL / 2, TOTAL); /* the second half after the connect */
  } else if (ev->token == e->client && ev->kind == HF_EV_WRITE) {
    ASSERT_EQ(ev->result, 0);
    ASSERT_EQ(ev->aux, e->next_done++); /* in request order, each once */
  } else if (ev->token == e->client && ev->kind == HF_EV_READ) {
    ASSERT(ev->result > 0 && ev->result == (int32_t)ev->length);
    ASSERT(e->received + ev->length <= TOTAL);
    ASSERT(memcmp(hf_loop_arena(loop) + ev->offset, e->data + e->received, ev->length) == 0);
    e->received += ev->length;
  } else {
    ASSERT_EQ(ev->kind, HF_EV_CLOSE);
    e->closes++;
  }
  return !e->closing && e->received == TOTAL && e->next_done == e->writes &&
         e->server_writes_out == 0;
}

static int all_closed(hf_loop_t *loop, void *ctx) {
  (void)loop;
  return ((echo_t *)ctx)->closes == 3;
}

int main(void) {
  hft_watchdog(20);
  int fds0 = hft_fd_count();
  hf_loop_t *loop = hft_loop(64, 256 * 1024);
  echo_t e = {0};
  e.data = malloc(TOTAL);
  ASSERT(e.data != NULL);
  for (size_t i = 0; i < TOTAL; i++) e.data[i] = (uint8_t)next_rand();
  uint16_t port;
  e.listener = hft_listen(loop, &port);
  struct sockaddr_in sa = hft_addr4(port);
  ASSERT_OK(hf_tcp_connect(loop, HFT_SA(sa), 42, &e.client));
  ASSERT_OK(hf_socket_set_buffer(loop, e.client, 0, 16384));
  write_chunks(loop, &e, 0, TOTAL / 2); /* queued while the connect is in progress */
  ASSERT(hf_stream_write_queue_size(loop, e.client) == TOTAL / 2);
  hft_run(loop, 10000, on_event, NULL, &e);
  ASSERT(e.connected);
  ASSERT(e.writes > 20); /* really many chunks */
  ASSERT_EQ(hf_stream_write_queue_size(loop, e.client), 0);

  /* Addresses: the client's peer is the listener's port, the server's peer the client's port. */
  struct sockaddr_in a, b;
  ASSERT_EQ(hf_socket_address(loop, e.client, 1, (struct sockaddr *)&a, sizeof a), sizeof a);
  ASSERT_EQ(ntohs(a.sin_port), port);
  ASSERT_EQ(hf_socket_address(loop, e.client, 0, (struct sockaddr *)&a, sizeof a), sizeof a);
  ASSERT_EQ(hf_socket_address(loop, e.server, 1, (struct sockaddr *)&b, sizeof b), sizeof b);
  ASSERT_EQ(a.sin_port, b.sin_port);

  ASSERT_OK(hf_close(loop, e.client, 0));
  ASSERT_OK(hf_close(loop, e.server, 0));
  ASSERT_OK(hf_close(loop, e.listener, 0));
  e.closing = 1;
  hft_run(loop, 2000, on_event, all_closed, &e);
  hf_loop_close(loop);
  ASSERT_EQ(hft_fd_count(), fds0);
  free(e.data);
  return 0;
}
