/* Timers fire in deadline order, equal deadlines in start order; a repeating timer repeats. */
#include "hf_test.h"

typedef struct {
  hf_token_t fired[64];
  int count;
  int expected;
} log_t;

static int on_event(hf_loop_t *loop, const hf_event_t *ev, void *ctx) {
  (void)loop;
  log_t *log = ctx;
  ASSERT_EQ(ev->kind, HF_EV_TIMER);
  ASSERT_EQ(ev->result, 0);
  ASSERT(log->count < 64);
  log->fired[log->count++] = ev->token;
  return log->count == log->expected;
}

int main(void) {
  hft_watchdog(10);
  hf_loop_t *loop = hft_loop(64, 65536);

  /* Different timeouts, started out of order. */
  static const uint64_t timeouts[] = {50, 10, 40, 20, 30, 0};
  static const int order[] = {5, 1, 3, 4, 2, 0}; /* indexes sorted by timeout */
  hf_token_t t[6];
  for (int i = 0; i < 6; i++) ASSERT_OK(hf_timer_open(loop, &t[i]));
  for (int i = 0; i < 6; i++) ASSERT_OK(hf_timer_start(loop, t[i], timeouts[i], 0));
  uint64_t start = hft_now_ms();
  log_t log = {.expected = 6};
  hft_run(loop, 2000, on_event, NULL, &log);
  ASSERT(hft_now_ms() - start >= 49);
  for (int i = 0; i < 6; i++) ASSERT_EQ(log.fired[i], t[order[i]]);

  /* Equal timeouts (and deadlines that come due in the same poll) fire in start order. */
  hft_sleep_ms(2);
  for (int i = 5; i >= 0; i--) ASSERT_OK(hf_timer_start(loop, t[i], 20, 0));
  log = (log_t){.expected = 6};
  hft_sleep_ms(40); /* all due before the first poll: one batch, ordered by start */
  hft_run(loop, 2000, on_event, NULL, &log);
  for (int i = 0; i < 6; i++) ASSERT_EQ(log.fired[i], t[5 - i]);

  /* Restarting a timer moves it behind timers started earlier with the same deadline. */
  for (int i = 0; i < 3; i++) ASSERT_OK(hf_timer_start(loop, t[i], 15, 0));
  ASSERT_OK(hf_timer_start(loop, t[0], 15, 0));
  log = (log_t){.expected = 3};
  hft_sleep_ms(30);
  hft_run(loop, 2000, on_event, NULL, &log);
  ASSERT_EQ(log.fired[0], t[1]);
  ASSERT_EQ(log.fired[1], t[2]);
  ASSERT_EQ(log.fired[2], t[0]);

  /* A repeating timer fires again and again, never more often than its period allows. */
  ASSERT_OK(hf_timer_start(loop, t[0], 10, 10));
  start = hft_now_ms();
  log = (log_t){.expected = 8};
  hft_run(loop, 2000, on_event, NULL, &log);
  ASSERT(hft_now_ms() - start >= 75);
  for (int i = 0; i < 8; i++) ASSERT_EQ(log.fired[i], t[0]);
  ASSERT_OK(hf_timer_stop(loop, t[0]));

  /* Nothing is scheduled any more: polls stay empty. */
  start = hft_now_ms();
  while (hft_now_ms() - start < 60) ASSERT_EQ(hf_loop_poll(loop, 20), 0);
  hf_loop_close(loop);
  return 0;
}
