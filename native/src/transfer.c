/* Moving ownership: a handle to a new token on the same loop, or a stream's fd to another loop. */
#define _GNU_SOURCE
#include "internal.h"

#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

/* Renames every undelivered event of one token, in the batch and in the pending queue. */
static void hf__retarget_events(hf_loop_t *loop, hf_token_t from, hf_token_t to) {
  for (uint32_t i = 0; i < loop->batch_count; i++)
    if (loop->events[i].token == from) loop->events[i].token = to;
  for (uint32_t i = 0; i < loop->pending_count; i++) {
    hf_event_t *e = &loop->pending[(loop->pending_head + i) % loop->pending_capacity];
    if (e->token == from) e->token = to;
  }
}

HF__EXPORT int hf_handle_transfer(hf_loop_t *loop, hf_token_t token, hf_token_t *out) {
  int err;
  hf__handle_t *h = hf__lookup(loop, token, 0, &err);
  if (h == NULL) return err;
  uint32_t index;
  if ((err = hf__slot_alloc(loop, &index)) < 0) return err;
  uint32_t old_index = HF_TOKEN_SLOT(token);
  if ((err = hf__defer_release(loop, old_index)) < 0) {
    hf__slot_unalloc(loop, index);
    return err;
  }
  hf_token_t moved = ((uint64_t)loop->slots[index].generation << 32) | index;
  if (h->want != 0) {
    /* The kernel's event data names the token: point it at the new one. */
    err = hf__backend_watch(loop->backend, h->fd, moved, h->want, h->want);
    if (err < 0) {
      loop->closed_count--;
      hf__slot_unalloc(loop, index);
      return err;
    }
  }
  hf__retarget_events(loop, token, moved);
  h->token = moved;
  loop->slots[index].handle = h;
  loop->slots[old_index].handle = NULL;
  loop->slots[old_index].closing = true;
  *out = moved;
  return 0;
}

static bool hf__has_pending(hf_loop_t *loop, hf_token_t token) {
  for (uint32_t i = 0; i < loop->pending_count; i++) {
    hf_event_t *e = &loop->pending[(loop->pending_head + i) % loop->pending_capacity];
    if (e->token == token && e->kind != HF_EV_NONE) return true;
  }
  return false;
}

HF__EXPORT int hf_handle_detach(hf_loop_t *loop, hf_token_t token, int *fd_out) {
  int err;
  hf__handle_t *h = hf__lookup(loop, token, 0, &err);
  if (h == NULL) return err;
  if (!hf__is_stream(h->type) && h->type != HF_TYPE_UDP) return HF_EWRONGTYPE;
  if (h->fd < 0 || h->wq_head != NULL || h->sq_head != NULL || /* udp: no socket, sends queued */
      (hf__is_stream(h->type) && (h->flags & (HF__S_CONNECTING | HF__S_SHUTDOWN_PENDING))) ||
      hf__has_pending(loop, token))
    return HF_EBUSYSTATE;
  uint32_t index = HF_TOKEN_SLOT(token);
  if ((err = hf__defer_release(loop, index)) < 0) return err;
  hf__watch(loop, h, 0);
  *fd_out = h->fd; /* stays in the fd registry while in transit: nobody else may adopt it */
  free(h);
  loop->slots[index].handle = NULL;
  loop->slots[index].closing = true;
  loop->live--;
  return 0;
}

HF__EXPORT int hf_stream_adopt(hf_loop_t *loop, int fd, hf_token_t *out) {
  if (fd < 0) return HF_EBADF;
  int type = 0;
  uint32_t props = 0;
  int err = hf__fd_classify(fd, &type, &props);
  if (err < 0) return err;
  hf__handle_t *h;
  err = hf__handle_new(loop, type, fd, &h);
  if (err < 0) return err;
  h->props = props;
  *out = h->token;
  return 0;
}

HF__EXPORT int hf_fd_close(int fd) {
  hf__fd_release(fd);
  return close(fd) < 0 ? -errno : 0;
}
