/* Internal structures shared by the loop core, timers and streams. */
#ifndef HF_INTERNAL_H
#define HF_INTERNAL_H

#include "backend.h"
#include "holdfast.h"

#include <stdbool.h>
#include <sys/types.h>

#define HF__EXPORT __attribute__((visibility("default")))

/* A queued write: the remaining buffer descriptors of one request. */
typedef struct hf__write_req {
  struct hf__write_req *next;
  uint64_t req;
  int fd;       /* an fd passed with this request's one byte (SCM_RIGHTS), or -1 */
  int count;    /* descriptors left */
  int index;    /* first unsent descriptor */
  hf_buf_t bufs[]; /* bufs[index].base/len are advanced as the kernel takes bytes */
} hf__write_req_t;

/* Stream flags. */
enum {
  HF__S_READING = 1,
  HF__S_CONNECTING = 2,
  HF__S_SHUTDOWN_PENDING = 4,
  HF__S_SHUT = 8,
  HF__S_LISTENING = 16,
  HF__S_EOF = 32,
  /* UDP (receiving uses HF__S_READING) */
  HF__U_CONNECTED = 64,
  HF__U_STALLED = 128 /* test hook: behave as if the kernel were full */
};

/* Handle properties: facts about the fd, kept when the flags are reset. */
enum { HF__P_NOT_SOCKET = 1 /* an os pipe or tty: writev, no shutdown(2), no fd passing */ };

static inline bool hf__is_stream(int type) {
  return type == HF_TYPE_TCP_STREAM || type == HF_TYPE_PIPE_STREAM;
}
static inline bool hf__is_listener(int type) {
  return type == HF_TYPE_TCP_LISTENER || type == HF_TYPE_PIPE_LISTENER;
}
struct hf__udp_req;

typedef struct hf__handle {
  hf_token_t token;
  int type;
  int fd;
  uint32_t want; /* interest registered with the backend */
  uint32_t flags;
  uint32_t props;
  /* timers */
  uint64_t due;
  uint64_t repeat;
  uint64_t timer_seq;
  int heap_index; /* -1 when not scheduled */
  /* streams */
  uint64_t connect_req;
  uint64_t shutdown_req;
  hf__write_req_t *wq_head, *wq_tail;
  int64_t wq_bytes;
  /* udp: sends queued while the kernel was full, receive size, open flags */
  struct hf__udp_req *sq_head, *sq_tail;
  uint32_t sq_count;
  uint32_t recv_size;
  int64_t sq_bytes;
  int udp_flags;
  int udp_family; /* AF_INET / AF_INET6 once the socket exists */
} hf__handle_t;

typedef struct hf__slot {
  uint32_t generation;
  bool closing; /* token already stale, HF_EV_CLOSE not yet delivered */
  bool retired; /* generation exhausted: never reused */
  hf__handle_t *handle; /* NULL when the slot is free */
  uint32_t next_free;
} hf__slot_t;

#define HF__NO_SLOT 0xffffffffu

struct hf_loop {
  hf__backend_t *backend;
  uint64_t now;
  /* handle table */
  hf__slot_t *slots;
  uint32_t slot_count, slot_capacity, free_head, live;
  /* the batch Java reads, and the arena holding read data */
  hf_event_t *events;
  uint32_t capacity, batch_count;
  uint8_t *arena;
  uint32_t arena_size, arena_used;
  bool own_events, own_arena;
  /* events produced but not yet in a batch (FIFO ring) */
  hf_event_t *pending;
  uint32_t pending_head, pending_count, pending_capacity, pending_reads;
  /* the last poll skipped the kernel to deliver pending events; the next one must not */
  bool skipped_backend;
  /* timers: binary min-heap by (due, seq) */
  hf__handle_t **heap;
  uint32_t heap_count, heap_capacity;
  uint64_t timer_seq;
  /* a spare fd closed to shed a connection when accept hits EMFILE/ENFILE */
  int reserve_fd;
  hf__ready_t *ready;
  /* slots whose HF_EV_CLOSE is in the current batch: released at the next poll, so no new handle
   * takes the slot while the batch that closes the old one is being dispatched */
  uint32_t *closed_slots;
  uint32_t closed_count, closed_capacity;
};

