/* UDP sockets: a socket made on first use, sends tried at once and else queued (a copy) and flushed
 * with sendmmsg, receiving with recvmmsg into the arena (sender slot + payload per datagram). */
#define _GNU_SOURCE
#include "internal.h"

#include <errno.h>
#include <limits.h>
#include <netinet/in.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#define HF__MMSG 64        /* datagrams per sendmmsg / recvmmsg call */
#define HF__RECV_CALLS 8   /* recvmmsg calls per readiness: one busy socket cannot starve the loop */
#define HF__MAX_RECV_SIZE 65536u
#define HF__ALIGN8(x) (((x) + 7u) & ~7u)

_Static_assert(sizeof(hf_udp_msg_t) == 56, "hf_udp_msg_t is laid out by Java: 56 bytes");
_Static_assert(offsetof(hf_udp_msg_t, addr) == 24, "hf_udp_msg_t.addr is at 24 for Java");
/* hf_buf_t doubles as struct iovec: callers' descriptors reach the kernel without a copy. */
_Static_assert(sizeof(hf_buf_t) == sizeof(struct iovec) &&
                   offsetof(hf_buf_t, base) == offsetof(struct iovec, iov_base) &&
                   offsetof(hf_buf_t, len) == offsetof(struct iovec, iov_len),
               "hf_buf_t must match struct iovec");

typedef union {
  struct sockaddr sa;
  struct sockaddr_in in;
  struct sockaddr_in6 in6;
} hf__sockaddr_t;
_Static_assert(sizeof(hf__sockaddr_t) <= HF_UDP_ADDR_SLOT, "an address fits the arena slot");

/* A datagram the kernel could not take yet: its own copy of the bytes and of the destination. */
typedef struct hf__udp_req {
  struct hf__udp_req *next;
  uint64_t req;
  int32_t error;      /* nonzero: completes with this error when it reaches the head */
  socklen_t addr_len; /* 0: the connected peer */
  hf__sockaddr_t addr;
  size_t len;
  uint8_t data[];
} hf__udp_req_t;

int hf__udp_family(const void *addr, socklen_t len) {
  if (addr == NULL || len < (socklen_t)sizeof(sa_family_t)) return HF_EINVAL;
  sa_family_t family;
  memcpy(&family, (const uint8_t *)addr + offsetof(struct sockaddr, sa_family), sizeof family);
  if (family == AF_INET && len >= (socklen_t)sizeof(struct sockaddr_in)) return AF_INET;
  if (family == AF_INET6 && len >= (socklen_t)sizeof(struct sockaddr_in6)) return AF_INET6;
  return family == AF_INET || family == AF_INET6 ? HF_EINVAL : HF_EAFNOSUPPORT;
}

static uint32_t hf__udp_default_recv_size(const hf_loop_t *loop) {
  uint32_t fit = loop->arena_size > HF_UDP_ADDR_SLOT + 8 ? loop->arena_size - HF_UDP_ADDR_SLOT - 8 : 1;
  return fit < HF__MAX_RECV_SIZE ? fit : HF__MAX_RECV_SIZE;
}

static hf__handle_t *hf__udp_lookup(hf_loop_t *loop, hf_token_t token, int *err) {
  return hf__lookup(loop, token, HF_TYPE_UDP, err);
}

hf__handle_t *hf__udp_socket_lookup(hf_loop_t *loop, hf_token_t token, int *err) {
  hf__handle_t *h = hf__udp_lookup(loop, token, err);
  if (h != NULL && h->fd < 0) {
    *err = HF_EBUSYSTATE;
    return NULL;
  }
  return h;
}

static int hf__udp_setopt(int fd, int level, int name, int value) {
  return setsockopt(fd, level, name, &value, sizeof value) < 0 ? -errno : 0;
}

static int hf__udp_rewatch(hf_loop_t *loop, hf__handle_t *h) {
  if (h->fd < 0) return 0;
  uint32_t want = 0;
  if (h->flags & HF__S_READING) want |= HF__WANT_READ;
  if (h->sq_head != NULL && !(h->flags & HF__U_STALLED)) want |= HF__WANT_WRITE;
  return hf__watch(loop, h, want);
}

