/* Churn: connections opened, written and closed from inside event handling, fds reused; no event
 * ever names a token after its HF_EV_CLOSE, no READ after hf_close, and no fd is left behind. */
#include "hf_test.h"

#define MAX_SLOTS 4096
#define CLIENTS 32
#define RUN_MS 1500

enum { ST_UNUSED, ST_OPEN, ST_CLOSING, ST_CLOSED };
typedef struct {
  uint32_t gen;
  int state, outstanding, is_client;
} track_t;

static track_t track[MAX_SLOTS];
static hf_token_t listener;
static struct sockaddr_in addr;
static int live, accepting = 1;
static long connections, events, closes_inside;
static uint32_t rng = 2463534242u;
static char payload[65536];

static uint32_t rnd(uint32_t n) {
  rng ^= rng << 13;
  rng ^= rng >> 17;
  rng ^= rng << 5;
  return rng % n;
}

static track_t *adopt(hf_token_t t, int is_client) {
  uint32_t slot = HF_TOKEN_SLOT(t);
  ASSERT(slot < MAX_SLOTS);
  track_t *k = &track[slot];
  /* A slot is reused only after its HF_EV_CLOSE, and always with a newer generation. */
  ASSERT(k->state == ST_UNUSED || k->state == ST_CLOSED);
  ASSERT(k->state == ST_UNUSED || HF_TOKEN_GEN(t) > k->gen);
  *k = (track_t){HF_TOKEN_GEN(t), ST_OPEN, 0, is_client};
  live++;
  return k;
}

static void start_write(hf_loop_t *loop, hf_token_t t) {
  hf_buf_t buf = {payload, 1 + rnd(sizeof payload)};
  ASSERT(hf_stream_write(loop, t, &buf, 1, rng) >= 0);
  track[HF_TOKEN_SLOT(t)].outstanding++;
}

static void do_close(hf_loop_t *loop, hf_token_t t) {
  ASSERT_OK(hf_close(loop, t, (int)rnd(2)));
  ASSERT_EQ(hf_close(loop, t, 0), HF_ESTALE);
  track[HF_TOKEN_SLOT(t)].state = ST_CLOSING;
}

static void open_client(hf_loop_t *loop) {
  hf_token_t t;
  ASSERT_OK(hf_tcp_connect(loop, HFT_SA(addr), 1, &t));
  adopt(t, 1)->outstanding = 1; /* the connect */
  connections++;
  if (rnd(16) == 0) do_close(loop, t); /* closed before it even connected */
}

static int on_event(hf_loop_t *loop, const hf_event_t *ev, void *ctx) {
  (void)ctx;
  events++;
  if (ev->token == listener) {
    ASSERT_EQ(ev->kind, HF_EV_ACCEPT);
    ASSERT_EQ(ev->result, 0);
    adopt(ev->aux, 0);
    if (accepting) ASSERT_OK(hf_stream_read_start(loop, ev->aux));
    else do_close(loop, ev->aux);
    return 0;
  }
  uint32_t slot = HF_TOKEN_SLOT(ev->token);
  ASSERT(slot < MAX_SLOTS);
  track_t *k = &track[slot];
  ASSERT_EQ(HF_TOKEN_GEN(ev->token), k->gen); /* never a token of an earlier incarnation */
  ASSERT(k->state == ST_OPEN || k->state == ST_CLOSING); /* nothing after HF_EV_CLOSE */
  switch (ev->kind) {
    case HF_EV_CLOSE:
      ASSERT_EQ(k->state, ST_CLOSING);
      ASSERT_EQ(k->outstanding, 0); /* every request completed before the close */
      k->state = ST_CLOSED;
      live--;
      if (k->is_client && accepting) open_client(loop);
      return 0;
    case HF_EV_CONNECT:
    case HF_EV_WRITE:
      k->outstanding--;
      ASSERT(k->outstanding >= 0);
      if (k->state == ST_CLOSING) return 0; /* completions still arrive, canceled or not */
      if (ev->result != 0) {
        do_close(loop, ev->token);
        closes_inside++;
      } else if (ev->kind == HF_EV_CONNECT) {
        ASSERT_OK(hf_stream_read_start(loop, ev->token));
        for (uint32_t i = 1 + rnd(3); i > 0; i--) start_write(loop, ev->token);
      }
      return 0;
    case HF_EV_READ:
      ASSERT_EQ(k->state, ST_OPEN); /* hf_close dropped every fetched READ */
      if (ev->result <= 0 || rnd(k->is_client ? 4 : 8) == 0) {
        do_close(loop, ev->token);
        closes_inside++;
      } else {
        start_write(loop, ev->token);
      }
      return 0;
    default:
      ASSERT(!"unexpected event kind");
  }
  return 0;
}

static int drained(hf_loop_t *loop, void *ctx) {
  (void)loop;
  (void)ctx;
  return live == 0;
}

int main(void) {
  hft_watchdog(30);
  int fds0 = hft_fd_count();
  hf_loop_t *loop = hft_loop(64, 256 * 1024);
  uint16_t port;
  listener = hft_listen(loop, &port);
  addr = hft_addr4(port);
  int fds_base = hft_fd_count();
  for (int i = 0; i < CLIENTS; i++) open_client(loop);
  uint64_t start = hft_now_ms();
  while (hft_now_ms() - start < RUN_MS) {
    int n = hf_loop_poll(loop, 10);
    ASSERT(n >= 0);
    hf_event_t *evs = hf_loop_events(loop);
    for (int i = 0; i < n; i++)
      if (evs[i].kind != HF_EV_NONE) on_event(loop, &evs[i], NULL);
  }
  /* Wind down: no new connections; close everything still open; wait for every close. */
  accepting = 0;
  for (uint32_t s = 0; s < MAX_SLOTS; s++)
    if (track[s].state == ST_OPEN) do_close(loop, ((uint64_t)track[s].gen << 32) | s);
  hft_run(loop, 5000, on_event, drained, NULL);
  for (int i = 0; i < 5; i++) hft_run(loop, 100, on_event, drained, NULL);
  fprintf(stderr, "%ld connections, %ld events, %ld closes from handlers\n", connections, events,
         closes_inside);
  ASSERT(connections > 200 && closes_inside > 100);
  ASSERT_EQ(hf_loop_handle_count(loop), 1); /* just the listener */
  ASSERT_EQ(hft_fd_count(), fds_base);
  hf_loop_close(loop);
  ASSERT_EQ(hft_fd_count(), fds0);
  return 0;
}
