/* Holdfast public C API: event loop, ownership-token handle table, timers, TCP, UDP, pipes. */
#ifndef HOLDFAST_H
#define HOLDFAST_H

#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Error codes: negative errno values for kernel errors, plus Holdfast's own codes far outside the
 * errno range. This one list generates the enum and hf_err_name(); Java's mapping is tested
 * against it.
 */
#define HF_ERRNO_MAP(XX)                                   \
  XX(EPERM) XX(ENOENT) XX(EINTR) XX(EIO) XX(EBADF)         \
  XX(EAGAIN) XX(ENOMEM) XX(EACCES) XX(EFAULT) XX(EBUSY)    \
  XX(EEXIST) XX(EINVAL) XX(ENFILE) XX(EMFILE) XX(ENOSPC)   \
  XX(EPIPE) XX(ENOTSOCK) XX(EDESTADDRREQ) XX(EMSGSIZE)     \
  XX(EPROTOTYPE) XX(ENOPROTOOPT) XX(EPROTONOSUPPORT)       \
  XX(EOPNOTSUPP) XX(EAFNOSUPPORT) XX(EADDRINUSE)           \
  XX(EADDRNOTAVAIL) XX(ENETDOWN) XX(ENETUNREACH)           \
  XX(ECONNABORTED) XX(ECONNRESET) XX(ENOBUFS) XX(EISCONN)  \
  XX(ENOTCONN) XX(ETIMEDOUT) XX(ECONNREFUSED)              \
  XX(EHOSTUNREACH) XX(EALREADY) XX(EINPROGRESS)            \
  XX(ECANCELED) XX(ENOSYS) XX(ERANGE)

/* Holdfast's own codes: (name, value, description). */
#define HF_OWN_ERR_MAP(XX)                                                          \
  XX(HF_ESTALE, -20001, "handle closed or moved: its ownership token is stale")     \
  XX(HF_EOF, -20002, "end of stream")                                               \
  XX(HF_EWRONGTYPE, -20003, "token names a handle of another type")                 \
  XX(HF_EBUSYSTATE, -20004, "operation not allowed in the handle's current state")

typedef enum {
#define HF__ERRNO_ENUM(name) HF_##name = -name,
  HF_ERRNO_MAP(HF__ERRNO_ENUM)
#undef HF__ERRNO_ENUM
#define HF__OWN_ENUM(name, value, text) name = value,
  HF_OWN_ERR_MAP(HF__OWN_ENUM)
#undef HF__OWN_ENUM
  HF_OK = 0
} hf_errno_t;

/* "ECONNREFUSED", "HF_ESTALE", ... or "UNKNOWN" for a code not in the list. */
const char *hf_err_name(int code);
/* A short English description of the code. */
const char *hf_strerror(int code);
/* Every code in the list, for tests and for Java's table; returns the count. */
int hf_err_codes(int *out, int capacity);

/*
 * Ownership token: generation (1..2^31-1) in the high 32 bits, slot index in the low 32; 0 is never
 * valid. A slot whose generation is exhausted is retired, never reused.
 */
typedef uint64_t hf_token_t;
#define HF_TOKEN_SLOT(t) ((uint32_t)((t) & 0xffffffffu))
#define HF_TOKEN_GEN(t) ((uint32_t)((t) >> 32))

/* Handle types. */
enum { HF_TYPE_TIMER = 1, HF_TYPE_TCP_LISTENER = 2, HF_TYPE_TCP_STREAM = 3, HF_TYPE_UDP = 6 };
/* Unix-domain pipes (see "Pipes" below). */
enum { HF_TYPE_PIPE_LISTENER = 4, HF_TYPE_PIPE_STREAM = 5 };

