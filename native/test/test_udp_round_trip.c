/* Datagrams of many sizes (zero-length included) go from an unbound socket (bound by its first
 * send) to a bound one and back: payloads, sender addresses, arena layout, ordered completions. */
#include "hf_test.h"

#define COUNT 200
#define WINDOW 16

typedef struct {
  hf_token_t a, b;
  int sent, sends_done, received, replies, closes;
  uint64_t next_req;
  struct sockaddr_in a_local, b_local;
} rt_t;

static uint8_t data[COUNT][1400];

static size_t size_of(int i) { return i == 0 ? 0 : (size_t)(i * 37) % 1400; }

static void fill(uint8_t *p, size_t n, int seq) {
  for (size_t k = 0; k < n; k++) p[k] = (uint8_t)(seq + k * 7);
}

/* Sends the next datagram, in two buffers; the data stays valid, though it need not. */
static void send_next(hf_loop_t *loop, rt_t *t) {
  int i = t->sent++;
  fill(data[i], size_of(i), i);
  size_t half = size_of(i) / 2;
  hf_buf_t bufs[2] = {{data[i], half}, {data[i] + half, size_of(i) - half}};
  ASSERT(hf_udp_send(loop, t->a, bufs, 2, HFT_SA(t->b_local), (uint64_t)i) >= 0);
}

static int on_event(hf_loop_t *loop, const hf_event_t *ev, void *ctx) {
  rt_t *t = ctx;
  if (ev->kind == HF_EV_SEND && ev->token == t->a) {
    ASSERT_EQ(ev->result, 0);
    ASSERT_EQ(ev->aux, t->next_req++); /* in submission order, each once */
    t->sends_done++;
  } else if (ev->kind == HF_EV_RECV && ev->token == t->b) {
    ASSERT(ev->result >= 0);
    ASSERT_EQ(ev->offset % 8, 0);
    ASSERT_EQ(ev->aux, 0); /* not truncated */
    const uint8_t *slot = hf_loop_arena(loop) + ev->offset;
    struct sockaddr_in from;
    memcpy(&from, slot, sizeof from);
    ASSERT_EQ(from.sin_family, AF_INET);
    ASSERT_EQ(from.sin_port, t->a_local.sin_port);
    ASSERT_EQ(from.sin_addr.s_addr, htonl(INADDR_LOOPBACK));
    int seq = t->received++;
    ASSERT_EQ(ev->length, size_of(seq)); /* loopback keeps one flow in order */
    uint8_t expect[1400];
    fill(expect, ev->length, seq);
    ASSERT(memcmp(slot + HF_UDP_ADDR_SLOT, expect, ev->length) == 0);
    if (t->sent < COUNT) send_next(loop, t); /* a window of WINDOW: the receive buffer never fills */
    if (seq == COUNT - 1) {
      /* Reply to the address exactly as it arrived in the slot. */
      hf_buf_t buf = {"pong", 4};
      ASSERT(hf_udp_send(loop, t->b, &buf, 1, (const struct sockaddr *)slot, sizeof from, 77) >= 0);
    }
  } else if (ev->kind == HF_EV_SEND && ev->token == t->b) {
    ASSERT_EQ(ev->result, 0);
    ASSERT_EQ(ev->aux, 77);
  } else if (ev->kind == HF_EV_RECV && ev->token == t->a) {
    ASSERT_EQ(ev->result, 4);
    ASSERT(memcmp(hf_loop_arena(loop) + ev->offset + HF_UDP_ADDR_SLOT, "pong", 4) == 0);
    t->replies++;
  } else {
    ASSERT_EQ(ev->kind, HF_EV_CLOSE);
    t->closes++;
  }
  return t->sends_done == COUNT && t->received == COUNT && t->replies == 1;
}

static int both_closed(hf_loop_t *loop, void *ctx) {
  (void)loop;
  return ((rt_t *)ctx)->closes == 2;
}

int main(void) {
  hft_watchdog(20);
  int fds0 = hft_fd_count();
  hf_loop_t *loop = hft_loop(64, 256 * 1024);
  rt_t t = {0};
  ASSERT_OK(hf_udp_open(loop, 0, &t.a));
  ASSERT_OK(hf_udp_open(loop, HF_UDP_REUSEADDR, &t.b));
  ASSERT_EQ(hf_handle_type(loop, t.a), HF_TYPE_UDP);
  struct sockaddr_in sa = hft_addr4(0);
  ASSERT_EQ(hf_udp_address(loop, t.b, 0, (struct sockaddr *)&t.b_local, sizeof t.b_local),
            HF_EBUSYSTATE); /* no socket yet: never getsockname(-1) */
  ASSERT_OK(hf_udp_bind(loop, t.b, HFT_SA(sa)));
  ASSERT_EQ(hf_udp_bind(loop, t.b, HFT_SA(sa)), HF_EALREADY);
  ASSERT_EQ(hf_udp_address(loop, t.b, 0, (struct sockaddr *)&t.b_local, sizeof t.b_local),
            sizeof t.b_local);
  ASSERT_OK(hf_udp_recv_start(loop, t.b));
  ASSERT_OK(hf_udp_recv_start(loop, t.a)); /* before its socket exists: starts with it */

  send_next(loop, &t);
  /* The first send bound the socket to an ephemeral port. */
  ASSERT_EQ(hf_udp_address(loop, t.a, 0, (struct sockaddr *)&t.a_local, sizeof t.a_local),
            sizeof t.a_local);
  ASSERT(t.a_local.sin_port != 0);
  while (t.sent < WINDOW) send_next(loop, &t);
  hft_run(loop, 10000, on_event, NULL, &t);

  ASSERT_OK(hf_close(loop, t.a, 0));
  ASSERT_OK(hf_close(loop, t.b, 0));
  ASSERT_EQ(hf_udp_recv_start(loop, t.a), HF_ESTALE);
  hft_run(loop, 2000, on_event, both_closed, &t);
  ASSERT_EQ(hf_loop_handle_count(loop), 0);
  hf_loop_close(loop);
  ASSERT_EQ(hft_fd_count(), fds0);
  return 0;
}
