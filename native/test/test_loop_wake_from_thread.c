/* hf_loop_wake from another thread makes a poll blocked with no timeout return. */
#include "hf_test.h"

#include <pthread.h>

static void *waker(void *arg) {
  hft_sleep_ms(100);
  ASSERT_OK(hf_loop_wake(arg));
  return NULL;
}

int main(void) {
  hft_watchdog(5); /* a poll that never returns kills the test */
  hf_loop_t *loop = hft_loop(64, 65536);
  for (int round = 0; round < 3; round++) {
    pthread_t th;
    uint64_t start = hft_now_ms();
    ASSERT_OK(pthread_create(&th, NULL, waker, loop));
    ASSERT_EQ(hf_loop_poll(loop, -1), 0);
    ASSERT(hft_now_ms() - start >= 90); /* it really blocked until the wake-up */
    ASSERT_OK(pthread_join(th, NULL));
  }
  /* A wake-up before the poll makes the next poll return at once; the wake-up is consumed. */
  ASSERT_OK(hf_loop_wake(loop));
  ASSERT_OK(hf_loop_wake(loop));
  uint64_t start = hft_now_ms();
  ASSERT_EQ(hf_loop_poll(loop, -1), 0);
  ASSERT(hft_now_ms() - start < 1000);
  start = hft_now_ms();
  ASSERT_EQ(hf_loop_poll(loop, 100), 0);
  ASSERT(hft_now_ms() - start >= 90);
  hf_loop_close(loop);
  return 0;
}