/* Event kinds delivered in the batch. */
enum {
  HF_EV_NONE = 0,     /* dropped (its handle closed after the batch was filled) */
  HF_EV_READ = 1,     /* result: bytes (data at arena+offset), HF_EOF, or an error */
  HF_EV_WRITE = 2,    /* result: 0 or error (HF_ECANCELED when closed); aux: request id */
  HF_EV_CONNECT = 3,  /* result: 0 or error; aux: request id */
  HF_EV_ACCEPT = 4,   /* result: 0 (aux: new stream's token) or an error such as HF_EMFILE */
  HF_EV_SHUTDOWN = 5, /* result: 0 or error; aux: request id */
  HF_EV_TIMER = 6,    /* a timer fired */
  HF_EV_CLOSE = 7,    /* the handle is gone: every earlier event for it was delivered */
  HF_EV_RECV = 8,     /* a datagram (see "UDP" below for the arena layout) or a receive error */
  HF_EV_SEND = 9      /* result: 0 or error (HF_ECANCELED when closed); aux: request id */
};
/* A pipe received a handle: result = its type (> 0) and aux = its token, or result = an error
 * (the fd was closed, e.g. HF_EOPNOTSUPP for a kind of fd no handle type wraps). A TCP socket
 * becomes HF_TYPE_TCP_STREAM, a Unix stream socket HF_TYPE_PIPE_STREAM, an IPv4/IPv6 datagram
 * socket HF_TYPE_UDP (bound, connected if it was, not receiving). */
enum { HF_EV_HANDLE = 10 };

/* One event; the layout is read directly by Java (little endian, 32 bytes). */
typedef struct hf_event {
  hf_token_t token;
  uint32_t kind;
  int32_t result;
  uint64_t aux;
  uint32_t offset; /* HF_EV_READ: data offset in the arena; HF_EV_RECV: the datagram's slot */
  uint32_t length; /* HF_EV_READ/RECV: data length; HF_EV_WRITE: bytes still queued on the stream;
                      HF_EV_SEND: datagrams still queued on the socket */
} hf_event_t;

typedef struct hf_loop hf_loop_t;

typedef struct hf_buf {
  const void *base;
  size_t len;
} hf_buf_t;

/*
 * Creates a loop. events/arena may be caller memory (Java passes direct buffers) or NULL to let
 * the loop allocate them. capacity: events per batch; arena_size: bytes for read data per batch.
 */
int hf_loop_create(hf_loop_t **out, hf_event_t *events, uint32_t capacity, void *arena,
                   uint32_t arena_size);
/* Closes every live handle (their fds are closed) and frees the loop. */
void hf_loop_close(hf_loop_t *loop);
/*
 * Waits up to timeout_ms (-1: until something happens; shortened by timers; 0 when events are
 * already pending), performs ready I/O, fires timers, and fills the batch. Returns the number of
 * events in the batch or a negative error.
 */
int hf_loop_poll(hf_loop_t *loop, int timeout_ms);
hf_event_t *hf_loop_events(hf_loop_t *loop);
uint8_t *hf_loop_arena(hf_loop_t *loop);
/* Makes a blocked or future hf_loop_poll return; the only function safe from any thread. */
int hf_loop_wake(hf_loop_t *loop);
/* The loop's cached monotonic clock in milliseconds. */
uint64_t hf_loop_now(hf_loop_t *loop);
/* Number of live (not yet fully closed) handles. */
uint32_t hf_loop_handle_count(hf_loop_t *loop);
/* Name of the poller backend ("epoll"). */
const char *hf_loop_backend(hf_loop_t *loop);
/*
 * Handle snapshot: fills tokens and types of live handles, returns the total number of live
 * handles (may exceed capacity).
 */
int hf_loop_handles(hf_loop_t *loop, hf_token_t *tokens, int32_t *types, int32_t *states,
                    int capacity);