/* Makes the socket and binds it (to the wildcard address, port 0, when addr is NULL). */
static int hf__udp_make_socket(hf_loop_t *loop, hf__handle_t *h, int family,
                               const struct sockaddr *addr, socklen_t len) {
  hf__sockaddr_t any;
  if (addr == NULL) {
    memset(&any, 0, sizeof any);
    any.sa.sa_family = (sa_family_t)family;
    addr = &any.sa;
    len = family == AF_INET ? (socklen_t)sizeof any.in : (socklen_t)sizeof any.in6;
  }
  int fd = socket(family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return -errno;
  int err = 0;
  if (h->udp_flags & HF_UDP_REUSEADDR) err = hf__udp_setopt(fd, SOL_SOCKET, SO_REUSEADDR, 1);
  if (err == 0 && (h->udp_flags & HF_UDP_REUSEPORT))
    err = hf__udp_setopt(fd, SOL_SOCKET, SO_REUSEPORT, 1);
  if (err == 0 && family == AF_INET6)
    err = hf__udp_setopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, (h->udp_flags & HF_UDP_IPV6ONLY) ? 1 : 0);
  if (err == 0 && bind(fd, addr, len) < 0) err = -errno;
  if (err == 0) err = hf__fd_claim(fd, false); /* owned from here on (process-wide registry) */
  if (err < 0) {
    close(fd);
    return err;
  }
  h->fd = fd;
  h->udp_family = family;
  return hf__udp_rewatch(loop, h);
}

/* libuv's rules: an address on a connected socket, or none on an unconnected one, is an error. */
static int hf__udp_dest_error(const hf__handle_t *h, uint32_t addr_len) {
  if (addr_len != 0 && (h->flags & HF__U_CONNECTED)) return HF_EISCONN;
  if (addr_len == 0 && !(h->flags & HF__U_CONNECTED)) return HF_EDESTADDRREQ;
  return 0;
}

static void hf__udp_complete(hf_loop_t *loop, hf__handle_t *h, uint64_t req, int result) {
  hf__emit(loop, h->token, HF_EV_SEND, result, req, 0, h->sq_count);
}

/* Takes the head request off the queue and completes it with result. */
static void hf__udp_pop(hf_loop_t *loop, hf__handle_t *h, int result) {
  hf__udp_req_t *r = h->sq_head;
  h->sq_head = r->next;
  if (h->sq_head == NULL) h->sq_tail = NULL;
  h->sq_count--;
  h->sq_bytes -= (int64_t)r->len;
  hf__udp_complete(loop, h, r->req, result);
  free(r);
}

static int hf__sendmmsg(int fd, struct mmsghdr *mm, unsigned n) {
  int rc;
  do rc = sendmmsg(fd, mm, n, MSG_DONTWAIT | MSG_NOSIGNAL);
  while (rc < 0 && errno == EINTR);
  return rc < 0 ? -errno : rc;
}

/* Sends queued datagrams until the kernel pushes back; a failing one completes with its error. */
static void hf__udp_flush(hf_loop_t *loop, hf__handle_t *h) {
  struct mmsghdr mm[HF__MMSG];
  struct iovec iov[HF__MMSG];
  while (h->sq_head != NULL && !(h->flags & HF__U_STALLED)) {
    if (h->sq_head->error != 0) {
      hf__udp_pop(loop, h, h->sq_head->error);
      continue;
    }
    unsigned n = 0;
    for (hf__udp_req_t *r = h->sq_head; r != NULL && r->error == 0 && n < HF__MMSG; r = r->next) {
      iov[n] = (struct iovec){r->data, r->len};
      mm[n].msg_hdr = (struct msghdr){.msg_name = r->addr_len ? &r->addr : NULL,
                                      .msg_namelen = r->addr_len,
                                      .msg_iov = &iov[n],
                                      .msg_iovlen = 1};
      mm[n++].msg_len = 0;
    }
    int sent = hf__sendmmsg(h->fd, mm, n);
    if (sent == HF_EAGAIN) break;
    if (sent < 0) { /* the error belongs to the first datagram offered */
      hf__udp_pop(loop, h, sent);
      continue;
    }
    for (int i = 0; i < sent; i++) hf__udp_pop(loop, h, 0);
  }
}

