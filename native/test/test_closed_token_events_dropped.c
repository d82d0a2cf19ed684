/* Closing a handle drops its fetched READ events, in the current batch and still queued. */
#include "hf_test.h"

static hf_token_t accept_one(hf_loop_t *loop, hf_token_t listener) {
  hf_event_t ev = hft_wait_for(loop, listener, HF_EV_ACCEPT, 2000);
  ASSERT_EQ(ev.result, 0);
  return ev.aux;
}

/* capacity 64: both READs land in the batch; capacity 1: the second one is still queued. */
static void run(uint32_t capacity) {
  int fds0 = hft_fd_count();
  hf_loop_t *loop = hft_loop(capacity, 1 << 20);
  uint16_t port;
  hf_token_t listener = hft_listen(loop, &port);
  int peer[2] = {hft_plain_connect(port), -1};
  hf_token_t s[2];
  s[0] = accept_one(loop, listener);
  peer[1] = hft_plain_connect(port);
  s[1] = accept_one(loop, listener);
  for (int i = 0; i < 2; i++) {
    ASSERT_OK(hf_stream_read_start(loop, s[i]));
    char msg[32];
    int len = snprintf(msg, sizeof msg, "hello from peer %d", i);
    ASSERT_EQ(write(peer[i], msg, (size_t)len), len);
  }
  hft_sleep_ms(20); /* both streams readable before the poll */
  int n = hf_loop_poll(loop, 1000);
  hf_event_t *evs = hf_loop_events(loop);
  ASSERT_EQ(n, capacity == 1 ? 1 : 2);
  ASSERT_EQ(evs[0].kind, HF_EV_READ);
  hf_token_t kept = evs[0].token, victim = kept == s[0] ? s[1] : s[0];
  if (n == 2) {
    ASSERT_EQ(evs[1].kind, HF_EV_READ);
    ASSERT_EQ(evs[1].token, victim);
  }
  int kept_peer = kept == s[0] ? 0 : 1;
  ASSERT_OK(hf_close(loop, victim, 0));
  /* The victim's READ in this batch is void; the other stream's READ is untouched. */
  ASSERT_EQ(evs[0].kind, HF_EV_READ);
  ASSERT_EQ(evs[0].token, kept);
  if (n == 2) ASSERT_EQ(evs[1].kind, HF_EV_NONE);
  char expect[32];
  int elen = snprintf(expect, sizeof expect, "hello from peer %d", kept_peer);
  ASSERT_EQ(evs[0].result, elen);
  ASSERT(memcmp(hf_loop_arena(loop) + evs[0].offset, expect, (size_t)elen) == 0);

  /* Later: no READ for the victim, its HF_EV_CLOSE, and the kept stream still reads. */
  ASSERT_EQ(write(peer[1 - kept_peer], "more", 4), 4);
  ASSERT_EQ(write(peer[kept_peer], "again", 5), 5);
  int closed = 0, kept_reads = 0;
  uint64_t start = hft_now_ms();
  while (hft_keep_polling(start, closed && kept_reads > 0, 300)) {
    n = hf_loop_poll(loop, 10);
    ASSERT(n >= 0);
    for (int i = 0; i < n; i++) {
      if (evs[i].kind == HF_EV_NONE) continue;
      if (evs[i].token == victim) {
        ASSERT_EQ(evs[i].kind, HF_EV_CLOSE);
        ASSERT_EQ(closed, 0);
        closed = 1;
      } else {
        ASSERT_EQ(evs[i].token, kept);
        ASSERT_EQ(evs[i].kind, HF_EV_READ);
        ASSERT_EQ(evs[i].result, 5);
        ASSERT(memcmp(hf_loop_arena(loop) + evs[i].offset, "again", 5) == 0);
        kept_reads++;
      }
    }
  }
  ASSERT_EQ(closed, 1);
  ASSERT_EQ(kept_reads, 1);
  close(peer[0]);
  close(peer[1]);
  hf_loop_close(loop);
  hft_stash_clear(); /* events kept by hft_wait_for belong to this loop */
  ASSERT_EQ(hft_fd_count(), fds0);
}

int main(void) {
  hft_watchdog(20);
  run(64);
  run(1);
  return 0;
}
