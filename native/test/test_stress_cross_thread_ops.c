/* Cross-thread race, as the Java layer drives the core: threads hand random operations on a shared
 * set of (possibly stale) tokens to the loop thread through a queue and hf_loop_wake. Every
 * result must be 0 or a clean rejection (HF_ESTALE, HF_EALREADY, HF_EBUSYSTATE), never a kernel
 * EBADF/EINVAL; every write completes exactly once; no fd is left. Meant for TSan as well. */
#include "hf_test.h"

#include <pthread.h>
#include <stdatomic.h>

#define SLOTS 32
#define THREADS 3
#define RUN_MS 1500
#define QUEUE 4096

typedef struct {
  int op, slot;
  hf_token_t token; /* the token the thread saw, maybe stale by the time it runs */
} op_t;

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static op_t queue[QUEUE];
static int q_head, q_count;
static hf_token_t shared[SLOTS]; /* written by the loop thread, read by all under mu */
static atomic_int running = 1;
static hf_loop_t *loop;
static long issued, completed, executed, rejected;
static char payload[512];
static struct sockaddr_in addr;

static void *racer(void *arg) {
  uint32_t rng = (uint32_t)(uintptr_t)arg * 2654435761u + 1;
  while (atomic_load(&running)) {
    rng ^= rng << 13, rng ^= rng >> 17, rng ^= rng << 5;
    pthread_mutex_lock(&mu);
    if (q_count < QUEUE) {
      int slot = (int)(rng % SLOTS);
      queue[(q_head + q_count++) % QUEUE] = (op_t){(int)((rng >> 8) % 7), slot, shared[slot]};
    }
    pthread_mutex_unlock(&mu);
    ASSERT_OK(hf_loop_wake(loop));
    if ((rng & 63) == 0) hft_sleep_ms(1);
  }
  return NULL;
}

static void check(long rc) {
  if (rc == HF_ESTALE || rc == HF_EALREADY || rc == HF_EBUSYSTATE) rejected++;
  else ASSERT(rc >= 0);
}

static void reconnect(int slot) {
  hf_token_t t;
  ASSERT_OK(hf_tcp_connect(loop, HFT_SA(addr), 0, &t));
  pthread_mutex_lock(&mu);
  shared[slot] = t;
  pthread_mutex_unlock(&mu);
}

static void execute(op_t o) {
  hf_buf_t buf = {payload, sizeof payload};
  hf_token_t moved;
  long rc;
  executed++;
  switch (o.op) {
    case 0: check(hf_stream_read_start(loop, o.token)); break;
    case 1: check(hf_stream_read_stop(loop, o.token)); break;
    case 2:
      rc = hf_stream_write(loop, o.token, &buf, 1, 7);
      check(rc);
      if (rc >= 0) issued++;
      break;
    case 3: check(hf_stream_shutdown(loop, o.token, 0)); break;
    case 4: check(hf_tcp_nodelay(loop, o.token, 1)); break;
    case 5:
      rc = hf_handle_transfer(loop, o.token, &moved);
      check(rc);
      if (rc == 0) {
        pthread_mutex_lock(&mu);
        if (shared[o.slot] == o.token) shared[o.slot] = moved;
        else hf_close(loop, moved, 0);
        pthread_mutex_unlock(&mu);
      }
      break;
    default:
      rc = hf_close(loop, o.token, o.slot & 1);
      check(rc);
      if (rc == 0 && shared[o.slot] == o.token) reconnect(o.slot);
      break;
  }
}

static void on_event(hf_loop_t *l, const hf_event_t *ev, void *ctx) {
  (void)l, (void)ctx;
  if (ev->kind == HF_EV_WRITE) {
    ASSERT(ev->result == 0 || ev->result == HF_ECANCELED || ev->result == HF_EPIPE ||
           ev->result == HF_ECONNRESET || ev->result == HF_ECONNREFUSED);
    completed++;
  } else if (ev->kind == HF_EV_ACCEPT && ev->result == 0) {
    ASSERT_OK(hf_stream_read_start(loop, ev->aux));
  }
}

static void turn(void) {
  int n = hf_loop_poll(loop, 5);
  ASSERT(n >= 0);
  hf_event_t *events = hf_loop_events(loop);
  for (int i = 0; i < n; i++) on_event(loop, &events[i], NULL);
  pthread_mutex_lock(&mu);
  int budget = q_count; /* only what was queued before this turn: racers keep adding */
  pthread_mutex_unlock(&mu);
  while (budget-- > 0) {
    pthread_mutex_lock(&mu);
    int have = q_count > 0;
    op_t o = queue[q_head];
    if (have) q_head = (q_head + 1) % QUEUE, q_count--;
    pthread_mutex_unlock(&mu);
    if (!have) break;
    execute(o);
  }
}

int main(void) {
  hft_watchdog(60);
  int baseline = hft_fd_count();
  loop = hft_loop(256, 256 * 1024);
  uint16_t port;
  hf_token_t listener = hft_listen(loop, &port);
  addr = hft_addr4(port);
  for (int i = 0; i < SLOTS; i++) reconnect(i);
  pthread_t threads[THREADS];
  for (long i = 0; i < THREADS; i++) pthread_create(&threads[i], NULL, racer, (void *)(i + 1));
  uint64_t start = hft_now_ms();
  while (hft_now_ms() - start < RUN_MS) turn();
  atomic_store(&running, 0);
  for (int i = 0; i < THREADS; i++) pthread_join(threads[i], NULL);
  turn();
  for (int i = 0; i < SLOTS; i++) hf_close(loop, shared[i], 0);
  hf_close(loop, listener, 0);
  for (int i = 0; i < 200 && completed < issued; i++) turn();
  ASSERT_EQ(completed, issued);
  turn();
  hf_loop_close(loop);
  ASSERT_EQ(hft_fd_count(), baseline);
  printf("executed %ld ops (%ld rejected cleanly), %ld writes completed once each\n", executed,
         rejected, completed);
  return 0;
}