/* Queues a copy of one datagram (or, with a state error, a request that completes with it). */
static void hf__udp_enqueue(hf_loop_t *loop, hf__handle_t *h, const hf_udp_msg_t *m,
                            const hf_buf_t *bufs) {
  int error = hf__udp_dest_error(h, m->addr_len);
  size_t len = 0;
  if (error == 0)
    for (uint32_t k = 0; k < m->buf_count; k++) len += bufs[m->buf_index + k].len;
  hf__udp_req_t *r = malloc(sizeof(*r) + len);
  if (r == NULL && (r = malloc(sizeof(*r))) != NULL) {
    error = HF_ENOMEM;
    len = 0;
  }
  if (r == NULL) { /* not even room to keep its place: it completes now, once */
    hf__udp_complete(loop, h, m->req, HF_ENOMEM);
    return;
  }
  r->next = NULL;
  r->req = m->req;
  r->error = error;
  r->len = len;
  r->addr_len = m->addr_len;
  memset(&r->addr, 0, sizeof r->addr);
  memcpy(&r->addr, m->addr, m->addr_len < sizeof r->addr ? m->addr_len : sizeof r->addr);
  if (r->addr_len > sizeof r->addr) r->addr_len = sizeof r->addr;
  size_t at = 0;
  for (uint32_t k = 0; error == 0 && k < m->buf_count; k++) {
    const hf_buf_t *b = &bufs[m->buf_index + k];
    if (b->len > 0) memcpy(r->data + at, b->base, b->len);
    at += b->len;
  }
  if (h->sq_tail) h->sq_tail->next = r;
  else h->sq_head = r;
  h->sq_tail = r;
  h->sq_count++;
  h->sq_bytes += (int64_t)len;
}

HF__EXPORT int hf_udp_open(hf_loop_t *loop, int flags, hf_token_t *out) {
  if (out == NULL || (flags & ~(HF_UDP_REUSEADDR | HF_UDP_REUSEPORT | HF_UDP_IPV6ONLY)))
    return HF_EINVAL;
  hf__handle_t *h;
  int err = hf__handle_new(loop, HF_TYPE_UDP, -1, &h);
  if (err < 0) return err;
  h->udp_flags = flags;
  h->recv_size = hf__udp_default_recv_size(loop);
  *out = h->token;
  return 0;
}

int hf__udp_classify(int fd, int *type) {
  int domain = 0, kind = 0;
  socklen_t len = sizeof kind;
  if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &kind, &len) < 0) return -errno;
  if (kind != SOCK_DGRAM) return HF_EINVAL;
  len = sizeof domain;
  if (getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &domain, &len) < 0) return -errno;
  if (domain != AF_INET && domain != AF_INET6) return HF_EAFNOSUPPORT;
  *type = HF_TYPE_UDP;
  return 0;
}

void hf__udp_adopted(hf_loop_t *loop, hf__handle_t *h) {
  hf__sockaddr_t a;
  socklen_t len = sizeof a;
  h->recv_size = hf__udp_default_recv_size(loop);
  if (getsockname(h->fd, &a.sa, &len) == 0) h->udp_family = a.sa.sa_family;
  len = sizeof a;
  if (getpeername(h->fd, &a.sa, &len) == 0) h->flags |= HF__U_CONNECTED;
}

HF__EXPORT int hf_udp_set_recv_size(hf_loop_t *loop, hf_token_t token, uint32_t size) {
  int err;
  hf__handle_t *h = hf__udp_lookup(loop, token, &err);
  if (h == NULL) return err;
  if (size == 0 || size > HF__MAX_RECV_SIZE || HF__ALIGN8(HF_UDP_ADDR_SLOT + size) > loop->arena_size)
    return HF_EINVAL;
  h->recv_size = size;
  return 0;
}

HF__EXPORT int hf_udp_bind(hf_loop_t *loop, hf_token_t token, const struct sockaddr *addr,
                           socklen_t len) {
  int err;
  hf__handle_t *h = hf__udp_lookup(loop, token, &err);
  if (h == NULL) return err;
  int family = hf__udp_family(addr, len);
  if (family < 0) return family;
  if (h->fd >= 0) return HF_EALREADY;
  return hf__udp_make_socket(loop, h, family, addr, len);
}

