/* The poller backend contract: one implementation per file (backend_epoll.c, later kqueue...). */
#ifndef HF_BACKEND_H
#define HF_BACKEND_H

#include <stdint.h>

/* Interest bits, and the readiness bits a poll reports. */
#define HF__WANT_READ 1u
#define HF__WANT_WRITE 2u
#define HF__READY_ERROR 4u /* error or hang-up: the owner should attempt its pending I/O */

typedef struct hf__ready {
  uint64_t token; /* the ownership token given to hf__backend_watch, never an fd */
  uint32_t events;
} hf__ready_t;

typedef struct hf__backend hf__backend_t;

/*
 * Readiness backends (epoll, kqueue) map interest onto the kernel's registration directly.
 * A completion backend (IOCP, io_uring) implements the same contract: WANT_READ arms a zero-byte
 * receive (IOCP) or a multishot IORING_OP_POLL_ADD (io_uring), whose completion it reports as
 * readiness with the token as completion key / user_data; WANT_WRITE arms the same for writability.
 * The stream code above this header then performs the actual non-blocking read/write, so Java and
 * the loop core never change when a backend is added.
 */
int hf__backend_init(hf__backend_t **out);
/* Registers, changes (old != 0) or removes (want == 0) interest for fd; token is the event data. */
int hf__backend_watch(hf__backend_t *b, int fd, uint64_t token, uint32_t old_want,
                      uint32_t want);
/* Waits up to timeout_ms (-1 forever) and fills out; returns the count or a negative error. */
int hf__backend_poll(hf__backend_t *b, hf__ready_t *out, int capacity, int timeout_ms);
/* Wakes a poll in progress from any thread; its readiness is reported with HF__WAKE_TOKEN. */
int hf__backend_wake(hf__backend_t *b);
void hf__backend_close(hf__backend_t *b);
const char *hf__backend_name(void);

/* Token reserved for the wake-up channel: slot 0xffffffff, generation 0, never issued. */
#define HF__WAKE_TOKEN ((uint64_t)0xffffffffu)

#endif
