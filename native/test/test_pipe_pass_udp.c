/* Passing a UDP socket over a pipe (SCM_RIGHTS) between two loops: detaching waits for queued
 * sends and refuses a socket that does not exist yet; the socket arrives as a live HF_TYPE_UDP
 * handle on the same port, close-on-exec and owned, with the datagrams that waited in the kernel
 * meanwhile; it receives and sends (a connected one keeps its peer); the sender's token is stale;
 * no fd is left over. */
#include "hf_pipe_test.h"

#include <sys/time.h>

extern int hf__test_udp_stall(hf_loop_t *loop, hf_token_t token, int on);

/* Detaches a quiet handle of loop a (delivering its pending events first). */
static int detach(hf_loop_t *a, hf_token_t t) {
  int fd = -1;
  for (int i = 0; i < 500; i++) {
    int rc = hf_handle_detach(a, t, &fd);
    if (rc == 0) return fd;
    ASSERT_EQ(rc, HF_EBUSYSTATE);
    hf_loop_poll(a, 10);
  }
  ASSERT(!"handle never became quiet");
  return -1;
}

/* Passes fd over pipe p0 (loop a) and returns the handle p1 (loop b) reports for it. */
static hf_token_t pass(hf_loop_t *a, hf_token_t p0, hf_loop_t *b, hf_token_t p1, int fd,
                       uint64_t req) {
  ASSERT(hf_pipe_write_handle(a, p0, fd, req) >= 0);
  int written = 0;
  hf_token_t got = 0;
  for (uint64_t t0 = hft_now_ms(); !written || got == 0;) {
    ASSERT(hft_now_ms() - t0 < 10000);
    int n = hf_loop_poll(a, 1);
    for (int i = 0; i < n; i++) {
      hf_event_t *e = &hf_loop_events(a)[i];
      if (e->token != p0 || e->kind != HF_EV_WRITE) continue;
      ASSERT_EQ(e->result, 0);
      ASSERT_EQ(e->aux, req);
      written = 1;
    }
    n = hf_loop_poll(b, 1);
    for (int i = 0; i < n; i++) {
      hf_event_t *e = &hf_loop_events(b)[i];
      if (e->token != p1 || e->kind != HF_EV_HANDLE) continue;
      ASSERT_EQ(e->result, HF_TYPE_UDP);
      ASSERT_EQ(hf_handle_type(b, e->aux), HF_TYPE_UDP);
      got = e->aux;
    }
  }
  return got;
}

static uint16_t local_port(int fd) {
  struct sockaddr_in sa;
  socklen_t len = sizeof sa;
  ASSERT_OK(getsockname(fd, (struct sockaddr *)&sa, &len));
  return ntohs(sa.sin_port);
}

/* The fds of this process that are UDP sockets bound to port: how many, and the last one. */
static int udp_fds_on(uint16_t port, int *last) {
  int count = 0;
  for (int fd = 0; fd < 4096; fd++) {
    if (fcntl(fd, F_GETFD) < 0) continue;
    int kind = 0;
    socklen_t len = sizeof kind;
    if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &kind, &len) < 0 || kind != SOCK_DGRAM) continue;
    struct sockaddr_in sa;
    len = sizeof sa;
    if (getsockname(fd, (struct sockaddr *)&sa, &len) < 0 || sa.sin_family != AF_INET) continue;
    if (ntohs(sa.sin_port) != port) continue;
    count++;
    *last = fd;
  }
  return count;
}

static hf_token_t udp_bound(hf_loop_t *loop, uint16_t *port) {
  hf_token_t t;
  struct sockaddr_in sa = hft_addr4(0), got;
  ASSERT_OK(hf_udp_open(loop, 0, &t));
  ASSERT_OK(hf_udp_bind(loop, t, HFT_SA(sa)));
  ASSERT_EQ(hf_udp_address(loop, t, 0, (struct sockaddr *)&got, sizeof got), sizeof got);
  *port = ntohs(got.sin_port);
  return t;
}

static void plain_send(int fd, uint16_t port, const char *text) {
  struct sockaddr_in to = hft_addr4(port);
  ASSERT_EQ(sendto(fd, text, strlen(text), 0, HFT_SA(to)), (ssize_t)strlen(text));
}

static void plain_expect(int fd, const char *text, uint16_t from_port) {
  char buf[64];
  struct sockaddr_in from;
  socklen_t len = sizeof from;
  ssize_t n = recvfrom(fd, buf, sizeof buf, 0, (struct sockaddr *)&from, &len);
  ASSERT_EQ(n, (ssize_t)strlen(text));
  ASSERT(memcmp(buf, text, (size_t)n) == 0);
  ASSERT_EQ(ntohs(from.sin_port), from_port);
}

static void expect_recv(hf_loop_t *loop, hf_token_t t, const char *text, uint16_t from_port) {
  hf_event_t r = hft_wait_for(loop, t, HF_EV_RECV, 10000);
  ASSERT_EQ(r.result, (int)strlen(text));
  const uint8_t *at = hf_loop_arena(loop) + r.offset;
  struct sockaddr_in from;
  memcpy(&from, at, sizeof from);
  ASSERT_EQ(ntohs(from.sin_port), from_port);
  ASSERT(memcmp(at + HF_UDP_ADDR_SLOT, text, strlen(text)) == 0);
}