HF__EXPORT int hf_udp_connect(hf_loop_t *loop, hf_token_t token, const struct sockaddr *addr,
                              socklen_t len) {
  int err;
  hf__handle_t *h = hf__udp_lookup(loop, token, &err);
  if (h == NULL) return err;
  int family = hf__udp_family(addr, len);
  if (family < 0) return family;
  if (h->flags & HF__U_CONNECTED) return HF_EISCONN;
  if (h->fd < 0 && (err = hf__udp_make_socket(loop, h, family, NULL, 0)) < 0) return err;
  int rc;
  do rc = connect(h->fd, addr, len);
  while (rc < 0 && errno == EINTR);
  if (rc < 0) return -errno;
  h->flags |= HF__U_CONNECTED;
  return 0;
}

static uint16_t hf__port(const hf__sockaddr_t *a) {
  return a->sa.sa_family == AF_INET ? a->in.sin_port : a->in6.sin6_port;
}

HF__EXPORT int hf_udp_disconnect(hf_loop_t *loop, hf_token_t token) {
  int err;
  hf__handle_t *h = hf__udp_lookup(loop, token, &err);
  if (h == NULL) return err;
  if (!(h->flags & HF__U_CONNECTED)) return HF_ENOTCONN;
  hf__sockaddr_t before, after;
  socklen_t before_len = sizeof before, after_len = sizeof after;
  if (getsockname(h->fd, &before.sa, &before_len) < 0) return -errno;
  struct sockaddr unspec;
  memset(&unspec, 0, sizeof unspec);
  unspec.sa_family = AF_UNSPEC;
  if (connect(h->fd, &unspec, sizeof unspec) < 0 && errno != EAFNOSUPPORT) return -errno;
  h->flags &= ~(uint32_t)HF__U_CONNECTED;
  /* The kernel lets go of a port it picked itself (a bind to port 0 included): take the same port
   * back, so the socket keeps its local address across connect and disconnect. */
  if (getsockname(h->fd, &after.sa, &after_len) < 0) return -errno;
  if (hf__port(&after) == 0) {
    if (after.sa.sa_family == AF_INET) after.in.sin_port = hf__port(&before);
    else after.in6.sin6_port = hf__port(&before);
    if (bind(h->fd, &after.sa, after_len) < 0) return -errno;
  }
  return 0;
}

HF__EXPORT int hf_udp_send_batch(hf_loop_t *loop, hf_token_t token, const hf_udp_msg_t *msgs,
                                 int count, const hf_buf_t *bufs, int buf_count) {
  int err;
  hf__handle_t *h = hf__udp_lookup(loop, token, &err);
  if (h == NULL) return err;
  if (count < 0 || count > HF_UDP_MAX_BATCH || (count > 0 && msgs == NULL) || buf_count < 0 ||
      (buf_count > 0 && bufs == NULL))
    return HF_EINVAL;
  /* Everything is checked before anything is sent: the call is all or nothing. */
  int family = 0;
  for (int i = 0; i < count; i++) {
    const hf_udp_msg_t *m = &msgs[i];
    if ((uint64_t)m->buf_index + m->buf_count > (uint64_t)buf_count || m->buf_count > IOV_MAX)
      return HF_EINVAL;
    if (m->addr_len == 0) continue;
    if (m->addr_len > HF_UDP_ADDR_SLOT) return HF_EINVAL;
    int f = hf__udp_family(m->addr, m->addr_len);
    if (f < 0) return f;
    if (family == 0) family = f;
  }
  /* A send before bind binds to the wildcard address of the first destination's family. */
  if (h->fd < 0 && family != 0 && (err = hf__udp_make_socket(loop, h, family, NULL, 0)) < 0)
    return err;
  struct mmsghdr mm[HF__MMSG];
  int i = 0;
  /* Sent at once while nothing is queued (and so in order); the rest is queued. */
  while (i < count && h->sq_head == NULL && !(h->flags & HF__U_STALLED)) {
    int dest = hf__udp_dest_error(h, msgs[i].addr_len);
    if (dest != 0) {
      hf__udp_complete(loop, h, msgs[i].req, dest);
      i++;
      continue;
    }
    unsigned n = 0;
    while (i + (int)n < count && n < HF__MMSG && hf__udp_dest_error(h, msgs[i + n].addr_len) == 0) {
      const hf_udp_msg_t *m = &msgs[i + n];
      mm[n].msg_hdr = (struct msghdr){
          .msg_name = m->addr_len ? (void *)(uintptr_t)m->addr : NULL,
          .msg_namelen = m->addr_len,
          .msg_iov = m->buf_count ? (struct iovec *)(uintptr_t)(bufs + m->buf_index) : NULL,
          .msg_iovlen = m->buf_count};
      mm[n++].msg_len = 0;
    }
    int sent = h->fd >= 0 ? hf__sendmmsg(h->fd, mm, n) : HF_EBADF;
    if (sent == HF_EAGAIN) break;
    if (sent < 0) {
      hf__udp_complete(loop, h, msgs[i].req, sent);
      i++;
      continue;
    }
    for (int k = 0; k < sent; k++) hf__udp_complete(loop, h, msgs[i + k].req, 0);
    i += sent;
  }
  for (; i < count; i++) hf__udp_enqueue(loop, h, &msgs[i], bufs);
  err = hf__udp_rewatch(loop, h);
  return err < 0 ? err : (int)h->sq_count;
}