/* Handle state as reported by hf_handle_state. */
enum { HF_STATE_OPEN = 1, HF_STATE_CLOSING = 2 };
/* Returns the handle's type, HF_ESTALE if the token is stale. */
int hf_handle_type(hf_loop_t *loop, hf_token_t token);
/*
 * Closes a handle: the token is stale at once, the fd is removed from the poller and closed,
 * pending requests complete with HF_ECANCELED in order, then one HF_EV_CLOSE. Undelivered read
 * and timer events for it are dropped. abortive: reset a TCP connection (SO_LINGER 0).
 */
int hf_close(hf_loop_t *loop, hf_token_t token, int abortive);

/*
 * Moves a handle to a new token on the same loop: the old token is stale at once, undelivered
 * events and queued requests follow the handle, the kernel reports it under the new token.
 */
int hf_handle_transfer(hf_loop_t *loop, hf_token_t token, hf_token_t *out);
/*
 * Takes a quiet stream's fd out of the loop (to adopt it in another loop): the token is stale,
 * the fd is deregistered but not closed. HF_EBUSYSTATE while writes, a connect or a shutdown are
 * queued or events for it are undelivered. Call between batches, not from inside a dispatch.
 * A UDP socket can be detached too (to pass it with hf_pipe_write_handle): HF_EBUSYSTATE while it
 * has no socket yet, sends are queued or events for it are undelivered.
 */
int hf_handle_detach(hf_loop_t *loop, hf_token_t token, int *fd_out);
/*
 * Wraps a connected, non-blocking stream fd (from hf_handle_detach) in a new handle whose type
 * follows the fd: a TCP socket becomes HF_TYPE_TCP_STREAM, a Unix socket or an os pipe
 * HF_TYPE_PIPE_STREAM.
 */
int hf_stream_adopt(hf_loop_t *loop, int fd, hf_token_t *out);
/* Closes an fd that no handle owns (a detached fd whose adoption failed). */
int hf_fd_close(int fd);
/*
 * Whether a live handle of any loop in this process owns fd (a detached fd in transit counts as
 * owned until it is adopted or closed). Every fd a handle owns is in one process-wide registry.
 */
int hf_fd_owned(int fd);

/* Timers (millisecond resolution). */
int hf_timer_open(hf_loop_t *loop, hf_token_t *out);
int hf_timer_start(hf_loop_t *loop, hf_token_t token, uint64_t timeout_ms, uint64_t repeat_ms);
int hf_timer_stop(hf_loop_t *loop, hf_token_t token);

/* TCP. Addresses are plain sockaddr_in / sockaddr_in6. */
enum { HF_TCP_REUSEADDR = 1, HF_TCP_REUSEPORT = 2, HF_TCP_IPV6ONLY = 4 };
int hf_tcp_bind(hf_loop_t *loop, const struct sockaddr *addr, socklen_t len, int flags,
                hf_token_t *out);
int hf_tcp_listen(hf_loop_t *loop, hf_token_t token, int backlog);
/* Starts a non-blocking connect; the outcome arrives as HF_EV_CONNECT with aux = req. */
int hf_tcp_connect(hf_loop_t *loop, const struct sockaddr *addr, socklen_t len, uint64_t req,
                   hf_token_t *out);
int hf_tcp_nodelay(hf_loop_t *loop, hf_token_t token, int enable);
int hf_tcp_keepalive(hf_loop_t *loop, hf_token_t token, int enable, int idle_s, int interval_s,
                     int count);
/* which: 0 = SO_SNDBUF, 1 = SO_RCVBUF. get returns the kernel's value. */
int hf_socket_set_buffer(hf_loop_t *loop, hf_token_t token, int which, int size);
int hf_socket_get_buffer(hf_loop_t *loop, hf_token_t token, int which);
/* peer: 0 local, 1 remote; writes the sockaddr into out and returns its length. */
int hf_socket_address(hf_loop_t *loop, hf_token_t token, int peer, struct sockaddr *out,
                      socklen_t capacity);