static void send_on(hf_loop_t *loop, hf_token_t t, const char *text, const struct sockaddr_in *to,
                    uint64_t req) {
  hf_buf_t buf = {text, strlen(text)};
  ASSERT(hf_udp_send(loop, t, &buf, 1, (const struct sockaddr *)to, to ? sizeof *to : 0, req) >=
         0);
  hf_event_t e = hft_wait_for(loop, t, HF_EV_SEND, 10000);
  ASSERT_EQ(e.result, 0);
  ASSERT_EQ(e.aux, req);
}

int main(void) {
  hft_watchdog(60);
  signal(SIGPIPE, SIG_IGN);
  int fds0 = hft_fd_count();
  hf_loop_t *a = hft_loop(256, 256 * 1024), *b = hft_loop(256, 256 * 1024);

  /* The pipe: p0 stays on a, p1 moves to b. */
  hf_token_t p[2], p1;
  ASSERT_OK(hf_pipe_pair(a, p));
  ASSERT_OK(hf_stream_adopt(b, detach(a, p[1]), &p1));
  ASSERT_OK(hf_stream_read_start(b, p1));

  /* A plain peer socket, with a receive timeout so a lost datagram fails instead of hanging. */
  int peer = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  ASSERT(peer >= 0);
  struct sockaddr_in peer_addr = hft_addr4(0);
  ASSERT_OK(bind(peer, HFT_SA(peer_addr)));
  uint16_t peer_port = local_port(peer);
  peer_addr = hft_addr4(peer_port);
  struct timeval tv = {10, 0};
  ASSERT_OK(setsockopt(peer, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv));

  /* A socket that does not exist yet cannot leave. */
  hf_token_t lazy;
  int fd = -1;
  ASSERT_OK(hf_udp_open(a, 0, &lazy));
  ASSERT_EQ(hf_handle_detach(a, lazy, &fd), HF_EBUSYSTATE);
  ASSERT_OK(hf_close(a, lazy, 0));

  /* A bound, receiving socket with a queued send: the detach waits until the send completed. */
  uint16_t port;
  hf_token_t u = udp_bound(a, &port);
  ASSERT_OK(hf_udp_recv_start(a, u));
  ASSERT_OK(hf__test_udp_stall(a, u, 1));
  hf_buf_t first = {"queued", 6};
  ASSERT_EQ(hf_udp_send(a, u, &first, 1, HFT_SA(peer_addr), 1), 1);
  ASSERT_EQ(hf_handle_detach(a, u, &fd), HF_EBUSYSTATE);
  ASSERT_OK(hf__test_udp_stall(a, u, 0));
  hf_event_t sent = hft_wait_for(a, u, HF_EV_SEND, 10000);
  ASSERT_EQ(sent.result, 0);
  ASSERT_EQ(sent.aux, 1);
  plain_expect(peer, "queued", port);
  int ufd = detach(a, u);
  ASSERT(hf_fd_owned(ufd)); /* in transit: still owned */
  ASSERT_EQ(hf_udp_recv_start(a, u), HF_ESTALE);
  ASSERT_EQ(hf_udp_send(a, u, &first, 1, HFT_SA(peer_addr), 2), HF_ESTALE);

  /* A datagram sent to the port while the socket travels waits in the kernel and goes with it. */
  plain_send(peer, port, "in transit");
  hf_token_t nu = pass(a, p[0], b, p1, ufd, 10);

  /* The sender's copy is closed: one fd has the port, the received one, close-on-exec. */
  int rfd = -1;
  ASSERT_EQ(udp_fds_on(port, &rfd), 1);
  int fdflags = fcntl(rfd, F_GETFD);
  ASSERT(fdflags >= 0);
  ASSERT(fdflags & FD_CLOEXEC);
  ASSERT(hf_fd_owned(rfd));
  struct sockaddr_in local;
  ASSERT_EQ(hf_udp_address(b, nu, 0, (struct sockaddr *)&local, sizeof local), sizeof local);
  ASSERT_EQ(ntohs(local.sin_port), port);

  /* It receives (what waited, then new datagrams) and sends from the same port. */
  ASSERT_OK(hf_udp_recv_start(b, nu));
  expect_recv(b, nu, "in transit", peer_port);
  plain_send(peer, port, "ping");
  expect_recv(b, nu, "ping", peer_port);
  send_on(b, nu, "pong", &peer_addr, 7);
  plain_expect(peer, "pong", port);

  /* A connected socket arrives connected: it sends without an address, to its peer. */
  uint16_t cport;
  hf_token_t cu = udp_bound(a, &cport);
  ASSERT_OK(hf_udp_connect(a, cu, HFT_SA(peer_addr)));
  hf_token_t ncu = pass(a, p[0], b, p1, detach(a, cu), 11);
  send_on(b, ncu, "connected", NULL, 8);
  plain_expect(peer, "connected", cport);
  struct sockaddr_in remote;
  ASSERT_EQ(hf_udp_address(b, ncu, 1, (struct sockaddr *)&remote, sizeof remote), sizeof remote);
  ASSERT_EQ(ntohs(remote.sin_port), peer_port);
  hf_buf_t none = {"x", 1};
  ASSERT(hf_udp_send(b, ncu, &none, 1, HFT_SA(peer_addr), 9) >= 0);
  ASSERT_EQ(hft_wait_for(b, ncu, HF_EV_SEND, 10000).result, HF_EISCONN);

  ASSERT_OK(hf_close(b, nu, 0));
  ASSERT_OK(hf_close(b, ncu, 0));
  ASSERT_OK(close(peer));
  hf_loop_close(a);
  hf_loop_close(b);
  ASSERT_EQ(hft_fd_count(), fds0);
  return 0;
}