HF__EXPORT int hf_udp_send(hf_loop_t *loop, hf_token_t token, const hf_buf_t *bufs, int count,
                           const struct sockaddr *addr, socklen_t len, uint64_t req) {
  if (count < 0) return HF_EINVAL;
  hf_udp_msg_t m;
  memset(&m, 0, sizeof m);
  m.req = req;
  m.buf_count = (uint32_t)count;
  if (addr != NULL) {
    int family = hf__udp_family(addr, len);
    if (family < 0) return family;
    m.addr_len = family == AF_INET ? sizeof(struct sockaddr_in) : sizeof(struct sockaddr_in6);
    memcpy(m.addr, addr, m.addr_len);
  }
  return hf_udp_send_batch(loop, token, &m, 1, bufs, count);
}

HF__EXPORT int hf_udp_try_send(hf_loop_t *loop, hf_token_t token, const hf_buf_t *bufs, int count,
                               const struct sockaddr *addr, socklen_t len) {
  int err;
  hf__handle_t *h = hf__udp_lookup(loop, token, &err);
  if (h == NULL) return err;
  if (count < 0 || count > IOV_MAX || (count > 0 && bufs == NULL)) return HF_EINVAL;
  if (addr != NULL) {
    int family = hf__udp_family(addr, len);
    if (family < 0) return family;
    if (h->fd < 0 && (err = hf__udp_make_socket(loop, h, family, NULL, 0)) < 0) return err;
  }
  int dest = hf__udp_dest_error(h, addr != NULL ? len : 0);
  if (dest != 0) return dest;
  if (h->sq_head != NULL || (h->flags & HF__U_STALLED)) return HF_EAGAIN;
  struct msghdr msg = {.msg_name = (void *)(uintptr_t)addr,
                       .msg_namelen = addr != NULL ? len : 0,
                       .msg_iov = count ? (struct iovec *)(uintptr_t)bufs : NULL,
                       .msg_iovlen = (size_t)count};
  ssize_t n;
  do n = sendmsg(h->fd, &msg, MSG_DONTWAIT | MSG_NOSIGNAL);
  while (n < 0 && errno == EINTR);
  return n < 0 ? -errno : (int)n;
}

HF__EXPORT int hf_udp_send_queue_count(hf_loop_t *loop, hf_token_t token) {
  int err;
  hf__handle_t *h = hf__udp_lookup(loop, token, &err);
  return h == NULL ? err : (int)h->sq_count;
}

HF__EXPORT int64_t hf_udp_send_queue_size(hf_loop_t *loop, hf_token_t token) {
  int err;
  hf__handle_t *h = hf__udp_lookup(loop, token, &err);
  return h == NULL ? err : h->sq_bytes;
}

