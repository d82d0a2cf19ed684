/*
 * The C floor: the ping-pong, streaming and churn workloads of the JMH benchmarks in plain C over
 * epoll, with the same shape (a server thread and a client thread for ping-pong and streaming,
 * one thread for churn), so the Java figures can be read against what this machine allows.
 *
 *   hf_bench_floor pingpong [--size 64]   round trip, prints us/op
 *   hf_bench_floor stream   [--conns N]   64 KiB writes, prints ops/s (one op = 64 KiB)
 *   hf_bench_floor churn                  connect + accept + close, prints ops/s
 *   hf_bench_floor smoke                  each workload for ~0.1 s; exit 0 if all worked
 * Common: --warmup N --iterations N --seconds S (per iteration, fractional allowed).
 * Output: one "result <workload> <iteration> <value> <unit>" line per measured iteration.
 * 127.0.0.1 only; every wait is bounded (a stalled workload aborts after 10 s).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define CHUNK (64 * 1024)
#define MAX_CONNS 64
#define CHURN_WINDOW 4 /* connects in flight, as in ChurnBenchmark */
#define STALL_NS (10LL * 1000000000LL)

static void die(const char *what) {
  perror(what);
  exit(2);
}

static int64_t now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void set_nodelay(int fd) {
  int one = 1;
  if (setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one) < 0) die("setsockopt");
}

static struct sockaddr_in loopback(uint16_t port) {
  struct sockaddr_in a;
  memset(&a, 0, sizeof a);
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = htons(port);
  return a;
}

static int listen_any(uint16_t *port) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) die("socket");
  struct sockaddr_in a = loopback(0);
  if (bind(fd, (struct sockaddr *)&a, sizeof a) < 0) die("bind");
  if (listen(fd, 1024) < 0) die("listen");
  socklen_t len = sizeof a;
  if (getsockname(fd, (struct sockaddr *)&a, &len) < 0) die("getsockname");
  *port = ntohs(a.sin_port);
  return fd;
}

/* Blocking connect, then non-blocking for the event loop. */
static int connect_to(uint16_t port) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) die("socket");
  struct sockaddr_in a = loopback(port);
  if (connect(fd, (struct sockaddr *)&a, sizeof a) < 0) die("connect");
  set_nodelay(fd);
  int flags = fcntl(fd, F_GETFL);
  if (flags < 0 || fcntl(fd, F_SETFL, flags | O_NONBLOCK) < 0) die("fcntl");
  return fd;
}

static void epoll_add(int ep, int fd, uint32_t events) {
  struct epoll_event ev = {.events = events, .data.fd = fd};
  if (epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev) < 0) die("epoll_ctl");
}

/* ---- the server thread: echoes (ping-pong) or discards (streaming) ---- */

struct server {
  int listen_fd;
  int echo;
  atomic_int stop;
  atomic_llong received;
  pthread_t thread;
};

