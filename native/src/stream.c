/* Byte streams (TCP and pipes): reading into the arena, ordered writes, shutdown, accepting. */
#define _GNU_SOURCE
#include "internal.h"
#include "probes.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#define HF__READ_CHUNK 65536u
#define HF__READ_MIN 4096u
#define HF__IOV_BATCH 64
#define HF__ACCEPT_BATCH 64

static uint32_t hf__stream_want(const hf__handle_t *h) {
  uint32_t want = 0;
  if (h->flags & (HF__S_READING | HF__S_LISTENING)) want |= HF__WANT_READ;
  if ((h->flags & HF__S_CONNECTING) || h->wq_head != NULL) want |= HF__WANT_WRITE;
  return want;
}

static int hf__stream_rewatch(hf_loop_t *loop, hf__handle_t *h) {
  return hf__watch(loop, h, hf__stream_want(h));
}

/* The byte that carries a passed fd (see hf_pipe_write_handle). */
static const uint8_t hf__handle_byte = 0;

/*
 * sendmsg with MSG_NOSIGNAL: a peer that is gone yields EPIPE, never SIGPIPE. pass_fd >= 0 rides
 * along as SCM_RIGHTS. An fd that is no socket (ENOTSOCK: an os pipe) is written with writev from
 * then on; its EPIPE relies on SIGPIPE being ignored.
 */
static ssize_t hf__send(hf__handle_t *h, struct iovec *iov, int count, int pass_fd) {
  ssize_t n;
  if (!(h->props & HF__P_NOT_SOCKET)) {
    union {
      struct cmsghdr align;
      char buf[CMSG_SPACE(sizeof(int))];
    } ctrl;
    struct msghdr msg = {.msg_iov = iov, .msg_iovlen = (size_t)count};
    if (pass_fd >= 0) {
      memset(&ctrl, 0, sizeof ctrl);
      msg.msg_control = ctrl.buf;
      msg.msg_controllen = sizeof ctrl.buf;
      struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
      c->cmsg_level = SOL_SOCKET;
      c->cmsg_type = SCM_RIGHTS;
      c->cmsg_len = CMSG_LEN(sizeof(int));
      memcpy(CMSG_DATA(c), &pass_fd, sizeof(int));
    }
    do n = sendmsg(h->fd, &msg, MSG_NOSIGNAL | MSG_DONTWAIT);
    while (n < 0 && errno == EINTR);
    if (n >= 0 || errno != ENOTSOCK || pass_fd >= 0) return n;
    h->props |= HF__P_NOT_SOCKET;
  }
  do n = writev(h->fd, iov, count);
  while (n < 0 && errno == EINTR);
  return n;
}

/*
 * Half-closes the writing side. An fd that is no socket has no shutdown(2): a read-only one has
 * nothing to end; a write-only one (a pipe's write end) is replaced by /dev/null under the same
 * number, which closes the pipe's write end so the reader sees EOF while the handle keeps its fd.
 */
static int hf__shutdown_fd(hf_loop_t *loop, hf__handle_t *h) {
  if (!(h->props & HF__P_NOT_SOCKET)) {
    if (shutdown(h->fd, SHUT_WR) == 0) return 0;
    if (errno != ENOTSOCK) return -errno;
    h->props |= HF__P_NOT_SOCKET;
  }
  int mode = fcntl(h->fd, F_GETFL);
  if (mode < 0) return -errno;
  if ((mode & O_ACCMODE) == O_RDONLY) return 0;
  if ((mode & O_ACCMODE) != O_WRONLY) return HF_ENOTSOCK;
  int null = open("/dev/null", O_WRONLY | O_CLOEXEC);
  if (null < 0) return -errno;
  hf__watch(loop, h, 0); /* /dev/null cannot be polled; nothing is left to write anyway */
  int rc = dup3(null, h->fd, O_CLOEXEC) < 0 ? -errno : 0;
  close(null);
  return rc;
}

static void hf__req_free(hf__write_req_t *r) {
  if (r->fd >= 0) hf__fd_close(r->fd); /* our copy of a passed fd: sent, failed or canceled */
  free(r);
}

