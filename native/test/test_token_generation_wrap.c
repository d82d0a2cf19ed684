/* A slot whose generation would wrap is retired: no old token ever becomes valid again. */
#include "hf_test.h"

/* Test hook exported by loop.c. */
extern int hf__test_set_generation(hf_loop_t *loop, hf_token_t token, uint32_t gen,
                                   hf_token_t *out);

#define MAX_GEN 0x7fffffffu /* generations are 31 bits: tokens stay positive Java longs */

static void close_and_release(hf_loop_t *loop, hf_token_t t) {
  ASSERT_OK(hf_close(loop, t, 0));
  ASSERT_EQ(hf_loop_poll(loop, 0), 1);
  ASSERT_EQ(hf_loop_events(loop)[0].kind, HF_EV_CLOSE);
  ASSERT_EQ(hf_loop_events(loop)[0].token, t);
  ASSERT_EQ(hf_loop_poll(loop, 0), 0); /* the slot is recycled (or retired) by now */
}

int main(void) {
  hf_loop_t *loop = hft_loop(64, 65536);
  hf_token_t t0, t1, t2, t3;
  ASSERT_OK(hf_timer_open(loop, &t0));
  uint32_t slot = HF_TOKEN_SLOT(t0);

  /* Generations outside 1..2^31-1 are refused by the hook itself. */
  ASSERT_EQ(hf__test_set_generation(loop, t0, 0xfffffffeu, &t1), HF_EINVAL);
  ASSERT_EQ(hf__test_set_generation(loop, t0, 0, &t1), HF_EINVAL);
  ASSERT_EQ(hf__test_set_generation(loop, t0, MAX_GEN + 1, &t1), HF_EINVAL);

  ASSERT_OK(hf__test_set_generation(loop, t0, MAX_GEN - 1, &t1));
  ASSERT_EQ(HF_TOKEN_SLOT(t1), slot);
  ASSERT_EQ(HF_TOKEN_GEN(t1), MAX_GEN - 1);
  ASSERT_EQ(hf_handle_type(loop, t0), HF_ESTALE); /* the old name is gone */
  ASSERT_EQ(hf_handle_type(loop, t1), HF_TYPE_TIMER);

  /* Reuse reaches the last generation ... */
  close_and_release(loop, t1);
  ASSERT_OK(hf_timer_open(loop, &t2));
  ASSERT_EQ(HF_TOKEN_SLOT(t2), slot);
  ASSERT_EQ(HF_TOKEN_GEN(t2), MAX_GEN);
  ASSERT((int64_t)t2 > 0);
  ASSERT_EQ(hf_handle_type(loop, t2), HF_TYPE_TIMER);

  /* ... and then the slot is retired instead of wrapping to a generation seen before. */
  close_and_release(loop, t2);
  for (int i = 0; i < 200; i++) {
    ASSERT_OK(hf_timer_open(loop, &t3));
    ASSERT(HF_TOKEN_SLOT(t3) != slot);
    ASSERT(t3 != t0 && t3 != t1 && t3 != t2);
    if (i % 2) close_and_release(loop, t3); /* recycling the other slots never revives it */
  }
  hf_token_t old[] = {t0, t1, t2,
                      ((uint64_t)1 << 32) | slot,   /* what a wrapped generation would be */
                      ((uint64_t)0 << 32) | slot,
                      ((uint64_t)0x80000000u << 32) | slot,
                      ((uint64_t)0xffffffffu << 32) | slot};
  for (size_t i = 0; i < sizeof old / sizeof old[0]; i++) {
    ASSERT_EQ(hf_handle_type(loop, old[i]), HF_ESTALE);
    ASSERT_EQ(hf_timer_start(loop, old[i], 1, 0), HF_ESTALE);
    ASSERT_EQ(hf_close(loop, old[i], 0), HF_ESTALE);
  }
  ASSERT_EQ(hf_loop_handle_count(loop), 100);
  hf_token_t tokens[128];
  int32_t types[128], states[128];
  int n = hf_loop_handles(loop, tokens, types, states, 128);
  ASSERT_EQ(n, 100);
  for (int i = 0; i < n; i++) ASSERT(HF_TOKEN_SLOT(tokens[i]) != slot);
  hf_loop_close(loop);
  return 0;
}