/* Streams. */
int hf_stream_read_start(hf_loop_t *loop, hf_token_t token);
int hf_stream_read_stop(hf_loop_t *loop, hf_token_t token);
/*
 * Queues a write (copying the buffer descriptors, not the bytes: the memory must stay valid until
 * its HF_EV_WRITE). Writes now if nothing is queued. Returns bytes still queued on the stream (>= 0)
 * or an error for a stale token; kernel errors arrive through the completion.
 */
int64_t hf_stream_write(hf_loop_t *loop, hf_token_t token, const hf_buf_t *bufs, int count,
                        uint64_t req);
/* Writes what the kernel takes now if nothing is queued; returns bytes written, 0, or an error. */
int64_t hf_stream_try_write(hf_loop_t *loop, hf_token_t token, const hf_buf_t *bufs, int count);
/* Half-closes after queued writes drain; completes as HF_EV_SHUTDOWN with aux = req. */
int hf_stream_shutdown(hf_loop_t *loop, hf_token_t token, uint64_t req);
/* Bytes queued for writing and not yet taken by the kernel. */
int64_t hf_stream_write_queue_size(hf_loop_t *loop, hf_token_t token);

/*
 * Pipes: Unix-domain stream sockets (named by a filesystem path, or by a Linux abstract name:
 * sun_path[0] == '\0' and the name in the bytes after it, the length not counting a terminating
 * NUL), socket pairs, and adopted fds (an os pipe end, a terminal, an inherited Unix socket).
 * Pipe streams use every hf_stream_* call; hf_socket_address works on socket-backed ones.
 *
 * Writes to an fd that is no socket use writev, which raises SIGPIPE when the reader is gone: the
 * process must ignore SIGPIPE (the JVM does; C programs set SIG_IGN) to get EPIPE instead.
 */
enum {
  HF_PIPE_REPLACE_STALE = 1, /* bind: a socket file nobody listens on is unlinked and replaced */
  HF_PIPE_READABLE = 2,      /* bind: make the socket file readable by all */
  HF_PIPE_WRITABLE = 4       /* bind: make the socket file writable by all (connecting needs it) */
};
/*
 * Creates a bound pipe listener. A path that exists gives HF_EADDRINUSE, even when the socket file
 * was left by a dead process, unless HF_PIPE_REPLACE_STALE is set: then a connect probes the file
 * and, if it is a socket nobody listens on (ECONNREFUSED), it is unlinked and the bind retried.
 * The permission flags apply to filesystem paths only (HF_EINVAL for an abstract name).
 */
int hf_pipe_bind(hf_loop_t *loop, const struct sockaddr *addr, socklen_t len, int flags,
                 hf_token_t *out);
int hf_pipe_listen(hf_loop_t *loop, hf_token_t token, int backlog);
/*
 * Connects without blocking; the outcome arrives as HF_EV_CONNECT with aux = req: HF_ENOENT for a
 * missing path, HF_ECONNREFUSED for a file that is no socket or has no listener, HF_EAGAIN when
 * the listener's backlog is full. The handle stays open until its owner closes it.
 */
int hf_pipe_connect(hf_loop_t *loop, const struct sockaddr *addr, socklen_t len, uint64_t req,
                    hf_token_t *out);
/* Two connected pipe streams (socketpair, close-on-exec and non-blocking). */
int hf_pipe_pair(hf_loop_t *loop, hf_token_t out[2]);
/*
 * Adopts fd as a pipe stream: the handle owns it from now on (it is made non-blocking and
 * close-on-exec; O_NONBLOCK is a property of the open file, seen by every process sharing it).
 * HF_EEXIST if a live handle of any loop already owns fd; HF_EBADF if fd is not open; HF_EINVAL
 * for an fd that is no stream (a regular file, a datagram or listening socket); HF_EAFNOSUPPORT
 * for a socket that is not a Unix socket; HF_EPERM if the kernel cannot poll it. On error the
 * caller keeps fd.
 */
