/* TCP sockets: bind/listen, non-blocking connect, socket options and addresses. */
#define _GNU_SOURCE
#include "internal.h"

#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

static int hf__tcp_socket(const struct sockaddr *addr, socklen_t len) {
  if (addr == NULL) return HF_EINVAL;
  if (!((addr->sa_family == AF_INET && len >= (socklen_t)sizeof(struct sockaddr_in)) ||
        (addr->sa_family == AF_INET6 && len >= (socklen_t)sizeof(struct sockaddr_in6))))
    return HF_EAFNOSUPPORT;
  int fd = socket(addr->sa_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  return fd < 0 ? -errno : fd;
}

static int hf__setopt(int fd, int level, int name, int value) {
  return setsockopt(fd, level, name, &value, sizeof value) < 0 ? -errno : 0;
}

HF__EXPORT int hf_tcp_bind(hf_loop_t *loop, const struct sockaddr *addr, socklen_t len, int flags,
                           hf_token_t *out) {
  int fd = hf__tcp_socket(addr, len);
  if (fd < 0) return fd;
  int err = 0;
  if (flags & HF_TCP_REUSEADDR) err = hf__setopt(fd, SOL_SOCKET, SO_REUSEADDR, 1);
  if (err == 0 && (flags & HF_TCP_REUSEPORT)) err = hf__setopt(fd, SOL_SOCKET, SO_REUSEPORT, 1);
  if (err == 0 && addr->sa_family == AF_INET6)
    err = hf__setopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, (flags & HF_TCP_IPV6ONLY) ? 1 : 0);
  if (err == 0 && bind(fd, addr, len) < 0) err = -errno;
  hf__handle_t *h = NULL;
  if (err == 0) err = hf__handle_new(loop, HF_TYPE_TCP_LISTENER, fd, &h);
  if (err < 0) {
    close(fd);
    return err;
  }
  *out = h->token;
  return 0;
}

HF__EXPORT int hf_tcp_listen(hf_loop_t *loop, hf_token_t token, int backlog) {
  int err;
  hf__handle_t *h = hf__lookup(loop, token, HF_TYPE_TCP_LISTENER, &err);
  if (h == NULL) return err;
  if (h->flags & HF__S_LISTENING) return HF_EALREADY;
  if (listen(h->fd, backlog) < 0) return -errno;
  h->flags |= HF__S_LISTENING;
  return hf__watch(loop, h, HF__WANT_READ);
}

HF__EXPORT int hf_tcp_connect(hf_loop_t *loop, const struct sockaddr *addr, socklen_t len,
                              uint64_t req, hf_token_t *out) {
  int fd = hf__tcp_socket(addr, len);
  if (fd < 0) return fd;
  hf__handle_t *h;
  int err = hf__handle_new(loop, HF_TYPE_TCP_STREAM, fd, &h);
  if (err < 0) {
    close(fd);
    return err;
  }
  hf__setopt(fd, IPPROTO_TCP, TCP_NODELAY, 1);
  h->connect_req = req;
  int rc = connect(fd, addr, len);
  int connect_err = rc < 0 ? errno : 0;
  if (rc == 0) {
    err = hf__emit(loop, h->token, HF_EV_CONNECT, 0, req, 0, 0);
  } else if (connect_err != EINPROGRESS && connect_err != EINTR) {
    /* Reported through the completion; the handle stays open until its owner closes it. (EINTR:
     * a non-blocking connect goes on in the background, as with EINPROGRESS; retrying it would
     * only report EALREADY.) */
    err = hf__emit(loop, h->token, HF_EV_CONNECT, -connect_err, req, 0, 0);
  } else {
    h->flags |= HF__S_CONNECTING;
    err = hf__watch(loop, h, HF__WANT_WRITE);
  }
  if (err < 0) {
    /* The caller gets an error and no token: leave no handle (and no fd) behind. */
    hf_close(loop, h->token, 0);
    return err;
  }
  *out = h->token;
  return 0;
}

static hf__handle_t *hf__socket_lookup(hf_loop_t *loop, hf_token_t token, int *err) {
  hf__handle_t *h = hf__lookup(loop, token, 0, err);
  if (h != NULL && h->type != HF_TYPE_TCP_STREAM && h->type != HF_TYPE_TCP_LISTENER) {
    *err = HF_EWRONGTYPE;
    return NULL;
  }
  return h;
}

HF__EXPORT int hf_tcp_nodelay(hf_loop_t *loop, hf_token_t token, int enable) {
  int err;
  hf__handle_t *h = hf__lookup(loop, token, HF_TYPE_TCP_STREAM, &err);
  if (h == NULL) return err;
  return hf__setopt(h->fd, IPPROTO_TCP, TCP_NODELAY, enable ? 1 : 0);
}

HF__EXPORT int hf_tcp_keepalive(hf_loop_t *loop, hf_token_t token, int enable, int idle_s,
                                int interval_s, int count) {
  int err;
  hf__handle_t *h = hf__lookup(loop, token, HF_TYPE_TCP_STREAM, &err);
  if (h == NULL) return err;
  err = hf__setopt(h->fd, SOL_SOCKET, SO_KEEPALIVE, enable ? 1 : 0);
  if (err < 0 || !enable) return err;
  if (idle_s > 0 && (err = hf__setopt(h->fd, IPPROTO_TCP, TCP_KEEPIDLE, idle_s)) < 0) return err;
  if (interval_s > 0 && (err = hf__setopt(h->fd, IPPROTO_TCP, TCP_KEEPINTVL, interval_s)) < 0)
    return err;
  if (count > 0 && (err = hf__setopt(h->fd, IPPROTO_TCP, TCP_KEEPCNT, count)) < 0) return err;
  return 0;
}

HF__EXPORT int hf_socket_set_buffer(hf_loop_t *loop, hf_token_t token, int which, int size) {
  int err;
  hf__handle_t *h = hf__socket_lookup(loop, token, &err);
  if (h == NULL) return err;
  return hf__setopt(h->fd, SOL_SOCKET, which ? SO_RCVBUF : SO_SNDBUF, size);
}

HF__EXPORT int hf_socket_get_buffer(hf_loop_t *loop, hf_token_t token, int which) {
  int err;
  hf__handle_t *h = hf__socket_lookup(loop, token, &err);
  if (h == NULL) return err;
  int value = 0;
  socklen_t len = sizeof value;
  if (getsockopt(h->fd, SOL_SOCKET, which ? SO_RCVBUF : SO_SNDBUF, &value, &len) < 0) return -errno;
  return value;
}

HF__EXPORT int hf_socket_address(hf_loop_t *loop, hf_token_t token, int peer, struct sockaddr *out,
                                 socklen_t capacity) {
  int err;
  hf__handle_t *h = hf__socket_lookup(loop, token, &err);
  if (h == NULL) return err;
  socklen_t len = capacity;
  int rc = peer ? getpeername(h->fd, out, &len) : getsockname(h->fd, out, &len);
  return rc < 0 ? -errno : (int)len;
}