/* Reads ready datagrams with recvmmsg into slots of the arena, then packs them together. */
static void hf__udp_recv(hf_loop_t *loop, hf__handle_t *h) {
  struct mmsghdr mm[HF__MMSG];
  struct iovec iov[HF__MMSG];
  uint32_t stride = HF__ALIGN8(HF_UDP_ADDR_SLOT + h->recv_size);
  for (int call = 0; call < HF__RECV_CALLS && (h->flags & HF__S_READING); call++) {
    uint32_t at = HF__ALIGN8(loop->arena_used);
    uint32_t n = at < loop->arena_size ? (loop->arena_size - at) / stride : 0;
    if (n == 0) return; /* the arena is full: read at the next poll, after the batch is delivered */
    if (n > HF__MMSG) n = HF__MMSG;
    for (uint32_t k = 0; k < n; k++) {
      uint8_t *slot = loop->arena + at + k * stride;
      iov[k] = (struct iovec){slot + HF_UDP_ADDR_SLOT, h->recv_size};
      mm[k].msg_hdr = (struct msghdr){
          .msg_name = slot, .msg_namelen = HF_UDP_ADDR_SLOT, .msg_iov = &iov[k], .msg_iovlen = 1};
      mm[k].msg_len = 0;
    }
    int got;
    do got = recvmmsg(h->fd, mm, n, MSG_DONTWAIT, NULL);
    while (got < 0 && errno == EINTR);
    if (got < 0) {
      /* e.g. ECONNREFUSED after an ICMP error on a connected socket: reported, reading goes on */
      if (errno != EAGAIN) hf__emit(loop, h->token, HF_EV_RECV, -errno, 0, 0, 0);
      return;
    }
    uint32_t pos = at;
    for (int k = 0; k < got; k++) {
      uint8_t *slot = loop->arena + at + (uint32_t)k * stride;
      uint32_t len = mm[k].msg_len;
      socklen_t name_len = mm[k].msg_hdr.msg_namelen;
      if (name_len < HF_UDP_ADDR_SLOT) memset(slot + name_len, 0, HF_UDP_ADDR_SLOT - name_len);
      /* Packed: a 64-byte datagram takes 96 bytes of the arena, not a whole slot. */
      if (loop->arena + pos != slot) memmove(loop->arena + pos, slot, HF_UDP_ADDR_SLOT + len);
      uint64_t flags = (mm[k].msg_hdr.msg_flags & MSG_TRUNC) ? HF_UDP_TRUNCATED : 0;
      hf__emit(loop, h->token, HF_EV_RECV, (int32_t)len, flags, pos, len);
      pos = HF__ALIGN8(pos + HF_UDP_ADDR_SLOT + len);
    }
    loop->arena_used = pos;
    if ((uint32_t)got < n) return; /* drained */
  }
}

void hf__udp_io(hf_loop_t *loop, hf__handle_t *h, uint32_t events) {
  if ((events & (HF__WANT_WRITE | HF__READY_ERROR)) && h->sq_head != NULL) hf__udp_flush(loop, h);
  if ((events & (HF__WANT_READ | HF__READY_ERROR)) && (h->flags & HF__S_READING))
    hf__udp_recv(loop, h);
  hf__udp_rewatch(loop, h);
}

void hf__udp_cancel(hf_loop_t *loop, hf__handle_t *h) {
  while (h->sq_head != NULL) hf__udp_pop(loop, h, HF_ECANCELED);
  h->flags = 0;
}

HF__EXPORT int hf_udp_recv_start(hf_loop_t *loop, hf_token_t token) {
  int err;
  hf__handle_t *h = hf__udp_lookup(loop, token, &err);
  if (h == NULL) return err;
  h->flags |= HF__S_READING;
  return hf__udp_rewatch(loop, h);
}

HF__EXPORT int hf_udp_recv_stop(hf_loop_t *loop, hf_token_t token) {
  int err;
  hf__handle_t *h = hf__udp_lookup(loop, token, &err);
  if (h == NULL) return err;
  h->flags &= ~(uint32_t)HF__S_READING;
  hf__drop_events(loop, token, HF_EV_RECV);
  return hf__udp_rewatch(loop, h);
}

/* Test hook: while on, sends queue as if the kernel were full; off lets them flush (sendmmsg). */
HF__EXPORT int hf__test_udp_stall(hf_loop_t *loop, hf_token_t token, int on) {
  int err;
  hf__handle_t *h = hf__udp_lookup(loop, token, &err);
  if (h == NULL) return err;
  if (on) h->flags |= HF__U_STALLED;
  else h->flags &= ~(uint32_t)HF__U_STALLED;
  return hf__udp_rewatch(loop, h);
}
