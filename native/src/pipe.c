/*
 * Pipes: Unix-domain listeners and streams, socket pairs, adopted fds, peer credentials, and
 * passing handles with SCM_RIGHTS. Reading, writing and accepting are the stream code's.
 */
#define _GNU_SOURCE
#include "internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#define HF__SUN_OFFSET offsetof(struct sockaddr_un, sun_path)

/* Checks a Unix address; *path gets a NUL-terminated filesystem path ("" for an abstract name). */
static int hf__unix_addr(const struct sockaddr *addr, socklen_t len, char *path, size_t cap) {
  if (addr == NULL || len < (socklen_t)sizeof(sa_family_t)) return HF_EINVAL;
  if (addr->sa_family != AF_UNIX) return HF_EAFNOSUPPORT;
  if (len <= (socklen_t)HF__SUN_OFFSET || len > (socklen_t)sizeof(struct sockaddr_un))
    return HF_EINVAL;
  const struct sockaddr_un *un = (const struct sockaddr_un *)addr;
  size_t n = (size_t)len - HF__SUN_OFFSET;
  if (un->sun_path[0] == '\0') {
    if (n < 2) return HF_EINVAL; /* an abstract name needs at least one byte */
    path[0] = '\0';
    return 0;
  }
  if (n >= cap) return HF_EINVAL;
  memcpy(path, un->sun_path, n);
  path[n] = '\0';
  return strlen(path) > 0 ? 0 : HF_EINVAL;
}

static int hf__unix_socket(void) {
  int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  return fd < 0 ? -errno : fd;
}

/*
 * A bind found path in use: unlink it if it is a socket nobody listens on. A connect probes it
 * (a live listener accepts the probe and sees it close at once); the inode is compared before the
 * unlink so that a file replaced meanwhile is left alone. Returns 0 when the bind may be retried.
 */
static int hf__replace_stale(const struct sockaddr *addr, socklen_t len, const char *path) {
  struct stat before, after;
  if (lstat(path, &before) < 0) return errno == ENOENT ? 0 : HF_EADDRINUSE;
  if (!S_ISSOCK(before.st_mode)) return HF_EADDRINUSE; /* never unlink what is no socket */
  int probe = hf__unix_socket();
  if (probe < 0) return probe;
  int rc;
  do rc = connect(probe, addr, len);
  while (rc < 0 && errno == EINTR);
  int err = rc < 0 ? errno : 0;
  close(probe);
  if (err == ENOENT) return 0;
  if (err != ECONNREFUSED) return HF_EADDRINUSE; /* connected, or EAGAIN (backlog full): alive */
  if (lstat(path, &after) < 0) return errno == ENOENT ? 0 : HF_EADDRINUSE;
  if (after.st_ino != before.st_ino || after.st_dev != before.st_dev) return HF_EADDRINUSE;
  if (unlink(path) < 0 && errno != ENOENT) return -errno;
  return 0;
}

/* Adds read and/or write permission for everyone to the socket file, as uv_pipe_chmod does. */
static int hf__chmod_all(const char *path, int flags) {
  mode_t add = 0;
  if (flags & HF_PIPE_READABLE) add |= S_IRUSR | S_IRGRP | S_IROTH;
  if (flags & HF_PIPE_WRITABLE) add |= S_IWUSR | S_IWGRP | S_IWOTH;
  struct stat st;
  if (stat(path, &st) < 0) return -errno;
  if ((st.st_mode & add) == add) return 0;
  return chmod(path, (st.st_mode & 07777) | add) < 0 ? -errno : 0;
}

HF__EXPORT int hf_pipe_bind(hf_loop_t *loop, const struct sockaddr *addr, socklen_t len, int flags,
                            hf_token_t *out) {
  char path[sizeof(struct sockaddr_un) + 1];
  int err = hf__unix_addr(addr, len, path, sizeof path);
  if (err < 0) return err;
  bool named = path[0] != '\0';
  if (!named && (flags & (HF_PIPE_READABLE | HF_PIPE_WRITABLE))) return HF_EINVAL;
  int fd = hf__unix_socket();
  if (fd < 0) return fd;
  err = bind(fd, addr, len) < 0 ? -errno : 0;
  if (err == HF_EADDRINUSE && named && (flags & HF_PIPE_REPLACE_STALE)) {
    err = hf__replace_stale(addr, len, path);
    if (err == 0) err = bind(fd, addr, len) < 0 ? -errno : 0;
  }
  bool created = err == 0;
  if (err == 0 && named && (flags & (HF_PIPE_READABLE | HF_PIPE_WRITABLE)))
    err = hf__chmod_all(path, flags);
  hf__handle_t *h = NULL;
  if (err == 0) err = hf__handle_new(loop, HF_TYPE_PIPE_LISTENER, fd, &h);
  if (err < 0) {
    if (created && named) unlink(path); /* the file we made must not outlive a failed bind */
    close(fd);
    return err;
  }
  *out = h->token;
  return 0;
}

