/* The event loop core: handle table with ownership tokens, pending events, batch filling. */
#define _GNU_SOURCE
#include "internal.h"
#include "probes.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define HF__READY_CAPACITY 256
/* 31 bits, so a token is a positive Java long and negative values stay error codes. */
#define HF__MAX_GENERATION 0x7fffffffu

void hf__update_time(hf_loop_t *loop) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  loop->now = (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

HF__EXPORT int hf_loop_create(hf_loop_t **out, hf_event_t *events, uint32_t capacity, void *arena,
                              uint32_t arena_size) {
  if (out == NULL || capacity == 0 || arena_size == 0) return HF_EINVAL;
  hf_loop_t *loop = calloc(1, sizeof(*loop));
  if (loop == NULL) return HF_ENOMEM;
  loop->reserve_fd = -1;
  loop->free_head = HF__NO_SLOT;
  loop->capacity = capacity;
  loop->arena_size = arena_size;
  loop->events = events;
  loop->arena = arena;
  int err = HF_ENOMEM;
  if (events == NULL) {
    loop->events = calloc(capacity, sizeof(hf_event_t));
    loop->own_events = true;
  }
  if (arena == NULL) {
    loop->arena = malloc(arena_size);
    loop->own_arena = true;
  }
  loop->ready = calloc(HF__READY_CAPACITY, sizeof(hf__ready_t));
  if (loop->events == NULL || loop->arena == NULL || loop->ready == NULL) goto fail;
  err = hf__backend_init(&loop->backend);
  if (err < 0) goto fail;
  loop->reserve_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
  hf__update_time(loop);
  *out = loop;
  return 0;
fail:
  if (loop->own_events) free(loop->events);
  if (loop->own_arena) free(loop->arena);
  free(loop->ready);
  free(loop);
  return err;
}

static void hf__slot_release(hf_loop_t *loop, uint32_t index) {
  hf__slot_t *s = &loop->slots[index];
  if (s->handle != NULL) { /* NULL: its close was delivered, or it moved or left the loop */
    free(s->handle);
    s->handle = NULL;
    loop->live--;
  }
  s->closing = false;
  /* A generation that would wrap retires the slot, so an old token can never become valid. */
  if (s->generation >= HF__MAX_GENERATION) {
    s->retired = true;
    return;
  }
  s->generation++;
  s->next_free = loop->free_head;
  loop->free_head = index;
}

HF__EXPORT void hf_loop_close(hf_loop_t *loop) {
  if (loop == NULL) return;
  for (uint32_t i = 0; i < loop->slot_count; i++) {
    hf__slot_t *s = &loop->slots[i];
    if (s->handle != NULL && !s->closing) hf_close(loop, s->handle->token, 0);
  }
  for (uint32_t i = 0; i < loop->slot_count; i++) {
    if (loop->slots[i].handle != NULL) hf__slot_release(loop, i);
  }
  if (loop->reserve_fd >= 0) close(loop->reserve_fd);
  hf__backend_close(loop->backend);
  if (loop->own_events) free(loop->events);
  if (loop->own_arena) free(loop->arena);
  free(loop->pending);
  free(loop->closed_slots);
  free(loop->heap);
  free(loop->slots);
  free(loop->ready);
  free(loop);
}

int hf__slot_alloc(hf_loop_t *loop, uint32_t *out) {
  uint32_t index;
  if (loop->free_head != HF__NO_SLOT) {
    index = loop->free_head;
    loop->free_head = loop->slots[index].next_free;
  } else {
    if (loop->slot_count == loop->slot_capacity) {
      uint32_t cap = loop->slot_capacity ? loop->slot_capacity * 2 : 64;
      if (cap >= HF__NO_SLOT) return HF_ENOMEM;
      hf__slot_t *slots = realloc(loop->slots, cap * sizeof(*slots));
      if (slots == NULL) return HF_ENOMEM;
      loop->slots = slots;
      loop->slot_capacity = cap;
    }
    index = loop->slot_count++;
    loop->slots[index] = (hf__slot_t){.generation = 1};
  }
  *out = index;
  return 0;
}

void hf__slot_unalloc(hf_loop_t *loop, uint32_t index) {
  loop->slots[index].next_free = loop->free_head;
  loop->free_head = index;
}

int hf__handle_new(hf_loop_t *loop, int type, int fd, hf__handle_t **out) {
  uint32_t index;
  int err = hf__slot_alloc(loop, &index);
  if (err < 0) return err;
  hf__handle_t *h = calloc(1, sizeof(*h));
  if (h == NULL) {
    hf__slot_unalloc(loop, index);
    return HF_ENOMEM;
  }
  /* From here on the fd is owned: a claim only fails when the registry cannot grow. */
  if (fd >= 0 && hf__fd_claim(fd, false) < 0) {
    free(h);
    hf__slot_unalloc(loop, index);
    return HF_ENOMEM;
  }
  h->type = type;
  h->fd = fd;
  h->heap_index = -1;
  h->token = ((uint64_t)loop->slots[index].generation << 32) | index;
  loop->slots[index].handle = h;
  loop->live++;
  HF__PROBE3(handle__open, h->token, type, fd);
  *out = h;
  return 0;
}

static hf__handle_t *hf__live(hf_loop_t *loop, hf_token_t token) {
  uint32_t index = HF_TOKEN_SLOT(token);
  hf__slot_t *s = index < loop->slot_count ? &loop->slots[index] : NULL;
  if (s == NULL || s->handle == NULL || s->closing || s->generation != HF_TOKEN_GEN(token))
    return NULL;
  return s->handle;
}

hf__handle_t *hf__lookup(hf_loop_t *loop, hf_token_t token, int type, int *err) {
  hf__handle_t *h = hf__live(loop, token);
  if (h == NULL) {
    /* The caller's address names the entry point that was refused (usym() in bpftrace). */
    HF__PROBE2(handle__stale, token, (uintptr_t)__builtin_return_address(0));
    *err = HF_ESTALE;
    return NULL;
  }
  if (type != 0 && h->type != type) {
    *err = HF_EWRONGTYPE;
    return NULL;
  }
  return h;
}

int hf__emit(hf_loop_t *loop, hf_token_t token, uint32_t kind, int32_t result, uint64_t aux,
             uint32_t offset, uint32_t length) {
  if (loop->pending_count == loop->pending_capacity) {
    uint32_t cap = loop->pending_capacity ? loop->pending_capacity * 2 : 256;
    hf_event_t *p = malloc(cap * sizeof(*p));
    if (p == NULL) return HF_ENOMEM;
    for (uint32_t i = 0; i < loop->pending_count; i++)
      p[i] = loop->pending[(loop->pending_head + i) % loop->pending_capacity];
    free(loop->pending);
    loop->pending = p;
    loop->pending_head = 0;
    loop->pending_capacity = cap;
  }
  uint32_t at = (loop->pending_head + loop->pending_count) % loop->pending_capacity;
  loop->pending[at] = (hf_event_t){token, kind, result, aux, offset, length};
  loop->pending_count++;
  if (hf__holds_arena(kind, result)) loop->pending_reads++;
  return 0;
}

int hf__watch(hf_loop_t *loop, hf__handle_t *h, uint32_t want) {
  if (h->want == want) return 0;
  int err = hf__backend_watch(loop->backend, h->fd, h->token, h->want, want);
  if (err == 0) h->want = want;
  return err;
}

void hf__drop_events(hf_loop_t *loop, hf_token_t token, uint32_t kind) {
  for (uint32_t i = 0; i < loop->batch_count; i++) {
    hf_event_t *e = &loop->events[i];
    if (e->token == token && e->kind == kind) e->kind = HF_EV_NONE;
  }
  for (uint32_t i = 0; i < loop->pending_count; i++) {
    hf_event_t *e = &loop->pending[(loop->pending_head + i) % loop->pending_capacity];
    if (e->token != token || e->kind != kind) continue;
    if (hf__holds_arena(kind, e->result)) loop->pending_reads--;
    e->kind = HF_EV_NONE;
  }
}

/* A connect that completed but was not delivered before its handle closed reports canceled. */
static void hf__cancel_undelivered_connect(hf_loop_t *loop, hf_token_t token) {
  for (uint32_t i = 0; i < loop->batch_count; i++) {
    hf_event_t *e = &loop->events[i];
    if (e->token == token && e->kind == HF_EV_CONNECT) e->result = HF_ECANCELED;
  }
  for (uint32_t i = 0; i < loop->pending_count; i++) {
    hf_event_t *e = &loop->pending[(loop->pending_head + i) % loop->pending_capacity];
    if (e->token == token && e->kind == HF_EV_CONNECT) e->result = HF_ECANCELED;
  }
}

HF__EXPORT int hf_close(hf_loop_t *loop, hf_token_t token, int abortive) {
  int err;
  hf__handle_t *h = hf__lookup(loop, token, 0, &err);
  if (h == NULL) return err;
  loop->slots[HF_TOKEN_SLOT(token)].closing = true;
  HF__PROBE3(handle__close, token, h->type, h->fd);
  /* Reads and expiries fetched but not yet dispatched must not reach a closed handle. */
  hf__drop_events(loop, token, HF_EV_READ);
  hf__cancel_undelivered_connect(loop, token);
  if (h->type == HF_TYPE_PIPE_STREAM) hf__pipe_discard_handles(loop, token);
  hf__drop_events(loop, token, HF_EV_RECV);
  if (h->type == HF_TYPE_TIMER) {
    hf__timer_unschedule(loop, h);
    hf__drop_events(loop, token, HF_EV_TIMER);
  }
  if (h->fd >= 0) {
    /* Deregister before close(2): the fd number may be reused the moment it is closed. */
    hf__watch(loop, h, 0);
    if (abortive && h->type == HF_TYPE_TCP_STREAM) {
      struct linger lg = {.l_onoff = 1, .l_linger = 0};
      setsockopt(h->fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
    }
    hf__fd_close(h->fd);
    h->fd = -1;
  }
  if (h->type == HF_TYPE_UDP) hf__udp_cancel(loop, h);
  else hf__stream_cancel(loop, h);
  return hf__emit(loop, token, HF_EV_CLOSE, 0, 0, 0, 0);
}

HF__EXPORT int hf_handle_type(hf_loop_t *loop, hf_token_t token) {
  int err;
  hf__handle_t *h = hf__lookup(loop, token, 0, &err);
  return h == NULL ? err : h->type;
}

static void hf__dispatch_ready(hf_loop_t *loop, int n) {
  for (int i = 0; i < n; i++) {
    hf__ready_t *r = &loop->ready[i];
    if (r->token == HF__WAKE_TOKEN) continue;
    /* A handle closed while this poll ran is gone: its readiness is dropped here (no stale
     * probe: nobody called with the old token). */
    hf__handle_t *h = hf__live(loop, r->token);
    if (h == NULL) continue;
    if (h->type == HF_TYPE_UDP) hf__udp_io(loop, h, r->events);
    else hf__stream_io(loop, h, r->events);
  }
}

int hf__defer_release(hf_loop_t *loop, uint32_t index) {
  if (loop->closed_count == loop->closed_capacity) {
    uint32_t cap = loop->closed_capacity ? loop->closed_capacity * 2 : 64;
    uint32_t *slots = realloc(loop->closed_slots, cap * sizeof(*slots));
    if (slots == NULL) return HF_ENOMEM;
    loop->closed_slots = slots;
    loop->closed_capacity = cap;
  }
  loop->closed_slots[loop->closed_count++] = index;
  return 0;
}

/* Moves pending events into the batch; a slot is released when its HF_EV_CLOSE is delivered. */
static void hf__fill_batch(hf_loop_t *loop) {
  uint32_t n = 0;
  while (n < loop->capacity && loop->pending_count > 0) {
    hf_event_t *e = &loop->pending[loop->pending_head];
    loop->pending_head = (loop->pending_head + 1) % loop->pending_capacity;
    loop->pending_count--;
    if (e->kind == HF_EV_NONE) continue;
    if (hf__holds_arena(e->kind, e->result)) loop->pending_reads--;
    if (e->kind == HF_EV_CLOSE && hf__defer_release(loop, HF_TOKEN_SLOT(e->token)) < 0) {
      /* keep the event pending; deliver it once memory allows */
      loop->pending_head = (loop->pending_head + loop->pending_capacity - 1) % loop->pending_capacity;
      loop->pending_count++;
      break;
    }
    if (e->kind == HF_EV_CLOSE) {
      /* Its last event is out: the handle is gone now; the slot stays reserved until the next
       * poll so that no new handle takes it while this batch is dispatched. */
      hf__slot_t *s = &loop->slots[HF_TOKEN_SLOT(e->token)];
      free(s->handle);
      s->handle = NULL;
      loop->live--;
    }
    loop->events[n++] = *e;
  }
  loop->batch_count = n;
}

HF__EXPORT int hf_loop_poll(hf_loop_t *loop, int timeout_ms) {
  loop->batch_count = 0;
  for (uint32_t i = 0; i < loop->closed_count; i++) hf__slot_release(loop, loop->closed_slots[i]);
  loop->closed_count = 0;
  /* The arena may be reused once no undelivered event points into it. */
  if (loop->pending_reads == 0) loop->arena_used = 0;
  hf__update_time(loop);
  int n = 0;
  if (loop->pending_count > 0 && timeout_ms != 0 && !loop->skipped_backend) {
    /* A caller ready to wait, and events are waiting already (typically the completion of a
     * write the last batch's callbacks made): deliver them without the epoll_wait(0) that
     * would almost always find nothing. Only every other turn, so readiness is never starved;
     * a caller asking for a non-blocking poll (0) always gets the kernel's view. */
    loop->skipped_backend = true;
  } else {
    loop->skipped_backend = false;
    if (loop->pending_count > 0) timeout_ms = 0;
    int64_t next = hf__timers_next(loop);
    if (next >= 0 && (timeout_ms < 0 || next < timeout_ms)) timeout_ms = (int)next;
    HF__PROBE1(poll__start, timeout_ms);
    n = hf__backend_poll(loop->backend, loop->ready, HF__READY_CAPACITY, timeout_ms);
    if (n < 0) {
      HF__PROBE1(poll__done, n);
      return n;
    }
    hf__update_time(loop);
  }
  hf__dispatch_ready(loop, n);
  hf__timers_run(loop);
  hf__fill_batch(loop);
  HF__PROBE1(poll__done, loop->batch_count);
  return (int)loop->batch_count;
}

HF__EXPORT hf_event_t *hf_loop_events(hf_loop_t *loop) { return loop->events; }
HF__EXPORT uint8_t *hf_loop_arena(hf_loop_t *loop) { return loop->arena; }
HF__EXPORT int hf_loop_wake(hf_loop_t *loop) { return hf__backend_wake(loop->backend); }
HF__EXPORT uint64_t hf_loop_now(hf_loop_t *loop) { return loop->now; }
HF__EXPORT uint32_t hf_loop_handle_count(hf_loop_t *loop) { return loop->live; }
HF__EXPORT const char *hf_loop_backend(hf_loop_t *loop) {
  (void)loop;
  return hf__backend_name();
}

HF__EXPORT int hf_loop_handles(hf_loop_t *loop, hf_token_t *tokens, int32_t *types,
                               int32_t *states, int capacity) {
  int n = 0;
  for (uint32_t i = 0; i < loop->slot_count; i++) {
    hf__slot_t *s = &loop->slots[i];
    if (s->handle == NULL) continue;
    if (n < capacity) {
      tokens[n] = s->handle->token;
      types[n] = s->handle->type;
      states[n] = s->closing ? HF_STATE_CLOSING : HF_STATE_OPEN;
    }
    n++;
  }
  return n;
}

/* Test hook: forces a slot's generation, to exercise wrap-around without 2^32 reuses. */
HF__EXPORT int hf__test_set_generation(hf_loop_t *loop, hf_token_t token, uint32_t generation,
                                       hf_token_t *out) {
  int err;
  hf__handle_t *h = hf__lookup(loop, token, 0, &err);
  if (h == NULL) return err;
  if (generation == 0 || generation > HF__MAX_GENERATION) return HF_EINVAL;
  uint32_t index = HF_TOKEN_SLOT(token);
  loop->slots[index].generation = generation;
  h->token = ((uint64_t)generation << 32) | index;
  *out = h->token;
  return 0;
}