int hf_pipe_open(hf_loop_t *loop, int fd, hf_token_t *out);
/* Credentials of the peer process (SO_PEERCRED: at connect time, or at socketpair time). */
typedef struct hf_peer_cred {
  int32_t pid;
  uint32_t uid;
  uint32_t gid;
} hf_peer_cred_t;
int hf_pipe_peer_credentials(hf_loop_t *loop, hf_token_t token, hf_peer_cred_t *out);
/* 1 if the pipe stream's fd is a socket (it can pass handles), 0 if not (an os pipe, a tty). */
int hf_pipe_is_socket(hf_loop_t *loop, hf_token_t token);
/*
 * Queues fd (from hf_handle_detach) to be passed to the peer with SCM_RIGHTS, in order with the
 * stream's writes; completes as HF_EV_WRITE with aux = req. It travels as one byte of data that
 * carries the fd and is sent alone; the receiving pipe takes that byte out of the data and reports
 * the fd as HF_EV_HANDLE after the data before it. From a return >= 0 on, the loop owns fd and
 * closes its copy once sent, failed or canceled; on an error return the caller keeps it.
 * HF_ENOTSOCK for a pipe that is no socket.
 */
int64_t hf_pipe_write_handle(hf_loop_t *loop, hf_token_t token, int fd, uint64_t req);

/*
 * UDP sockets (HF_TYPE_UDP). hf_udp_open makes a handle without a socket; the socket (of the
 * address's family) appears at hf_udp_bind, at hf_udp_connect or at the first send, which binds
 * it to the wildcard address and an ephemeral port first, as the kernel would. Sends are tried at
 * once while nothing is queued; what the kernel cannot take now is copied and queued, and queued
 * datagrams go out with sendmmsg when the socket is writable. Receiving reads every ready datagram
 * with recvmmsg, up to a bounded number per turn.
 *
 * HF_EV_RECV: result = payload bytes (>= 0: a zero-length datagram is an event too) or a negative
 * error (e.g. HF_ECONNREFUSED on a connected socket; receiving goes on). aux = HF_UDP_TRUNCATED
 * when the datagram was longer than the receive size and was cut to it (MSG_TRUNC). offset = an
 * 8-byte aligned place in the arena holding:
 *   arena + offset                      HF_UDP_ADDR_SLOT bytes: the sender's sockaddr_in or
 *                                       sockaddr_in6 as the kernel wrote it, zero-padded
 *   arena + offset + HF_UDP_ADDR_SLOT   the payload, length bytes
 * HF_EV_SEND: one per datagram, in submission order; result 0 or an error (HF_EMSGSIZE,
 * HF_EISCONN, HF_EDESTADDRREQ, ..., HF_ECANCELED when closed first); aux = the request id;
 * length = datagrams still queued on the socket.
 */
#define HF_UDP_ADDR_SLOT 32
#define HF_UDP_MAX_BATCH 1024 /* messages per hf_udp_send_batch call */
enum { HF_UDP_REUSEADDR = 1, HF_UDP_REUSEPORT = 2, HF_UDP_IPV6ONLY = 4 };
enum { HF_UDP_TRUNCATED = 1 };
/* Options of hf_udp_set_option / hf_udp_get_option; the socket must exist (else HF_EBUSYSTATE). */
enum {
  HF_UDP_OPT_BROADCAST = 1,      /* 0/1 */
  HF_UDP_OPT_TTL = 2,            /* unicast TTL / hop limit, 1..255 */
  HF_UDP_OPT_MULTICAST_TTL = 3,  /* 0..255 */
  HF_UDP_OPT_MULTICAST_LOOP = 4, /* 0/1 */
  HF_UDP_OPT_MULTICAST_IF = 5,   /* interface index, 0 for the default (set only) */
  HF_UDP_OPT_SNDBUF = 6,
  HF_UDP_OPT_RCVBUF = 7
};