HF__EXPORT int hf_pipe_listen(hf_loop_t *loop, hf_token_t token, int backlog) {
  int err;
  hf__handle_t *h = hf__lookup(loop, token, HF_TYPE_PIPE_LISTENER, &err);
  if (h == NULL) return err;
  if (h->flags & HF__S_LISTENING) return HF_EALREADY;
  if (listen(h->fd, backlog) < 0) return -errno;
  h->flags |= HF__S_LISTENING;
  return hf__watch(loop, h, HF__WANT_READ);
}

HF__EXPORT int hf_pipe_connect(hf_loop_t *loop, const struct sockaddr *addr, socklen_t len,
                               uint64_t req, hf_token_t *out) {
  char path[sizeof(struct sockaddr_un) + 1];
  int err = hf__unix_addr(addr, len, path, sizeof path);
  if (err < 0) return err;
  int fd = hf__unix_socket();
  if (fd < 0) return fd;
  /* A Unix connect completes at once (or fails: ENOENT, ECONNREFUSED, EAGAIN when the backlog is
   * full); the outcome still arrives as an event, like TCP's. */
  return hf__stream_connect(loop, fd, HF_TYPE_PIPE_STREAM, addr, len, req, out);
}

HF__EXPORT int hf_pipe_pair(hf_loop_t *loop, hf_token_t out[2]) {
  int sv[2];
  if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, sv) < 0) return -errno;
  hf__handle_t *a, *b;
  int err = hf__handle_new(loop, HF_TYPE_PIPE_STREAM, sv[0], &a);
  if (err < 0) {
    close(sv[0]);
    close(sv[1]);
    return err;
  }
  err = hf__handle_new(loop, HF_TYPE_PIPE_STREAM, sv[1], &b);
  if (err < 0) {
    close(sv[1]);
    hf_close(loop, a->token, 0);
    return err;
  }
  out[0] = a->token;
  out[1] = b->token;
  return 0;
}

int hf__fd_classify(int fd, int *type, uint32_t *props) {
  struct stat st;
  if (fstat(fd, &st) < 0) return -errno;
  *props = 0;
  if (!S_ISSOCK(st.st_mode)) {
    if (!S_ISFIFO(st.st_mode) && !S_ISCHR(st.st_mode)) return HF_EINVAL;
    *type = HF_TYPE_PIPE_STREAM;
    *props = HF__P_NOT_SOCKET;
    return 0;
  }
  int domain = 0, kind = 0, listening = 0;
  socklen_t len = sizeof domain;
  if (getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &domain, &len) < 0) return -errno;
  len = sizeof kind;
  if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &kind, &len) < 0) return -errno;
  len = sizeof listening;
  if (getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &listening, &len) < 0) return -errno;
  /* One case per stream handle type (a datagram socket is hf__udp_classify's). */
  if (kind != SOCK_STREAM || listening) return HF_EINVAL;
  if (domain == AF_UNIX) *type = HF_TYPE_PIPE_STREAM;
  else if (domain == AF_INET || domain == AF_INET6) *type = HF_TYPE_TCP_STREAM;
  else return HF_EAFNOSUPPORT;
  return 0;
}

static int hf__fd_prepare(int fd) {
  int fl = fcntl(fd, F_GETFL);
  if (fl < 0) return -errno;
  if (!(fl & O_NONBLOCK) && fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0) return -errno;
  int fdfl = fcntl(fd, F_GETFD);
  if (fdfl < 0) return -errno;
  if (!(fdfl & FD_CLOEXEC) && fcntl(fd, F_SETFD, fdfl | FD_CLOEXEC) < 0) return -errno;
  return 0;
}

HF__EXPORT int hf_pipe_open(hf_loop_t *loop, int fd, hf_token_t *out) {
  if (fd < 0) return HF_EBADF;
  int err = hf__fd_claim(fd, true);
  if (err < 0) return err;
  int type = 0;
  uint32_t props = 0;
  err = hf__fd_classify(fd, &type, &props);
  if (err == 0 && type != HF_TYPE_PIPE_STREAM) err = HF_EAFNOSUPPORT;
  if (err == 0) {
    /* Refuse what epoll cannot watch (e.g. /dev/null) now, not at the first readStart. Token 0 is
     * never issued, and no poll runs between the two calls. */
    err = hf__backend_watch(loop->backend, fd, 0, 0, HF__WANT_READ);
    if (err == 0) hf__backend_watch(loop->backend, fd, 0, HF__WANT_READ, 0);
  }
  if (err == 0) err = hf__fd_prepare(fd);
  hf__handle_t *h = NULL;
  if (err == 0) err = hf__handle_new(loop, HF_TYPE_PIPE_STREAM, fd, &h);
  if (err < 0) {
    hf__fd_release(fd); /* the caller keeps fd */
    return err;
  }
  h->props = props;
  *out = h->token;
  return 0;
}

