/* Adopting fds: an os pipe's ends become pipe streams (writev, EOF, half-close by shutdown, EPIPE
 * without a signal); an fd a live handle of any loop owns is refused with EEXIST until it is
 * closed; fds that are no stream are refused and stay the caller's. */
#include "hf_pipe_test.h"

#include <netinet/in.h>

static void expect_eof_after(hf_loop_t *loop, hf_token_t reader, const char *text) {
  char got[64];
  size_t n = 0;
  for (;;) {
    hf_event_t ev = hft_wait_for(loop, reader, HF_EV_READ, 2000);
    if (ev.result == HF_EOF) break;
    ASSERT(ev.result > 0 && n + ev.length <= sizeof got);
    memcpy(got + n, hf_loop_arena(loop) + ev.offset, ev.length);
    n += ev.length;
  }
  ASSERT_EQ(n, strlen(text));
  ASSERT(memcmp(got, text, n) == 0);
}

int main(void) {
  hft_watchdog(20);
  signal(SIGPIPE, SIG_IGN); /* writev to a pipe nobody reads: EPIPE, not death */
  int fds0 = hft_fd_count();
  hf_loop_t *loop = hft_loop(64, 65536), *other = hft_loop(64, 65536);
  int fds_loops = hft_fd_count();

  /* An os pipe (blocking, inheritable): adopting makes it non-blocking and close-on-exec. */
  int p[2];
  ASSERT_OK(pipe(p));
  hf_token_t r, w;
  ASSERT_OK(hf_pipe_open(loop, p[0], &r));
  ASSERT_OK(hf_pipe_open(loop, p[1], &w));
  ASSERT(fcntl(p[1], F_GETFL) & O_NONBLOCK);
  ASSERT(fcntl(p[1], F_GETFD) & FD_CLOEXEC);
  ASSERT_EQ(hf_pipe_is_socket(loop, w), 0);
  ASSERT(hf_fd_owned(p[0]) && hf_fd_owned(p[1]));

  /* Owned by a live handle: refused in this loop and in another, the fd untouched. */
  hf_token_t t;
  ASSERT_EQ(hf_pipe_open(loop, p[0], &t), HF_EEXIST);
  ASSERT_EQ(hf_pipe_open(other, p[1], &t), HF_EEXIST);
  ASSERT_EQ(hf_pipe_write_handle(loop, w, 0, 1), HF_ENOTSOCK);
  hf_peer_cred_t cred;
  ASSERT_EQ(hf_pipe_peer_credentials(loop, w, &cred), HF_ENOTSOCK);

  /* writev for an fd that is no socket; shutdown replaces the write end, so the reader gets EOF
   * while the handle still owns its fd number. */
  ASSERT_OK(hf_stream_read_start(loop, r));
  hf_buf_t bufs[2] = {{"hello ", 6}, {"pipe", 4}};
  ASSERT(hf_stream_write(loop, w, bufs, 2, 1) >= 0);
  ASSERT_EQ(hft_wait_for(loop, w, HF_EV_WRITE, 1000).result, 0);
  ASSERT_OK(hf_stream_shutdown(loop, w, 2));
  ASSERT_EQ(hft_wait_for(loop, w, HF_EV_SHUTDOWN, 1000).result, 0);
  expect_eof_after(loop, r, "hello pipe");
  ASSERT(fcntl(p[1], F_GETFD) >= 0);
  ASSERT_OK(hf_close(loop, w, 0));
  ASSERT_OK(hf_close(loop, r, 0));
  hft_wait_for(loop, r, HF_EV_CLOSE, 1000);
  ASSERT(!hf_fd_owned(p[0]) && !hf_fd_owned(p[1]));
  ASSERT_EQ(hft_fd_count(), fds_loops);

  /* A write end whose reader is gone: EPIPE through the completion. And the writer of a pipe
   * exiting (here: closing) gives the reader EOF by POLLHUP. */
  ASSERT_OK(pipe(p));
  ASSERT_OK(hf_pipe_open(loop, p[1], &w));
  ASSERT_OK(close(p[0]));
  hf_buf_t x = {"x", 1};
  ASSERT(hf_stream_write(loop, w, &x, 1, 3) >= 0);
  ASSERT_EQ(hft_wait_for(loop, w, HF_EV_WRITE, 1000).result, HF_EPIPE);
  ASSERT_OK(hf_close(loop, w, 0));
  ASSERT_OK(pipe(p));
  ASSERT_OK(hf_pipe_open(loop, p[0], &r));
  ASSERT_OK(hf_stream_read_start(loop, r));
  ASSERT_OK(close(p[1]));
  ASSERT_EQ(hft_wait_for(loop, r, HF_EV_READ, 2000).result, HF_EOF);
  ASSERT_OK(hf_close(loop, r, 0));

  /* The registry follows a handle out of one loop and into another. */
  hf_token_t pair[2];
  ASSERT_OK(hf_pipe_pair(loop, pair));
  int fd;
  hft_stash_clear();
  hf_loop_poll(loop, 0); /* deliver the closes above: nothing of pair[0] is pending */
  ASSERT_OK(hf_handle_detach(loop, pair[0], &fd));
  ASSERT(hf_fd_owned(fd)); /* in transit */
  ASSERT_EQ(hf_pipe_open(other, fd, &t), HF_EEXIST);
  ASSERT_OK(hf_stream_adopt(other, fd, &t));
  ASSERT_EQ(hf_handle_type(other, t), HF_TYPE_PIPE_STREAM);
  ASSERT_EQ(hf_pipe_open(loop, fd, &t), HF_EEXIST);
  hf_loop_close(other); /* closes the adopted stream */
  ASSERT(!hf_fd_owned(fd));

  /* TCP handles are in the registry too. */
  uint16_t port;
  hf_token_t listener = hft_listen(loop, &port);
  int owned_tcp = 0;
  for (int i = 0; i < 1024; i++) owned_tcp += hf_fd_owned(i);
  ASSERT_EQ(owned_tcp, 2); /* pair[1] and the listener */
  ASSERT_OK(hf_close(loop, listener, 0));
  ASSERT_OK(hf_close(loop, pair[1], 0));

  /* Refused kinds of fd stay open and the caller's. */
  ASSERT_EQ(hf_pipe_open(loop, -1, &t), HF_EBADF);
  ASSERT_EQ(hf_pipe_open(loop, 1000, &t), HF_EBADF);
  int null = open("/dev/null", O_RDWR | O_CLOEXEC);
  ASSERT_EQ(hf_pipe_open(loop, null, &t), HF_EPERM); /* not pollable */
  int file = open("/proc/self/stat", O_RDONLY | O_CLOEXEC);
  ASSERT_EQ(hf_pipe_open(loop, file, &t), HF_EINVAL);
  int tcp = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  ASSERT_EQ(hf_pipe_open(loop, tcp, &t), HF_EAFNOSUPPORT);
  int udp = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  ASSERT_EQ(hf_pipe_open(loop, udp, &t), HF_EINVAL);
  ASSERT(!hf_fd_owned(null) && !hf_fd_owned(file) && !hf_fd_owned(tcp) && !hf_fd_owned(udp));
  ASSERT_OK(close(null));
  ASSERT_OK(close(file));
  ASSERT_OK(close(tcp));
  ASSERT_OK(close(udp));

  hf_loop_close(loop);
  ASSERT_EQ(hft_fd_count(), fds0);
  return 0;
}
