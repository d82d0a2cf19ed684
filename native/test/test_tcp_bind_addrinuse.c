/* Binding a port somebody listens on fails with HF_EADDRINUSE and leaks nothing. */
#include "hf_test.h"

int main(void) {
  int fds0 = hft_fd_count();
  uint16_t port;
  int lfd = hft_plain_listen(&port);
  hf_loop_t *loop = hft_loop(64, 65536);
  int fds1 = hft_fd_count();
  struct sockaddr_in sa = hft_addr4(port);
  static const int flags[] = {0, HF_TCP_REUSEADDR};
  for (int i = 0; i < 2; i++) {
    hf_token_t t = 0;
    ASSERT_EQ(hf_tcp_bind(loop, HFT_SA(sa), flags[i], &t), HF_EADDRINUSE);
    ASSERT_EQ(t, 0); /* no token handed out */
    ASSERT_EQ(hf_loop_handle_count(loop), 0);
    ASSERT_EQ(hft_fd_count(), fds1); /* the socket made for the attempt is closed */
  }
  /* A Holdfast listener holds its port the same way. */
  uint16_t port2;
  hf_token_t listener = hft_listen(loop, &port2);
  struct sockaddr_in sa2 = hft_addr4(port2);
  hf_token_t t = 0;
  ASSERT_EQ(hf_tcp_bind(loop, HFT_SA(sa2), 0, &t), HF_EADDRINUSE);
  ASSERT_EQ(hf_loop_handle_count(loop), 1);
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  ASSERT(bind(fd, HFT_SA(sa2)) < 0 && errno == EADDRINUSE);
  close(fd);
  /* Once it is closed, the port can be bound again. */
  ASSERT_OK(hf_close(loop, listener, 0));
  ASSERT_OK(hf_tcp_bind(loop, HFT_SA(sa2), HF_TCP_REUSEADDR, &t));
  ASSERT_EQ(hf_handle_type(loop, t), HF_TYPE_TCP_LISTENER);
  /* Other bad addresses are refused before any socket exists. */
  ASSERT_EQ(hf_tcp_bind(loop, NULL, 0, 0, &t), HF_EINVAL);
  ASSERT_EQ(hf_tcp_bind(loop, (const struct sockaddr *)&sa2, 4, 0, &t), HF_EAFNOSUPPORT);
  hf_loop_close(loop);
  close(lfd);
  ASSERT_EQ(hft_fd_count(), fds0);
  return 0;
}
