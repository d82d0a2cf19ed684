/* A slot reused a million times never makes an old token valid again. */
#include "hf_test.h"

#define ROUNDS 1000000
#define SAMPLES 1000

int main(void) {
  hft_watchdog(60);
  hf_loop_t *loop = hft_loop(64, 65536);
  hf_token_t first = 0, sample[SAMPLES];
  int samples = 0;
  for (int i = 0; i < ROUNDS; i++) {
    hf_token_t t;
    ASSERT_OK(hf_timer_open(loop, &t));
    if (i == 0) first = t;
    ASSERT(t != 0);
    ASSERT(HF_TOKEN_GEN(t) >= 1 && HF_TOKEN_GEN(t) <= 0x7fffffffu);
    if (i % (ROUNDS / SAMPLES) == 0) sample[samples++] = t;
    ASSERT_OK(hf_close(loop, t, 0));
    /* Deliver HF_EV_CLOSE, then turn once more so the slot is free again. */
    ASSERT_EQ(hf_loop_poll(loop, 0), 1);
    ASSERT_EQ(hf_loop_events(loop)[0].kind, HF_EV_CLOSE);
    ASSERT_EQ(hf_loop_poll(loop, 0), 0);
    ASSERT_EQ(HF_TOKEN_SLOT(t), HF_TOKEN_SLOT(first)); /* really the same slot every time */
    ASSERT_EQ(HF_TOKEN_GEN(t), (uint32_t)i + 1);         /* with a new generation each time */
  }
  ASSERT_EQ(hf_loop_handle_count(loop), 0);
  /* A live handle in the reused slot: every old token is rejected, the live one accepted. */
  hf_token_t live;
  ASSERT_OK(hf_timer_open(loop, &live));
  ASSERT_EQ(HF_TOKEN_SLOT(live), HF_TOKEN_SLOT(first));
  ASSERT_EQ(hf_handle_type(loop, live), HF_TYPE_TIMER);
  ASSERT_EQ(hf_handle_type(loop, first), HF_ESTALE);
  ASSERT_EQ(hf_timer_start(loop, first, 1, 0), HF_ESTALE);
  ASSERT_EQ(hf_close(loop, first, 0), HF_ESTALE);
  ASSERT_EQ(samples, SAMPLES);
  for (int i = 0; i < samples; i++) {
    ASSERT_EQ(hf_handle_type(loop, sample[i]), HF_ESTALE);
    ASSERT_EQ(hf_timer_stop(loop, sample[i]), HF_ESTALE);
    ASSERT_EQ(hf_close(loop, sample[i], 0), HF_ESTALE);
  }
  ASSERT_EQ(hf_handle_type(loop, live), HF_TYPE_TIMER); /* the old tokens did not touch it */
  /* The old tokens' closes did not happen: the live timer still fires. */
  ASSERT_OK(hf_timer_start(loop, live, 1, 0));
  hf_event_t ev = hft_wait_for(loop, live, HF_EV_TIMER, 1000);
  ASSERT_EQ(ev.token, live);
  hf_loop_close(loop);
  return 0;
}