/* One datagram of hf_udp_send_batch; laid out by Java directly (56 bytes, native endian). */
typedef struct hf_udp_msg {
  uint64_t req;       /* request id, echoed in HF_EV_SEND's aux */
  uint32_t buf_index; /* first of its buffers in the bufs array */
  uint32_t buf_count; /* 0 for a zero-length datagram */
  uint32_t addr_len;  /* 0: the connected peer; else the length of the sockaddr in addr */
  uint32_t reserved;
  uint8_t addr[HF_UDP_ADDR_SLOT]; /* sockaddr_in / sockaddr_in6 */
} hf_udp_msg_t;

/* flags: HF_UDP_REUSEADDR | HF_UDP_REUSEPORT | HF_UDP_IPV6ONLY, applied when the socket is made. */
int hf_udp_open(hf_loop_t *loop, int flags, hf_token_t *out);
/* Largest payload received whole (default min(65536, arena - 40)); longer ones are truncated. */
int hf_udp_set_recv_size(hf_loop_t *loop, hf_token_t token, uint32_t size);
/* HF_EALREADY if the socket already exists (bound, connected or used to send). */
int hf_udp_bind(hf_loop_t *loop, hf_token_t token, const struct sockaddr *addr, socklen_t len);
/* HF_EISCONN if connected; binds to the wildcard address first if there is no socket yet. */
int hf_udp_connect(hf_loop_t *loop, hf_token_t token, const struct sockaddr *addr, socklen_t len);
/* HF_ENOTCONN if not connected. The local port is kept. */
int hf_udp_disconnect(hf_loop_t *loop, hf_token_t token);
/*
 * Sends count datagrams (copying descriptors, and bytes only for what must be queued: the memory
 * may be reused when the call returns). Each completes once as HF_EV_SEND. Returns the number of
 * datagrams queued on the socket, or an error (stale token, bad arguments) before anything
 * happened. addr NULL / addr_len 0 sends to the connected peer.
 */
int hf_udp_send_batch(hf_loop_t *loop, hf_token_t token, const hf_udp_msg_t *msgs, int count,
                      const hf_buf_t *bufs, int buf_count);
int hf_udp_send(hf_loop_t *loop, hf_token_t token, const hf_buf_t *bufs, int count,
                const struct sockaddr *addr, socklen_t len, uint64_t req);
/* Sends one datagram now: bytes sent, HF_EAGAIN if datagrams are queued or the kernel is full. */
int hf_udp_try_send(hf_loop_t *loop, hf_token_t token, const hf_buf_t *bufs, int count,
                    const struct sockaddr *addr, socklen_t len);
int hf_udp_send_queue_count(hf_loop_t *loop, hf_token_t token);
int64_t hf_udp_send_queue_size(hf_loop_t *loop, hf_token_t token);
/* Receiving starts now, or when the socket appears. */
int hf_udp_recv_start(hf_loop_t *loop, hf_token_t token);
/* Stops receiving; datagrams already read but not yet delivered are dropped. */
int hf_udp_recv_stop(hf_loop_t *loop, hf_token_t token);
int hf_udp_set_option(hf_loop_t *loop, hf_token_t token, int option, int value);
int hf_udp_get_option(hf_loop_t *loop, hf_token_t token, int option);
/* Joins (join = 1) or leaves a group, source-specific when source is not NULL; ifindex 0: any. */
int hf_udp_membership(hf_loop_t *loop, hf_token_t token, const struct sockaddr *group,
                      socklen_t group_len, const struct sockaddr *source, socklen_t source_len,
                      uint32_t ifindex, int join);
/* peer: 0 local, 1 remote; writes the sockaddr and returns its length; HF_EBUSYSTATE: no socket. */
int hf_udp_address(hf_loop_t *loop, hf_token_t token, int peer, struct sockaddr *out,
                   socklen_t capacity);

#ifdef __cplusplus
}
#endif
#endif
