/* Shared helpers for the C tests: assertions, fd counting, bounded polling, loopback addresses. */
#ifndef HF_TEST_H
#define HF_TEST_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "holdfast.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define ASSERT(cond)                                                                     \
  do {                                                                                   \
    if (!(cond)) {                                                                       \
      fprintf(stderr, "%s:%d: assertion failed: %s\n", __FILE__, __LINE__, #cond);      \
      abort();                                                                           \
    }                                                                                    \
  } while (0)

/* Compares two integers and prints both values (and error names) on failure. */
#define ASSERT_EQ(a, b)                                                                  \
  do {                                                                                   \
    long long hft_a_ = (long long)(a), hft_b_ = (long long)(b);                          \
    if (hft_a_ != hft_b_) {                                                              \
      fprintf(stderr, "%s:%d: %s == %s failed: %lld (%s) != %lld (%s)\n", __FILE__,     \
              __LINE__, #a, #b, hft_a_, hf_err_name((int)hft_a_), hft_b_,                \
              hf_err_name((int)hft_b_));                                                 \
      abort();                                                                           \
    }                                                                                    \
  } while (0)

#define ASSERT_OK(expr) ASSERT_EQ((expr), 0)

/* Milliseconds on the monotonic clock. */
static inline uint64_t hft_now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static inline void hft_sleep_ms(int ms) {
  struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
  while (nanosleep(&ts, &ts) < 0 && errno == EINTR) {
  }
}

/* Number of open fds of this process (the directory's own fd excluded). */
static inline int hft_fd_count(void) {
  DIR *d = opendir("/proc/self/fd");
  ASSERT(d != NULL);
  int n = 0;
  for (struct dirent *e; (e = readdir(d)) != NULL;)
    if (e->d_name[0] != '.') n++;
  closedir(d);
  return n - 1;
}

/* Kills the test if it runs longer than seconds (default SIGALRM action). */
static inline void hft_watchdog(unsigned seconds) {
  signal(SIGALRM, SIG_DFL);
  alarm(seconds);
}

static inline hf_loop_t *hft_loop(uint32_t capacity, uint32_t arena_size) {
  hf_loop_t *loop = NULL;
  ASSERT_OK(hf_loop_create(&loop, NULL, capacity, NULL, arena_size));
  return loop;
}

/* 127.0.0.1:port */
static inline struct sockaddr_in hft_addr4(uint16_t port) {
  struct sockaddr_in sa;
  memset(&sa, 0, sizeof sa);
  sa.sin_family = AF_INET;
  sa.sin_port = htons(port);
  sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return sa;
}

#define HFT_SA(sa) ((const struct sockaddr *)&(sa)), ((socklen_t)sizeof(sa))

/* A listening Holdfast handle on 127.0.0.1 with an ephemeral port, returned in *port. */
static inline hf_token_t hft_listen(hf_loop_t *loop, uint16_t *port) {
  struct sockaddr_in sa = hft_addr4(0);
  hf_token_t t = 0;
  ASSERT_OK(hf_tcp_bind(loop, HFT_SA(sa), 0, &t));
  ASSERT_OK(hf_tcp_listen(loop, t, 128));
  struct sockaddr_in got;
  ASSERT_EQ(hf_socket_address(loop, t, 0, (struct sockaddr *)&got, sizeof got), sizeof got);
  *port = ntohs(got.sin_port);
  return t;
}

/* A plain blocking socket listening on 127.0.0.1 with an ephemeral port. */
static inline int hft_plain_listen(uint16_t *port) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  ASSERT(fd >= 0);
  struct sockaddr_in sa = hft_addr4(0);
  ASSERT_OK(bind(fd, HFT_SA(sa)));
  ASSERT_OK(listen(fd, 128));
  socklen_t len = sizeof sa;
  ASSERT_OK(getsockname(fd, (struct sockaddr *)&sa, &len));
  *port = ntohs(sa.sin_port);
  return fd;
}