static void hf__finish_shutdown(hf_loop_t *loop, hf__handle_t *h) {
  if (!(h->flags & HF__S_SHUTDOWN_PENDING) || h->wq_head != NULL ||
      (h->flags & HF__S_CONNECTING))
    return;
  h->flags &= ~(uint32_t)HF__S_SHUTDOWN_PENDING;
  h->flags |= HF__S_SHUT;
  int result = hf__shutdown_fd(loop, h);
  hf__emit(loop, h->token, HF_EV_SHUTDOWN, result, h->shutdown_req, 0, 0);
}

/* Completes every queued write with result (an error or HF_ECANCELED), in order. */
static void hf__fail_writes(hf_loop_t *loop, hf__handle_t *h, int result) {
  while (h->wq_head != NULL) {
    hf__write_req_t *r = h->wq_head;
    h->wq_head = r->next;
    for (int i = r->index; i < r->count; i++) h->wq_bytes -= (int64_t)r->bufs[i].len;
    hf__emit(loop, h->token, HF_EV_WRITE, result, r->req, 0, (uint32_t)h->wq_bytes);
    hf__req_free(r);
  }
  h->wq_tail = NULL;
  h->wq_bytes = 0;
}

/* Writes queued requests until the kernel pushes back; completes the ones fully sent. */
static void hf__flush_writes(hf_loop_t *loop, hf__handle_t *h) {
  while (h->wq_head != NULL) {
    struct iovec iov[HF__IOV_BATCH];
    int n = 0, pass_fd = -1;
    for (hf__write_req_t *r = h->wq_head; r != NULL && n < HF__IOV_BATCH; r = r->next) {
      /* A passed fd goes alone with its byte: the kernel attaches it to a message's first
       * buffer, and the receiver finds it on the last byte it reads with it. */
      if (r->fd >= 0) {
        if (n == 0) {
          pass_fd = r->fd;
          iov[n++] = (struct iovec){(void *)r->bufs[r->index].base, r->bufs[r->index].len};
        }
        break;
      }
      for (int i = r->index; i < r->count && n < HF__IOV_BATCH; i++)
        iov[n++] = (struct iovec){(void *)r->bufs[i].base, r->bufs[i].len};
    }
    ssize_t sent = n > 0 ? hf__send(h, iov, n, pass_fd) : 0;
    if (sent < 0) {
      if (errno == EAGAIN || errno == EWOULDBLOCK) break;
      hf__fail_writes(loop, h, -errno);
      break;
    }
    size_t offered = 0;
    for (int i = 0; i < n; i++) offered += iov[i].iov_len;
    size_t left = (size_t)sent;
    h->wq_bytes -= sent;
    while (h->wq_head != NULL) {
      hf__write_req_t *r = h->wq_head;
      while (r->index < r->count && left >= r->bufs[r->index].len) left -= r->bufs[r->index++].len;
      if (r->index < r->count) {
        r->bufs[r->index].base = (const uint8_t *)r->bufs[r->index].base + left;
        r->bufs[r->index].len -= left;
        break;
      }
      h->wq_head = r->next;
      if (h->wq_head == NULL) {
        h->wq_tail = NULL;
        HF__PROBE2(write__drain, h->token, h->fd);
      }
      hf__emit(loop, h->token, HF_EV_WRITE, 0, r->req, 0, (uint32_t)h->wq_bytes);
      hf__req_free(r);
    }
    if ((size_t)sent < offered) break; /* the kernel is full: wait for writability */
  }
  hf__finish_shutdown(loop, h);
}

static void hf__read_once(hf_loop_t *loop, hf__handle_t *h) {
  uint32_t room = loop->arena_size - loop->arena_used;
  if (room < HF__READ_MIN && room < loop->arena_size) return; /* next poll, after the batch drains */
  if (room > HF__READ_CHUNK) room = HF__READ_CHUNK;
  ssize_t n;
  int fds[HF__PASS_FDS_MAX], nfds = 0;
  if (h->type == HF_TYPE_PIPE_STREAM && !(h->props & HF__P_NOT_SOCKET)) {
    n = hf__pipe_recv(h, loop->arena + loop->arena_used, room, fds, &nfds);
  } else {
    do n = read(h->fd, loop->arena + loop->arena_used, room);
    while (n < 0 && errno == EINTR);
  }
  if (n > 0) {
    /* The last byte of a read that brought fds is the byte that carried them, not data. */
    uint32_t data = (uint32_t)n - (nfds > 0 ? 1u : 0u);
    if (data > 0) {
      hf__emit(loop, h->token, HF_EV_READ, (int32_t)data, 0, loop->arena_used, data);
      loop->arena_used += data;
    }
    if (nfds > 0) hf__pipe_wrap_received(loop, h, fds, nfds);
    return;
  }
  if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return;
  int result = n == 0 ? HF_EOF : -errno;
  HF__PROBE3(read__stop, h->token, h->fd, result);
  h->flags &= ~(uint32_t)HF__S_READING;
  if (n == 0) h->flags |= HF__S_EOF;
  hf__emit(loop, h->token, HF_EV_READ, result, 0, 0, 0);
}