/* Handle table. */
int hf__slot_alloc(hf_loop_t *loop, uint32_t *out);
void hf__slot_unalloc(hf_loop_t *loop, uint32_t index);
int hf__handle_new(hf_loop_t *loop, int type, int fd, hf__handle_t **out);
/* Returns the live handle for token, NULL (and *err) when stale or of another type (type 0: any). */
hf__handle_t *hf__lookup(hf_loop_t *loop, hf_token_t token, int type, int *err);
/* Appends an event to the pending queue; returns 0 or HF_ENOMEM. */
int hf__emit(hf_loop_t *loop, hf_token_t token, uint32_t kind, int32_t result, uint64_t aux,
             uint32_t offset, uint32_t length);
int hf__watch(hf_loop_t *loop, hf__handle_t *h, uint32_t want);
/* Releases a stale slot at the next poll, once the batch naming it has been dispatched. */
int hf__defer_release(hf_loop_t *loop, uint32_t index);
/* Turns undelivered events of kind for token (current batch and pending queue) into HF_EV_NONE. */
void hf__drop_events(hf_loop_t *loop, hf_token_t token, uint32_t kind);
void hf__update_time(hf_loop_t *loop);

/* Timers. */
void hf__timer_unschedule(hf_loop_t *loop, hf__handle_t *h);
void hf__timers_run(hf_loop_t *loop);
/* Milliseconds until the next timer (-1: none). */
int64_t hf__timers_next(hf_loop_t *loop);

/* Streams. */
void hf__stream_io(hf_loop_t *loop, hf__handle_t *h, uint32_t events);
void hf__stream_cancel(hf_loop_t *loop, hf__handle_t *h);
/* Wraps a fresh socket fd in a stream handle of type and starts connecting (closes fd on error). */
int hf__stream_connect(hf_loop_t *loop, int fd, int type, const struct sockaddr *addr,
                       socklen_t len, uint64_t req, hf_token_t *out);
/* Queues fd to be passed with one byte; the request owns fd from then on. */
int hf__stream_queue_handle(hf_loop_t *loop, hf__handle_t *h, int fd, uint64_t req);

/* The process-wide registry of fds owned by handles (fdreg.c). */
/* Marks fd owned; exclusive: HF_EEXIST if it already is. HF_ENOMEM if the registry cannot grow. */
int hf__fd_claim(int fd, bool exclusive);
void hf__fd_release(int fd);
/* Releases then closes fd: the number is free in the registry before the kernel can reuse it. */
void hf__fd_close(int fd);

/* Pipes (pipe.c). */
#define HF__PASS_FDS_MAX 16 /* fds taken from one message; the kernel closes any beyond */
/* The stream handle type an fd can be wrapped in, and its properties; an error for other fds. */
int hf__fd_classify(int fd, int *type, uint32_t *props);
/* recvmsg into buf, collecting passed fds (close-on-exec) into fds. Returns bytes or -1/errno. */
ssize_t hf__pipe_recv(hf__handle_t *h, void *buf, size_t len, int *fds, int *nfds);
/* Wraps received fds in handles and reports each as HF_EV_HANDLE of h (or closes it). */
void hf__pipe_wrap_received(hf_loop_t *loop, hf__handle_t *h, const int *fds, int nfds);
/* Closing pipe token: undelivered HF_EV_HANDLE events are dropped and their handles closed. */
void hf__pipe_discard_handles(hf_loop_t *loop, hf_token_t token);

/* UDP. */
void hf__udp_io(hf_loop_t *loop, hf__handle_t *h, uint32_t events);
void hf__udp_cancel(hf_loop_t *loop, hf__handle_t *h);
/* The live UDP handle whose socket exists, else NULL with *err (HF_EBUSYSTATE: no socket yet). */
hf__handle_t *hf__udp_socket_lookup(hf_loop_t *loop, hf_token_t token, int *err);
/* AF_INET / AF_INET6 for a well-formed sockaddr of len bytes, else HF_EINVAL / HF_EAFNOSUPPORT. */
int hf__udp_family(const void *addr, socklen_t len);
/* *type = HF_TYPE_UDP for an IPv4/IPv6 datagram socket fd; HF_EINVAL for no datagram socket. */
int hf__udp_classify(int fd, int *type);
/* Sets up a UDP handle made for a received socket fd: family, receive size, connected state. */
void hf__udp_adopted(hf_loop_t *loop, hf__handle_t *h);

/* Events whose data lives in the arena: the arena is reused only once none is undelivered. */
static inline bool hf__holds_arena(uint32_t kind, int32_t result) {
  return (kind == HF_EV_READ && result > 0) || (kind == HF_EV_RECV && result >= 0);
}

#endif
