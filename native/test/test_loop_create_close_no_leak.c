/* Creating and closing a loop leaves no fd behind (epoll fd, wake-up fd, reserve fd). */
#include "hf_test.h"

int main(void) {
  int before = hft_fd_count();
  for (int i = 0; i < 100; i++) {
    hf_loop_t *loop = hft_loop(64, 65536);
    ASSERT(hft_fd_count() > before); /* the loop really holds fds while open */
    ASSERT_EQ(hf_loop_handle_count(loop), 0);
    ASSERT(strcmp(hf_loop_backend(loop), "epoll") == 0);
    ASSERT_EQ(hf_loop_poll(loop, 0), 0);
    hf_loop_close(loop);
    ASSERT_EQ(hft_fd_count(), before);
  }
  /* Caller-provided memory works the same way and is not freed by the loop. */
  hf_event_t events[16];
  static uint8_t arena[8192];
  for (int i = 0; i < 100; i++) {
    hf_loop_t *loop = NULL;
    ASSERT_OK(hf_loop_create(&loop, events, 16, arena, sizeof arena));
    ASSERT(hf_loop_events(loop) == events);
    ASSERT(hf_loop_arena(loop) == arena);
    hf_loop_close(loop);
  }
  ASSERT_EQ(hft_fd_count(), before);
  hf_loop_t *loop = NULL;
  ASSERT_EQ(hf_loop_create(&loop, NULL, 0, NULL, 4096), HF_EINVAL);
  ASSERT_EQ(hf_loop_create(&loop, NULL, 16, NULL, 0), HF_EINVAL);
  ASSERT_EQ(hft_fd_count(), before);
  return 0;
}
