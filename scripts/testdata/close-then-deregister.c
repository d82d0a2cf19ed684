/* The fd-reuse race on purpose: a socket closed before it is taken out of epoll. check-scripts.sh
 * runs fd-history.sh and failed-syscalls.sh on it, which must both report it (exit status 1). */
#include <stdio.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

int main(void) {
  int ep = epoll_create1(EPOLL_CLOEXEC);
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  struct epoll_event ev = {.events = EPOLLIN, .data.fd = fd};
  if (ep < 0 || fd < 0 || epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev) < 0) return 2;
  close(fd);
  int rc = epoll_ctl(ep, EPOLL_CTL_DEL, fd, &ev); /* too late: EBADF, or someone else's fd */
  printf("fd %d deregistered after close: %d\n", fd, rc);
  close(ep);
  return 0;
}
