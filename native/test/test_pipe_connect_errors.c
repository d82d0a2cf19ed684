/* Pipe connects that fail report through one HF_EV_CONNECT each: ENOENT for a missing path,
 * ECONNREFUSED for a regular file and for a socket file nobody listens on; connects closed before
 * their completion was delivered report ECANCELED, once. */
#include "hf_pipe_test.h"

typedef struct {
  hf_token_t token;
  int connects, closes;
  int32_t result;
} one_t;

static int count(hf_loop_t *loop, const hf_event_t *ev, void *ctx) {
  one_t *o = ctx;
  if (ev->token != o->token) {
    if (ev->kind == HF_EV_ACCEPT) { /* the live listener's side of a connect */
      ASSERT_EQ(ev->result, 0);
      ASSERT_OK(hf_close(loop, ev->aux, 0));
    } else {
      ASSERT_EQ(ev->kind, HF_EV_CLOSE); /* of a handle closed before */
    }
    return 0;
  }
  if (ev->kind == HF_EV_CONNECT) {
    o->connects++;
    o->result = ev->result;
    ASSERT_EQ(ev->aux, 99);
  } else {
    ASSERT_EQ(ev->kind, HF_EV_CLOSE);
    o->closes++;
  }
  return 0;
}

static int settled(hf_loop_t *loop, void *ctx) {
  (void)loop;
  static uint64_t start;
  one_t *o = ctx;
  if (start == 0) start = hft_now_ms();
  int done = !hft_keep_polling(start, o->closes == 1, 100);
  if (done) start = 0;
  return done;
}

/* Connects, closes after the completion, and returns the one completion's result. */
static int32_t connect_result(hf_loop_t *loop, const hft_unix_t *addr, int close_first) {
  one_t o = {0};
  ASSERT_OK(hf_pipe_connect(loop, HFT_UN(*addr), 99, &o.token));
  if (close_first) {
    ASSERT_OK(hf_close(loop, o.token, 0));
  } else {
    hf_event_t ev = hft_wait_for(loop, o.token, HF_EV_CONNECT, 2000);
    o.connects = 1;
    o.result = ev.result;
    ASSERT_EQ(hf_stream_read_start(loop, o.token), 0); /* still open until its owner closes it */
    ASSERT_OK(hf_close(loop, o.token, 0));
  }
  hft_run(loop, 3000, count, settled, &o);
  ASSERT_EQ(o.connects, 1);
  ASSERT_EQ(o.closes, 1);
  return o.result;
}

int main(void) {
  hft_watchdog(20);
  int fds0 = hft_fd_count();
  hf_loop_t *loop = hft_loop(64, 65536);
  char dir[64], path[128];
  hft_tmpdir(dir, sizeof dir);

  snprintf(path, sizeof path, "%s/missing.sock", dir);
  hft_unix_t missing = hft_unix_path(path);
  ASSERT_EQ(connect_result(loop, &missing, 0), HF_ENOENT);

  snprintf(path, sizeof path, "%s/regular", dir);
  int f = open(path, O_CREAT | O_WRONLY | O_CLOEXEC, 0666);
  ASSERT(f >= 0);
  ASSERT_OK(close(f));
  hft_unix_t regular = hft_unix_path(path);
  ASSERT_EQ(connect_result(loop, &regular, 0), HF_ECONNREFUSED); /* Linux: no socket, refused */
  ASSERT_OK(unlink(path));

  snprintf(path, sizeof path, "%s/stale.sock", dir);
  hft_unix_t stale = hft_unix_path(path);
  hf_token_t l;
  ASSERT_OK(hf_pipe_bind(loop, HFT_UN(stale), 0, &l)); /* bound, never listening, then gone */
  ASSERT_OK(hf_close(loop, l, 0));
  ASSERT_EQ(connect_result(loop, &stale, 0), HF_ECONNREFUSED);

  hft_unix_t nobody = hft_unix_abstract("hf-test-nobody-listens-here");
  ASSERT_EQ(connect_result(loop, &nobody, 0), HF_ECONNREFUSED);

  /* Closed before delivery: canceled, whether the connect had succeeded or failed. */
  snprintf(path, sizeof path, "%s/live.sock", dir);
  hft_unix_t live = hft_unix_path(path);
  ASSERT_OK(hf_pipe_bind(loop, HFT_UN(live), 0, &l));
  ASSERT_OK(hf_pipe_listen(loop, l, 128));
  for (int i = 0; i < 20; i++) ASSERT_EQ(connect_result(loop, &live, 1), HF_ECANCELED);
  ASSERT_EQ(connect_result(loop, &missing, 1), HF_ECANCELED);
  ASSERT_OK(hf_close(loop, l, 0));

  /* Bad addresses are refused before any socket exists. */
  hf_token_t t;
  struct sockaddr_in in = hft_addr4(1);
  ASSERT_EQ(hf_pipe_connect(loop, HFT_SA(in), 1, &t), HF_EAFNOSUPPORT);
  hft_unix_t empty = hft_unix_path("");
  ASSERT_EQ(hf_pipe_connect(loop, HFT_UN(empty), 1, &t), HF_EINVAL);

  hf_loop_close(loop);
  ASSERT_OK(unlink(live.sa.sun_path));
  ASSERT_OK(unlink(stale.sa.sun_path));
  ASSERT_OK(rmdir(dir));
  ASSERT_EQ(hft_fd_count(), fds0);
  return 0;
}