static void hf__accept_some(hf_loop_t *loop, hf__handle_t *lh) {
  for (int i = 0; i < HF__ACCEPT_BATCH; i++) {
    int fd = accept4(lh->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) {
      int err = errno;
      if (err == EAGAIN || err == EWOULDBLOCK) return;
      if (err == EINTR || err == ECONNABORTED) continue;
      if ((err == EMFILE || err == ENFILE) && loop->reserve_fd >= 0) {
        /* Out of fds: spend the reserve to accept and drop one connection, so the listener does
         * not stay readable and spin, then report it (aux 1: one connection was shed). accept
         * fails with EMFILE even when nothing is pending (the fd is allocated first), so an
         * empty queue found with the reserve is not reported: nothing was shed. */
        close(loop->reserve_fd);
        int shed = accept4(lh->fd, NULL, NULL, SOCK_CLOEXEC);
        int shed_err = shed < 0 ? errno : 0;
        if (shed >= 0) close(shed);
        loop->reserve_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
        if (shed < 0 && (shed_err == EAGAIN || shed_err == EWOULDBLOCK)) return;
        HF__PROBE3(accept, lh->token, 0, -err);
        hf__emit(loop, lh->token, HF_EV_ACCEPT, -err, shed >= 0 ? 1 : 0, 0, 0);
        if (shed < 0 || loop->reserve_fd < 0) return;
        continue;
      }
      HF__PROBE3(accept, lh->token, 0, -err);
      hf__emit(loop, lh->token, HF_EV_ACCEPT, -err, 0, 0, 0);
      return;
    }
    /* The new stream is of the listener's family. */
    int type = lh->type == HF_TYPE_PIPE_LISTENER ? HF_TYPE_PIPE_STREAM : HF_TYPE_TCP_STREAM;
    int one = 1;
    if (type == HF_TYPE_TCP_STREAM) setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    hf__handle_t *h;
    if (hf__handle_new(loop, type, fd, &h) < 0) {
      close(fd);
      hf__emit(loop, lh->token, HF_EV_ACCEPT, HF_ENOMEM, 0, 0, 0);
      return;
    }
    HF__PROBE3(accept, lh->token, h->token, fd);
    hf__emit(loop, lh->token, HF_EV_ACCEPT, 0, h->token, 0, 0);
  }
}

void hf__stream_io(hf_loop_t *loop, hf__handle_t *h, uint32_t events) {
  if (hf__is_listener(h->type)) {
    if (h->flags & HF__S_LISTENING) hf__accept_some(loop, h);
    return;
  }
  if (!hf__is_stream(h->type)) return;
  hf_token_t token = h->token;
  if ((h->flags & HF__S_CONNECTING) && (events & (HF__WANT_WRITE | HF__READY_ERROR))) {
    int so_error = 0;
    socklen_t len = sizeof so_error;
    if (getsockopt(h->fd, SOL_SOCKET, SO_ERROR, &so_error, &len) < 0) so_error = errno;
    h->flags &= ~(uint32_t)HF__S_CONNECTING;
    HF__PROBE3(connect__done, token, h->fd, -so_error);
    hf__emit(loop, token, HF_EV_CONNECT, -so_error, h->connect_req, 0, 0);
    if (so_error != 0) {
      hf__fail_writes(loop, h, -so_error);
      if (h->flags & HF__S_SHUTDOWN_PENDING) {
        h->flags &= ~(uint32_t)HF__S_SHUTDOWN_PENDING;
        hf__emit(loop, token, HF_EV_SHUTDOWN, -so_error, h->shutdown_req, 0, 0);
      }
      h->flags &= ~(uint32_t)HF__S_READING;
      hf__stream_rewatch(loop, h);
      return;
    }
    events |= HF__WANT_WRITE;
  }
  if ((events & (HF__WANT_WRITE | HF__READY_ERROR)) && h->wq_head != NULL) hf__flush_writes(loop, h);
  else hf__finish_shutdown(loop, h);
  if ((events & (HF__WANT_READ | HF__READY_ERROR)) && (h->flags & HF__S_READING)) hf__read_once(loop, h);
  hf__stream_rewatch(loop, h);
}

