/* A TCP round trip over ::1 (skipped, successfully, only when the host has no IPv6 loopback). */
#include "hf_test.h"

static int ipv6_available(void) {
  int fd = socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return 0;
  struct sockaddr_in6 sa = {.sin6_family = AF_INET6, .sin6_addr = IN6ADDR_LOOPBACK_INIT};
  int ok = bind(fd, HFT_SA(sa)) == 0;
  close(fd);
  return ok;
}

int main(void) {
  if (!ipv6_available()) {
    printf("SKIP: no IPv6 loopback (::1) on this host\n");
    return 0;
  }
  hft_watchdog(10);
  int fds0 = hft_fd_count();
  hf_loop_t *loop = hft_loop(64, 65536);
  struct sockaddr_in6 sa = {.sin6_family = AF_INET6, .sin6_addr = IN6ADDR_LOOPBACK_INIT};
  hf_token_t listener, client;
  ASSERT_OK(hf_tcp_bind(loop, HFT_SA(sa), HF_TCP_IPV6ONLY, &listener));
  ASSERT_OK(hf_tcp_listen(loop, listener, 16));
  struct sockaddr_in6 got;
  ASSERT_EQ(hf_socket_address(loop, listener, 0, (struct sockaddr *)&got, sizeof got), sizeof got);
  ASSERT_EQ(got.sin6_family, AF_INET6);
  ASSERT(memcmp(&got.sin6_addr, &in6addr_loopback, sizeof got.sin6_addr) == 0);
  sa.sin6_port = got.sin6_port;
  ASSERT(ntohs(sa.sin6_port) != 0);

  ASSERT_OK(hf_tcp_connect(loop, HFT_SA(sa), 6, &client));
  hf_event_t ev = hft_wait_for(loop, client, HF_EV_CONNECT, 2000);
  ASSERT_EQ(ev.result, 0);
  ev = hft_wait_for(loop, listener, HF_EV_ACCEPT, 2000);
  ASSERT_EQ(ev.result, 0);
  hf_token_t server = ev.aux;
  ASSERT_EQ(hf_socket_address(loop, server, 1, (struct sockaddr *)&got, sizeof got), sizeof got);
  ASSERT_EQ(got.sin6_family, AF_INET6);
  ASSERT(memcmp(&got.sin6_addr, &in6addr_loopback, sizeof got.sin6_addr) == 0);

  ASSERT_OK(hf_stream_read_start(loop, server));
  hf_buf_t buf = {"over ipv6", 9};
  ASSERT(hf_stream_write(loop, client, &buf, 1, 7) >= 0);
  ev = hft_wait_for(loop, server, HF_EV_READ, 2000);
  ASSERT_EQ(ev.result, 9);
  ASSERT(memcmp(hf_loop_arena(loop) + ev.offset, "over ipv6", 9) == 0);
  ev = hft_wait_for(loop, client, HF_EV_WRITE, 2000);
  ASSERT_EQ(ev.result, 0);
  ASSERT_EQ(ev.aux, 7);
  hf_loop_close(loop);
  ASSERT_EQ(hft_fd_count(), fds0);
  return 0;
}
