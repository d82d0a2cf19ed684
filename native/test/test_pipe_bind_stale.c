/* Binding a pipe: a socket file left behind is EADDRINUSE unless replacing stale files is asked
 * for; a live listener or a file that is no socket is never replaced; permissions for all are
 * added on request; abstract names take no file and clash like paths. */
#include "hf_pipe_test.h"

int main(void) {
  hft_watchdog(20);
  int fds0 = hft_fd_count();
  hf_loop_t *loop = hft_loop(64, 65536);
  char dir[64], path[128];
  hft_tmpdir(dir, sizeof dir);
  snprintf(path, sizeof path, "%s/server.sock", dir);
  hft_unix_t addr = hft_unix_path(path);

  /* A file left by a socket that is gone (like a process that died). */
  int dead = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  ASSERT_OK(bind(dead, HFT_UN(addr)));
  ASSERT_OK(listen(dead, 1));
  ASSERT_OK(close(dead));
  struct stat st;
  ASSERT_OK(lstat(path, &st));
  ASSERT(S_ISSOCK(st.st_mode));

  hf_token_t l, l2;
  ASSERT_EQ(hf_pipe_bind(loop, HFT_UN(addr), 0, &l), HF_EADDRINUSE);
  ASSERT_OK(hf_pipe_bind(loop, HFT_UN(addr), HF_PIPE_REPLACE_STALE, &l));
  ASSERT_OK(hf_pipe_listen(loop, l, 8));

  /* Somebody listens now: never replaced. */
  ASSERT_EQ(hf_pipe_bind(loop, HFT_UN(addr), HF_PIPE_REPLACE_STALE, &l2), HF_EADDRINUSE);
  hf_token_t c;
  ASSERT_OK(hf_pipe_connect(loop, HFT_UN(addr), 1, &c));
  ASSERT_EQ(hft_wait_for(loop, c, HF_EV_CONNECT, 2000).result, 0); /* l still serves the path */
  hf_event_t acc = hft_wait_for(loop, l, HF_EV_ACCEPT, 2000); /* the probe, or c */
  ASSERT_EQ(acc.result, 0);
  ASSERT_OK(hf_close(loop, acc.aux, 0));
  acc = hft_wait_for(loop, l, HF_EV_ACCEPT, 2000);
  ASSERT_EQ(acc.result, 0);
  ASSERT_OK(hf_close(loop, acc.aux, 0));
  ASSERT_OK(hf_close(loop, c, 0));
  ASSERT_OK(hf_close(loop, l, 0));

  /* A regular file in the way is not a stale socket: left alone. */
  ASSERT_OK(unlink(path));
  int f = open(path, O_CREAT | O_WRONLY | O_CLOEXEC, 0600);
  ASSERT(f >= 0);
  ASSERT_EQ(write(f, "keep", 4), 4);
  ASSERT_OK(close(f));
  ASSERT_EQ(hf_pipe_bind(loop, HFT_UN(addr), HF_PIPE_REPLACE_STALE, &l), HF_EADDRINUSE);
  ASSERT_OK(lstat(path, &st));
  ASSERT(S_ISREG(st.st_mode) && st.st_size == 4);
  ASSERT_OK(unlink(path));

  /* Permissions: added for everyone on request. */
  mode_t old = umask(077);
  ASSERT_OK(hf_pipe_bind(loop, HFT_UN(addr), 0, &l));
  ASSERT_OK(lstat(path, &st));
  ASSERT_EQ(st.st_mode & 0777, 0700);
  ASSERT_OK(hf_close(loop, l, 0));
  ASSERT_OK(unlink(path));
  ASSERT_OK(hf_pipe_bind(loop, HFT_UN(addr), HF_PIPE_READABLE | HF_PIPE_WRITABLE, &l));
  ASSERT_OK(lstat(path, &st));
  ASSERT_EQ(st.st_mode & 0777, 0766);
  ASSERT_OK(hf_close(loop, l, 0));
  ASSERT_OK(unlink(path));
  ASSERT_OK(hf_pipe_bind(loop, HFT_UN(addr), HF_PIPE_WRITABLE, &l));
  ASSERT_OK(lstat(path, &st));
  ASSERT_EQ(st.st_mode & 0777, 0722);
  ASSERT_OK(hf_close(loop, l, 0));
  ASSERT_OK(unlink(path));
  umask(old);

  /* Abstract names: no file, no permissions, a second bind clashes, replacing does not apply. */
  char name[64];
  snprintf(name, sizeof name, "hf-test-bind-%d", (int)getpid());
  hft_unix_t abs = hft_unix_abstract(name);
  ASSERT_EQ(hf_pipe_bind(loop, HFT_UN(abs), HF_PIPE_WRITABLE, &l), HF_EINVAL);
  ASSERT_OK(hf_pipe_bind(loop, HFT_UN(abs), 0, &l));
  ASSERT_EQ(hf_pipe_bind(loop, HFT_UN(abs), HF_PIPE_REPLACE_STALE, &l2), HF_EADDRINUSE);
  ASSERT_OK(hf_close(loop, l, 0));
  ASSERT_OK(hf_pipe_bind(loop, HFT_UN(abs), 0, &l)); /* free again once closed */
  ASSERT_OK(hf_close(loop, l, 0));

  hf_loop_close(loop);
  ASSERT_OK(rmdir(dir));
  ASSERT_EQ(hft_fd_count(), fds0);
  return 0;
}
