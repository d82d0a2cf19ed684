/* Datagrams queued while the kernel is full go out (sendmmsg) once it is writable, completing in
 * order; a state error queued among them (EISCONN) completes in its place. */
#include "hf_test.h"

extern int hf__test_udp_stall(hf_loop_t *loop, hf_token_t token, int on);

#define COUNT 200

typedef struct {
  hf_token_t tx, rx;
  uint64_t next_req;
  int received, closes;
} q_t;

static int on_event(hf_loop_t *loop, const hf_event_t *ev, void *ctx) {
  q_t *q = ctx;
  if (ev->kind == HF_EV_SEND) {
    ASSERT_EQ(ev->token, q->tx);
    ASSERT_EQ(ev->aux, q->next_req);
    ASSERT_EQ(ev->result, q->next_req == COUNT ? HF_EDESTADDRREQ : 0);
    q->next_req++;
  } else if (ev->kind == HF_EV_RECV) {
    ASSERT_EQ(ev->token, q->rx);
    ASSERT_EQ(ev->result, 4);
    uint32_t seq;
    memcpy(&seq, hf_loop_arena(loop) + ev->offset + HF_UDP_ADDR_SLOT, 4);
    ASSERT_EQ(seq, (uint32_t)q->received);
    q->received++;
  } else {
    ASSERT_EQ(ev->kind, HF_EV_CLOSE);
    q->closes++;
  }
  return q->next_req == COUNT + 1 && q->received == COUNT;
}

static int both_closed(hf_loop_t *loop, void *ctx) {
  (void)loop;
  return ((q_t *)ctx)->closes == 2;
}

int main(void) {
  hft_watchdog(20);
  int fds0 = hft_fd_count();
  hf_loop_t *loop = hft_loop(64, 256 * 1024);
  q_t q = {0};
  struct sockaddr_in sa = hft_addr4(0), rx_addr;
  ASSERT_OK(hf_udp_open(loop, 0, &q.rx));
  ASSERT_OK(hf_udp_bind(loop, q.rx, HFT_SA(sa)));
  ASSERT_OK(hf_udp_set_option(loop, q.rx, HF_UDP_OPT_RCVBUF, 1 << 20));
  ASSERT_EQ(hf_udp_address(loop, q.rx, 0, (struct sockaddr *)&rx_addr, sizeof rx_addr), sizeof rx_addr);
  ASSERT_OK(hf_udp_recv_start(loop, q.rx));
  ASSERT_OK(hf_udp_open(loop, 0, &q.tx));
  ASSERT_OK(hf__test_udp_stall(loop, q.tx, 1));
  static uint32_t seqs[COUNT];
  for (uint32_t i = 0; i < COUNT; i++) {
    seqs[i] = i;
    hf_buf_t buf = {&seqs[i], 4};
    ASSERT_EQ(hf_udp_send(loop, q.tx, &buf, 1, HFT_SA(rx_addr), i), (int)i + 1);
  }
  /* No destination on an unconnected socket: fails, but in its place after the others. */
  hf_buf_t none = {"x", 1};
  ASSERT_EQ(hf_udp_send(loop, q.tx, &none, 1, NULL, 0, COUNT), COUNT + 1);
  ASSERT_EQ(hf_udp_try_send(loop, q.tx, &none, 1, HFT_SA(rx_addr)), HF_EAGAIN); /* queue first */
  ASSERT_OK(hf__test_udp_stall(loop, q.tx, 0));
  hft_run(loop, 10000, on_event, NULL, &q);
  ASSERT_EQ(hf_udp_send_queue_count(loop, q.tx), 0);
  ASSERT_EQ(hf_udp_send_queue_size(loop, q.tx), 0);
  /* With the queue empty, try_send sends at once. */
  ASSERT_EQ(hf_udp_try_send(loop, q.tx, &none, 1, HFT_SA(rx_addr)), 1);
  ASSERT_OK(hf_close(loop, q.tx, 0));
  ASSERT_OK(hf_close(loop, q.rx, 0));
  hft_run(loop, 2000, on_event, both_closed, &q);
  hf_loop_close(loop);
  ASSERT_EQ(hft_fd_count(), fds0);
  return 0;
}
