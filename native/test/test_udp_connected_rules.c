/* Connected mode follows libuv's rules with clean errors: EISCONN for an address on a connected
 * socket (send and connect), EDESTADDRREQ for none on an unconnected one, ENOTCONN for a
 * disconnect that is not connected; disconnect keeps the local port. */
#include "hf_test.h"

static hf_event_t wait_send(hf_loop_t *loop, hf_token_t t) {
  return hft_wait_for(loop, t, HF_EV_SEND, 2000);
}

int main(void) {
  hft_watchdog(10);
  int fds0 = hft_fd_count();
  hf_loop_t *loop = hft_loop(64, 65536);
  hf_token_t peer, t;
  struct sockaddr_in sa = hft_addr4(0), peer_addr, local, after, remote;
  ASSERT_OK(hf_udp_open(loop, 0, &peer));
  ASSERT_OK(hf_udp_bind(loop, peer, HFT_SA(sa)));
  ASSERT_EQ(hf_udp_address(loop, peer, 0, (struct sockaddr *)&peer_addr, sizeof peer_addr),
            sizeof peer_addr);
  ASSERT_OK(hf_udp_recv_start(loop, peer));
  ASSERT_OK(hf_udp_open(loop, 0, &t));
  hf_buf_t buf = {"hi", 2};

  ASSERT_EQ(hf_udp_disconnect(loop, t), HF_ENOTCONN);
  ASSERT_EQ(hf_udp_send(loop, t, &buf, 1, NULL, 0, 1), 0);
  ASSERT_EQ(wait_send(loop, t).result, HF_EDESTADDRREQ);
  ASSERT_EQ(hf_udp_try_send(loop, t, &buf, 1, NULL, 0), HF_EDESTADDRREQ);

  ASSERT_OK(hf_udp_connect(loop, t, HFT_SA(peer_addr))); /* binds first */
  ASSERT_EQ(hf_udp_connect(loop, t, HFT_SA(peer_addr)), HF_EISCONN);
  ASSERT_EQ(hf_udp_address(loop, t, 1, (struct sockaddr *)&remote, sizeof remote), sizeof remote);
  ASSERT_EQ(remote.sin_port, peer_addr.sin_port);
  ASSERT_EQ(hf_udp_address(loop, t, 0, (struct sockaddr *)&local, sizeof local), sizeof local);
  ASSERT(local.sin_port != 0);

  ASSERT_EQ(hf_udp_send(loop, t, &buf, 1, HFT_SA(peer_addr), 2), 0);
  hf_event_t e = wait_send(loop, t);
  ASSERT_EQ(e.aux, 2);
  ASSERT_EQ(e.result, HF_EISCONN);
  ASSERT_EQ(hf_udp_try_send(loop, t, &buf, 1, HFT_SA(peer_addr)), HF_EISCONN);
  ASSERT_EQ(hf_udp_send(loop, t, &buf, 1, NULL, 0, 3), 0);
  e = wait_send(loop, t);
  ASSERT_EQ(e.aux, 3);
  ASSERT_EQ(e.result, 0);
  e = hft_wait_for(loop, peer, HF_EV_RECV, 2000);
  ASSERT_EQ(e.result, 2);

  ASSERT_OK(hf_udp_disconnect(loop, t));
  ASSERT_EQ(hf_udp_disconnect(loop, t), HF_ENOTCONN);
  ASSERT_EQ(hf_udp_address(loop, t, 1, (struct sockaddr *)&remote, sizeof remote), HF_ENOTCONN);
  ASSERT_EQ(hf_udp_address(loop, t, 0, (struct sockaddr *)&after, sizeof after), sizeof after);
  ASSERT_EQ(after.sin_port, local.sin_port); /* the port survives the disconnect */
  ASSERT_EQ(hf_udp_send(loop, t, &buf, 1, NULL, 0, 4), 0);
  ASSERT_EQ(wait_send(loop, t).result, HF_EDESTADDRREQ);
  ASSERT_EQ(hf_udp_send(loop, t, &buf, 1, HFT_SA(peer_addr), 5), 0);
  ASSERT_EQ(wait_send(loop, t).result, 0);
  e = hft_wait_for(loop, peer, HF_EV_RECV, 2000);
  struct sockaddr_in from;
  memcpy(&from, hf_loop_arena(loop) + e.offset, sizeof from);
  ASSERT_EQ(from.sin_port, local.sin_port);

  ASSERT_OK(hf_close(loop, t, 0));
  ASSERT_OK(hf_close(loop, peer, 0));
  hft_wait_for(loop, t, HF_EV_CLOSE, 2000);
  hft_wait_for(loop, peer, HF_EV_CLOSE, 2000);
  hf_loop_close(loop);
  ASSERT_EQ(hft_fd_count(), fds0);
  return 0;
}
