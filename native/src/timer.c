/* Timers: a binary min-heap ordered by (deadline, start sequence). */
#include "internal.h"

#include <stdlib.h>

static bool hf__timer_less(const hf__handle_t *a, const hf__handle_t *b) {
  return a->due != b->due ? a->due < b->due : a->timer_seq < b->timer_seq;
}

static void hf__heap_set(hf_loop_t *loop, uint32_t i, hf__handle_t *h) {
  loop->heap[i] = h;
  h->heap_index = (int)i;
}

static void hf__heap_up(hf_loop_t *loop, uint32_t i) {
  hf__handle_t *h = loop->heap[i];
  while (i > 0) {
    uint32_t parent = (i - 1) / 2;
    if (!hf__timer_less(h, loop->heap[parent])) break;
    hf__heap_set(loop, i, loop->heap[parent]);
    i = parent;
  }
  hf__heap_set(loop, i, h);
}

static void hf__heap_down(hf_loop_t *loop, uint32_t i) {
  hf__handle_t *h = loop->heap[i];
  for (;;) {
    uint32_t child = 2 * i + 1;
    if (child >= loop->heap_count) break;
    if (child + 1 < loop->heap_count && hf__timer_less(loop->heap[child + 1], loop->heap[child]))
      child++;
    if (!hf__timer_less(loop->heap[child], h)) break;
    hf__heap_set(loop, i, loop->heap[child]);
    i = child;
  }
  hf__heap_set(loop, i, h);
}

static int hf__timer_schedule(hf_loop_t *loop, hf__handle_t *h) {
  if (loop->heap_count == loop->heap_capacity) {
    uint32_t cap = loop->heap_capacity ? loop->heap_capacity * 2 : 64;
    hf__handle_t **heap = realloc(loop->heap, cap * sizeof(*heap));
    if (heap == NULL) return HF_ENOMEM;
    loop->heap = heap;
    loop->heap_capacity = cap;
  }
  h->timer_seq = loop->timer_seq++;
  loop->heap[loop->heap_count] = h;
  hf__heap_up(loop, loop->heap_count++);
  return 0;
}

void hf__timer_unschedule(hf_loop_t *loop, hf__handle_t *h) {
  if (h->heap_index < 0) return;
  uint32_t i = (uint32_t)h->heap_index;
  h->heap_index = -1;
  hf__handle_t *last = loop->heap[--loop->heap_count];
  if (i == loop->heap_count) return;
  hf__heap_set(loop, i, last);
  hf__heap_down(loop, i);
  hf__heap_up(loop, (uint32_t)last->heap_index);
}

int64_t hf__timers_next(hf_loop_t *loop) {
  if (loop->heap_count == 0) return -1;
  uint64_t due = loop->heap[0]->due;
  if (due <= loop->now) return 0;
  uint64_t wait = due - loop->now;
  return wait > 0x7fffffff ? 0x7fffffff : (int64_t)wait;
}

void hf__timers_run(hf_loop_t *loop) {
  /* Timers started by this round fire at the earliest on the next poll. */
  uint64_t limit = loop->timer_seq;
  while (loop->heap_count > 0) {
    hf__handle_t *h = loop->heap[0];
    if (h->due > loop->now || h->timer_seq >= limit) break;
    hf__timer_unschedule(loop, h);
    if (hf__emit(loop, h->token, HF_EV_TIMER, 0, 0, 0, 0) < 0) break;
    if (h->repeat > 0) {
      h->due = loop->now + h->repeat;
      hf__timer_schedule(loop, h);
    }
  }
}

HF__EXPORT int hf_timer_open(hf_loop_t *loop, hf_token_t *out) {
  hf__handle_t *h;
  int err = hf__handle_new(loop, HF_TYPE_TIMER, -1, &h);
  if (err < 0) return err;
  *out = h->token;
  return 0;
}

HF__EXPORT int hf_timer_start(hf_loop_t *loop, hf_token_t token, uint64_t timeout_ms,
                              uint64_t repeat_ms) {
  int err;
  hf__handle_t *h = hf__lookup(loop, token, HF_TYPE_TIMER, &err);
  if (h == NULL) return err;
  hf__timer_unschedule(loop, h);
  /* An expiry of the previous arming that is not delivered yet is void. */
  hf__drop_events(loop, token, HF_EV_TIMER);
  hf__update_time(loop);
  h->due = loop->now + timeout_ms;
  h->repeat = repeat_ms;
  return hf__timer_schedule(loop, h);
}

HF__EXPORT int hf_timer_stop(hf_loop_t *loop, hf_token_t token) {
  int err;
  hf__handle_t *h = hf__lookup(loop, token, HF_TYPE_TIMER, &err);
  if (h == NULL) return err;
  hf__timer_unschedule(loop, h);
  /* A stopped timer never fires, even when its expiry was already fetched. */
  hf__drop_events(loop, token, HF_EV_TIMER);
  return 0;
}