static hf__handle_t *hf__pipe_lookup(hf_loop_t *loop, hf_token_t token, int *err) {
  return hf__lookup(loop, token, HF_TYPE_PIPE_STREAM, err);
}

HF__EXPORT int hf_pipe_peer_credentials(hf_loop_t *loop, hf_token_t token, hf_peer_cred_t *out) {
  int err;
  hf__handle_t *h = hf__pipe_lookup(loop, token, &err);
  if (h == NULL) return err;
  struct ucred cred;
  socklen_t len = sizeof cred;
  if (getsockopt(h->fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) < 0) return -errno;
  out->pid = cred.pid;
  out->uid = cred.uid;
  out->gid = cred.gid;
  return 0;
}

HF__EXPORT int hf_pipe_is_socket(hf_loop_t *loop, hf_token_t token) {
  int err;
  hf__handle_t *h = hf__pipe_lookup(loop, token, &err);
  if (h == NULL) return err;
  return (h->props & HF__P_NOT_SOCKET) ? 0 : 1;
}

HF__EXPORT int64_t hf_pipe_write_handle(hf_loop_t *loop, hf_token_t token, int fd, uint64_t req) {
  int err;
  hf__handle_t *h = hf__pipe_lookup(loop, token, &err);
  if (h == NULL) return err;
  if (fd < 0) return HF_EBADF;
  if (h->props & HF__P_NOT_SOCKET) return HF_ENOTSOCK;
  err = hf__stream_queue_handle(loop, h, fd, req);
  return err < 0 ? err : h->wq_bytes;
}

ssize_t hf__pipe_recv(hf__handle_t *h, void *buf, size_t len, int *fds, int *nfds) {
  union {
    struct cmsghdr align;
    char buf[CMSG_SPACE(sizeof(int) * HF__PASS_FDS_MAX)];
  } ctrl;
  struct iovec iov = {buf, len};
  struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1};
  msg.msg_control = ctrl.buf;
  msg.msg_controllen = sizeof ctrl.buf;
  ssize_t n;
  *nfds = 0;
  do n = recvmsg(h->fd, &msg, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
  while (n < 0 && errno == EINTR);
  if (n < 0 && errno == ENOTSOCK) {
    h->props |= HF__P_NOT_SOCKET;
    do n = read(h->fd, buf, len);
    while (n < 0 && errno == EINTR);
    return n;
  }
  if (n <= 0) return n;
  for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); c != NULL; c = CMSG_NXTHDR(&msg, c)) {
    if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS) continue;
    int count = (int)((c->cmsg_len - CMSG_LEN(0)) / sizeof(int));
    for (int i = 0; i < count; i++) {
      int fd;
      memcpy(&fd, CMSG_DATA(c) + (size_t)i * sizeof(int), sizeof fd);
      if (*nfds < HF__PASS_FDS_MAX) fds[(*nfds)++] = fd;
      else close(fd);
    }
  }
  return n;
}

void hf__pipe_wrap_received(hf_loop_t *loop, hf__handle_t *h, const int *fds, int nfds) {
  for (int i = 0; i < nfds; i++) {
    int fd = fds[i], type = 0;
    uint32_t props = 0;
    int err = hf__fd_classify(fd, &type, &props);
    if (err == HF_EINVAL) err = hf__udp_classify(fd, &type);
    if (err == HF_EINVAL) err = HF_EOPNOTSUPP; /* a listener, file... */
    if (err == 0) err = hf__fd_prepare(fd);
    hf__handle_t *nh = NULL;
    if (err == 0) err = hf__handle_new(loop, type, fd, &nh);
    if (err == 0 && type == HF_TYPE_UDP) hf__udp_adopted(loop, nh);
    if (err < 0) {
      close(fd); /* never claimed: nobody owns it but us */
      hf__emit(loop, h->token, HF_EV_HANDLE, err, 0, 0, 0);
      continue;
    }
    nh->props = props;
    hf__emit(loop, h->token, HF_EV_HANDLE, type, nh->token, 0, 0);
  }
}

/* Index-based on purpose: hf_close emits, which may reallocate the pending ring (order kept). */
void hf__pipe_discard_handles(hf_loop_t *loop, hf_token_t token) {
  for (uint32_t i = 0; i < loop->batch_count; i++) {
    hf_event_t *e = &loop->events[i];
    if (e->token != token || e->kind != HF_EV_HANDLE) continue;
    e->kind = HF_EV_NONE;
    if (e->result > 0) hf_close(loop, e->aux, 0);
  }
  for (uint32_t i = 0; i < loop->pending_count; i++) {
    hf_event_t *e = &loop->pending[(loop->pending_head + i) % loop->pending_capacity];
    if (e->token != token || e->kind != HF_EV_HANDLE) continue;
    e->kind = HF_EV_NONE;
    if (e->result > 0) hf_close(loop, e->aux, 0);
  }
}