void hf__stream_cancel(hf_loop_t *loop, hf__handle_t *h) {
  if (h->flags & HF__S_CONNECTING) {
    HF__PROBE3(connect__done, h->token, h->fd, HF_ECANCELED);
    hf__emit(loop, h->token, HF_EV_CONNECT, HF_ECANCELED, h->connect_req, 0, 0);
  }
  hf__fail_writes(loop, h, HF_ECANCELED);
  if (h->flags & HF__S_SHUTDOWN_PENDING)
    hf__emit(loop, h->token, HF_EV_SHUTDOWN, HF_ECANCELED, h->shutdown_req, 0, 0);
  h->flags = 0;
}

static hf__handle_t *hf__stream_lookup(hf_loop_t *loop, hf_token_t token, int *err) {
  hf__handle_t *h = hf__lookup(loop, token, 0, err);
  if (h != NULL && !hf__is_stream(h->type)) {
    *err = HF_EWRONGTYPE;
    return NULL;
  }
  return h;
}

int hf__stream_connect(hf_loop_t *loop, int fd, int type, const struct sockaddr *addr,
                       socklen_t len, uint64_t req, hf_token_t *out) {
  hf__handle_t *h;
  int err = hf__handle_new(loop, type, fd, &h);
  if (err < 0) {
    close(fd);
    return err;
  }
  h->connect_req = req;
  int rc = connect(fd, addr, len);
  int connect_err = rc < 0 ? errno : 0;
  if (rc == 0) {
    HF__PROBE3(connect__done, h->token, fd, 0);
    err = hf__emit(loop, h->token, HF_EV_CONNECT, 0, req, 0, 0);
  } else if (connect_err != EINPROGRESS && connect_err != EINTR) {
    /* Reported through the completion; the handle stays open until its owner closes it. (EINTR:
     * a non-blocking connect goes on in the background, as with EINPROGRESS; retrying it would
     * only report EALREADY.) */
    HF__PROBE3(connect__done, h->token, fd, -connect_err);
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

HF__EXPORT int hf_stream_read_start(hf_loop_t *loop, hf_token_t token) {
  int err;
  hf__handle_t *h = hf__stream_lookup(loop, token, &err);
  if (h == NULL) return err;
  if (h->flags & HF__S_EOF) return 0;
  HF__PROBE2(read__start, token, h->fd);
  h->flags |= HF__S_READING;
  return hf__stream_rewatch(loop, h);
}

HF__EXPORT int hf_stream_read_stop(hf_loop_t *loop, hf_token_t token) {
  int err;
  hf__handle_t *h = hf__stream_lookup(loop, token, &err);
  if (h == NULL) return err;
  HF__PROBE3(read__stop, token, h->fd, 0);
  h->flags &= ~(uint32_t)HF__S_READING;
  return hf__stream_rewatch(loop, h);
}

static int hf__enqueue(hf__handle_t *h, const hf_buf_t *bufs, int count, size_t skip,
                       uint64_t req) {
  hf__write_req_t *r = malloc(sizeof(*r) + (size_t)count * sizeof(hf_buf_t));
  if (r == NULL) return HF_ENOMEM;
  r->next = NULL;
  r->req = req;
  r->fd = -1;
  r->count = count;
  r->index = 0;
  memcpy(r->bufs, bufs, (size_t)count * sizeof(hf_buf_t));
  while (r->index < count && skip >= r->bufs[r->index].len) skip -= r->bufs[r->index++].len;
  if (r->index < count) {
    r->bufs[r->index].base = (const uint8_t *)r->bufs[r->index].base + skip;
    r->bufs[r->index].len -= skip;
  }
  for (int i = r->index; i < count; i++) h->wq_bytes += (int64_t)r->bufs[i].len;
  if (h->wq_tail) h->wq_tail->next = r;
  else h->wq_head = r;
  h->wq_tail = r;
  return 0;
}

static ssize_t hf__send_bufs(hf__handle_t *h, const hf_buf_t *bufs, int count, size_t *total) {
  struct iovec iov[HF__IOV_BATCH];
  int n = count < HF__IOV_BATCH ? count : HF__IOV_BATCH;
  *total = 0;
  for (int i = 0; i < n; i++) {
    iov[i] = (struct iovec){(void *)bufs[i].base, bufs[i].len};
    *total += bufs[i].len;
  }
  return hf__send(h, iov, n, -1);
}

HF__EXPORT int64_t hf_stream_write(hf_loop_t *loop, hf_token_t token, const hf_buf_t *bufs,
                                   int count, uint64_t req) {
  int err;
  hf__handle_t *h = hf__stream_lookup(loop, token, &err);
  if (h == NULL) return err;
  if (count < 0 || (count > 0 && bufs == NULL)) return HF_EINVAL;
  if (h->flags & (HF__S_SHUT | HF__S_SHUTDOWN_PENDING)) return HF_EBUSYSTATE;
  size_t skip = 0;
  if (h->wq_head == NULL && !(h->flags & HF__S_CONNECTING)) {
    size_t offered;
    ssize_t n = hf__send_bufs(h, bufs, count, &offered);
    if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK) {
      hf__emit(loop, token, HF_EV_WRITE, -errno, req, 0, 0);
      return 0;
    }
    if (n >= 0) {
      skip = (size_t)n;
      if (count <= HF__IOV_BATCH && (size_t)n == offered) {
        hf__emit(loop, token, HF_EV_WRITE, 0, req, 0, 0);
        return 0;
      }
    }
  }
  int rc = hf__enqueue(h, bufs, count, skip, req);
  if (rc < 0) return rc;
  /* The kernel did not take it all: the native queue grows. Java's high-water mark is compared
   * with this size by the tracer (scripts/write-backpressure.bt). */
  HF__PROBE3(write__queued, token, h->fd, h->wq_bytes);
  rc = hf__stream_rewatch(loop, h);
  if (rc < 0) return rc;
  return h->wq_bytes;
}

HF__EXPORT int64_t hf_stream_try_write(hf_loop_t *loop, hf_token_t token, const hf_buf_t *bufs,
                                       int count) {
  int err;
  hf__handle_t *h = hf__stream_lookup(loop, token, &err);
  if (h == NULL) return err;
  if (count < 0 || (count > 0 && bufs == NULL)) return HF_EINVAL;
  if (h->flags & (HF__S_SHUT | HF__S_SHUTDOWN_PENDING)) return HF_EBUSYSTATE;
  if (h->wq_head != NULL || (h->flags & HF__S_CONNECTING)) return 0;
  size_t offered;
  ssize_t n = hf__send_bufs(h, bufs, count, &offered);
  if (n < 0) return errno == EAGAIN || errno == EWOULDBLOCK ? 0 : -errno;
  return n;
}

HF__EXPORT int hf_stream_shutdown(hf_loop_t *loop, hf_token_t token, uint64_t req) {
  int err;
  hf__handle_t *h = hf__stream_lookup(loop, token, &err);
  if (h == NULL) return err;
  if (h->flags & (HF__S_SHUT | HF__S_SHUTDOWN_PENDING)) return HF_EALREADY;
  h->flags |= HF__S_SHUTDOWN_PENDING;
  h->shutdown_req = req;
  hf__finish_shutdown(loop, h);
  return 0;
}

HF__EXPORT int64_t hf_stream_write_queue_size(hf_loop_t *loop, hf_token_t token) {
  int err;
  hf__handle_t *h = hf__stream_lookup(loop, token, &err);
  return h == NULL ? err : h->wq_bytes;
}

int hf__stream_queue_handle(hf_loop_t *loop, hf__handle_t *h, int fd, uint64_t req) {
  if (h->flags & (HF__S_SHUT | HF__S_SHUTDOWN_PENDING)) return HF_EBUSYSTATE;
  hf_buf_t buf = {&hf__handle_byte, 1};
  int rc = hf__enqueue(h, &buf, 1, 0, req);
  if (rc < 0) return rc;
  h->wq_tail->fd = fd;
  if (!(h->flags & HF__S_CONNECTING)) hf__flush_writes(loop, h);
  rc = hf__stream_rewatch(loop, h);
  return rc < 0 ? rc : 0;
}
