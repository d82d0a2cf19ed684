/* Pipe echo over a filesystem path and over an abstract name: 512 KiB in random chunks come back
 * intact, in order; the accepted stream is a pipe stream; addresses name the listener. */
#include "hf_pipe_test.h"

#define TOTAL (512 * 1024)

typedef struct {
  hf_token_t listener, client, server;
  uint8_t *data;
  size_t received;
  uint64_t writes, next_done;
  int connected, server_out, closes, closing;
} echo_t;

static uint32_t rng = 777;
static uint32_t next_rand(void) {
  rng ^= rng << 13;
  rng ^= rng >> 17;
  rng ^= rng << 5;
  return rng;
}

static int on_event(hf_loop_t *loop, const hf_event_t *ev, void *ctx) {
  echo_t *e = ctx;
  if (ev->kind == HF_EV_CLOSE) {
    e->closes++;
  } else if (ev->token == e->listener) {
    ASSERT_EQ(ev->kind, HF_EV_ACCEPT);
    ASSERT_EQ(ev->result, 0);
    ASSERT_EQ(e->server, 0);
    e->server = ev->aux;
    ASSERT_EQ(hf_handle_type(loop, e->server), HF_TYPE_PIPE_STREAM); /* the listener's family */
    ASSERT_OK(hf_stream_read_start(loop, e->server));
  } else if (ev->token == e->server && ev->kind == HF_EV_READ) {
    ASSERT(ev->result > 0);
    void *copy = malloc((size_t)ev->result);
    ASSERT(copy != NULL);
    memcpy(copy, hf_loop_arena(loop) + ev->offset, (size_t)ev->result);
    hf_buf_t buf = {copy, (size_t)ev->result};
    ASSERT(hf_stream_write(loop, e->server, &buf, 1, (uint64_t)(uintptr_t)copy) >= 0);
    e->server_out++;
  } else if (ev->token == e->server && ev->kind == HF_EV_WRITE) {
    ASSERT_EQ(ev->result, 0);
    free((void *)(uintptr_t)ev->aux);
    e->server_out--;
  } else if (ev->token == e->client && ev->kind == HF_EV_CONNECT) {
    ASSERT_EQ(ev->result, 0);
    ASSERT_EQ(e->connected, 0);
    e->connected = 1;
    ASSERT_OK(hf_stream_read_start(loop, e->client));
  } else if (ev->token == e->client && ev->kind == HF_EV_WRITE) {
    ASSERT_EQ(ev->result, 0);
    ASSERT_EQ(ev->aux, e->next_done++);
  } else if (ev->token == e->client && ev->kind == HF_EV_READ) {
    ASSERT(ev->result > 0);
    ASSERT(e->received + ev->length <= TOTAL);
    ASSERT(memcmp(hf_loop_arena(loop) + ev->offset, e->data + e->received, ev->length) == 0);
    e->received += ev->length;
  } else {
    fprintf(stderr, "unexpected event kind %u result %d\n", ev->kind, ev->result);
    abort();
  }
  return !e->closing && e->received == TOTAL && e->next_done == e->writes && e->server_out == 0;
}

static int all_closed(hf_loop_t *loop, void *ctx) {
  (void)loop;
  return ((echo_t *)ctx)->closes == 3;
}

static void echo(hf_loop_t *loop, const hft_unix_t *addr, uint8_t *data) {
  echo_t e = {0};
  e.data = data;
  ASSERT_OK(hf_pipe_bind(loop, HFT_UN(*addr), 0, &e.listener));
  ASSERT_EQ(hf_handle_type(loop, e.listener), HF_TYPE_PIPE_LISTENER);
  ASSERT_OK(hf_pipe_listen(loop, e.listener, 16));
  ASSERT_EQ(hf_pipe_listen(loop, e.listener, 16), HF_EALREADY);
  ASSERT_OK(hf_pipe_connect(loop, HFT_UN(*addr), 7, &e.client));
  ASSERT_OK(hf_socket_set_buffer(loop, e.client, 0, 8192)); /* partial writes, queueing */
  for (size_t at = 0; at < TOTAL;) {
    size_t n = 1 + next_rand() % 20000;
    if (n > TOTAL - at) n = TOTAL - at;
    hf_buf_t buf = {data + at, n};
    ASSERT(hf_stream_write(loop, e.client, &buf, 1, e.writes++) >= 0);
    at += n;
  }
  hft_run(loop, 10000, on_event, NULL, &e);
  ASSERT(e.connected);

  /* The accepted stream's local address and the client's peer address are the listener's. */
  struct sockaddr_un got;
  int len = hf_socket_address(loop, e.server, 0, (struct sockaddr *)&got, sizeof got);
  ASSERT_EQ(len, (int)addr->len);
  ASSERT(memcmp(&got, &addr->sa, (size_t)len) == 0);
  len = hf_socket_address(loop, e.client, 1, (struct sockaddr *)&got, sizeof got);
  ASSERT_EQ(len, (int)addr->len);
  ASSERT(memcmp(&got, &addr->sa, (size_t)len) == 0);

  ASSERT_OK(hf_close(loop, e.client, 0));
  ASSERT_OK(hf_close(loop, e.server, 0));
  ASSERT_OK(hf_close(loop, e.listener, 0));
  e.closing = 1;
  hft_run(loop, 2000, on_event, all_closed, &e);
}

int main(void) {
  hft_watchdog(30);
  signal(SIGPIPE, SIG_IGN);
  int fds0 = hft_fd_count();
  uint8_t *data = malloc(TOTAL);
  ASSERT(data != NULL);
  for (size_t i = 0; i < TOTAL; i++) data[i] = (uint8_t)next_rand();
  hf_loop_t *loop = hft_loop(64, 128 * 1024);

  char dir[64], path[128];
  hft_tmpdir(dir, sizeof dir);
  snprintf(path, sizeof path, "%s/echo.sock", dir);
  hft_unix_t fs = hft_unix_path(path);
  echo(loop, &fs, data);
  ASSERT_OK(unlink(path)); /* closing does not unlink: the file is still there */

  char name[64];
  snprintf(name, sizeof name, "hf-test-echo-%d", (int)getpid());
  hft_unix_t abstract = hft_unix_abstract(name);
  echo(loop, &abstract, data);

  hf_loop_close(loop);
  ASSERT_OK(rmdir(dir));
  free(data);
  ASSERT_EQ(hft_fd_count(), fds0);
  return 0;
}