/* A plain blocking socket connected to 127.0.0.1:port. */
static inline int hft_plain_connect(uint16_t port) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  ASSERT(fd >= 0);
  struct sockaddr_in sa = hft_addr4(port);
  ASSERT_OK(connect(fd, HFT_SA(sa)));
  return fd;
}

static inline void hft_set_nonblock(int fd) {
  ASSERT(fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) == 0);
}

/* Closes fd with a reset (SO_LINGER 0). */
static inline void hft_close_reset(int fd) {
  struct linger lg = {.l_onoff = 1, .l_linger = 0};
  ASSERT_OK(setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg));
  ASSERT_OK(close(fd));
}

/* For polling loops: go on until done and window_ms have passed since start (at most 5 s), so a
 * late event is waited for and a surplus event after the expected ones is still seen. */
static inline int hft_keep_polling(uint64_t start, int done, int window_ms) {
  uint64_t elapsed = hft_now_ms() - start;
  return elapsed < 5000 && (!done || elapsed < (uint64_t)window_ms);
}

/*
 * Polls the loop (10 ms turns) and hands every non-NONE event to on_event, until on_event or
 * on_turn (called after each turn, either may be NULL) returns nonzero. Fails the test when
 * timeout_ms passes first.
 */
typedef int (*hft_event_fn)(hf_loop_t *loop, const hf_event_t *ev, void *ctx);
typedef int (*hft_turn_fn)(hf_loop_t *loop, void *ctx);

static inline void hft_run(hf_loop_t *loop, int timeout_ms, hft_event_fn on_event,
                           hft_turn_fn on_turn, void *ctx) {
  uint64_t deadline = hft_now_ms() + (uint64_t)timeout_ms;
  for (;;) {
    int n = hf_loop_poll(loop, 10);
    ASSERT(n >= 0);
    hf_event_t *evs = hf_loop_events(loop);
    int done = 0;
    for (int i = 0; i < n; i++)
      if (evs[i].kind != HF_EV_NONE && on_event != NULL && on_event(loop, &evs[i], ctx)) done = 1;
    if (on_turn != NULL && on_turn(loop, ctx)) done = 1;
    if (done) return;
    if (hft_now_ms() > deadline) {
      fprintf(stderr, "hft_run: no completion within %d ms\n", timeout_ms);
      abort();
    }
  }
}

/*
 * Polls until an event of kind for token arrives and returns it. Other events polled meanwhile are
 * kept (up to HFT_STASH) and searched first by later calls, so waiting for one event never loses
 * another from the same batch. A kept READ's data may be overwritten by later polls.
 */
#define HFT_STASH 256
typedef struct {
  hf_token_t token;
  uint32_t kind;
  hf_event_t found;
} hft_wait_t;

static hf_event_t hft__stash[HFT_STASH];
static int hft__stashed;

static inline int hft__wait_match(hf_loop_t *loop, const hf_event_t *ev, void *ctx) {
  (void)loop;
  hft_wait_t *w = ctx;
  if (ev->token != w->token || ev->kind != w->kind || w->found.kind != HF_EV_NONE) {
    ASSERT(hft__stashed < HFT_STASH);
    hft__stash[hft__stashed++] = *ev;
    return 0;
  }
  w->found = *ev;
  return 1;
}

static inline hf_event_t hft_wait_for(hf_loop_t *loop, hf_token_t token, uint32_t kind,
                                      int timeout_ms) {
  for (int i = 0; i < hft__stashed; i++) {
    if (hft__stash[i].token != token || hft__stash[i].kind != kind) continue;
    hf_event_t ev = hft__stash[i];
    hft__stashed--;
    memmove(&hft__stash[i], &hft__stash[i + 1], (size_t)(hft__stashed - i) * sizeof ev);
    return ev;
  }
  hft_wait_t w = {token, kind, {0, HF_EV_NONE, 0, 0, 0, 0}};
  hft_run(loop, timeout_ms, hft__wait_match, NULL, &w);
  return w.found;
}

/* Forgets the events kept by hft_wait_for. */
static inline void hft_stash_clear(void) { hft__stashed = 0; }

#endif