static void *server_main(void *arg) {
  struct server *s = arg;
  static char buf[CHUNK];
  int ep = epoll_create1(EPOLL_CLOEXEC);
  if (ep < 0) die("epoll_create1");
  epoll_add(ep, s->listen_fd, EPOLLIN);
  struct epoll_event events[MAX_CONNS + 1];
  while (!atomic_load_explicit(&s->stop, memory_order_relaxed)) {
    int n = epoll_wait(ep, events, MAX_CONNS + 1, 100);
    for (int i = 0; i < n; i++) {
      int fd = events[i].data.fd;
      if (fd == s->listen_fd) {
        int c = accept4(fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (c < 0) continue;
        set_nodelay(c);
        epoll_add(ep, c, EPOLLIN);
        continue;
      }
      ssize_t r = read(fd, buf, sizeof buf);
      if (r <= 0) {
        if (r < 0 && errno == EAGAIN) continue;
        close(fd); /* also leaves the epoll set */
        continue;
      }
      atomic_fetch_add_explicit(&s->received, r, memory_order_relaxed);
      if (!s->echo) continue;
      for (ssize_t off = 0; off < r;) { /* 64-byte messages: a partial write is not expected */
        ssize_t w = write(fd, buf + off, (size_t)(r - off));
        if (w < 0 && errno != EAGAIN) break;
        if (w > 0) off += w;
      }
    }
  }
  close(ep);
  return NULL;
}

static uint16_t server_start(struct server *s, int echo) {
  uint16_t port;
  memset(s, 0, sizeof *s);
  s->listen_fd = listen_any(&port);
  s->echo = echo;
  if (pthread_create(&s->thread, NULL, server_main, s) != 0) die("pthread_create");
  return port;
}

static void server_stop(struct server *s) {
  atomic_store(&s->stop, 1);
  pthread_join(s->thread, NULL);
  close(s->listen_fd);
}

/* ---- workloads: each runs for `seconds` and returns its figure ---- */

struct pingpong {
  int fd, ep;
  size_t size;
  char out[CHUNK], in[CHUNK];
};

static void pingpong_open(struct pingpong *p, uint16_t port, size_t size) {
  p->fd = connect_to(port);
  p->size = size;
  for (size_t i = 0; i < size; i++) p->out[i] = (char)('a' + i % 26);
  p->ep = epoll_create1(EPOLL_CLOEXEC);
  if (p->ep < 0) die("epoll_create1");
  epoll_add(p->ep, p->fd, EPOLLIN);
}

/* One round trip: write the message, wait in epoll until all of it came back, compare. */
static void round_trip(struct pingpong *p) {
  if (write(p->fd, p->out, p->size) != (ssize_t)p->size) die("write");
  size_t got = 0;
  while (got < p->size) {
    struct epoll_event ev;
    int n = epoll_wait(p->ep, &ev, 1, 10000);
    if (n == 0) die("pingpong stalled");
    if (n < 0) continue;
    ssize_t r = read(p->fd, p->in + got, p->size - got);
    if (r == 0) die("pingpong: peer closed");
    if (r > 0) got += (size_t)r;
  }
  if (memcmp(p->in, p->out, p->size) != 0) die("pingpong: echo differs");
}

/* us per round trip */
static double pingpong_run(struct pingpong *p, double seconds) {
  int64_t start = now_ns(), end = start + (int64_t)(seconds * 1e9), t = start;
  long trips = 0;
  while (t < end) {
    for (int i = 0; i < 256; i++) round_trip(p);
    trips += 256;
    t = now_ns();
  }
  return (double)(t - start) / 1e3 / (double)trips;
}

struct stream {
  int fds[MAX_CONNS], conns, ep;
  char chunk[CHUNK];
};

static void stream_open(struct stream *s, uint16_t port, int conns) {
  s->conns = conns;
  memset(s->chunk, 'x', sizeof s->chunk);
  s->ep = epoll_create1(EPOLL_CLOEXEC);
  if (s->ep < 0) die("epoll_create1");
  for (int i = 0; i < conns; i++) {
    s->fds[i] = connect_to(port);
    epoll_add(s->ep, s->fds[i], EPOLLOUT);
  }
}

/* 64 KiB writes per second, counted where they arrive (the server). */
static double stream_run(struct stream *s, struct server *srv, double seconds) {
  long long base = atomic_load(&srv->received);
  int64_t start = now_ns(), end = start + (int64_t)(seconds * 1e9), t = start;
  struct epoll_event events[MAX_CONNS];
  while (t < end) {
    int n = epoll_wait(s->ep, events, MAX_CONNS, 100);
    for (int i = 0; i < n; i++) {
      int fd = events[i].data.fd;
      for (int k = 0; k < 16; k++) { /* bounded: give the other connections their turn */
        ssize_t w = write(fd, s->chunk, sizeof s->chunk);
        if (w < (ssize_t)sizeof s->chunk) break;
      }
    }
    t = now_ns();
  }
  long long got = atomic_load(&srv->received) - base;
  return (double)got / CHUNK / ((double)(t - start) / 1e9);
}

static int churn_connect(int ep, uint16_t port) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) die("socket");
  struct sockaddr_in a = loopback(port);
  if (connect(fd, (struct sockaddr *)&a, sizeof a) < 0 && errno != EINPROGRESS) die("connect");
  epoll_add(ep, fd, EPOLLOUT);
  return fd;
}

