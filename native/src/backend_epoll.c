/* Linux epoll backend (level-triggered), with an eventfd for wake-ups. */
#define _GNU_SOURCE
#include "backend.h"

#include <errno.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#define HF__EPOLL_BATCH 256

struct hf__backend {
  int epfd;
  int wakefd;
  struct epoll_event events[HF__EPOLL_BATCH];
};

int hf__backend_init(hf__backend_t **out) {
  hf__backend_t *b = calloc(1, sizeof(*b));
  if (b == NULL) return -ENOMEM;
  b->epfd = epoll_create1(EPOLL_CLOEXEC);
  if (b->epfd < 0) {
    int err = -errno;
    free(b);
    return err;
  }
  b->wakefd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (b->wakefd < 0) {
    int err = -errno;
    close(b->epfd);
    free(b);
    return err;
  }
  struct epoll_event ev = {.events = EPOLLIN, .data.u64 = HF__WAKE_TOKEN};
  if (epoll_ctl(b->epfd, EPOLL_CTL_ADD, b->wakefd, &ev) < 0) {
    int err = -errno;
    close(b->wakefd);
    close(b->epfd);
    free(b);
    return err;
  }
  *out = b;
  return 0;
}

int hf__backend_watch(hf__backend_t *b, int fd, uint64_t token, uint32_t old_want,
                      uint32_t want) {
  struct epoll_event ev = {.events = 0, .data.u64 = token};
  if (want & HF__WANT_READ) ev.events |= EPOLLIN | EPOLLRDHUP;
  if (want & HF__WANT_WRITE) ev.events |= EPOLLOUT;
  /* With no interest the fd is removed: a registered fd still reports EPOLLHUP and would spin. */
  int op = want == 0 ? EPOLL_CTL_DEL : old_want == 0 ? EPOLL_CTL_ADD : EPOLL_CTL_MOD;
  if (old_want == 0 && want == 0) return 0;
  if (epoll_ctl(b->epfd, op, fd, &ev) < 0) return -errno;
  return 0;
}

int hf__backend_poll(hf__backend_t *b, hf__ready_t *out, int capacity, int timeout_ms) {
  if (capacity > HF__EPOLL_BATCH) capacity = HF__EPOLL_BATCH;
  int n = epoll_wait(b->epfd, b->events, capacity, timeout_ms);
  if (n < 0) return errno == EINTR ? 0 : -errno;
  for (int i = 0; i < n; i++) {
    uint32_t e = b->events[i].events;
    out[i].token = b->events[i].data.u64;
    out[i].events = 0;
    if (e & (EPOLLIN | EPOLLRDHUP)) out[i].events |= HF__WANT_READ;
    if (e & EPOLLOUT) out[i].events |= HF__WANT_WRITE;
    if (e & (EPOLLERR | EPOLLHUP)) out[i].events |= HF__READY_ERROR;
    if (out[i].token == HF__WAKE_TOKEN) {
      /* One read takes the whole counter (not a semaphore eventfd); a second one would only
       * find EAGAIN. A write after this read leaves it readable: the next poll wakes at once. */
      uint64_t drained;
      ssize_t r = read(b->wakefd, &drained, sizeof drained);
      (void)r;
    }
  }
  return n;
}

int hf__backend_wake(hf__backend_t *b) {
  uint64_t one = 1;
  /* EAGAIN means the counter is saturated: a wake-up is already pending. */
  if (write(b->wakefd, &one, sizeof one) < 0 && errno != EAGAIN) return -errno;
  return 0;
}

void hf__backend_close(hf__backend_t *b) {
  close(b->wakefd);
  close(b->epfd);
  free(b);
}

const char *hf__backend_name(void) { return "epoll"; }
