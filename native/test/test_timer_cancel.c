/* A stopped or closed timer never fires, even when its expiry was already fetched. */
#include "hf_test.h"

typedef struct {
  hf_token_t a, b, c, d, e;
  int fired_a, fired_c;
  int closes;
} state_t;

static int on_event(hf_loop_t *loop, const hf_event_t *ev, void *ctx) {
  state_t *s = ctx;
  if (ev->kind == HF_EV_CLOSE) {
    ASSERT(ev->token == s->b || ev->token == s->d);
    s->closes++;
    return 0;
  }
  ASSERT_EQ(ev->kind, HF_EV_TIMER);
  /* b was closed before it was due; c, d and e are dealt with by a's handler. */
  ASSERT(ev->token == s->a || ev->token == s->c || ev->token == s->e);
  if (ev->token == s->a) {
    s->fired_a++;
    /* c and d are due in this same batch: stopping/closing them must drop their expiries. */
    ASSERT_OK(hf_timer_stop(loop, s->c));
    ASSERT_OK(hf_close(loop, s->d, 0));
    /* e is due too; restarting it voids the fetched expiry: it fires 10 s from now instead. */
    ASSERT_OK(hf_timer_start(loop, s->e, 10000, 0));
  } else {
    ASSERT(ev->token != s->e);
    s->fired_c++;
  }
  return 0;
}

int main(void) {
  hft_watchdog(10);
  hf_loop_t *loop = hft_loop(64, 65536);
  state_t s = {0};
  ASSERT_OK(hf_timer_open(loop, &s.a));
  ASSERT_OK(hf_timer_open(loop, &s.b));
  ASSERT_OK(hf_timer_open(loop, &s.c));
  ASSERT_OK(hf_timer_open(loop, &s.d));
  ASSERT_OK(hf_timer_open(loop, &s.e));

  /* Stopped and closed before due. */
  ASSERT_OK(hf_timer_start(loop, s.b, 10, 10));
  ASSERT_OK(hf_close(loop, s.b, 0));
  ASSERT_EQ(hf_timer_start(loop, s.b, 10, 0), HF_ESTALE);

  /* a, c, d, e share a deadline and fire in one batch, in that order. */
  ASSERT_OK(hf_timer_start(loop, s.a, 10, 0));
  ASSERT_OK(hf_timer_start(loop, s.c, 10, 0));
  ASSERT_OK(hf_timer_start(loop, s.d, 10, 0));
  ASSERT_OK(hf_timer_start(loop, s.e, 10, 0));
  hft_sleep_ms(30);
  uint64_t start = hft_now_ms();
  while (hft_keep_polling(start, s.fired_a && s.closes == 2, 150)) {
    int n = hf_loop_poll(loop, 10);
    ASSERT(n >= 0);
    for (int i = 0; i < n; i++)
      if (hf_loop_events(loop)[i].kind != HF_EV_NONE) on_event(loop, &hf_loop_events(loop)[i], &s);
  }
  ASSERT_EQ(s.fired_a, 1);
  ASSERT_EQ(s.fired_c, 0);
  ASSERT_EQ(s.closes, 2); /* b and d each got exactly one HF_EV_CLOSE */

  /* A stopped timer can be started again; a repeating one stops for good. */
  ASSERT_OK(hf_timer_start(loop, s.c, 5, 5));
  hf_event_t ev = hft_wait_for(loop, s.c, HF_EV_TIMER, 1000);
  ASSERT_EQ(ev.token, s.c);
  ASSERT_OK(hf_timer_stop(loop, s.c));
  ASSERT_OK(hf_timer_stop(loop, s.c)); /* idempotent */
  start = hft_now_ms();
  while (hft_now_ms() - start < 60) ASSERT_EQ(hf_loop_poll(loop, 10), 0);

  /* Closing a stopped timer emits HF_EV_CLOSE and nothing else. */
  ASSERT_OK(hf_close(loop, s.c, 0));
  ASSERT_EQ(hf_loop_poll(loop, 0), 1);
  ASSERT_EQ(hf_loop_events(loop)[0].kind, HF_EV_CLOSE);
  ASSERT_EQ(hf_loop_events(loop)[0].token, s.c);
  ASSERT_EQ(hf_loop_poll(loop, 0), 0);
  ASSERT_EQ(hf_loop_handle_count(loop), 2); /* a and e */
  hf_loop_close(loop);
  return 0;
}