/* Connections per second: one thread connects (CHURN_WINDOW in flight), accepts and closes. */
static double churn_run(double seconds) {
  uint16_t port;
  int lfd = listen_any(&port);
  int ep = epoll_create1(EPOLL_CLOEXEC);
  if (ep < 0) die("epoll_create1");
  epoll_add(ep, lfd, EPOLLIN);
  for (int i = 0; i < CHURN_WINDOW; i++) churn_connect(ep, port);
  long accepted = 0;
  int64_t start = now_ns(), end = start + (int64_t)(seconds * 1e9), t = start, last = start;
  struct epoll_event events[CHURN_WINDOW + 1];
  while (t < end) {
    int n = epoll_wait(ep, events, CHURN_WINDOW + 1, 100);
    for (int i = 0; i < n; i++) {
      int fd = events[i].data.fd;
      if (fd != lfd) {
        close(fd); /* connected (or failed): the client's part is done */
        continue;
      }
      /* Bounded: on loopback the connect just started is often acceptable at once. */
      int c;
      for (int k = 0; k < CHURN_WINDOW && (c = accept4(lfd, NULL, NULL, SOCK_CLOEXEC)) >= 0; k++) {
        close(c);
        accepted++;
        last = now_ns();
        churn_connect(ep, port);
      }
    }
    t = now_ns();
    if (t - last > STALL_NS) die("churn stalled");
  }
  double rate = (double)accepted / ((double)(t - start) / 1e9);
  close(ep); /* connects still in flight are closed with the process */
  close(lfd);
  return rate;
}

/* ---- command line ---- */

struct options {
  int warmup, iterations, conns;
  double seconds;
  size_t size;
};

static void usage(void) {
  fprintf(stderr, "usage: hf_bench_floor pingpong|stream|churn|smoke [--warmup N] [--iterations N]"
                  " [--seconds S] [--conns N] [--size BYTES]\n");
  exit(64);
}

static void parse(int argc, char **argv, struct options *o) {
  *o = (struct options){.warmup = 2, .iterations = 5, .conns = 1, .seconds = 1.0, .size = 64};
  for (int i = 2; i < argc; i++) {
    if (i + 1 >= argc) usage();
    const char *k = argv[i], *v = argv[++i];
    if (strcmp(k, "--warmup") == 0) o->warmup = atoi(v);
    else if (strcmp(k, "--iterations") == 0) o->iterations = atoi(v);
    else if (strcmp(k, "--seconds") == 0) o->seconds = atof(v);
    else if (strcmp(k, "--conns") == 0) o->conns = atoi(v);
    else if (strcmp(k, "--size") == 0) o->size = (size_t)atol(v);
    else usage();
  }
  if (o->conns < 1 || o->conns > MAX_CONNS || o->size < 1 || o->size > CHUNK || o->seconds <= 0 ||
      o->seconds > 60 || o->iterations < 1 || o->iterations > 100 || o->warmup < 0 ||
      o->warmup > 100)
    usage();
}

static void report(const char *name, int iteration, double value, const char *unit) {
  if (iteration >= 0) printf("result %s %d %.6g %s\n", name, iteration, value, unit);
  fflush(stdout);
}

static void run_pingpong(const struct options *o, const char *name) {
  struct server srv;
  uint16_t port = server_start(&srv, 1);
  static struct pingpong p;
  pingpong_open(&p, port, o->size);
  for (int i = -o->warmup; i < o->iterations; i++) report(name, i, pingpong_run(&p, o->seconds), "us/op");
  close(p.fd);
  close(p.ep);
  server_stop(&srv);
}

static void run_stream(const struct options *o, const char *name) {
  struct server srv;
  uint16_t port = server_start(&srv, 0);
  static struct stream s;
  stream_open(&s, port, o->conns);
  for (int i = -o->warmup; i < o->iterations; i++)
    report(name, i, stream_run(&s, &srv, o->seconds), "ops/s");
  for (int i = 0; i < s.conns; i++) close(s.fds[i]);
  close(s.ep);
  server_stop(&srv);
}

static void run_churn(const struct options *o, const char *name) {
  for (int i = -o->warmup; i < o->iterations; i++) report(name, i, churn_run(o->seconds), "ops/s");
}

int main(int argc, char **argv) {
  if (argc < 2) usage();
  struct options o;
  parse(argc, argv, &o);
  const char *cmd = argv[1];
  if (strcmp(cmd, "pingpong") == 0) run_pingpong(&o, "pingpong");
  else if (strcmp(cmd, "stream") == 0) run_stream(&o, "stream");
  else if (strcmp(cmd, "churn") == 0) run_churn(&o, "churn");
  else if (strcmp(cmd, "smoke") == 0) { /* the ctest: every workload briefly, bounded */
    o = (struct options){.warmup = 0, .iterations = 1, .conns = 2, .seconds = 0.1, .size = 64};
    run_pingpong(&o, "pingpong");
    run_stream(&o, "stream");
    run_churn(&o, "churn");
  } else usage();
  return 0;
}
