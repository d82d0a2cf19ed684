/*
 * The process-wide registry of fds owned by handles, so that adopting an fd another handle (of any
 * loop) owns is refused. A bitmap indexed by fd under one mutex: claims and releases happen once
 * per handle lifetime, next to a syscall, so the lock is never hot.
 */
#define _GNU_SOURCE
#include "internal.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static pthread_mutex_t hf__fd_lock = PTHREAD_MUTEX_INITIALIZER;
static uint64_t *hf__fd_bits;
static size_t hf__fd_words;

int hf__fd_claim(int fd, bool exclusive) {
  if (fd < 0) return HF_EBADF;
  size_t word = (size_t)fd / 64;
  uint64_t bit = (uint64_t)1 << ((unsigned)fd % 64);
  int rc = 0;
  pthread_mutex_lock(&hf__fd_lock);
  if (word >= hf__fd_words) {
    size_t words = hf__fd_words ? hf__fd_words : 16;
    while (words <= word) words *= 2;
    uint64_t *bits = realloc(hf__fd_bits, words * sizeof *bits);
    if (bits == NULL) {
      rc = HF_ENOMEM;
      goto out;
    }
    memset(bits + hf__fd_words, 0, (words - hf__fd_words) * sizeof *bits);
    hf__fd_bits = bits;
    hf__fd_words = words;
  }
  if (exclusive && (hf__fd_bits[word] & bit)) rc = HF_EEXIST;
  else hf__fd_bits[word] |= bit;
out:
  pthread_mutex_unlock(&hf__fd_lock);
  return rc;
}

void hf__fd_release(int fd) {
  if (fd < 0) return;
  size_t word = (size_t)fd / 64;
  pthread_mutex_lock(&hf__fd_lock);
  if (word < hf__fd_words) hf__fd_bits[word] &= ~((uint64_t)1 << ((unsigned)fd % 64));
  pthread_mutex_unlock(&hf__fd_lock);
}

void hf__fd_close(int fd) {
  if (fd < 0) return;
  hf__fd_release(fd);
  close(fd);
}

HF__EXPORT int hf_fd_owned(int fd) {
  if (fd < 0) return 0;
  size_t word = (size_t)fd / 64;
  pthread_mutex_lock(&hf__fd_lock);
  int owned = word < hf__fd_words && (hf__fd_bits[word] >> ((unsigned)fd % 64) & 1);
  pthread_mutex_unlock(&hf__fd_lock);
  return owned;
}
